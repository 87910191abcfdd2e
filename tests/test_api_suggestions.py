"""GET/POST /api/v1/suggestions and GET /api/v1/suggestions/{id}: what each person sees."""

import datetime
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.people.models import ApiToken, Deputy, Role
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Category, Suggestion
from tests import states
from tests.factories import DeputyFactory, RoleFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


def headers(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **headers(user))


def create(client, user, body):
    return client.post(
        "/api/v1/suggestions", body, content_type="application/json", **headers(user)
    )


def ids(response):
    assert response.status_code == 200, response.json()
    return sorted(item["id"] for item in response.json()["items"])


# --- the list ----------------------------------------------------------------------------------


def test_list_is_paginated_by_page_number_with_a_total(client, cast):
    made = [states.submitted(cast, title=f"建议{i}").pk for i in range(3)]
    first = get(client, cast.staff, "/suggestions", page_size=2).json()
    second = get(client, cast.staff, "/suggestions", page_size=2, page=2).json()
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert sorted(i["id"] for i in first["items"] + second["items"]) == sorted(made)
    assert first["items"][0]["id"] == max(made)  # newest first by default


def test_list_items_carry_state_number_units_and_warning(client, cast):
    s = states.handling(cast, joint=True)
    item = get(client, cast.staff, "/suggestions").json()["items"][0]
    assert item["id"] == s.pk
    assert item["number"] == "第0001号" and item["state"] == "handling"
    assert item["warning"] == "green" and item["reply_due"] == s.reply_due.isoformat()
    assert {(u["unit"], u["mode"]) for u in item["units"]} == {
        ("交通运输厅", "lead"),
        ("教育厅", "joint"),
    }


def test_unit_b_never_sees_unit_a_work_in_the_list(client, cast):
    only_a = states.assigned(cast)
    both = states.assigned(cast, joint=True, title="联合办理的建议")
    assert ids(get(client, cast.clerk_a, "/suggestions")) == sorted([only_a.pk, both.pk])
    assert ids(get(client, cast.clerk_b, "/suggestions")) == [both.pk]
    assert ids(get(client, cast.head_b, "/suggestions", unit=cast.unit_a.pk)) == [both.pk]


def test_outsider_sees_nothing(client, cast):
    states.closed(cast)
    states.handling(cast)
    assert get(client, cast.outsider, "/suggestions").json() == {"items": [], "count": 0}


def test_staff_do_not_see_deputies_unsubmitted_drafts(client, cast):
    draft = states.draft(cast)
    assert ids(get(client, cast.staff, "/suggestions")) == []
    assert ids(get(client, cast.deputy, "/suggestions")) == [draft.pk]


def test_filters_by_state_session_category_and_key(client, cast):
    registered = states.registered(cast)
    returned = states.submitted(cast, title="退回的建议")
    workflow.return_for_revision(returned, by=cast.staff, note="请补充具体地点。")
    other_session = SessionFactory(term=cast.term, number=5)
    elsewhere = states.submitted(cast, title="另一次会议的建议")
    Suggestion.objects.filter(pk=elsewhere.pk).update(session=other_session)  # setup, not state
    health = Category.objects.create(jurisdiction=cast.jurisdiction, name="医疗卫生")
    clinics = Category.objects.create(
        jurisdiction=cast.jurisdiction, name="基层诊所", parent=health
    )
    clinic_one = states.submitted(cast, title="诊所建议")
    Suggestion.objects.filter(pk=clinic_one.pk).update(category=clinics)
    Suggestion.objects.filter(pk=registered.pk).update(is_key=True)

    def found(**params):
        return ids(get(client, cast.staff, "/suggestions", **params))

    assert found(state="registered") == [registered.pk]
    assert found(state=["registered", "returned"]) == sorted([registered.pk, returned.pk])
    assert found(session=other_session.pk) == [elsewhere.pk]
    assert found(category=health.pk) == [clinic_one.pk]
    assert found(category=clinics.pk) == [clinic_one.pk]
    assert found(key="true") == [registered.pk]
    assert registered.pk not in found(key="false")


def test_filters_by_deputy_as_lead_or_cosigner(client, cast):
    joint = states.submitted(cast, cosign=True)
    alone = states.submitted(cast, title="独自提出的建议")
    cosigner = Deputy.objects.get(user=cast.cosigner)
    lead = Deputy.objects.get(user=cast.deputy)
    assert ids(get(client, cast.staff, "/suggestions", deputy=cosigner.pk)) == [joint.pk]
    assert ids(get(client, cast.staff, "/suggestions", deputy=lead.pk)) == sorted(
        [joint.pk, alone.pk]
    )


