"""Adjustment (申请调整): a unit asks within its window, staff keep or move (DOMAIN §2.3)."""

import datetime

import pytest
from django.http import Http404

from minsheng.suggestions import permissions, workflow
from minsheng.suggestions.models import AdjustmentRequest, Assignment, RuleSet, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
AS = Assignment.State
MONDAY = datetime.date(2026, 9, 28)  # before National Day; Saturday 2026-10-10 is a working day


def _request(cast, s, user=None, **kw):
    return workflow.request_adjustment(
        s, by=user or cast.clerk_a, reason="该事项属于教育厅职责。", proposed_unit=cast.unit_b, **kw
    )


def test_a_unit_asks_for_adjustment_with_reasons_and_a_proposed_unit(cast):
    s = states.assigned(cast)
    request = _request(cast, s)
    a = s.assignments.get()
    assert a.state == AS.ADJUSTMENT_REQUESTED
    assert (request.decision, request.proposed_unit, request.requested_by) == (
        AdjustmentRequest.Decision.PENDING,
        cast.unit_b,
        cast.clerk_a,
    )
    event = s.events.get(action="request_adjustment")
    assert event.part == a and event.note == "该事项属于教育厅职责。"
    assert event.data["previous"] == AS.AWAITING_SIGNATURE
    s.refresh_from_db()
    assert s.state == S.ASSIGNED  # the suggestion's state does not change


def test_an_adjustment_request_needs_reasons(cast):
    s = states.assigned(cast)
    with pytest.raises(workflow.Invalid):
        workflow.request_adjustment(s, by=cast.clerk_a, reason="  ")
    assert not AdjustmentRequest.objects.exists()


def test_the_window_is_seven_working_days_by_the_official_calendar(cast):
    # 9/29, 9/30, (Oct 1-7 holiday), 10/8, 10/9, 10/10 (swapped Saturday), 10/12, 10/13.
    with states.frozen(MONDAY):
        s = states.assigned(cast)
    assert s.assignments.get().adjustment_until == datetime.date(2026, 10, 13)
    with states.frozen(datetime.date(2026, 10, 13)):
        _request(cast, s)
    assert AdjustmentRequest.objects.count() == 1


def test_a_late_request_is_not_adjusted(cast):
    with states.frozen(MONDAY):
        s = states.assigned(cast)
    with states.frozen(datetime.date(2026, 10, 14)), pytest.raises(workflow.Conflict) as err:
        _request(cast, s)
    assert any(day in err.value.message for day in ("2026-10-13", "2026年10月13日"))
    assert s.assignments.get().state == AS.AWAITING_SIGNATURE
    assert not AdjustmentRequest.objects.exists()


def test_the_window_is_configurable_per_congress(cast):
    RuleSet.objects.create(jurisdiction=cast.jurisdiction, adjustment_workdays=3)
    with states.frozen(MONDAY):
        s = states.assigned(cast)
    assert s.assignments.get().adjustment_until == datetime.date(2026, 10, 8)
    with states.frozen(datetime.date(2026, 10, 9)), pytest.raises(workflow.Conflict):
        _request(cast, s)


def test_a_signed_unit_may_still_ask_within_the_window(cast):
    s = states.handling(cast)
    _request(cast, s)
    assert s.events.get(action="request_adjustment").data["previous"] == AS.SIGNED


def test_a_unit_without_a_part_cannot_ask(cast):
    s = states.assigned(cast)
    for user in (cast.clerk_b, cast.staff, cast.deputy):
        with pytest.raises(workflow.NotAllowed):
            _request(cast, s, user=user)


def test_a_unit_asks_only_once_while_its_request_is_pending(cast):
    s = states.assigned(cast)
    _request(cast, s)
    with pytest.raises(workflow.Conflict):
        _request(cast, s)


