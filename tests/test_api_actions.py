"""GET /suggestions/{id}/actions and POST /suggestions/{id}/actions/{action}: the workflow over
JSON, with 403 / 404 / 409 / 422 where the rules say so."""

import datetime
import inspect
from unittest.mock import patch

import pytest
from django.utils import timezone

from minsheng.api.suggestions import ACTION_BODIES
from minsheng.people.models import ApiToken, Organisation
from minsheng.suggestions import workflow
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ExtensionRequest,
    Suggestion,
)
from tests import states
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def headers(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def act(client, user, s, action, body=None):
    pk = s if isinstance(s, int) else s.pk
    return client.post(
        f"/api/v1/suggestions/{pk}/actions/{action}",
        body or {},
        content_type="application/json",
        **headers(user),
    )


def actions(client, user, s):
    response = client.get(f"/api/v1/suggestions/{s.pk}/actions", **headers(user))
    assert response.status_code == 200, response.json()
    return response.json()


def names(client, user, s):
    return [a["name"] for a in actions(client, user, s)["actions"]]


def state_of(s):
    return Suggestion.objects.get(pk=s.pk).state


CONTACT = {"method": "phone", "people": "赵敏", "summary": "电话沟通。"}


# --- what may I do now -------------------------------------------------------------------------


def test_actions_list_what_each_person_may_do_now(client, cast):
    s = states.assigned(cast)
    assert names(client, cast.clerk_a, s) == ["sign", "request_adjustment"]
    assert names(client, cast.deputy, s) == ["withdraw"]
    assert "end_of_term" in names(client, cast.staff, s)
    assert "sign" not in names(client, cast.staff, s)
    assert names(client, cast.supervisor, s) == []


def test_actions_carry_label_path_fields_and_version(client, cast):
    s = states.registered(cast)
    body = actions(client, cast.staff, s)
    assert body["version"] == s.version and body["state"] == "registered"
    assign = next(a for a in body["actions"] if a["name"] == "assign")
    assert assign["label"] and assign["method"] == "POST"
    assert assign["path"] == f"/api/v1/suggestions/{s.pk}/actions/assign"
    fields = {f["name"]: f for f in assign["fields"]}
    assert fields["plan"]["type"] == "array" and fields["plan"]["required"] is True
    plan = {f["name"]: f for f in fields["plan"]["items"]}
    assert plan["unit"]["type"] == "integer"
    assert plan["mode"]["choices"] == ["lead", "joint", "separate"]
    assert fields["on"]["type"] == "date" and fields["on"]["required"] is False
    assert fields["expected_version"]["type"] == "integer"


def test_sign_reply_lists_what_still_stops_it(client, cast):
    s = states.handling(cast)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    sign_reply = next(
        a for a in actions(client, cast.head_a, s)["actions"] if a["name"] == "sign_reply"
    )
    assert len(sign_reply["problems"]) == 1  # no contact logged yet
    states.contact(cast, s)
    sign_reply = next(
        a for a in actions(client, cast.head_a, s)["actions"] if a["name"] == "sign_reply"
    )
    assert sign_reply["problems"] == []


def test_rate_fields_offer_the_three_ratings(client, cast):
    s = states.answered(cast)
    rate = next(a for a in actions(client, cast.deputy, s)["actions"] if a["name"] == "rate")
    fields = {f["name"]: f for f in rate["fields"]}
    assert fields["overall"]["choices"] == ["satisfied", "basically", "unsatisfied"]
    assert fields["process"]["choices"] == ["satisfied", "basically", "unsatisfied", ""]


def test_every_action_body_mirrors_its_workflow_function():
    for name, body in ACTION_BODIES.items():
        params = inspect.signature(workflow.ACTIONS[name]).parameters
        takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
        for field in body.model_fields:
            assert field in params or takes_any, (name, field)
        required = {
            p.name
            for p in params.values()
            if p.default is p.empty and p.kind == p.KEYWORD_ONLY and p.name != "by"
        }
        assert required <= set(body.model_fields), name


# --- 200: each action through the API ----------------------------------------------------------


def test_submit_with_an_empty_body(client, cast):
    s = states.draft(cast)
    response = client.post(
        f"/api/v1/suggestions/{s.pk}/actions/submit",
        "",
        content_type="application/json",
        **headers(cast.deputy),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"


def test_cosigner_may_decline_to_cosign(client, cast):
    s = states.draft(cast, cosign=True)
    body = act(client, cast.cosigner, s, "confirm_cosign", {"accept": False}).json()
    assert body["cosigners"][0]["state"] == "refused"


def test_decline_with_a_listed_reason(client, cast):
    s = states.submitted(cast)
    body = act(client, cast.staff, s, "decline", {"reason": "litigation"}).json()
    assert body["state"] == "declined" and body["decline_reason"] == "litigation"


def test_return_for_revision_then_resubmit(client, cast):
    s = states.submitted(cast)
    act(client, cast.staff, s, "return_for_revision", {"note": "请写明具体路段。"})
    assert state_of(s) == "returned"
    assert act(client, cast.deputy, s, "submit").json()["state"] == "submitted"


def test_withdraw_in_writing(client, cast):
    s = states.handling(cast)
    body = act(client, cast.deputy, s, "withdraw", {"reason": "问题已自行解决。"}).json()
    assert body["state"] == "withdrawn" and body["state_note"] == "问题已自行解决。"


def test_merge_into_another_registered_suggestion(client, cast):
    target = states.registered(cast, title="主建议")
    s = states.submitted(cast, title="相同的建议")
    body = act(client, cast.staff, s, "merge", {"into": target.pk, "note": "内容相同"}).json()
    assert body["state"] == "merged" and body["merged_into"] == target.pk


def test_register_with_category_and_complex_flag(client, cast):
    s = states.submitted(cast)
    education = states.category(cast, "教育")
    body = act(
        client, cast.staff, s, "register", {"category": education.pk, "is_complex": True}
    ).json()
    assert body["category"]["id"] == education.pk and body["is_complex"] is True


def test_separate_assignment_and_both_units_sign(client, cast):
    s = states.registered(cast)
    plan = [
        {"unit": cast.unit_a.pk, "mode": "separate"},
        {"unit": cast.unit_b.pk, "mode": "separate"},
    ]
    act(client, cast.staff, s, "assign", {"plan": plan})
    act(client, cast.clerk_a, s, "sign")
    body = act(client, cast.head_b, s, "sign").json()
    assert {a["state"] for a in body["assignments"]} == {"signed"}


def test_adjustment_requested_and_moved_to_another_unit(client, cast):
    s = states.assigned(cast)
    body = act(
        client,
        cast.clerk_a,
        s,
        "request_adjustment",
        {"reason": "属于教育部门职责。", "proposed_unit": cast.unit_b.pk},
    ).json()
    request = body["adjustment_requests"][0]
    assert request["proposed_unit_id"] == cast.unit_b.pk and request["decision"] == "pending"
    assert "decide_adjustment" in names(client, cast.staff, s)
    body = act(
        client,
        cast.staff,
        s,
        "decide_adjustment",
        {"request_id": request["id"], "move_to": cast.unit_b.pk},
    ).json()
    assert body["adjustment_requests"][0]["decision"] == "moved"
    active = [a for a in body["assignments"] if a["state"] != "cancelled"]
    assert [a["unit_id"] for a in active] == [cast.unit_b.pk]
    # The unit that moved it away no longer sees it; the new one does.
    assert act(client, cast.clerk_a, s, "sign").status_code == 404
    assert act(client, cast.clerk_b, s, "sign").status_code == 200


def test_adjustment_kept_with_the_unit(client, cast):
    s = states.assigned(cast)
    act(client, cast.clerk_a, s, "request_adjustment", {"reason": "不属于本单位。"})
    request = AdjustmentRequest.objects.get()
    body = act(
        client,
        cast.staff,
        s,
        "decide_adjustment",
        {"request_id": request.pk, "note": "仍由交通运输厅办理。"},
    ).json()
    assert body["adjustment_requests"][0]["decision"] == "kept"
    assert body["assignments"][0]["state"] == "awaiting_signature"


def test_joint_opinion_from_the_joint_unit(client, cast):
    s = states.handling(cast, joint=True)
    body = act(client, cast.clerk_b, s, "submit_joint_opinion", {"text": "同意主办单位意见。"})
    assert body.json()["joint_opinions"][0]["text"] == "同意主办单位意见。"


def test_extension_requested_and_approved(client, cast):
    s = states.handling(cast)
    until = s.reply_due + datetime.timedelta(days=30)
    body = act(
        client,
        cast.clerk_a,
        s,
        "request_extension",
        {"until": until.isoformat(), "reason": "需跨年度立项。", "deputy_told": True},
    )
    request_id = body.json()["extension_requests"][0]["id"]
    body = act(
        client, cast.staff, s, "decide_extension", {"request_id": request_id, "approve": True}
    ).json()
    assert body["due"]["extended_to"] == until.isoformat()
    assert body["extension_requests"][0]["decision"] == "approved"


def test_staff_reopen_and_end_of_term(client, cast):
    s = states.answered(cast)
    body = act(client, cast.staff, s, "rehandle", {"note": "回头看：问题反弹。"}).json()
    assert body["state"] == "rehandling" and body["round"] == 2
    body = act(client, cast.staff, s, "end_of_term", {"rule": "close", "note": "届末按规则办结。"})
    assert body.json()["state"] == "closed"


def test_b_reply_with_plan_and_target_date(client, cast):
    s = states.handling(cast)
    states.contact(cast, s)
    reply = {**states.REPLY, "category": "B", "plan": "分两年实施。", "target_date": "2027-12-31"}
    body = act(client, cast.clerk_a, s, "draft_reply", reply).json()
    assert body["replies"][0]["target_date"] == "2027-12-31"
    body = act(client, cast.head_a, s, "sign_reply").json()
    assert body["state"] == "answered" and body["replies"][0]["category"] == "B"


# --- 403: a role that may not act --------------------------------------------------------------


@pytest.mark.parametrize(
    "who,action,body",
    [
        ("clerk_a", "close", {"note": "x"}),
        ("clerk_a", "assign", {"plan": [{"unit": 999, "mode": "lead"}]}),  # role before references
        ("deputy", "sign", {}),
        ("supervisor", "rehandle", {"note": "x"}),
        ("committee", "sign", {}),
        ("staff", "withdraw", {"reason": "x"}),
    ],
)
def test_a_role_that_may_not_act_gets_403(client, cast, who, action, body):
    s = states.handling(cast)
    before = s.version
    response = act(client, getattr(cast, who), s, action, body)
    assert response.status_code == 403, response.json()
    assert response.json()["detail"]
    assert Suggestion.objects.get(pk=s.pk).version == before


def test_the_clerk_may_not_sign_the_reply(client, cast):
    s = states.handling(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    assert act(client, cast.clerk_a, s, "sign_reply").status_code == 403


# --- 404: not visible, or no such action -------------------------------------------------------


def test_unit_b_gets_404_when_acting_on_unit_a_work(client, cast):
    s = states.assigned(cast)
    for user in (cast.clerk_b, cast.head_b, cast.outsider):
        response = act(client, user, s, "sign")
        assert response.status_code == 404, user
    assert Assignment.objects.get(suggestion=s).state == "awaiting_signature"


def test_unknown_action_is_404_with_a_reason(client, cast):
    s = states.submitted(cast)
    response = act(client, cast.staff, s, "approve_everything")
    assert response.status_code == 404
    assert "approve_everything" in response.json()["detail"]


def test_unknown_suggestion_is_404(client, cast):
    assert act(client, cast.staff, 999999, "register").status_code == 404
    assert act(client, cast.staff, 10**30, "register").status_code == 404


def test_staff_cannot_act_on_a_draft_they_cannot_see(client, cast):
    s = states.draft(cast)
    assert act(client, cast.staff, s, "register").status_code == 404


# --- 409: not now ------------------------------------------------------------------------------


def test_action_in_the_wrong_state_is_409(client, cast):
    s = states.handling(cast)
    response = act(client, cast.staff, s, "register")
    assert response.status_code == 409
    assert response.json()["detail"]


def test_stale_expected_version_is_409_and_changes_nothing(client, cast):
    s = states.submitted(cast)
    seen = actions(client, cast.staff, s)["version"]
    # Someone else returns it first...
    act(
        client, cast.staff, s, "return_for_revision", {"note": "请补充。", "expected_version": seen}
    )
    act(client, cast.deputy, s, "submit")
    # ...so the decision made on the old page is refused.
    response = act(
        client, cast.staff, s, "decline", {"reason": "personal", "expected_version": seen}
    )
    assert response.status_code == 409
    assert state_of(s) == "submitted"
    assert (
        act(
            client,
            cast.staff,
            s,
            "register",
            {"expected_version": Suggestion.objects.get(pk=s.pk).version},
        ).status_code
        == 200
    )


def test_reply_without_a_logged_contact_is_409(client, cast):
    s = states.handling(cast)
    act(client, cast.clerk_a, s, "draft_reply", states.REPLY)
    response = act(client, cast.head_a, s, "sign_reply")
    assert response.status_code == 409
    assert state_of(s) == "handling"


def test_adjustment_after_its_window_is_409(client, cast):
    s = states.assigned(cast, on=datetime.date(2026, 3, 2))
    with patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 4, 1)):
        response = act(client, cast.clerk_a, s, "request_adjustment", {"reason": "不属于本单位。"})
    assert response.status_code == 409
    assert not AdjustmentRequest.objects.exists()


def test_second_extension_request_while_one_is_pending_is_409(client, cast):
    s = states.handling(cast)
    body = {
        "until": (s.reply_due + datetime.timedelta(days=20)).isoformat(),
        "reason": "需要更多时间。",
        "deputy_told": True,
    }
    assert act(client, cast.clerk_a, s, "request_extension", body).status_code == 200
    assert act(client, cast.clerk_a, s, "request_extension", body).status_code == 409
    assert ExtensionRequest.objects.count() == 1


def test_rating_twice_is_409(client, cast):
    s = states.answered(cast)
    assert act(client, cast.deputy, s, "rate", {"overall": "satisfied"}).status_code == 200
    assert act(client, cast.deputy, s, "rate", {"overall": "satisfied"}).status_code == 409


# --- 422: a bad body ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,body",
    [
        ("decline", {"reason": "i_do_not_like_it"}),
        ("decline", {"reason": "other"}),  # "other" needs a note
        ("decline", {}),
        ("register", {"category": 999999}),
        ("register", {"surprise": True}),
        ("register", {"expected_version": "soon"}),
        ("return_for_revision", {"note": "   "}),
        ("merge", {"into": 999999}),
    ],
)
def test_bad_review_bodies_are_422(client, cast, action, body):
    s = states.submitted(cast)
    response = act(client, cast.staff, s, action, body)
    assert response.status_code == 422, response.json()
    assert response.json()["detail"]
    assert state_of(s) == "submitted"