def test_filters_overdue_and_warning_colours(client, cast):
    today = datetime.date(2026, 6, 15)
    with patch("django.utils.timezone.localdate", return_value=today):
        overdue = states.assigned(cast, on=datetime.date(2026, 2, 2), title="逾期")
        yellow = states.assigned(cast, on=datetime.date(2026, 3, 17), title="临期")
        green = states.assigned(cast, on=datetime.date(2026, 6, 1), title="正常")

        def found(**params):
            return ids(get(client, cast.staff, "/suggestions", **params))

        assert found(overdue="true") == [overdue.pk]
        assert found(overdue="false") == sorted([yellow.pk, green.pk])
        assert found(warning="red") == [overdue.pk]
        assert found(warning="yellow") == [yellow.pk]
        assert found(warning="green") == [green.pk]


def test_text_search_matches_title_body_deputy_and_number(client, cast):
    road = states.registered(cast, title="关于农村公路的建议")
    school = states.registered(cast, title="关于乡村学校的建议")
    cast.deputy.real_name = "林建国"
    cast.deputy.save()
    assert ids(get(client, cast.staff, "/suggestions", q="乡村学校")) == [school.pk]
    assert ids(get(client, cast.staff, "/suggestions", q="护栏")) == sorted([road.pk, school.pk])
    assert ids(get(client, cast.staff, "/suggestions", q="林建国")) == sorted([road.pk, school.pk])
    assert ids(get(client, cast.staff, "/suggestions", q="第0002号")) == [school.pk]


def test_list_sorts_by_number(client, cast):
    first, second = states.registered(cast, title="一"), states.registered(cast, title="二")
    items = get(client, cast.staff, "/suggestions", sort="number").json()["items"]
    assert [i["id"] for i in items] == [first.pk, second.pk]


def test_bad_filter_values_are_422_not_500(client, cast):
    for params in (
        {"state": "nope"},
        {"page": 0},
        {"page_size": 1000},
        {"warning": "blue"},
        {"unit": "x"},
        {"unit": 10**30},
        {"page": 10**12},
        {"sort": "title"},
    ):
        response = get(client, cast.staff, "/suggestions", **params)
        assert response.status_code == 422, params
        assert response.json()["detail"]


def test_list_needs_authentication(client, cast):
    assert client.get("/api/v1/suggestions").status_code == 401


# --- one suggestion ----------------------------------------------------------------------------


def test_detail_has_state_number_due_dates_assignments_and_timeline(client, cast):
    with patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 3, 2)):
        s = states.answered(cast, joint=True)
        body = get(client, cast.staff, f"/suggestions/{s.pk}").json()
    assert body["state"] == "answered" and body["number"] == "第0001号"
    assert body["title"] == s.title and body["category"]["name"] == "交通运输"
    assert body["due"]["reply_due"] == s.reply_due.isoformat()
    assert body["due"]["reply_due_uncertain"] is False and body["due"]["notice"] is None
    assert [(a["unit"], a["mode"], a["state"]) for a in body["assignments"]] == [
        ("交通运输厅", "lead", "replied"),
        ("教育厅", "joint", "replied"),
    ]
    assert body["joint_opinions"][0]["unit"] == "教育厅"
    assert body["contacts"][0]["method"] == "phone"
    assert body["replies"][0]["category"] == "A" and body["replies"][0]["sent_at"]
    assert body["replies"][0]["rating_due"]
    events = [(e["action"], e["from_state"], e["to_state"]) for e in body["events"]]
    assert events[0] == ("create", "", "draft")
    assert ("register", "submitted", "registered") in events
    assert body["events"][-1]["actor"] == cast.head_a.display_name
    assert body["version"] == len(body["events"])


def test_detail_lists_ratings_and_rehandling_round(client, cast):
    s = states.rehandling(cast)
    body = get(client, cast.clerk_a, f"/suggestions/{s.pk}").json()
    assert body["state"] == "rehandling" and body["round"] == 2
    assert body["ratings"][0]["overall"] == "unsatisfied"
    assert body["ratings"][0]["reasons"] == "护栏只装了一半。"


