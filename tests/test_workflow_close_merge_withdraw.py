"""Closing (办结), merging (并案) and withdrawing (撤回) (DOMAIN §2.1, §2.3, §2.6)."""

import datetime

import pytest

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from tests import states
from tests.factories import DeputyFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State
SENT_ON = datetime.date(2026, 3, 2)  # rating window ends 2026-03-30


# --- close -------------------------------------------------------------------------------------


def test_closing_needs_a_note(cast):
    s = states.answered(cast)
    workflow.rate(s, by=cast.deputy, overall="satisfied")
    with pytest.raises(workflow.Invalid):
        workflow.close(s, by=cast.staff, note="  ")


def test_a_rated_suggestion_is_closed_by_staff(cast):
    s = states.closed(cast)
    assert s.state == S.CLOSED and s.closed_at is not None and s.state_note == "代表满意，办结。"
    event = s.events.get(action="close")
    assert (event.from_state, event.to_state, event.actor) == (S.ANSWERED, S.CLOSED, cast.staff)


def test_closing_is_refused_while_the_deputy_can_still_rate(cast):
    with states.frozen(SENT_ON):
        s = states.answered(cast)
    for day in (SENT_ON, datetime.date(2026, 3, 30)):
        with states.frozen(day), pytest.raises(workflow.Conflict):
            workflow.close(s, by=cast.staff, note="办结")
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_closing_is_allowed_once_the_rating_window_has_passed(cast):
    with states.frozen(SENT_ON):
        s = states.answered(cast)
    with states.frozen(datetime.date(2026, 3, 31)):
        workflow.expire_ratings()
        assert workflow.close(s, by=cast.staff, note="逾期未评价，办结。").state == S.CLOSED


def test_staff_may_close_a_re_handled_suggestion_when_the_deputy_understands(cast):
    s = states.rehandling(cast)
    s = workflow.close(s, by=cast.staff, note="代表表示理解，办结。")
    assert s.state == S.CLOSED


def test_only_staff_close(cast):
    s = states.rehandling(cast)
    for user in (cast.deputy, cast.clerk_a, cast.head_a, cast.supervisor, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.close(s, by=user, note="办结")


@pytest.mark.parametrize("helper", ["registered", "handling", "closed"])
def test_only_an_answered_or_re_handled_suggestion_is_closed(cast, helper):
    s = getattr(states, helper)(cast)
    with pytest.raises(workflow.Conflict):
        workflow.close(s, by=cast.staff, note="办结")


# --- merge -------------------------------------------------------------------------------------


def test_a_suggestion_is_merged_into_an_open_registered_one(cast):
    into = states.registered(cast, title="并案目标")
    s = states.submitted(cast, cosign=True)
    s = workflow.merge(s, by=cast.staff, into=into, note="内容相同")
    assert (s.state, s.merged_into, s.state_note) == (S.MERGED, into, "内容相同")
    assert s.events.get(action="merge").data == {"into": into.pk}
    into.refresh_from_db()
    assert into.state == S.REGISTERED and into.version == 4  # create, submit, register, merged_in
    assert into.events.get(action="merged_in").data == {"from": s.pk}


def test_a_registered_suggestion_can_be_merged_into_one_being_handled(cast):
    into = states.handling(cast, title="已在办理")
    s = workflow.merge(states.registered(cast), by=cast.staff, into=into)
    assert s.state == S.MERGED and s.number == 2  # it keeps its number


def test_a_suggestion_is_not_merged_into_itself(cast):
    s = states.registered(cast)
    with pytest.raises(workflow.Invalid):
        workflow.merge(s, by=cast.staff, into=s)


def test_a_suggestion_is_not_merged_across_congresses(cast):
    other_user = UserFactory(username="other_deputy", jurisdiction=cast.other_jurisdiction)
    term = TermFactory(jurisdiction=cast.other_jurisdiction)
    deputy = DeputyFactory(user=other_user, jurisdiction=cast.other_jurisdiction, term=term)
    foreign = workflow.create_draft(
        by=other_user,
        lead_deputy=deputy,
        title="外省建议",
        body="内容",
        session=SessionFactory(term=term),
    )
    with pytest.raises(workflow.Invalid):
        workflow.merge(states.submitted(cast), by=cast.staff, into=foreign)


@pytest.mark.parametrize(
    "helper", ["draft", "returned", "declined", "withdrawn", "merged", "closed"]
)
def test_a_suggestion_is_not_merged_into_a_finished_or_unreviewed_one(cast, helper):
    into = getattr(states, helper)(cast, title="目标")
    s = states.submitted(cast)
    with pytest.raises(workflow.Conflict):
        workflow.merge(s, by=cast.staff, into=into)
    s.refresh_from_db()
    assert s.state == S.SUBMITTED and s.merged_into is None


def test_a_suggestion_is_not_merged_into_an_unregistered_one(cast):
    into = states.submitted(cast, title="尚未立案")
    with pytest.raises(workflow.Conflict):
        workflow.merge(states.submitted(cast), by=cast.staff, into=into)


def test_only_staff_merge(cast):
    into = states.registered(cast, title="目标")
    s = states.submitted(cast)
    for user in (cast.deputy, cast.clerk_a, cast.supervisor, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.merge(s, by=user, into=into)


@pytest.mark.parametrize("helper", ["assigned", "answered"])
def test_an_assigned_suggestion_is_no_longer_merged(cast, helper):
    into = states.registered(cast, title="目标")
    with pytest.raises(workflow.Conflict):
        workflow.merge(getattr(states, helper)(cast), by=cast.staff, into=into)


# --- withdraw ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "helper", ["draft", "submitted", "returned", "registered", "assigned", "handling"]
)
def test_the_deputy_may_withdraw_in_writing_until_it_is_answered(cast, helper):
    s = getattr(states, helper)(cast)
    before = s.state
    s = workflow.withdraw(s, by=cast.deputy, reason="问题已解决，书面撤回。")
    assert (s.state, s.state_note) == (S.WITHDRAWN, "问题已解决，书面撤回。")
    assert s.closed_at is not None
    event = s.events.get(action="withdraw")
    assert (event.from_state, event.to_state, event.note) == (
        before,
        S.WITHDRAWN,
        "问题已解决，书面撤回。",
    )


def test_a_withdrawal_needs_a_reason(cast):
    s = states.submitted(cast)
    with pytest.raises(workflow.Invalid):
        workflow.withdraw(s, by=cast.deputy, reason=" ")
    s.refresh_from_db()
    assert s.state == S.SUBMITTED


@pytest.mark.parametrize("helper", ["answered", "rehandling", "closed", "declined", "merged"])
def test_an_answered_or_finished_suggestion_cannot_be_withdrawn(cast, helper):
    s = getattr(states, helper)(cast)
    with pytest.raises(workflow.Conflict):
        workflow.withdraw(s, by=cast.deputy, reason="撤回")


def test_only_the_lead_deputy_withdraws(cast):
    s = states.handling(cast, cosign=True)
    for user in (cast.cosigner, cast.staff, cast.clerk_a, cast.head_a):
        with pytest.raises(workflow.NotAllowed):
            workflow.withdraw(s, by=user, reason="撤回")


def test_a_withdrawn_suggestion_offers_no_action_to_anyone(cast):
    s = states.withdrawn(cast, before="handling")
    for user in (cast.deputy, cast.staff, cast.clerk_a, cast.head_a):
        assert workflow.allowed_actions(user, s) == []
