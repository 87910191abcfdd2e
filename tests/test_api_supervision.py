"""The supervision API: key items, their actions, instructions, the supervision of one suggestion
and the warning board, over JSON, with 403 / 404 / 409 / 422 where the rules say so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minsheng.api.supervision import INSTRUCTION_ROUTES, KEY_ITEM_ROUTES, ON_SUGGESTION_ROUTES
from minsheng.people.models import ApiToken
from minsheng.supervision import workflow
from minsheng.supervision.models import Instruction, KeyItem, Record, Tier
from tests import states

pytestmark = pytest.mark.django_db


def headers(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **headers(user))


def post(client, user, path, body=None):
    return client.post(
        f"/api/v1{path}",
        body if body is not None else {},
        content_type="application/json",
        **headers(user),
    )


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def _proposed(cast, *suggestions, title="农村公路养护专题"):
    return workflow.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title=title,
        year=timezone.localdate().year,
        suggestions=suggestions,
        lead_unit=cast.unit_a,
    )


def _decided(cast, *suggestions):
    return workflow.decide(
        _proposed(cast, *suggestions), by=cast.staff, decided_on=timezone.localdate()
    )


@pytest.fixture
def item(cast):
    return _decided(cast, states.handling(cast, joint=True))


# --- the bodies come from the declarations -----------------------------------------------------


def test_every_declared_action_has_its_own_endpoint_and_body(client, cast):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for routes, template in (
        (KEY_ITEM_ROUTES, "/api/v1/key-items/{{key_item_id}}/actions/{name}"),
        (ON_SUGGESTION_ROUTES, "/api/v1/suggestions/{{suggestion_id}}/supervision/{name}"),
        (INSTRUCTION_ROUTES, "/api/v1/instructions/{{instruction_id}}/actions/{name}"),
    ):
        for name in routes.registry.actions:
            op = paths[template.format(name=name)]["post"]
            assert op["summary"] and op["tags"] == ["supervision actions"]
            assert {"200", "403", "404", "409", "422"} <= set(op["responses"])
    components = schema["components"]["schemas"]
    # Two registries declare `supervise`: each body has its own name.
    assert "expected_version" in components["KeyItemSuperviseIn"]["properties"]
    assert "suggestion" in components["KeyItemSuperviseIn"]["properties"]
    assert "expected_version" not in components["SuggestionSuperviseIn"]["properties"]
    assert components["InstructionRespondIn"]["required"] == ["response"]


# --- proposing and the list --------------------------------------------------------------------


def test_staff_propose_a_topic_and_a_unit_marks_its_internal_item(client, cast):
    s = states.handling(cast)
    body = {"title": "专题", "suggestions": [s.pk], "lead_unit": cast.unit_a.pk}
    made = ok(post(client, cast.staff, "/key-items", body), 201)
    assert made["state"] == "proposed" and made["year"] == timezone.localdate().year
    assert [m["id"] for m in made["suggestions"]] == [s.pk]
    assert made["lead_unit"] == {"id": cast.unit_a.pk, "name": cast.unit_a.name}
    internal = {"kind": "internal", "title": "内部督办", "owner_unit": cast.unit_b.pk}
    mine = ok(post(client, cast.clerk_b, "/key-items", internal), 201)
    assert mine["state"] == "supervising" and mine["owner_unit"]["id"] == cast.unit_b.pk


@pytest.mark.parametrize(
    ("who", "body", "status", "words"),
    [
        ("deputy", {"title": "x"}, 403, None),
        ("clerk_a", {"title": "x"}, 403, None),
        ("staff", {"title": ""}, 422, "title"),
        ("staff", {"title": "x", "year": 1999}, 422, "year"),
        ("staff", {"title": "x", "extra": 1}, 422, "extra"),
        ("staff", {"title": "x", "lead_unit": 999999}, 422, "999999"),
        ("staff", {"title": "x", "suggestions": [999999]}, 422, "999999"),
        ("staff", {"title": "x", "kind": "suggestion"}, 422, None),
        ("clerk_a", {"title": "x", "kind": "internal"}, 422, "owner_unit"),
        ("clerk_a", {"title": "x", "kind": "internal", "owner_unit": "{unit_b}"}, 422, None),
    ],
)
def test_a_bad_proposal_is_refused_with_a_reason(client, cast, who, body, status, words):
    if body.get("owner_unit") == "{unit_b}":
        body = {**body, "owner_unit": cast.unit_b.pk}
    response = post(client, getattr(cast, who), "/key-items", body)
    assert response.status_code == status, response.json()
    assert response.json()["detail"]
    if words:
        assert words in response.json()["detail"]
    assert not KeyItem.objects.filter(title="x").exists()


def test_the_list_filters_by_year_and_state_and_pages(client, cast, item):
    _proposed(cast, title="拟督办")
    found = ok(get(client, cast.staff, "/key-items"))
    assert found["count"] == 2
    row = next(r for r in found["items"] if r["id"] == item.pk)
    assert row["n_suggestions"] == 1 and row["state"] == "supervising"
    assert row["warning"] == "green"
    only = ok(get(client, cast.staff, "/key-items", state="proposed"))
    assert [r["title"] for r in only["items"]] == ["拟督办"]
    assert ok(get(client, cast.staff, "/key-items", year=2001))["count"] == 0
    paged = ok(get(client, cast.staff, "/key-items", page_size=1, page=2))
    assert len(paged["items"]) == 1 and paged["count"] == 2
    assert get(client, cast.staff, "/key-items", state="nonsense").status_code == 422
    # A proposal is the office's working paper.
    assert [r["id"] for r in ok(get(client, cast.committee, "/key-items"))["items"]] == [item.pk]


def test_the_list_costs_the_same_queries_for_more_items(client, cast):
    _decided(cast, states.handling(cast))
    h = headers(cast.staff)
    client.get("/api/v1/key-items", **h)  # warm the caches (content types, calendar)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/key-items", **h)
    for _n in range(3):
        _decided(cast, states.handling(cast))
    with CaptureQueriesContext(connection) as four:
        assert client.get("/api/v1/key-items", **h).json()["count"] == 4
    assert len(four) == len(one)


def test_the_instructions_list_costs_the_same_queries_for_more_rows(client, cast, item):
    s = item.suggestions.get()
    workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="一", suggestion=s)
    h = headers(cast.clerk_a)
    client.get("/api/v1/instructions", **h)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/instructions", **h)
    for text in ("二", "三", "四"):
        workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text=text, suggestion=s)
    with CaptureQueriesContext(connection) as four:
        assert client.get("/api/v1/instructions", **h).json()["count"] == 4
    assert len(four) == len(one)


# --- one key item ------------------------------------------------------------------------------


def test_the_detail_shows_lights_supervisors_instructions_and_records(client, cast, item):
    s = item.suggestions.get()
    workflow.add_supervisor(
        item, by=cast.staff, user=cast.supervisor, tier=Tier.objects.get(number=2), duty="lead"
    )
    workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。", suggestion=s)
    workflow.supervise(
        item,
        by=cast.staff,
        kind="visit",
        happened_on=timezone.localdate(),
        participants="常委会",
        notes="现场调研。",
    )
    found = ok(get(client, cast.supervisor, f"/key-items/{item.pk}"))
    assert found["version"] == KeyItem.objects.get(pk=item.pk).version
    assert [(m["id"], m["warning"]) for m in found["suggestions"]] == [(s.pk, "green")]
    assert found["supervisors"][0]["tier"] == 2 and found["supervisors"][0]["duty"] == "lead"
    (given,) = found["instructions"]
    assert given["state"] == "open" and given["warning"] in ("green", "yellow")
    assert given["due"] and given["suggestion"]["id"] == s.pk and given["response"] == ""
    assert found["records"][0]["kind"] == "visit"
    assert [e["action"] for e in found["events"]][:2] == ["create", "decide"]


def test_a_key_item_the_caller_may_not_see_is_404(client, cast, item):
    proposed = _proposed(cast)
    for who, pk in (("outsider", item.pk), ("committee", proposed.pk), ("staff", 999_999)):
        user = getattr(cast, who)
        assert get(client, user, f"/key-items/{pk}").status_code == 404
        assert get(client, user, f"/key-items/{pk}/actions").status_code == 404
        assert post(client, user, f"/key-items/{pk}/actions/drop", {"note": "x"}).status_code == 404


def test_a_confidential_suggestion_is_never_listed_to_a_committee_member(client, cast):
    open_one = states.handling(cast)
    secret = states.handling(cast, title="涉密建议", is_confidential=True)
    item = _decided(cast, open_one, secret)
    workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="涉密事项。", suggestion=secret)
    workflow.supervise(
        item,
        by=cast.staff,
        kind="meeting",
        happened_on=timezone.localdate(),
        participants="办公厅",
        notes="涉密会议。",
        suggestion=secret,
    )
    seen = ok(get(client, cast.committee, f"/key-items/{item.pk}"))
    assert [m["id"] for m in seen["suggestions"]] == [open_one.pk]
    assert seen["hidden_suggestions"] == 1
    assert seen["instructions"] == [] and seen["records"] == []
    assert "涉密" not in str(seen)
    listed = ok(get(client, cast.committee, "/instructions"))
    assert listed["count"] == 0
    assert get(client, cast.committee, f"/suggestions/{secret.pk}/supervision").status_code == 404
    # The office and the unit handling it see it all.
    assert ok(get(client, cast.staff, f"/key-items/{item.pk}"))["hidden_suggestions"] == 0
    assert len(ok(get(client, cast.clerk_a, f"/key-items/{item.pk}"))["instructions"]) == 1


# --- key item actions --------------------------------------------------------------------------


def test_what_each_person_may_do_on_a_key_item(client, cast, item):
    def names(user):
        return [
            a["name"] for a in ok(get(client, user, f"/key-items/{item.pk}/actions"))["actions"]
        ]

    assert names(cast.staff) == [
        "conclude",
        "add_supervisor",
        "add_suggestion",
        "supervise",
        "instruct",
    ]
    assert names(cast.committee) == ["supervise"]
    assert names(cast.clerk_a) == []
    conclude = ok(get(client, cast.staff, f"/key-items/{item.pk}/actions"))["actions"][0]
    assert conclude["path"] == f"/api/v1/key-items/{item.pk}/actions/conclude"
    assert conclude["problems"]  # its suggestion is still being handled
    assert [f["name"] for f in conclude["fields"]] == ["expected_version", "summary"]


def test_the_council_decides_through_the_api(client, cast):
    proposal = _proposed(cast, states.handling(cast))
    body = {"decided_on": timezone.localdate().isoformat(), "decision_number": "常办字〔2026〕3号"}
    done = ok(post(client, cast.staff, f"/key-items/{proposal.pk}/actions/decide", body))
    assert done["state"] == "supervising" and done["decision_number"] == "常办字〔2026〕3号"
    again = post(client, cast.staff, f"/key-items/{proposal.pk}/actions/decide", body)
    assert again.status_code == 409


def test_drop_a_proposal(client, cast):
    proposal = _proposed(cast)
    done = ok(
        post(client, cast.staff, f"/key-items/{proposal.pk}/actions/drop", {"note": "未入选。"})
    )
    assert done["state"] == "dropped"


def test_supervisors_suggestions_records_and_instructions_through_the_api(client, cast, item):
    base = f"/key-items/{item.pk}/actions"
    tier = Tier.objects.get(number=5).pk
    body = {"user": cast.supervisor.pk, "tier": tier, "duty": "supervise"}
    ok(post(client, cast.staff, f"{base}/add_supervisor", body))
    assert post(client, cast.staff, f"{base}/add_supervisor", body).status_code == 422
    extra = states.handling(cast, title="另一件")
    found = ok(post(client, cast.staff, f"{base}/add_suggestion", {"suggestion": extra.pk}))
    assert {m["id"] for m in found["suggestions"]} == {
        extra.pk,
        *item.suggestions.values_list("pk", flat=True),
    }
    record = {
        "kind": "reminder",
        "channel": "phone",
        "happened_on": timezone.localdate().isoformat(),
        "participants": "督办处",
        "notes": "电话催办。",
        "unit": cast.unit_a.pk,
        "suggestion": extra.pk,
    }
    ok(post(client, cast.committee, f"{base}/supervise", record))
    assert Record.objects.get(key_item=item).suggestion_id == extra.pk
    given = ok(
        post(
            client,
            cast.supervisor,
            f"{base}/instruct",
            {"unit": cast.unit_a.pk, "text": "尽快办理。", "is_complex": True},
        )
    )
    (row,) = given["instructions"]
    assert row["is_complex"] and row["unit"]["id"] == cast.unit_a.pk


def test_a_stale_expected_version_is_409(client, cast, item):
    seen = item.version
    workflow.add_supervisor(
        item, by=cast.staff, user=cast.supervisor, tier=Tier.objects.get(number=2), duty="lead"
    )
    body = {"summary": "已解决。", "expected_version": seen}
    assert (
        post(client, cast.staff, f"/key-items/{item.pk}/actions/conclude", body).status_code == 409
    )


@pytest.mark.parametrize(
    ("action", "body", "words"),
    [
        (
            "supervise",
            {"kind": "reminder", "happened_on": "2020-01-01", "participants": "x", "notes": "y"},
            "催办",
        ),
        (
            "supervise",
            {"kind": "visit", "happened_on": "2999-01-01", "participants": "x", "notes": "y"},
            None,
        ),
        (
            "supervise",
            {"kind": "flight", "happened_on": "2020-01-01", "participants": "x", "notes": "y"},
            "kind",
        ),
        (
            "supervise",
            {"kind": "visit", "happened_on": "2020-01-01", "participants": "x", "notes": " "},
            None,
        ),
        ("instruct", {"unit": "{unit_b_missing}", "text": "x"}, "999999"),
        ("instruct", {"text": "x"}, "unit"),
        ("add_supervisor", {"user": "{outsider}", "tier": 1, "duty": "lead"}, None),
        ("add_supervisor", {"user": "{supervisor}", "tier": 99, "duty": "lead"}, "99"),
        ("add_suggestion", {"suggestion": 999_999}, None),
        ("conclude", {}, "summary"),
        ("conclude", {"summary": "x", "nonsense": 1}, "nonsense"),
    ],
)
def test_a_bad_body_is_422_with_a_reason(client, cast, item, action, body, words):
    body = dict(body)
    for key, value in body.items():
        if value == "{unit_b_missing}":
            body[key] = 999_999
        elif value == "{outsider}":
            body[key] = cast.outsider.pk
        elif value == "{supervisor}":
            body[key] = cast.supervisor.pk
    response = post(client, cast.staff, f"/key-items/{item.pk}/actions/{action}", body)
    assert response.status_code == 422, response.json()
    detail = response.json()["detail"]
    assert detail
    if words:
        assert words in detail.lower() or words in detail


def test_a_role_that_may_not_act_is_403_before_its_ids_are_read(client, cast, item):
    response = post(
        client,
        cast.clerk_a,
        f"/key-items/{item.pk}/actions/instruct",
        {"unit": 999_999, "text": "x"},
    )
    assert response.status_code == 403 and "999999" not in response.json()["detail"]


def test_an_unknown_key_item_action_is_404_with_a_reason(client, cast, item):
    response = post(client, cast.staff, f"/key-items/{item.pk}/actions/nonsense")
    assert response.status_code == 404 and "decide" in response.json()["detail"]


# --- instructions ------------------------------------------------------------------------------


def test_the_unit_responds_and_the_list_filters(client, cast, item):
    row = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。")
    listed = ok(get(client, cast.clerk_a, "/instructions", open="true"))
    assert [i["id"] for i in listed["items"]] == [row.pk]
    assert ok(get(client, cast.clerk_a, "/instructions", unit=cast.unit_b.pk))["count"] == 0
    assert ok(get(client, cast.clerk_a, "/instructions", warning="red"))["count"] == 0
    assert get(client, cast.clerk_a, "/instructions", warning="blue").status_code == 422
    path = f"/instructions/{row.pk}/actions/respond"
    assert post(client, cast.clerk_a, path, {"response": ""}).status_code == 422
    assert post(client, cast.staff, path, {"response": "已办。"}).status_code == 403
    # unit_b (joint on the suggestion) sees it, but only unit_a answers it.
    assert post(client, cast.clerk_b, path, {"response": "已办。"}).status_code == 403
    assert post(client, cast.outsider, path, {"response": "已办。"}).status_code == 404
    done = ok(
        post(client, cast.head_a, path, {"response": "已落实。", "expected_version": row.version})
    )
    assert (
        done["state"] == "responded"
        and done["response"] == "已落实。"
        and done["warning"] == "none"
    )
    assert post(client, cast.clerk_a, path, {"response": "再次。"}).status_code == 409
    assert ok(get(client, cast.clerk_a, "/instructions", open="false"))["count"] == 1
    assert ok(get(client, cast.staff, f"/instructions/{row.pk}"))["responded_by"]
    assert get(client, cast.outsider, f"/instructions/{row.pk}").status_code == 404


def test_an_overdue_instruction_is_red_on_the_list_and_the_board(client, cast):
    issued = datetime.date(2026, 3, 2)
    with states.frozen(issued):
        s = states.handling(cast, on=issued)
        item = _decided(cast, s)
        row = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="七日内办结。")
    with states.frozen(row.due + datetime.timedelta(days=1)):
        red = ok(get(client, cast.staff, "/instructions", warning="red"))
        assert [i["id"] for i in red["items"]] == [row.pk]
        board = ok(get(client, cast.staff, "/supervision/warnings"))
    unit = next(u for u in board["units"] if u["id"] == cast.unit_a.pk)
    assert unit["instructions_red"] == 1
    assert [k["id"] for k in board["key_items"]] == [item.pk]
    assert board["key_items"][0]["n_open_instructions"] == 1
    assert [i["id"] for i in board["overdue_instructions"]] == [row.pk]
    assert board["year_end_open"] == 1


def test_the_board_counts_what_the_page_counts(client, cast):
    late_on = datetime.date(2026, 1, 5)
    with states.frozen(late_on):
        late = states.handling(cast, on=late_on)
    _decided(cast, late)
    board = ok(get(client, cast.clerk_a, "/supervision/warnings"))
    client.force_login(cast.clerk_a)
    page = client.get("/supervision/warnings/")
    unit = next(u for u in board["units"] if u["id"] == cast.unit_a.pk)
    assert unit["red"] == page.context["units"][0].red == 1
    assert [k["n_red"] for k in board["key_items"]] == [i.n_red for i in page.context["items"]]


# --- supervision of one suggestion -------------------------------------------------------------


def test_a_committee_member_supervises_a_counterpart_suggestion(client, cast):
    s = states.handling(cast)
    offered = ok(get(client, cast.committee, f"/suggestions/{s.pk}/supervision"))
    assert [a["name"] for a in offered["actions"]] == ["supervise", "instruct"]
    assert offered["actions"][0]["path"] == f"/api/v1/suggestions/{s.pk}/supervision/supervise"
    version = s.version
    record = {
        "kind": "inquiry",
        "happened_on": timezone.localdate().isoformat(),
        "participants": "财经委",
        "notes": "当面督办。",
    }
    found = ok(post(client, cast.committee, f"/suggestions/{s.pk}/supervision/supervise", record))
    assert [r["kind"] for r in found["records"]] == ["inquiry"]
    given = ok(
        post(
            client,
            cast.committee,
            f"/suggestions/{s.pk}/supervision/instruct",
            {"unit": cast.unit_a.pk, "text": "请加快。"},
        )
    )
    assert given["instructions"][0]["suggestion"]["id"] == s.pk
    s.refresh_from_db()
    assert s.version == version  # supervising does not change the suggestion
    assert Instruction.objects.get().suggestion_id == s.pk


def test_supervising_a_suggestion_refuses_other_roles_and_bad_bodies(client, cast):
    s = states.handling(cast)
    path = f"/suggestions/{s.pk}/supervision/supervise"
    body = {"kind": "visit", "happened_on": "2020-01-01", "participants": "x", "notes": "y"}
    assert post(client, cast.deputy, path, body).status_code == 403
    assert post(client, cast.clerk_a, path, body).status_code == 403
    assert post(client, cast.outsider, path, body).status_code == 404
    assert post(client, cast.committee, path, {**body, "expected_version": 1}).status_code == 422
    assert post(client, cast.committee, path, {**body, "unit": cast.unit_b.pk}).status_code == 422
    nonsense = post(client, cast.committee, f"/suggestions/{s.pk}/supervision/nonsense")
    assert nonsense.status_code == 404 and "supervise" in nonsense.json()["detail"]
    done = states.answered(cast)
    late = post(
        client,
        cast.committee,
        f"/suggestions/{done.pk}/supervision/instruct",
        {"unit": cast.unit_a.pk, "text": "x"},
    )
    assert late.status_code == 409