def test_detail_flags_a_due_date_in_an_unknown_calendar_year(client, cast):
    day = datetime.date(2031, 7, 1)  # no official calendar for 2031; due on its National Day
    with patch("django.utils.timezone.localdate", return_value=day):
        s = states.assigned(cast, on=day)
    assert s.reply_due_uncertain
    due = get(client, cast.staff, f"/suggestions/{s.pk}").json()["due"]
    assert due["reply_due_uncertain"] is True and due["notice"]


def test_detail_does_not_flag_an_unknown_year_date_far_from_any_festival(client, cast):
    day = datetime.date(2031, 3, 3)  # due Tuesday 3 June 2031: nothing can move it
    with patch("django.utils.timezone.localdate", return_value=day):
        s = states.assigned(cast, on=day, title="六月到期")
    due = get(client, cast.staff, f"/suggestions/{s.pk}").json()["due"]
    assert due["reply_due"] == "2031-06-03"
    assert due["reply_due_uncertain"] is False and due["notice"] is None


def test_deputy_phone_only_for_staff_deputy_and_handling_units(client, cast):
    s = states.handling(cast)
    Deputy.objects.filter(user=cast.deputy).update(contact_phone="13912345678")
    for user in (cast.staff, cast.deputy, cast.clerk_a, cast.head_a):
        lead = get(client, user, f"/suggestions/{s.pk}").json()["lead_deputy"]
        assert lead["contact_phone"] == "13912345678", user
    for user in (cast.supervisor, cast.committee):
        lead = get(client, user, f"/suggestions/{s.pk}").json()["lead_deputy"]
        assert lead["contact_phone"] is None, user


def test_draft_reply_is_seen_by_its_unit_and_staff_only(client, cast):
    s = states.handling(cast)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    for user, count in (
        (cast.clerk_a, 1),
        (cast.head_a, 1),
        (cast.staff, 1),
        (cast.deputy, 0),
        (cast.supervisor, 0),
    ):
        assert len(get(client, user, f"/suggestions/{s.pk}").json()["replies"]) == count, user


def test_detail_is_404_for_those_who_may_not_see_it(client, cast):
    s = states.handling(cast)
    for user in (cast.clerk_b, cast.head_b, cast.outsider):
        response = get(client, user, f"/suggestions/{s.pk}")
        assert response.status_code == 404, user
        assert response.json()["detail"]
    assert get(client, cast.staff, "/suggestions/999999").status_code == 404
    assert get(client, cast.staff, f"/suggestions/{10**30}").status_code == 404


def test_confidential_suggestion_is_hidden_from_supervisors_and_committees(client, cast):
    s = states.handling(cast, is_confidential=True)
    assert get(client, cast.supervisor, f"/suggestions/{s.pk}").status_code == 404
    assert get(client, cast.committee, f"/suggestions/{s.pk}").status_code == 404
    assert get(client, cast.clerk_a, f"/suggestions/{s.pk}").json()["is_confidential"] is True


def test_unit_b_gets_404_for_unit_a_suggestion(client, cast):
    s = states.answered(cast)
    assert get(client, cast.clerk_b, f"/suggestions/{s.pk}").status_code == 404
    assert get(client, cast.clerk_b, f"/suggestions/{s.pk}/actions").status_code == 404


# --- creating a draft --------------------------------------------------------------------------


