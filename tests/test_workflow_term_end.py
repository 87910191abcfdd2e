"""The end of a term (换届): open items are carried over or closed by an explicit rule."""

import pytest

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from minsheng.suggestions.workflow import TermEndRule
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
NOTE = "依据换届工作规则处理。"


@pytest.mark.parametrize(
    "helper", ["submitted", "registered", "assigned", "handling", "answered", "rehandling"]
)
def test_carrying_over_keeps_the_state_number_and_clock(cast, helper):
    s = getattr(states, helper)(cast)
    before = (s.state, s.number, s.reply_due, s.warn_from, s.round)
    after = workflow.end_of_term(s, by=cast.staff, rule=TermEndRule.CARRY_OVER, note=NOTE)
    assert (after.state, after.number, after.reply_due, after.warn_from, after.round) == before
    assert after.version == s.version + 1
    event = after.events.get(action="end_of_term")
    assert event.from_state == event.to_state == before[0]
    assert event.data == {"rule": "carry_over", "term": cast.term.pk} and event.note == NOTE


@pytest.mark.parametrize("helper", ["submitted", "registered", "handling", "answered"])
def test_closing_at_the_end_of_the_term_closes_it_with_the_note(cast, helper):
    s = getattr(states, helper)(cast)
    before = s.state
    s = workflow.end_of_term(s, by=cast.staff, rule=TermEndRule.CLOSE, note=NOTE)
    assert (s.state, s.state_note) == (S.CLOSED, NOTE) and s.closed_at is not None
    event = s.events.get(action="end_of_term")
    assert (event.from_state, event.to_state) == (before, S.CLOSED)


def test_the_rule_must_be_carry_over_or_close(cast):
    s = states.registered(cast)
    with pytest.raises(workflow.Invalid):
        workflow.end_of_term(s, by=cast.staff, rule="archive", note=NOTE)


def test_the_rule_needs_a_note(cast):
    s = states.registered(cast)
    with pytest.raises(workflow.Invalid):
        workflow.end_of_term(s, by=cast.staff, rule=TermEndRule.CLOSE, note=" ")


@pytest.mark.parametrize(
    "helper", ["draft", "returned", "declined", "withdrawn", "merged", "closed"]
)
def test_only_open_items_are_carried_over_or_closed(cast, helper):
    s = getattr(states, helper)(cast)
    with pytest.raises(workflow.Conflict):
        workflow.end_of_term(s, by=cast.staff, rule=TermEndRule.CARRY_OVER, note=NOTE)


def test_only_staff_apply_the_term_end_rule(cast):
    s = states.handling(cast)
    for user in (cast.deputy, cast.clerk_a, cast.head_a, cast.supervisor, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.end_of_term(s, by=user, rule=TermEndRule.CLOSE, note=NOTE)


def test_a_carried_over_suggestion_goes_on_being_handled(cast):
    s = states.handling(cast)
    workflow.end_of_term(s, by=cast.staff, rule=TermEndRule.CARRY_OVER, note=NOTE)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED
