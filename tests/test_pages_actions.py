"""Each action form on the suggestion page calls its workflow function; refusals keep the
person's input and answer 403, 409 or 422 with the reason at the form."""

import datetime
from unittest.mock import patch

import pytest
from django.urls import reverse

from minsheng.insight.models import RoutingRule
from minsheng.suggestions import workflow
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    ExtensionRequest,
    Rating,
    Reply,
    Suggestion,
)
from tests import states
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def act(client, user, s, action, **data):
    client.force_login(user)
    s.refresh_from_db()
    data.setdefault("expected_version", s.version)
    return client.post(reverse("suggestions:act", args=[s.pk, action]), data)


def done(response, s):
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("suggestions:detail", args=[s.pk])
    s.refresh_from_db()
    return s


CONTACT = {
    "method": "phone",
    "stage": "before",
    "people": "赵敏、林建国代表",
    "summary": "电话沟通了办理思路。",
}


def test_submit_and_withdraw(english, cast):
    s = states.draft(cast)
    assert done(act(english, cast.deputy, s, "submit"), s).state == S.SUBMITTED
    assert (
        done(act(english, cast.deputy, s, "withdraw", reason="问题已解决"), s).state == S.WITHDRAWN
    )
    assert s.state_note == "问题已解决"


def test_cosigner_confirms_or_declines_with_one_button(english, cast):
    s = states.draft(cast, cosign=True)
    english.force_login(cast.cosigner)
    html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert 'name="accept" value="yes"' in html and 'name="accept" value="no"' in html
    done(act(english, cast.cosigner, s, "confirm_cosign", accept="no"), s)
    assert s.cosigners.get().state == "refused"


def test_register_with_category_and_complex_flag(english, cast):
    s = states.submitted(cast)
    other = states.category(cast, "教育")
    s = done(act(english, cast.staff, s, "register", category=other.pk, is_complex="on"), s)
    assert s.state == S.REGISTERED and s.number == 1
    assert s.category == other and s.is_complex


def test_decline_needs_a_note_for_other_reason(english, cast):
    s = states.submitted(cast)
    response = act(english, cast.staff, s, "decline", reason="other", note="")
    assert response.status_code == 422
    assert "Explain the reason in the note." in response.content.decode()
    s = done(act(english, cast.staff, s, "decline", reason="litigation", note="已进入诉讼"), s)
    assert s.state == S.DECLINED and s.decline_reason == "litigation"


def test_return_for_revision(english, cast):
    s = states.submitted(cast)
    s = done(act(english, cast.staff, s, "return_for_revision", note="请补充数据"), s)
    assert s.state == S.RETURNED and s.state_note == "请补充数据"


def test_merge_by_number_in_the_same_session(english, cast):
    target = states.registered(cast, title="主建议")
    s = states.registered(cast, title="重复建议")
    response = act(english, cast.staff, s, "merge", into="第9999号")
    assert response.status_code == 422
    assert "No suggestion “第9999号” was found in this session." in response.content.decode()
    s = done(act(english, cast.staff, s, "merge", into="1", note="同一事项"), s)
    assert s.state == S.MERGED and s.merged_into == target


def test_merge_by_id(english, cast):
    target = states.registered(cast, title="主建议")
    s = states.submitted(cast, title="另一条")
    s = done(act(english, cast.staff, s, "merge", into=f"#{target.pk}"), s)
    assert s.merged_into == target


def test_assign_form_is_prefilled_from_the_routing_table(english, cast):
    s = states.registered(cast)
    rule = RoutingRule.objects.create(
        jurisdiction=cast.jurisdiction, category=s.category, lead_unit=cast.unit_a
    )
    rule.joint_units.add(cast.unit_b)
    english.force_login(cast.staff)
    response = english.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in response.context["actions"] if a.name == "assign")
    assert form.initial["lead_unit"] == cast.unit_a.pk
    assert form.initial["joint_units"] == [cast.unit_b.pk]
    assert "Prefilled from the routing table" in response.content.decode()


