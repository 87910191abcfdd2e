"""Contact (沟通联系), drafting and signing the reply (答复) (DOMAIN §2.4–§2.5, §3)."""

import datetime

import pytest
from django.utils import timezone

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, ContactLog, Reply, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
AS = Assignment.State


def _contact(cast, s, user=None, on=None, **kw):
    fields = {"method": "phone", "people": "赵敏、林建国代表", "summary": "沟通了办理思路。", **kw}
    return workflow.log_contact(
        s, by=user or cast.clerk_a, contacted_on=on or timezone.localdate(), **fields
    )


def test_a_contact_is_logged_for_the_round_and_the_unit(cast):
    s = states.handling(cast)
    log = _contact(cast, s, method="site_visit", stage="during")
    assert (log.assignment.unit, log.round, log.method, log.stage, log.logged_by) == (
        cast.unit_a,
        1,
        "site_visit",
        "during",
        cast.clerk_a,
    )
    event = s.events.get(action="log_contact")
    assert event.data["method"] == "site_visit" and event.note == "沟通了办理思路。"


def test_a_contact_needs_a_known_method_and_stage_and_who_and_what(cast):
    s = states.handling(cast)
    for bad in ({"method": "pigeon"}, {"stage": "later"}, {"people": " "}, {"summary": ""}):
        with pytest.raises(workflow.Invalid):
            _contact(cast, s, **bad)
    assert not ContactLog.objects.exists()


def test_the_contact_date_cannot_be_in_the_future(cast):
    with states.frozen(datetime.date(2026, 4, 1)):
        s = states.handling(cast)
        with pytest.raises(workflow.Invalid):
            _contact(cast, s, on=datetime.date(2026, 4, 2))
        _contact(cast, s, on=datetime.date(2026, 4, 1))


def test_the_contact_date_cannot_be_before_the_assignment(cast):
    s = states.handling(cast, on=datetime.date(2026, 3, 2))
    with pytest.raises(workflow.Invalid):
        _contact(cast, s, on=datetime.date(2026, 3, 1))
    _contact(cast, s, on=datetime.date(2026, 3, 2))


def test_a_unit_contacts_the_deputy_only_after_signing_for_it(cast):
    s = states.assigned(cast, joint=True)
    with pytest.raises(workflow.Conflict):  # nobody signed: the suggestion is only assigned
        _contact(cast, s)
    workflow.sign(s, by=cast.clerk_a)
    with pytest.raises(workflow.Conflict):  # unit B has not signed for its part yet
        _contact(cast, s, user=cast.clerk_b)
    _contact(cast, s)


def test_only_units_with_a_part_log_contacts(cast):
    s = states.handling(cast)
    for user in (cast.clerk_b, cast.staff, cast.deputy, cast.committee):
        with pytest.raises(workflow.NotAllowed):
            _contact(cast, s, user=user)


def test_a_reply_is_not_sent_without_a_logged_contact(cast):
    s = states.handling(cast)
    reply = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    with pytest.raises(workflow.Conflict):
        workflow.sign_reply(s, by=cast.head_a)
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT
    s.refresh_from_db()
    assert s.state == S.HANDLING


def test_another_units_contact_does_not_count(cast):
    s = states.handling(cast, separate=True)
    _contact(cast, s, user=cast.clerk_b)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    with pytest.raises(workflow.Conflict):
        workflow.sign_reply(s, by=cast.head_a)


def test_the_reply_draft_needs_a_category_the_text_and_the_contact_people(cast):
    s = states.handling(cast)
    for change in (
        {"category": "E"},
        {"category": ""},
        {"text": " "},
        {"contact_leader": ""},
        {"contact_leader_phone": ""},
        {"case_officer": ""},
        {"case_officer_phone": " "},
    ):
        with pytest.raises(workflow.Invalid):
            workflow.draft_reply(s, by=cast.clerk_a, **{**states.REPLY, **change})
    with pytest.raises(workflow.Invalid):
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY, signature="盖章")
    assert not Reply.objects.exists()


def test_a_b_reply_needs_the_plan_and_a_target_date(cast):
    s = states.handling(cast)
    b = {**states.REPLY, "category": "B"}
    with pytest.raises(workflow.Invalid):
        workflow.draft_reply(s, by=cast.clerk_a, **b)
    with pytest.raises(workflow.Invalid):
        workflow.draft_reply(s, by=cast.clerk_a, **b, plan="分三年实施")
    with pytest.raises(workflow.Invalid):
        workflow.draft_reply(
            s, by=cast.clerk_a, **b, plan=" ", target_date=datetime.date(2027, 12, 31)
        )
    reply = workflow.draft_reply(
        s, by=cast.clerk_a, **b, plan="分三年实施", target_date=datetime.date(2027, 12, 31)
    )
    assert reply.category == "B" and reply.target_date == datetime.date(2027, 12, 31)


