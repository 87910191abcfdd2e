"""Joint handling (主办 + 会办): joint opinions and the lead's wait for them (DOMAIN §2.3, §3)."""

import datetime

import pytest

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, JointOpinion, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
AS = Assignment.State
ON = datetime.date(2026, 3, 2)  # joint opinions due 2026-04-02


def _ready_lead(cast):
    """Joint suggestion assigned on ON, both units signed, the lead has contacted and drafted."""
    with states.frozen(ON):
        s = states.handling(cast, joint=True, on=ON)
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    return s


def test_the_joint_unit_sends_its_opinion_to_the_lead(cast):
    s = states.handling(cast, joint=True)
    opinion = workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意主办单位意见。")
    joint = s.assignments.get(mode=Assignment.Mode.JOINT)
    assert opinion.assignment == joint and opinion.submitted_by == cast.clerk_b
    assert joint.state == AS.REPLIED and joint.replied_at is not None
    event = s.events.get(action="submit_joint_opinion")
    assert event.part == joint and event.note == "同意主办单位意见。"
    s.refresh_from_db()
    assert s.state == S.HANDLING  # a joint opinion does not answer the deputy


def test_a_joint_opinion_needs_text(cast):
    s = states.handling(cast, joint=True)
    with pytest.raises(workflow.Invalid):
        workflow.submit_joint_opinion(s, by=cast.clerk_b, text="  ")


def test_a_joint_unit_sends_one_opinion(cast):
    s = states.handling(cast, joint=True)
    workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意。")
    with pytest.raises(workflow.Conflict):
        workflow.submit_joint_opinion(s, by=cast.head_b, text="再补充。")
    assert JointOpinion.objects.count() == 1


def test_the_joint_unit_signs_for_its_part_first(cast):
    s = workflow.sign(states.assigned(cast, joint=True), by=cast.clerk_a)
    with pytest.raises(workflow.Conflict):
        workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意。")


def test_only_a_joint_unit_sends_a_joint_opinion(cast):
    s = states.handling(cast, joint=True)
    for user in (cast.clerk_a, cast.head_a, cast.staff, cast.deputy):
        with pytest.raises(workflow.NotAllowed):
            workflow.submit_joint_opinion(s, by=user, text="同意。")
    separate = states.handling(cast, separate=True, title="分办")
    with pytest.raises(workflow.NotAllowed):
        workflow.submit_joint_opinion(separate, by=cast.clerk_b, text="同意。")


def test_the_lead_cannot_reply_while_a_joint_opinion_is_missing_and_not_yet_due(cast):
    s = _ready_lead(cast)
    for day in (ON, datetime.date(2026, 4, 2)):  # up to and including the due date
        with states.frozen(day), pytest.raises(workflow.Conflict) as err:
            workflow.sign_reply(s, by=cast.head_a)
        assert str(cast.unit_b) in err.value.message
    with states.frozen(ON):
        assert workflow.reply_problems(s, s.assignments.get(mode="lead")) != []
    s.refresh_from_db()
    assert s.state == S.HANDLING


def test_the_lead_can_reply_once_the_joint_opinion_arrived(cast):
    s = _ready_lead(cast)
    with states.frozen(datetime.date(2026, 3, 10)):
        workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意。")
        workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_the_lead_can_reply_once_the_joint_opinion_is_overdue(cast):
    s = _ready_lead(cast)
    with states.frozen(datetime.date(2026, 4, 3)):
        assert workflow.reply_problems(s, s.assignments.get(mode="lead")) == []
        workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED  # the joint unit's assignment does not hold up the answer


def test_a_joint_unit_that_never_signed_does_not_block_the_lead_after_its_due_date(cast):
    with states.frozen(ON):
        s = workflow.sign(states.assigned(cast, joint=True, on=ON), by=cast.clerk_a)
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        with pytest.raises(workflow.Conflict):
            workflow.sign_reply(s, by=cast.head_a)
    with states.frozen(datetime.date(2026, 4, 3)):
        workflow.sign_reply(s, by=cast.head_a)