def test_deputy_creates_a_draft_in_the_current_session(client, cast):
    category = states.category(cast)
    cosigner = Deputy.objects.get(user=cast.cosigner)
    response = create(
        client,
        cast.deputy,
        {
            "title": "关于增设公交站台的建议",
            "body": "建议在城南新区增设公交站台。",
            "category": category.pk,
            "cosigners": [cosigner.pk],
            "is_confidential": False,
            "source": "between_sessions",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    s = Suggestion.objects.get(pk=body["id"])
    assert (s.state, s.session.number, s.series, s.created_by) == ("draft", 4, "B", cast.deputy)
    assert body["lead_deputy"]["name"] == cast.deputy.display_name
    assert body["cosigners"] == [
        {
            "deputy_id": cosigner.pk,
            "name": str(cosigner),
            "state": "invited",
            "state_label": body["cosigners"][0]["state_label"],
            "answered_at": None,
        }
    ]
    assert body["events"][0]["action"] == "create"


def test_staff_create_on_a_deputys_behalf(client, cast):
    lead = Deputy.objects.get(user=cast.deputy)
    response = create(
        client,
        cast.staff,
        {
            "title": "代录的建议",
            "body": "纸质建议录入。",
            "lead_deputy": lead.pk,
            "cosigners": [Deputy.objects.get(user=cast.cosigner).pk],
            "cosigned_on_paper": True,
        },
    )
    assert response.status_code == 201, response.json()
    s = Suggestion.objects.get(pk=response.json()["id"])
    assert s.lead_deputy == lead and s.created_by == cast.staff
    assert response.json()["cosigners"][0]["state"] == "confirmed"


def test_a_deputy_cannot_write_for_another_deputy(client, cast):
    other = Deputy.objects.get(user=cast.cosigner)
    response = create(client, cast.deputy, {"title": "t", "body": "b", "lead_deputy": other.pk})
    assert response.status_code == 403


def test_deputy_cannot_record_paper_cosignatures(client, cast):
    response = create(client, cast.deputy, {"title": "t", "body": "b", "cosigned_on_paper": True})
    assert response.status_code == 403


def test_clerk_without_a_deputy_profile_may_not_create(client, cast):
    assert create(client, cast.clerk_a, {"title": "t", "body": "b"}).status_code == 403


def test_staff_must_name_the_lead_deputy(client, cast):
    assert create(client, cast.staff, {"title": "t", "body": "b"}).status_code == 422


def test_outsider_cannot_write_for_our_deputy(client, cast):
    lead = Deputy.objects.get(user=cast.deputy)
    response = create(client, cast.outsider, {"title": "t", "body": "b", "lead_deputy": lead.pk})
    assert response.status_code == 422  # not a deputy the outsider can see
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"body": "没有标题"},
        {"title": "没有内容"},
        {"title": "  ", "body": "  "},
        {"title": "x" * 201, "body": "b"},
        {"title": "t", "body": "b", "category": 999999},
        {"title": "t", "body": "b", "cosigners": [999999]},
        {"title": "t", "body": "b", "source": "by_pigeon"},
        {"title": "t", "body": "b", "unknown_field": 1},
    ],
)
def test_bad_draft_bodies_are_422(client, cast, body):
    response = create(client, cast.deputy, body)
    assert response.status_code == 422, response.json()
    assert response.json()["detail"]
    assert not Suggestion.objects.exists()


def test_category_of_another_congress_is_refused(client, cast):
    foreign = Category.objects.create(jurisdiction=cast.other_jurisdiction, name="交通运输")
    response = create(client, cast.deputy, {"title": "t", "body": "b", "category": foreign.pk})
    assert response.status_code == 422


def test_cosigner_from_another_congress_is_refused(client, cast):
    foreign_user = UserFactory(username="foreign_deputy", jurisdiction=cast.other_jurisdiction)
    RoleFactory(user=foreign_user, kind=Role.Kind.DEPUTY, jurisdiction=cast.other_jurisdiction)
    foreign = DeputyFactory(
        user=foreign_user, term=TermFactory(jurisdiction=cast.other_jurisdiction)
    )
    response = create(client, cast.deputy, {"title": "t", "body": "b", "cosigners": [foreign.pk]})
    assert response.status_code == 422


def test_no_current_session_is_a_conflict(client, cast):
    cast.term.is_current = False
    cast.term.save()
    assert create(client, cast.deputy, {"title": "t", "body": "b"}).status_code == 409
    lead = Deputy.objects.get(user=cast.deputy)
    response = create(client, cast.staff, {"title": "t", "body": "b", "lead_deputy": lead.pk})
    assert response.status_code == 409


def test_list_queries_do_not_grow_with_the_page(client, cast):
    auth = headers(cast.staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/suggestions", **auth).status_code == 200
        return len(queries)

    states.assigned(cast, joint=True)
    few = count()
    for i in range(4):
        states.assigned(cast, joint=True, title=f"建议{i}")
    assert count() == few


def test_a_deputy_of_an_earlier_term_cannot_write_into_the_new_one(client, cast):
    cast.term.is_current = False
    cast.term.save()
    new_term = TermFactory(jurisdiction=cast.jurisdiction, number=15, name="第十五届")
    SessionFactory(term=new_term, number=1)
    assert create(client, cast.deputy, {"title": "t", "body": "b"}).status_code == 409
    assert not Suggestion.objects.exists()