def test_redrafting_updates_the_same_draft(cast):
    s = states.handling(cast)
    first = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    second = workflow.draft_reply(s, by=cast.head_a, **{**states.REPLY, "category": "C"})
    assert first.pk == second.pk and Reply.objects.get().category == "C"


def test_a_joint_unit_does_not_draft_a_reply(cast):
    s = states.handling(cast, joint=True)
    with pytest.raises(workflow.NotAllowed):
        workflow.draft_reply(s, by=cast.clerk_b, **states.REPLY)


def test_a_unit_drafts_only_after_signing_for_it(cast):
    s = states.handling(cast, separate=True)
    s2 = states.assigned(cast, title="尚未签收")
    with pytest.raises(workflow.Conflict):
        workflow.draft_reply(s2, by=cast.clerk_a, **states.REPLY)
    assert workflow.draft_reply(s, by=cast.clerk_b, **states.REPLY).assignment.unit == cast.unit_b


def test_only_the_unit_head_signs_the_reply(cast):
    s = states.handling(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    for user in (cast.clerk_a, cast.head_b, cast.clerk_b, cast.staff, cast.deputy):
        with pytest.raises(workflow.NotAllowed):
            workflow.sign_reply(s, by=user)
    workflow.sign_reply(s, by=cast.head_a)


def test_there_must_be_a_draft_to_sign(cast):
    s = states.handling(cast)
    states.contact(cast, s)
    with pytest.raises(workflow.Conflict):
        workflow.sign_reply(s, by=cast.head_a)


def test_signing_sends_the_reply_and_answers_the_suggestion(cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        s = states.handling(cast)
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        reply = workflow.sign_reply(s, by=cast.head_a)
    assert reply.state == Reply.State.SENT and reply.signed_by == cast.head_a and reply.sent_at
    # 20 working days after Monday 2026-03-02 (no holiday in March 2026).
    assert reply.rating_due == datetime.date(2026, 3, 30)
    assert reply.publication_due == datetime.date(2026, 3, 30)
    assert s.assignments.get().state == AS.REPLIED
    s.refresh_from_db()
    assert s.state == S.ANSWERED and s.answered_at is not None
    event = s.events.get(action="sign_reply")
    assert (event.from_state, event.to_state, event.actor) == (S.HANDLING, S.ANSWERED, cast.head_a)
    assert event.data["late"] is False and event.data["category"] == "A"


def test_a_reply_after_the_due_date_is_recorded_as_late(cast):
    s = states.handling(cast, on=datetime.date(2026, 3, 2))
    with states.frozen(datetime.date(2026, 6, 3)):  # due 2026-06-02
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        workflow.sign_reply(s, by=cast.head_a)
    assert s.events.get(action="sign_reply").data["late"] is True


def test_separate_handling_is_answered_only_when_every_unit_has_replied(cast):
    s = states.handling(cast, separate=True)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.HANDLING
    assert s.events.get(action="sign_reply").to_state == S.HANDLING
    states.contact(cast, s, cast.clerk_b)
    workflow.draft_reply(s, by=cast.clerk_b, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_b)
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_a_separate_unit_still_waiting_for_adjustment_keeps_the_suggestion_open(cast):
    s = states.handling(cast, separate=True)
    workflow.request_adjustment(s, by=cast.clerk_b, reason="不属于我厅职责")
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.HANDLING


def test_a_sent_reply_cannot_be_redrafted_in_the_same_round(cast):
    s = states.answered(cast)
    with pytest.raises(workflow.Conflict):
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)


def test_a_contact_in_a_new_round_is_not_dated_before_the_round_opened(cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        s = states.answered(cast)
    with states.frozen(datetime.date(2026, 3, 20)):  # within the rating window
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="没有解决")
        with pytest.raises(workflow.Invalid):
            _contact(cast, s, on=datetime.date(2026, 3, 5))


def test_a_unit_cannot_log_a_contact_from_before_it_had_the_suggestion(cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        s = states.assigned(cast)
    with states.frozen(datetime.date(2026, 3, 6)):
        request = workflow.request_adjustment(s, by=cast.clerk_a, reason="不对口")
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)
        workflow.sign(s, by=cast.clerk_b)
        with pytest.raises(workflow.Invalid):
            _contact(cast, s, user=cast.clerk_b, on=datetime.date(2026, 3, 3))
