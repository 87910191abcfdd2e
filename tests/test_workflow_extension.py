"""Extensions (延期): asked with a reason after telling the deputy, decided by staff, never past
the 6-month cap (DOMAIN §2.5)."""

import datetime

import pytest

from minsheng.suggestions import workflow
from minsheng.suggestions.models import ExtensionRequest, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
ON = datetime.date(2026, 3, 2)  # reply due 2026-06-02, cap 2026-09-02


def _handling(cast, **kw):
    return states.handling(cast, on=ON, **kw)


def _ask(cast, s, until=datetime.date(2026, 8, 3), user=None, **kw):
    fields = {"reason": "涉及跨年度预算安排。", "deputy_told": True, **kw}
    return workflow.request_extension(s, by=user or cast.clerk_a, until=until, **fields)


def test_a_unit_asks_for_an_extension_with_a_reason_after_telling_the_deputy(cast):
    s = _handling(cast)
    request = _ask(cast, s)
    assert (request.decision, request.requested_until, request.deputy_told) == (
        ExtensionRequest.Decision.PENDING,
        datetime.date(2026, 8, 3),
        True,
    )
    assert s.events.get(action="request_extension").data["until"] == "2026-08-03"


def test_an_extension_needs_a_reason(cast):
    with pytest.raises(workflow.Invalid):
        _ask(cast, _handling(cast), reason=" ")


def test_the_deputy_must_be_told_first(cast):
    with pytest.raises(workflow.Invalid):
        _ask(cast, _handling(cast), deputy_told=False)
    assert not ExtensionRequest.objects.exists()


def test_the_new_date_must_be_after_the_current_due_date(cast):
    s = _handling(cast)
    for until in (datetime.date(2026, 5, 1), datetime.date(2026, 6, 2)):
        with pytest.raises(workflow.Invalid):
            _ask(cast, s, until=until)


def test_an_extension_cannot_go_past_six_months_from_assignment(cast):
    s = _handling(cast)
    with pytest.raises(workflow.Invalid) as err:
        _ask(cast, s, until=datetime.date(2026, 9, 3))
    assert any(day in err.value.message for day in ("2026-09-02", "2026年9月2日"))
    assert _ask(cast, s, until=datetime.date(2026, 9, 2)).requested_until == datetime.date(
        2026, 9, 2
    )


def test_only_the_lead_or_separate_unit_asks(cast):
    s = _handling(cast, joint=True)
    for user in (cast.clerk_b, cast.head_b, cast.staff, cast.deputy):
        with pytest.raises(workflow.NotAllowed):
            _ask(cast, s, user=user)
    _ask(cast, s, user=cast.head_a)


def test_one_request_waits_at_a_time(cast):
    s = _handling(cast)
    _ask(cast, s)
    with pytest.raises(workflow.Conflict):
        _ask(cast, s, until=datetime.date(2026, 9, 1))


def test_approval_moves_the_due_date_and_the_yellow_warning(cast):
    s = _handling(cast)
    request = _ask(cast, s)
    s = workflow.decide_extension(
        s, by=cast.staff, request_id=request.pk, approve=True, note="同意"
    )
    s.refresh_from_db()
    assert s.reply_due == s.extended_to == datetime.date(2026, 8, 3)
    assert s.warn_from == datetime.date(2026, 7, 27)  # 5 working days before Monday 8/3
    assert s.is_complex
    request.refresh_from_db()
    assert request.decision == ExtensionRequest.Decision.APPROVED
    assert request.decided_by == cast.staff
    assert s.events.get(action="decide_extension").data["approved"] is True


def test_rejection_leaves_the_due_date_alone(cast):
    s = _handling(cast)
    before = (s.reply_due, s.warn_from)
    request = _ask(cast, s)
    workflow.decide_extension(
        s, by=cast.staff, request_id=request.pk, approve=False, note="理由不充分"
    )
    s.refresh_from_db()
    assert (s.reply_due, s.warn_from, s.extended_to, s.is_complex) == (*before, None, False)
    request.refresh_from_db()
    assert request.decision == ExtensionRequest.Decision.REJECTED


def test_a_request_is_decided_once_and_only_by_staff(cast):
    s = _handling(cast)
    request = _ask(cast, s)
    for user in (cast.clerk_a, cast.head_a, cast.deputy, cast.supervisor):
        with pytest.raises(workflow.NotAllowed):
            workflow.decide_extension(s, by=user, request_id=request.pk, approve=True)
    workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=False)
    with pytest.raises(workflow.Conflict):
        workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=True)


def test_an_unknown_request_is_refused(cast):
    s = _handling(cast)
    other = _handling(cast, title="另一件")
    request = _ask(cast, other)
    with pytest.raises(workflow.Invalid):
        workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=True)


def test_a_second_extension_may_reach_the_cap_but_not_pass_it(cast):
    s = _handling(cast)
    workflow.decide_extension(s, by=cast.staff, request_id=_ask(cast, s).pk, approve=True)
    with pytest.raises(workflow.Invalid):  # not after the extended date
        _ask(cast, s, until=datetime.date(2026, 8, 1))
    with pytest.raises(workflow.Invalid):
        _ask(cast, s, until=datetime.date(2026, 9, 10))
    second = _ask(cast, s, until=datetime.date(2026, 9, 2))
    workflow.decide_extension(s, by=cast.staff, request_id=second.pk, approve=True)
    s.refresh_from_db()
    assert s.reply_due == datetime.date(2026, 9, 2)


def test_no_extension_is_asked_before_handling_or_in_re_handling(cast):
    with pytest.raises(workflow.Conflict):
        _ask(cast, states.assigned(cast, on=ON))
    with pytest.raises(workflow.Conflict):
        _ask(cast, states.rehandling(cast, title="重新办理"), until=datetime.date(2099, 1, 1))