def test_units_must_be_handling_units_of_this_congress(client, cast):
    s = states.registered(cast)
    foreign = OrganisationFactory(jurisdiction=cast.other_jurisdiction, name="外省交通厅")
    closed_unit = OrganisationFactory(
        jurisdiction=cast.jurisdiction, name="已撤销的局", is_active=False
    )
    for unit in (foreign, cast.committee_org, closed_unit):
        response = act(
            client, cast.staff, s, "assign", {"plan": [{"unit": unit.pk, "mode": "lead"}]}
        )
        assert response.status_code == 422, unit
    for plan in (
        [],
        [{"unit": cast.unit_a.pk, "mode": "lead"}, {"unit": cast.unit_b.pk, "mode": "lead"}],
        [{"unit": cast.unit_a.pk, "mode": "boss"}],
        [{"unit": 10**30, "mode": "lead"}],
    ):
        assert act(client, cast.staff, s, "assign", {"plan": plan}).status_code == 422, plan
    assert (
        act(
            client,
            cast.staff,
            s,
            "assign",
            {"plan": [{"unit": cast.unit_a.pk, "mode": "lead"}], "on": "2099-01-01"},
        ).status_code
        == 422
    )
    assert state_of(s) == "registered" and not Assignment.objects.exists()


def test_adjustment_references_must_be_handling_units(client, cast):
    s = states.assigned(cast)
    response = act(
        client,
        cast.clerk_a,
        s,
        "request_adjustment",
        {"reason": "不属于本单位。", "proposed_unit": cast.committee_org.pk},
    )
    assert response.status_code == 422
    act(client, cast.clerk_a, s, "request_adjustment", {"reason": "不属于本单位。"})
    request = AdjustmentRequest.objects.get()
    foreign = Organisation.objects.create(
        jurisdiction=cast.other_jurisdiction,
        name="外省厅",
        kind="department",
        is_handling_unit=True,
    )
    for body in ({"request_id": request.pk, "move_to": foreign.pk}, {"request_id": 999999}):
        assert act(client, cast.staff, s, "decide_adjustment", body).status_code == 422, body


