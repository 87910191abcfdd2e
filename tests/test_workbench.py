"""The staff workbench: a filtered, sorted, paged list of what each person may see."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from minsheng.suggestions.views import office as views_office
from tests import states

pytestmark = pytest.mark.django_db
URL = reverse("suggestions:workbench")


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, {row["s"].pk for row in response.context["rows"]}


def test_staff_see_everything_past_the_draft(client, cast):
    draft = states.draft(cast, title="草稿建议")
    submitted = states.submitted(cast, title="已提交建议")
    handling = states.handling(cast, title="办理中建议")
    _response, found = listed(client, cast.staff)
    assert found == {submitted.pk, handling.pk}
    assert draft.pk not in found


def test_unit_b_clerk_never_sees_unit_a_work(client, cast):
    only_a = states.assigned(cast, title="交通建议")
    shared = states.assigned(cast, title="联合建议", joint=True)
    _response, found = listed(client, cast.clerk_b)
    assert found == {shared.pk}
    _response, found = listed(client, cast.clerk_b, q="交通")
    assert only_a.pk not in found
    _response, found = listed(client, cast.clerk_b, unit=cast.unit_a.pk)
    assert found == {shared.pk}


def test_outsider_sees_nothing(client, cast):
    states.handling(cast)
    _response, found = listed(client, cast.outsider)
    assert found == set()


def test_supervisor_and_committee_get_a_read_only_list(client, cast):
    states.submitted(cast, title="待审查")
    handling = states.handling(cast)
    response, found = listed(client, cast.supervisor)
    assert found == {handling.pk}
    assert response.context["is_staff"] is False
    assert b'name="ids"' not in response.content
    _response, found = listed(client, cast.committee)
    assert found == {handling.pk}


def test_search_by_number_title_and_body(client, cast):
    first = states.registered(cast, title="关于修建乡村公路的建议")
    second = states.registered(cast, title="关于增加公交线路的建议")
    assert second.display_number == "第0002号"
    for text in ("第0002号", "0002", "2", "2号"):
        _response, found = listed(client, cast.staff, q=text)
        assert second.pk in found and first.pk not in found, text
    _response, found = listed(client, cast.staff, q="乡村公路")
    assert found == {first.pk}
    _response, found = listed(client, cast.staff, q="护栏")  # in the body of both
    assert found == {first.pk, second.pk}


def test_filters_by_state_flag_deputy_and_category(client, cast):
    submitted = states.submitted(cast, title="甲")
    secret = states.registered(cast, title="乙", is_confidential=True)
    _response, found = listed(client, cast.staff, state="submitted")
    assert found == {submitted.pk}
    _response, found = listed(client, cast.staff, state="open")
    assert found == {secret.pk}
    _response, found = listed(client, cast.staff, confidential="yes")
    assert found == {secret.pk}
    _response, found = listed(client, cast.staff, confidential="no")
    assert found == {submitted.pk}
    _response, found = listed(client, cast.staff, key="yes")
    assert found == set()
    _response, found = listed(client, cast.staff, deputy=cast.deputy.real_name)
    assert found == {submitted.pk, secret.pk}
    _response, found = listed(client, cast.staff, deputy="没有这个人")
    assert found == set()
    other = states.category(cast, "教育")
    _response, found = listed(client, cast.staff, category=other.pk)
    assert found == set()
    _response, found = listed(client, cast.staff, category=states.category(cast).pk)
    assert found == {submitted.pk, secret.pk}


def test_deputy_filter_finds_co_signed_suggestions(client, cast):
    joint = states.submitted(cast, title="联名", cosign=True)
    states.submitted(cast, title="单独")
    _response, found = listed(client, cast.staff, deputy=cast.cosigner.real_name)
    assert found == {joint.pk}


def test_overdue_and_warning_colours_follow_the_stored_dates(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        late = states.assigned(cast, title="早交办")
    with states.frozen(datetime.date(2026, 5, 20)):
        soon = states.assigned(cast, title="近交办")
    late.refresh_from_db()
    soon.refresh_from_db()
    with states.frozen(datetime.date(2026, 6, 10)):
        assert late.warning(datetime.date(2026, 6, 10)) == "red"
        _response, found = listed(client, cast.staff, overdue="on")
        assert found == {late.pk}
        _response, found = listed(client, cast.staff, warning="red")
        assert found == {late.pk}
        _response, found = listed(client, cast.staff, warning="green")
        assert found == {soon.pk}
    with states.frozen(soon.warn_from):
        _response, found = listed(client, cast.staff, warning="yellow")
        assert soon.pk in found


def test_date_range_filters_on_the_chosen_date(client, cast):
    with states.frozen(datetime.date(2026, 2, 1)):
        early = states.registered(cast, title="早")
    with states.frozen(datetime.date(2026, 3, 1)):
        late = states.registered(cast, title="晚")
    _response, found = listed(
        client, cast.staff, date_field="registered", date_from="2026-02-15", date_to="2026-03-31"
    )
    assert found == {late.pk}
    _response, found = listed(client, cast.staff, date_field="submitted", date_to="2026-02-01")
    assert found == {early.pk}


def test_bad_filter_values_are_ignored_not_errors(client, cast):
    s = states.registered(cast)
    response, found = listed(
        client,
        cast.staff,
        state="nonsense",
        session="abc",
        unit="999999",
        date_from="yesterday",
        date_to="2026-13-45",
        sort="; drop table",
        page="x",
        warning="purple",
    )
    assert found == {s.pk}
    # A backwards range is a form error shown on the page, not a crash.
    response, found = listed(client, cast.staff, date_from="2026-05-01", date_to="2026-04-01")
    assert response.context["form"].errors["date_to"]


def test_sorts_by_number_both_ways(client, cast):
    made = [states.registered(cast, title=f"建议{i}") for i in range(3)]
    response, _found = listed(client, cast.staff, sort="number")
    assert [r["s"].pk for r in response.context["rows"]] == [s.pk for s in made]
    response, _found = listed(client, cast.staff, sort="-number")
    assert [r["s"].pk for r in response.context["rows"]] == [s.pk for s in reversed(made)]


def test_pages_keep_the_filters(client, cast, monkeypatch):
    monkeypatch.setattr(views_office, "PER_PAGE", 2)
    for i in range(5):
        states.submitted(cast, title=f"待审{i}")
    response, found = listed(client, cast.staff, state="submitted", sort="created")
    assert len(found) == 2
    page = response.context["page"]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    html = response.content.decode()
    assert "state=submitted&amp;sort=created&amp;page=2" in html
    response, found = listed(client, cast.staff, state="submitted", sort="created", page=3)
    assert len(found) == 1


def test_export_link_keeps_the_filters(client, cast):
    states.submitted(cast)
    response, _found = listed(client, cast.staff, state="submitted", page=1)
    html = response.content.decode()
    assert f'{reverse("suggestions:export")}?state=submitted"' in html


def test_list_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(3):
        states.assigned(cast, title=f"少{i}", joint=True)
    client.force_login(cast.staff)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for i in range(12):
        states.assigned(cast, title=f"多{i}", joint=True, cosign=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 15


def test_staff_register_the_ticked_suggestions_in_submission_order(client, cast):
    first = states.submitted(cast, title="先")
    second = states.submitted(cast, title="后")
    client.force_login(cast.staff)
    response = client.get(URL, {"state": "submitted"})
    assert b'name="ids"' in response.content
    response = client.post(
        reverse("suggestions:bulk_register"),
        {"ids": [second.pk, first.pk], "next": f"{URL}?state=submitted"},
    )
    assert response.status_code == 302 and response.url == f"{URL}?state=submitted"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.number) == (Suggestion.State.REGISTERED, 1)
    assert (second.state, second.number) == (Suggestion.State.REGISTERED, 2)
    notes = list(get_messages(response.wsgi_request))
    assert [m.level_tag for m in notes] == ["success"]
    assert "第0001号" in notes[0].message and "第0002号" in notes[0].message


def test_bulk_register_reports_each_failure(client, cast):
    fine = states.submitted(cast, title="可以立案")
    already = states.registered(cast, title="已经立案")
    stale = states.submitted(cast, title="被人改过")
    client.force_login(cast.staff)
    response = client.post(
        reverse("suggestions:bulk_register"),
        {
            "ids": [fine.pk, already.pk, stale.pk, 999999, "junk"],
            f"version_{stale.pk}": stale.version - 1,
        },
    )
    assert response.status_code == 302
    fine.refresh_from_db()
    stale.refresh_from_db()
    assert fine.state == Suggestion.State.REGISTERED
    assert stale.state == Suggestion.State.SUBMITTED
    notes = list(get_messages(response.wsgi_request))
    errors = [m.message for m in notes if m.level_tag == "error"]
    assert len(errors) == 3
    assert any("已经立案" in e for e in errors)
    assert any("被人改过" in e for e in errors)
    assert any("999999" in e for e in errors)


def test_only_staff_may_bulk_register(client, cast):
    s = states.submitted(cast)
    for person in (cast.clerk_a, cast.supervisor, cast.deputy):
        client.force_login(person)
        response = client.post(reverse("suggestions:bulk_register"), {"ids": [s.pk]})
        assert response.status_code == 403
    client.force_login(cast.outsider)  # staff, but of another congress: not found
    client.post(reverse("suggestions:bulk_register"), {"ids": [s.pk]})
    s.refresh_from_db()
    assert s.state == Suggestion.State.SUBMITTED


def test_bulk_register_needs_post_and_a_selection(client, cast):
    client.force_login(cast.staff)
    assert client.get(reverse("suggestions:bulk_register")).status_code == 405
    response = client.post(reverse("suggestions:bulk_register"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == URL
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_html_in_titles_is_shown_as_text(client, cast):
    states.submitted(cast, title="<script>alert(1)</script>")
    response, _found = listed(client, cast.staff)
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_workflow_conflict_never_raises_out_of_bulk_register(client, cast, monkeypatch):
    s = states.submitted(cast)

    def refuse(*args, **kwargs):
        raise workflow.Conflict("不行")

    monkeypatch.setattr(workflow, "register", refuse)
    client.force_login(cast.staff)
    response = client.post(reverse("suggestions:bulk_register"), {"ids": [s.pk]})
    assert response.status_code == 302
    assert any("不行" in m.message for m in get_messages(response.wsgi_request))