def test_staff_keep_the_assignment_with_the_unit(cast):
    s = states.handling(cast)
    request = _request(cast, s)
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, note="职责明确，不予调整。")
    request.refresh_from_db()
    assert request.decision == AdjustmentRequest.Decision.KEPT and request.decided_by == cast.staff
    assert s.assignments.get().state == AS.SIGNED  # back to where it was
    event = s.events.get(action="decide_adjustment")
    assert event.data["decision"] == AdjustmentRequest.Decision.KEPT


def test_a_kept_unsigned_assignment_goes_back_to_awaiting_signature(cast):
    s = states.assigned(cast)
    request = _request(cast, s)
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk)
    assert s.assignments.get().state == AS.AWAITING_SIGNATURE


def test_moving_cancels_the_old_assignment_and_gives_the_new_unit_fresh_windows(cast):
    with states.frozen(MONDAY):
        s = states.assigned(cast)
    with states.frozen(datetime.date(2026, 10, 12)):
        request = _request(cast, s)
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)
    old = Assignment.objects.get(unit=cast.unit_a)
    new = Assignment.objects.get(unit=cast.unit_b)
    assert old.state == AS.CANCELLED and old.replaced_by == new
    assert (new.mode, new.state) == (Assignment.Mode.LEAD, AS.AWAITING_SIGNATURE)
    assert new.assigned_on == datetime.date(2026, 10, 12)
    assert new.sign_due == datetime.date(2026, 10, 19)
    assert new.adjustment_until == datetime.date(2026, 10, 21)
    request.refresh_from_db()
    assert request.decision == AdjustmentRequest.Decision.MOVED
    s.refresh_from_db()
    assert s.state == S.ASSIGNED


def test_after_a_move_unit_b_sees_and_handles_it_and_unit_a_no_longer_does(cast):
    s = states.assigned(cast)
    request = _request(cast, s)
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)
    for user in (cast.clerk_b, cast.head_b):
        assert permissions.get_suggestion_for_user(user, s.pk) == s
    for user in (cast.clerk_a, cast.head_a, cast.committee):  # the committee follows unit A
        assert not Suggestion.objects.visible_to(user).filter(pk=s.pk).exists()
        with pytest.raises(Http404):
            permissions.get_suggestion_for_user(user, s.pk)
    with pytest.raises(workflow.NotAllowed):
        workflow.sign(s, by=cast.clerk_a)
    assert workflow.sign(s, by=cast.clerk_b).state == S.HANDLING


def test_a_request_is_decided_once(cast):
    s = states.assigned(cast)
    request = _request(cast, s)
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk)
    with pytest.raises(workflow.Conflict):
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)


def test_a_move_needs_another_unit_without_a_part(cast):
    s = states.assigned(cast, joint=True)
    request = _request(cast, s)
    with pytest.raises(workflow.Invalid):
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_a)
    with pytest.raises(workflow.Invalid):  # unit B is already the joint unit
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)
    with pytest.raises(workflow.Invalid):
        workflow.decide_adjustment(
            s, by=cast.staff, request_id=request.pk, move_to=cast.committee_org
        )
    request.refresh_from_db()
    assert request.decision == AdjustmentRequest.Decision.PENDING
    assert s.assignments.get(unit=cast.unit_a).state == AS.ADJUSTMENT_REQUESTED


def test_an_unknown_request_is_refused(cast):
    s = states.assigned(cast)
    other = states.assigned(cast, title="另一件")
    request = _request(cast, other)
    with pytest.raises(workflow.Invalid):
        workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk)


def test_a_unit_never_passes_a_suggestion_on_by_itself(cast):
    s = states.assigned(cast)
    request = _request(cast, s)
    for user in (cast.clerk_a, cast.head_a, cast.clerk_b, cast.deputy, cast.supervisor):
        with pytest.raises(workflow.NotAllowed):
            workflow.decide_adjustment(s, by=user, request_id=request.pk, move_to=cast.unit_b)
    assert s.assignments.get().unit == cast.unit_a


def test_a_unit_waiting_for_a_decision_cannot_handle(cast):
    s = states.handling(cast)
    _request(cast, s)
    with pytest.raises(workflow.Conflict):
        states.contact(cast, s)
    with pytest.raises(workflow.Conflict):
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