def test_merge_into_a_suggestion_of_another_congress_is_422(client, cast):
    s = states.submitted(cast)
    assert act(client, cast.staff, s, "merge", {"into": s.pk}).status_code == 422


@pytest.mark.parametrize(
    "action,body",
    [
        ("log_contact", {**CONTACT, "contacted_on": "2999-01-01"}),
        ("log_contact", {**CONTACT, "contacted_on": "yesterday"}),
        ("log_contact", {**CONTACT, "method": "telepathy", "contacted_on": "2026-01-01"}),
        ("draft_reply", {**states.REPLY, "category": "B"}),  # B needs a plan and a target date
        ("draft_reply", {**states.REPLY, "category": "E"}),
        ("draft_reply", {**states.REPLY, "text": ""}),
        ("request_extension", {"until": "2026-01-01", "reason": "x", "deputy_told": True}),
        ("request_extension", {"until": "2099-01-01", "reason": "x", "deputy_told": True}),
        ("request_extension", {"until": "2099-01-01", "reason": "x", "deputy_told": False}),
    ],
)
def test_bad_handling_bodies_are_422(client, cast, action, body):
    s = states.handling(cast)
    before = Suggestion.objects.get(pk=s.pk).version
    response = act(client, cast.clerk_a, s, action, body)
    assert response.status_code == 422, response.json()
    assert Suggestion.objects.get(pk=s.pk).version == before


def test_unsatisfied_rating_needs_reasons(client, cast):
    s = states.answered(cast)
    assert act(client, cast.deputy, s, "rate", {"overall": "unsatisfied"}).status_code == 422
    assert act(client, cast.deputy, s, "rate", {"overall": "not_rated"}).status_code == 422
    assert state_of(s) == "answered"


def test_malformed_json_is_refused_without_a_500(client, cast):
    s = states.submitted(cast)
    response = client.post(
        f"/api/v1/suggestions/{s.pk}/actions/register",
        "{not json",
        content_type="application/json",
        **headers(cast.staff),
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


# --- sessions work too -------------------------------------------------------------------------


def test_signed_in_session_can_act(client, cast):
    s = states.assigned(cast)
    client.force_login(cast.clerk_a)
    response = client.post(
        f"/api/v1/suggestions/{s.pk}/actions/sign", {}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["assignments"][0]["signed_at"]
    assert timezone.localdate() <= datetime.date.fromisoformat(
        response.json()["assignments"][0]["sign_due"]
    )
