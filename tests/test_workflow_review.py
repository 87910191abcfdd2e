"""Review (审查/立案): register with gapless numbers, decline with a listed reason, return for
revision (DOMAIN §2.2)."""

import pytest

from minsheng.audit.models import Event
from minsheng.suggestions import workflow
from minsheng.suggestions.models import DeclineReason, NumberSeries, Suggestion
from tests import states
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State


def test_registration_numbers_follow_each_other_without_gaps(cast):
    numbers = [states.registered(cast, title=f"建议{i}").number for i in range(4)]
    assert numbers == [1, 2, 3, 4]
    assert NumberSeries.objects.get(series="S").last_number == 4


def test_the_register_event_records_the_number(cast):
    s = states.registered(cast)
    event = s.events.get(action="register")
    assert (event.from_state, event.to_state, event.actor) == (
        S.SUBMITTED,
        S.REGISTERED,
        cast.staff,
    )
    assert event.data == {"number": 1, "series": "S"}
    assert s.display_number == "第0001号" and s.registered_at is not None


def test_each_session_numbers_from_one(cast):
    states.registered(cast)
    states.registered(cast)
    pending = states.submitted(cast)  # session 4, registered after the other session's one
    next_session = SessionFactory(term=cast.term, number=5)
    other = workflow.create_draft(
        by=cast.deputy,
        lead_deputy=pending.lead_deputy,
        title="下一次会议的建议",
        body="内容",
        session=next_session,
    )
    other = workflow.register(workflow.submit(other, by=cast.deputy), by=cast.staff)
    assert other.number == 1 and other.session == next_session
    assert workflow.register(pending, by=cast.staff).number == 3


def test_between_session_suggestions_have_their_own_series(cast):
    in_session = states.registered(cast)
    first = states.registered(cast, source=Suggestion.Source.BETWEEN_SESSIONS)
    second = states.registered(cast, source=Suggestion.Source.BETWEEN_SESSIONS)
    assert in_session.display_number == "第0001号"
    assert (first.series, first.number, first.display_number) == ("B", 1, "闭会期间第0001号")
    assert second.display_number == "闭会期间第0002号"
    assert states.registered(cast).number == 2


def test_declined_returned_and_merged_suggestions_take_no_number(cast):
    states.declined(cast)
    states.returned(cast)
    states.merged(cast)  # its target is registered as number 1
    assert states.registered(cast).number == 2
    numbers = sorted(Suggestion.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers == [1, 2]


def test_a_registered_suggestion_is_not_registered_again(cast):
    s = states.registered(cast)
    with pytest.raises(workflow.Conflict):
        workflow.register(s, by=cast.staff)
    s.refresh_from_db()
    assert s.number == 1 and NumberSeries.objects.get().last_number == 1


def test_staff_may_mark_it_complex_and_recategorise_when_registering(cast):
    new_category = states.category(cast, "教育")
    s = workflow.register(
        states.submitted(cast), by=cast.staff, is_complex=True, category=new_category
    )
    s.refresh_from_db()
    assert s.is_complex and s.category == new_category


@pytest.mark.parametrize("action", ["register", "decline", "return_for_revision"])
def test_only_congress_staff_review(cast, action):
    s = states.submitted(cast, cosign=True)
    kwargs = {"decline": {"reason": "personal"}, "return_for_revision": {"note": "请修改"}}
    for user in (
        cast.deputy,
        cast.cosigner,
        cast.clerk_a,
        cast.head_a,
        cast.supervisor,
        cast.committee,
        cast.outsider,
    ):
        with pytest.raises(workflow.NotAllowed):
            workflow.ACTIONS[action](s, by=user, **kwargs.get(action, {}))
    s.refresh_from_db()
    assert s.state == S.SUBMITTED


@pytest.mark.parametrize("reason", [r for r in DeclineReason.values if r != DeclineReason.OTHER])
def test_a_suggestion_is_declined_for_a_listed_reason(cast, reason):
    s = workflow.decline(states.submitted(cast), by=cast.staff, reason=reason)
    assert s.state == S.DECLINED and s.decline_reason == reason and s.closed_at is not None
    event = s.events.get(action="decline")
    assert event.data == {"reason": reason} and event.to_state == S.DECLINED


def test_declining_needs_a_reason_from_the_list(cast):
    s = states.submitted(cast)
    for reason in ("", "too_long", "Personal"):
        with pytest.raises(workflow.Invalid):
            workflow.decline(s, by=cast.staff, reason=reason, note="随便")
    s.refresh_from_db()
    assert s.state == S.SUBMITTED


def test_declining_for_another_reason_needs_a_note(cast):
    s = states.submitted(cast)
    with pytest.raises(workflow.Invalid):
        workflow.decline(s, by=cast.staff, reason=DeclineReason.OTHER, note="  ")
    s = workflow.decline(s, by=cast.staff, reason=DeclineReason.OTHER, note="属于议案范围。")
    assert s.state_note == "属于议案范围。"


def test_returning_for_revision_needs_a_note(cast):
    s = states.submitted(cast)
    with pytest.raises(workflow.Invalid):
        workflow.return_for_revision(s, by=cast.staff, note=" ")
    s = workflow.return_for_revision(s, by=cast.staff, note="请补充数据")
    assert s.state == S.RETURNED and s.state_note == "请补充数据"
    assert s.events.get(action="return_for_revision").note == "请补充数据"


def test_a_returned_suggestion_goes_back_to_the_deputy_and_can_be_resubmitted(cast):
    s = states.returned(cast)
    s = workflow.submit(s, by=cast.deputy)
    s = workflow.register(s, by=cast.staff)
    assert s.state == S.REGISTERED and s.number == 1
    actions = list(Event.objects.filter(suggestion=s).values_list("action", flat=True))
    assert actions == ["create", "submit", "return_for_revision", "submit", "register"]


@pytest.mark.parametrize("helper", ["declined", "withdrawn", "merged"])
def test_a_finished_review_cannot_be_reviewed_again(cast, helper):
    s = getattr(states, helper)(cast)
    with pytest.raises(workflow.Conflict):
        workflow.register(s, by=cast.staff)
    with pytest.raises(workflow.Conflict):
        workflow.return_for_revision(s, by=cast.staff, note="再改")
