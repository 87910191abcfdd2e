"""Overdue items need a written explanation (DOMAIN §4): the unit that has not replied yet writes
why once the reply due date has passed; the explanation is one event and changes no state."""

import datetime

import pytest

from minsheng.audit.models import Event
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
ON = datetime.date(2026, 3, 2)
TEXT = "专项资金尚待财政批复，答复推迟。"


def _handling(cast, **kw):
    with states.frozen(ON):
        s = states.handling(cast, on=ON, **kw)
    s.refresh_from_db()
    return s


def _late(s, days=10):
    return s.reply_due + datetime.timedelta(days=days)


def test_refused_until_the_reply_is_overdue(cast):
    s = _handling(cast)
    for day in (ON, s.reply_due):  # up to and including the due date
        with states.frozen(day), pytest.raises(workflow.Conflict) as err:
            workflow.explain_overdue(s, by=cast.clerk_a, text=TEXT)
        assert workflow._d(s.reply_due) in err.value.message
    assert not s.events.filter(action="explain_overdue").exists()


def test_the_explanation_must_be_written(cast):
    s = _handling(cast)
    with states.frozen(_late(s)), pytest.raises(workflow.Invalid):
        workflow.explain_overdue(s, by=cast.clerk_a, text="   ")
    assert not s.events.filter(action="explain_overdue").exists()


def test_only_the_late_units_people_may_explain(cast):
    s = _handling(cast)  # unit A alone: unit B has no part
    with states.frozen(_late(s)):
        for user in (cast.deputy, cast.staff, cast.clerk_b):
            with pytest.raises(workflow.NotAllowed):
                workflow.explain_overdue(s, by=user, text=TEXT)
    assert not s.events.filter(action="explain_overdue").exists()


def test_a_joint_unit_does_not_explain_the_lead_units_delay(cast):
    s = _handling(cast, joint=True)
    with states.frozen(_late(s)):
        for user in (cast.clerk_b, cast.head_b):
            with pytest.raises(workflow.NotAllowed):
                workflow.explain_overdue(s, by=user, text=TEXT)
        assert "explain_overdue" not in workflow.allowed_actions(cast.clerk_b, s)
        assert "explain_overdue" in workflow.allowed_actions(cast.clerk_a, s)


def test_the_lead_units_clerk_explains_after_the_due_date(cast):
    s = _handling(cast)
    version = s.version
    with states.frozen(_late(s, 10)):
        event = workflow.explain_overdue(s, by=cast.clerk_a, text=f"  {TEXT}  ")
    lead = s.assignments.get(mode=Assignment.Mode.LEAD)
    assert list(s.events.filter(action="explain_overdue")) == [event]
    assert event.note == TEXT and event.actor == cast.clerk_a and event.part == lead
    assert event.data == {"reply_due": s.reply_due.isoformat(), "days_late": 10}
    assert event.from_state == event.to_state == S.HANDLING
    s.refresh_from_db()
    assert s.state == S.HANDLING and s.version == version + 1
    lead.refresh_from_db()
    assert lead.state == Assignment.State.SIGNED  # nothing else changes


def test_a_unit_that_has_not_signed_yet_explains_too(cast):
    with states.frozen(ON):
        s = states.assigned(cast, on=ON)
    s.refresh_from_db()
    with states.frozen(_late(s, 3)):
        assert "explain_overdue" in workflow.allowed_actions(cast.head_a, s)
        workflow.explain_overdue(s, by=cast.head_a, text=TEXT)
    assert s.events.get(action="explain_overdue").data["days_late"] == 3
    s.refresh_from_db()
    assert s.state == S.ASSIGNED


def test_a_separate_unit_that_already_replied_has_nothing_to_explain(cast):
    with states.frozen(ON):
        s = states.handling(cast, separate=True, on=ON)
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    with states.frozen(_late(s)):
        assert "explain_overdue" not in workflow.allowed_actions(cast.clerk_a, s)
        with pytest.raises(workflow.Conflict):
            workflow.explain_overdue(s, by=cast.clerk_a, text=TEXT)
        event = workflow.explain_overdue(s, by=cast.clerk_b, text=TEXT)
    assert event.part.unit == cast.unit_b


def test_offered_only_once_overdue(cast):
    s = _handling(cast)
    with states.frozen(s.reply_due):
        assert "explain_overdue" not in workflow.allowed_actions(cast.clerk_a, s)
        assert workflow._d(s.reply_due) in (
            workflow.why_not("explain_overdue", cast.clerk_a, s) or ""
        )
    with states.frozen(_late(s, 1)):
        assert "explain_overdue" in workflow.allowed_actions(cast.clerk_a, s)
        assert "explain_overdue" in workflow.allowed_actions(cast.head_a, s)
        for user in (cast.deputy, cast.staff):
            assert "explain_overdue" not in workflow.allowed_actions(user, s)


def test_an_answered_suggestion_is_not_explained(cast):
    with states.frozen(ON):
        s = states.answered(cast, on=ON)
    with states.frozen(_late(s)), pytest.raises(workflow.Conflict):
        workflow.explain_overdue(s, by=cast.clerk_a, text=TEXT)
    assert not Event.objects.filter(action="explain_overdue").exists()
