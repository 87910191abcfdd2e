"""The whole life of a suggestion through the workflow functions alone."""

import pytest

from minsheng.audit.models import Event
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State


def test_full_journey_with_rehandling(cast):
    s = states.draft(cast, cosign=True)
    assert s.state == S.DRAFT
    with pytest.raises(workflow.Conflict):
        workflow.submit(s, by=cast.deputy)  # the co-signer has not confirmed
    workflow.confirm_cosign(s, by=cast.cosigner)
    s = workflow.submit(s, by=cast.deputy)
    s = workflow.register(s, by=cast.staff)
    assert s.number == 1 and s.display_number == "第0001号"
    s = workflow.assign(s, by=cast.staff, plan=[workflow.UnitPlan(cast.unit_a, "lead")])
    assert s.reply_due is not None and s.state == S.ASSIGNED
    s = workflow.sign(s, by=cast.clerk_a)
    assert s.state == S.HANDLING
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    with pytest.raises(workflow.Conflict):
        workflow.sign_reply(s, by=cast.head_a)  # no contact logged
    states.contact(cast, s)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED
    workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="没有解决")
    s.refresh_from_db()
    assert s.state == S.REHANDLING and s.round == 2
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED
    workflow.rate(s, by=cast.deputy, overall="satisfied")
    s = workflow.close(s, by=cast.staff, note="满意")
    assert s.state == S.CLOSED
    actions = list(Event.objects.filter(suggestion=s).values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "close"
    assert "rehandle" in actions
    assert s.version == Event.objects.filter(suggestion=s).count()


def test_helpers_reach_every_state(cast):
    assert states.closed(cast).state == S.CLOSED
    assert states.rehandling(cast).state == S.REHANDLING


def test_separate_handling_is_answered_when_every_unit_replied(cast):
    s = states.answered(cast, separate=True)
    assert s.state == S.ANSWERED
    assert s.replies.filter(state="sent").count() == 2


def test_joint_handling(cast):
    s = states.answered(cast, joint=True)
    assert s.state == S.ANSWERED