def test_assign_lead_and_joint_units(english, cast):
    s = states.registered(cast)
    s = done(
        act(
            english,
            cast.staff,
            s,
            "assign",
            mode="lead",
            lead_unit=cast.unit_a.pk,
            joint_units=[cast.unit_b.pk],
        ),
        s,
    )
    assert s.state == S.ASSIGNED
    assert dict(s.assignments.values_list("unit_id", "mode")) == {
        cast.unit_a.pk: "lead",
        cast.unit_b.pk: "joint",
    }


def test_assign_separately(english, cast):
    s = states.registered(cast)
    done(
        act(
            english,
            cast.staff,
            s,
            "assign",
            mode="separate",
            separate_units=[cast.unit_a.pk, cast.unit_b.pk],
        ),
        s,
    )
    assert set(s.assignments.values_list("mode", flat=True)) == {"separate"}


def test_assign_refuses_a_lead_unit_that_is_also_joint(english, cast):
    s = states.registered(cast)
    response = act(
        english,
        cast.staff,
        s,
        "assign",
        mode="lead",
        lead_unit=cast.unit_a.pk,
        joint_units=[cast.unit_a.pk],
    )
    assert response.status_code == 422
    assert "The lead unit cannot also be a joint unit." in response.content.decode()
    assert not s.assignments.exists()


def test_assign_offers_only_this_jurisdictions_handling_units(english, cast):
    s = states.registered(cast)
    foreign = OrganisationFactory(jurisdiction=cast.other_jurisdiction, name="外省交通厅")
    response = act(english, cast.staff, s, "assign", mode="lead", lead_unit=foreign.pk)
    assert response.status_code == 422
    assert not s.assignments.exists()


def test_sign_request_and_decide_adjustment_moving_to_another_unit(english, cast):
    s = states.assigned(cast)
    unit_c = OrganisationFactory(jurisdiction=cast.jurisdiction, name="水利厅")
    done(
        act(
            english,
            cast.clerk_a,
            s,
            "request_adjustment",
            reason="不属于我厅职责",
            proposed_unit=unit_c.pk,
        ),
        s,
    )
    request = AdjustmentRequest.objects.get()
    assert request.proposed_unit == unit_c
    english.force_login(cast.staff)
    html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "不属于我厅职责" in html
    response = act(
        english, cast.staff, s, "decide_adjustment", request=request.pk, decision="move", move_to=""
    )
    assert response.status_code == 422
    done(
        act(
            english,
            cast.staff,
            s,
            "decide_adjustment",
            request=request.pk,
            decision="move",
            move_to=unit_c.pk,
            note="同意调整",
        ),
        s,
    )
    assert s.assignments.exclude(state="cancelled").get().unit == unit_c


def test_adjustment_kept_then_sign(english, cast):
    s = states.assigned(cast)
    done(act(english, cast.clerk_a, s, "request_adjustment", reason="理由"), s)
    request = AdjustmentRequest.objects.get()
    done(act(english, cast.staff, s, "decide_adjustment", request=request.pk, decision="keep"), s)
    s = done(act(english, cast.head_a, s, "sign"), s)
    assert s.state == S.HANDLING


def test_late_adjustment_request_is_a_conflict_with_the_reason(english, cast):
    s = states.assigned(cast, on=datetime.date(2026, 3, 2))
    with patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 4, 30)):
        response = act(english, cast.clerk_a, s, "request_adjustment", reason="太晚了")
    assert response.status_code == 409
    html = response.content.decode()
    # The window has closed, so the form is no longer offered; the reason is the workflow's own.
    assert "a late request is not adjusted" in html


def test_log_contact_and_joint_opinion(english, cast):
    s = states.handling(cast, joint=True)
    today = datetime.date.today().isoformat()
    done(act(english, cast.clerk_a, s, "log_contact", contacted_on=today, **CONTACT), s)
    assert ContactLog.objects.get().assignment.unit == cast.unit_a
    done(act(english, cast.clerk_b, s, "submit_joint_opinion", text="同意主办意见。"), s)
    assert s.assignments.get(unit=cast.unit_b).state == "replied"


def test_contact_in_the_future_is_refused_with_a_field_error(english, cast):
    s = states.handling(cast)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = act(english, cast.clerk_a, s, "log_contact", contacted_on=future, **CONTACT)
    assert response.status_code == 422
    assert "The contact date cannot be in the future." in response.content.decode()


def test_request_and_decide_extension(english, cast):
    s = states.handling(cast, on=datetime.date(2026, 3, 2))
    response = act(
        english, cast.clerk_a, s, "request_extension", until="2026-08-01", reason="需要跨年度预算"
    )
    assert response.status_code == 422
    assert "Tell the deputy why before asking for an extension." in response.content.decode()
    done(
        act(
            english,
            cast.clerk_a,
            s,
            "request_extension",
            until="2026-08-01",
            reason="需要跨年度预算",
            deputy_told="on",
        ),
        s,
    )
    request = ExtensionRequest.objects.get()
    s = done(
        act(
            english,
            cast.staff,
            s,
            "decide_extension",
            request=request.pk,
            approve="yes",
            note="同意",
        ),
        s,
    )
    assert s.extended_to == datetime.date(2026, 8, 1) and s.reply_due == s.extended_to


def test_extension_past_the_cap_is_refused_with_the_reason(english, cast):
    s = states.handling(cast, on=datetime.date(2026, 3, 2))
    response = act(
        english,
        cast.clerk_a,
        s,
        "request_extension",
        until="2026-12-31",
        reason="很久",
        deputy_told="on",
    )
    assert response.status_code == 422
    assert "(the statutory cap)" in response.content.decode()


def test_draft_reply_shows_why_the_head_cannot_sign_yet(english, cast):
    s = states.handling(cast, joint=True)
    english.force_login(cast.clerk_a)
    html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "The reply cannot be signed yet:" in html
    assert "No contact with the deputy has been logged in this round." in html
    assert "Waiting for the joint opinion of 教育厅" in html


def test_draft_reply_b_needs_plan_and_target_date(english, cast):
    s = states.handling(cast)
    response = act(english, cast.clerk_a, s, "draft_reply", **{**states.REPLY, "category": "B"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "A B reply must give the plan and its steps." in html
    assert "A B reply must give a target date." in html
    assert states.REPLY["text"] in html  # kept
    assert not Reply.objects.exists()


def test_draft_reply_is_prefilled_from_this_rounds_draft(english, cast):
    s = states.handling(cast)
    done(act(english, cast.clerk_a, s, "draft_reply", **{**states.REPLY, "text": "初稿"}), s)
    english.force_login(cast.head_a)
    response = english.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in response.context["actions"] if a.name == "draft_reply")
    assert form.initial["text"] == "初稿"
    assert form.initial["case_officer"] == states.REPLY["case_officer"]


def test_head_signs_the_reply_and_the_deputy_rates_it(english, cast):
    s = states.handling(cast)
    states.contact(cast, s)
    done(act(english, cast.clerk_a, s, "draft_reply", **states.REPLY), s)
    s = done(act(english, cast.head_a, s, "sign_reply"), s)
    assert s.state == S.ANSWERED
    done(
        act(
            english,
            cast.deputy,
            s,
            "rate",
            overall="satisfied",
            process="basically",
            result="satisfied",
        ),
        s,
    )
    rating = Rating.objects.get()
    assert (rating.overall, rating.process, rating.result) == (
        "satisfied",
        "basically",
        "satisfied",
    )


def test_clerk_cannot_sign_the_reply(english, cast):
    s = states.handling(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    response = act(english, cast.clerk_a, s, "sign_reply")
    assert response.status_code == 403
    assert Reply.objects.get().state == "draft"


def test_unsatisfied_rating_needs_reasons_and_keeps_the_choice(english, cast):
    s = states.answered(cast)
    response = act(english, cast.deputy, s, "rate", overall="unsatisfied", reasons="  ")
    assert response.status_code == 422
    assert "Say why you are not satisfied" in response.content.decode()
    form = next(a.form for a in response.context["actions"] if a.name == "rate")
    assert form["overall"].value() == "unsatisfied"
    assert not Rating.objects.exists()
    s = done(act(english, cast.deputy, s, "rate", overall="unsatisfied", reasons="没解决"), s)
    assert s.state == S.REHANDLING


def test_separate_replies_are_rated_one_by_one(english, cast):
    s = states.answered(cast, separate=True)
    english.force_login(cast.deputy)
    response = english.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in response.context["actions"] if a.name == "rate")
    assert "reply" in form.fields
    second = s.replies.get(assignment__unit=cast.unit_b)
    done(act(english, cast.deputy, s, "rate", overall="basically", reply=second.pk), s)
    assert Rating.objects.get().reply == second


def test_rehandle_close_and_end_of_term_by_staff(english, cast):
    s = states.answered(cast)
    s = done(act(english, cast.staff, s, "rehandle", note="回头看发现未落实"), s)
    assert s.state == S.REHANDLING
    s = done(act(english, cast.staff, s, "close", note="代表已理解"), s)
    assert s.state == S.CLOSED
    other = states.handling(cast, title="跨届建议")
    other = done(
        act(english, cast.staff, other, "end_of_term", rule="carry_over", note="按规定结转"), other
    )
    assert other.state == S.HANDLING
    assert other.events.last().data["rule"] == "carry_over"


def test_closing_while_the_deputy_can_still_rate_is_a_conflict(english, cast):
    s = states.answered(cast)
    response = act(english, cast.staff, s, "close", note="结束")
    assert response.status_code == 409
    html = response.content.decode()
    # Close is not offered while the deputy can rate; the reason is the workflow's own.
    assert "The deputy can still rate the reply" in html


def test_a_stale_version_is_a_conflict_that_keeps_the_input(english, cast):
    s = states.handling(cast)
    stale = s.version
    states.contact(cast, s)  # someone else acts meanwhile
    response = act(
        english,
        cast.clerk_a,
        s,
        "log_contact",
        expected_version=stale,
        contacted_on=datetime.date.today().isoformat(),
        **{**CONTACT, "summary": "我刚才写的记录"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this suggestion" in html
    assert "我刚才写的记录" in html
    assert ContactLog.objects.count() == 1
    # The kept form now carries the current version: sending it again is deliberate and works.
    s.refresh_from_db()
    form = next(a.form for a in response.context["actions"] if a.name == "log_contact")
    assert form.data["expected_version"] == str(s.version)
    assert form["summary"].value() == "我刚才写的记录"


def test_an_action_not_allowed_for_the_role_is_403(english, cast):
    s = states.submitted(cast)
    response = act(english, cast.deputy, s, "register")
    assert response.status_code == 403
    assert "You may not do this on this suggestion." in response.content.decode()
    s.refresh_from_db()
    assert s.state == S.SUBMITTED


def test_an_action_from_a_stale_page_is_409(english, cast):
    s = states.registered(cast)
    response = act(english, cast.staff, s, "register")
    assert response.status_code == 409
    assert 'data-testid="page-error"' in response.content.decode()


def test_form_for_a_decision_with_nothing_pending_is_409_not_a_crash(english, cast):
    s = states.handling(cast)
    response = act(english, cast.staff, s, "decide_extension", request=999, approve="yes")
    assert response.status_code == 409


def test_unknown_action_is_404_and_get_is_405(client, cast):
    s = states.submitted(cast)
    client.force_login(cast.staff)
    assert client.post(reverse("suggestions:act", args=[s.pk, "explode"])).status_code == 404
    assert client.get(reverse("suggestions:act", args=[s.pk, "register"])).status_code == 405


def test_nonsense_version_and_values_are_form_errors(english, cast):
    s = states.answered(cast)
    response = act(english, cast.deputy, s, "rate", overall="ecstatic", expected_version="x")
    assert response.status_code == 422


def test_a_person_acting_for_two_units_chooses_which(english, cast):
    from tests.factories import RoleFactory

    RoleFactory(
        user=cast.clerk_a, kind="clerk", jurisdiction=cast.jurisdiction, organisation=cast.unit_b
    )
    s = states.assigned(cast, separate=True)
    english.force_login(cast.clerk_a)
    response = english.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in response.context["actions"] if a.name == "sign")
    assert "assignment" in form.fields
    b = s.assignments.get(unit=cast.unit_b)
    done(act(english, cast.clerk_a, s, "sign", assignment=b.pk), s)
    assert Assignment.objects.get(pk=b.pk).state == "signed"
    assert s.assignments.get(unit=cast.unit_a).state == "awaiting_signature"
