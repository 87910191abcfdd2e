"""Rating (满意度测评), 'not rated' after the window, and re-handling (重新办理) (DOMAIN §2.6)."""

import datetime

import pytest

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, Rating, Reply, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
AS = Assignment.State
SENT_ON = datetime.date(2026, 3, 2)  # a Monday; the rating window ends 2026-03-30
WINDOW_END = datetime.date(2026, 3, 30)


def _answered_on(cast, day=SENT_ON, **kw):
    with states.frozen(day):
        return states.answered(cast, **kw)


def test_the_lead_deputy_rates_the_reply(cast):
    s = states.answered(cast)
    rating = workflow.rate(
        s, by=cast.deputy, overall="satisfied", process="basically", result="satisfied"
    )
    assert (rating.overall, rating.process, rating.result, rating.round, rating.rated_by) == (
        "satisfied",
        "basically",
        "satisfied",
        1,
        cast.deputy,
    )
    assert rating.reply == Reply.objects.get()
    s.refresh_from_db()
    assert s.state == S.ANSWERED
    event = s.events.get(action="rate")
    assert event.data["overall"] == "satisfied" and event.from_state == event.to_state == S.ANSWERED


def test_only_the_lead_deputy_rates(cast):
    s = states.answered(cast, cosign=True)
    for user in (
        cast.cosigner,
        cast.staff,
        cast.clerk_a,
        cast.head_a,
        cast.supervisor,
        cast.committee,
        cast.outsider,
    ):
        with pytest.raises(workflow.NotAllowed):
            workflow.rate(s, by=user, overall="satisfied")
    assert not Rating.objects.exists()


def test_a_rating_is_one_of_the_three_answers(cast):
    s = states.answered(cast)
    for overall in ("not_rated", "great", ""):
        with pytest.raises(workflow.Invalid):
            workflow.rate(s, by=cast.deputy, overall=overall)
    with pytest.raises(workflow.Invalid):
        workflow.rate(s, by=cast.deputy, overall="satisfied", process="not_rated")


def test_unsatisfied_needs_written_reasons(cast):
    s = states.answered(cast)
    with pytest.raises(workflow.Invalid):
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="  ")
    s.refresh_from_db()
    assert s.state == S.ANSWERED and not Rating.objects.exists()


def test_a_reply_is_rated_once(cast):
    s = states.answered(cast)
    workflow.rate(s, by=cast.deputy, overall="basically")
    with pytest.raises(workflow.Conflict):
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="改主意了")


def test_unsatisfied_opens_re_handling_with_a_one_month_deadline(cast):
    s = _answered_on(cast)
    with states.frozen(datetime.date(2026, 3, 10)):
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="护栏只装了一半。")
    s.refresh_from_db()
    assert (s.state, s.round, s.answered_at) == (S.REHANDLING, 2, None)
    assert s.reply_due == datetime.date(2026, 4, 10)
    assert s.warn_from == datetime.date(2026, 4, 2)  # Qingming: 4/3-4/6 are holidays in 2026
    a = s.assignments.get()
    assert (a.state, a.replied_at) == (AS.SIGNED, None)
    rehandle = s.events.get(action="rehandle")
    assert (rehandle.from_state, rehandle.to_state, rehandle.actor) == (
        S.ANSWERED,
        S.REHANDLING,
        cast.deputy,
    )
    assert rehandle.data["round"] == 2 and rehandle.note == "护栏只装了一半。"


def test_re_handling_needs_a_new_contact_in_the_new_round(cast):
    s = states.rehandling(cast)
    workflow.draft_reply(s, by=cast.clerk_a, **{**states.REPLY, "text": "第二次答复"})
    with pytest.raises(workflow.Conflict):  # round 1's contact does not count
        workflow.sign_reply(s, by=cast.head_a)
    states.contact(cast, s)
    reply = workflow.sign_reply(s, by=cast.head_a)
    assert reply.round == 2
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_the_second_round_is_rated_again_and_can_end_satisfied(cast):
    s = states.rehandling(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    rating = workflow.rate(s, by=cast.deputy, overall="satisfied")
    assert rating.round == 2 and rating.reply.round == 2
    assert list(Rating.objects.order_by("round").values_list("overall", flat=True)) == [
        "unsatisfied",
        "satisfied",
    ]


def test_in_separate_handling_only_the_rated_unit_handles_again(cast):
    s = states.answered(cast, separate=True)
    reply_a = s.replies.get(assignment__unit=cast.unit_a)
    workflow.rate(
        s, by=cast.deputy, overall="unsatisfied", reasons="交通厅答复不具体", reply_id=reply_a.pk
    )
    assert s.assignments.get(unit=cast.unit_a).state == AS.SIGNED
    assert s.assignments.get(unit=cast.unit_b).state == AS.REPLIED
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_each_reply_of_a_separate_suggestion_is_rated(cast):
    s = states.answered(cast, separate=True)
    for reply in s.replies.all():
        workflow.rate(s, by=cast.deputy, overall="satisfied", reply_id=reply.pk)
    assert Rating.objects.count() == 2
    with pytest.raises(workflow.Conflict):
        workflow.rate(s, by=cast.deputy, overall="satisfied")


def test_staff_re_open_handling_with_a_note(cast):
    s = states.answered(cast, separate=True)
    workflow.rate(s, by=cast.deputy, overall="satisfied")
    with pytest.raises(workflow.Invalid):
        workflow.rehandle(s, by=cast.staff, note=" ")
    for user in (cast.deputy, cast.clerk_a, cast.head_a):
        with pytest.raises(workflow.NotAllowed):
            workflow.rehandle(s, by=user, note="回头看")
    s = workflow.rehandle(s, by=cast.staff, note="回头看发现问题未解决")
    assert (s.state, s.round) == (S.REHANDLING, 2)
    assert set(s.assignments.values_list("state", flat=True)) == {AS.SIGNED}


def test_after_the_window_an_unrated_reply_is_recorded_as_not_rated(cast):
    s = _answered_on(cast)
    reply = s.replies.get()
    assert reply.rating_due == WINDOW_END
    assert workflow.expire_ratings(WINDOW_END) == 0  # the last day is still the deputy's
    assert workflow.expire_ratings(WINDOW_END + datetime.timedelta(days=1)) == 1
    rating = Rating.objects.get()
    assert (rating.overall, rating.rated_by, rating.reply) == ("not_rated", None, reply)
    assert rating.overall not in (Rating.Overall.SATISFIED, Rating.Overall.BASICALLY)
    event = s.events.get(action="not_rated")
    assert event.actor is None and event.data["window_ended"] == "2026-03-30"
    s.refresh_from_db()
    assert s.state == S.ANSWERED


def test_expiring_ratings_is_idempotent(cast):
    s = _answered_on(cast)
    later = datetime.date(2026, 4, 20)
    assert workflow.expire_ratings(later) == 1
    assert workflow.expire_ratings(later) == 0
    assert Rating.objects.count() == 1
    assert s.events.filter(action="not_rated").count() == 1


def test_expiry_uses_todays_date_when_none_is_given(cast):
    _answered_on(cast)
    with states.frozen(datetime.date(2026, 3, 31)):
        assert workflow.expire_ratings() == 1


def test_a_rated_reply_never_expires(cast):
    s = _answered_on(cast)
    with states.frozen(WINDOW_END):
        workflow.rate(s, by=cast.deputy, overall="basically")
    assert workflow.expire_ratings(datetime.date(2026, 5, 1)) == 0
    assert Rating.objects.get().overall == "basically"


def test_after_not_rated_the_deputy_can_no_longer_rate(cast):
    s = _answered_on(cast)
    workflow.expire_ratings(datetime.date(2026, 4, 1))
    with pytest.raises(workflow.Conflict):
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="太晚了")


def test_a_rating_after_the_window_is_refused(cast):
    s = _answered_on(cast)
    with states.frozen(WINDOW_END + datetime.timedelta(days=1)), pytest.raises(workflow.Conflict):
        workflow.rate(s, by=cast.deputy, overall="satisfied")


def test_in_re_handling_the_deputy_still_rates_the_other_units_reply(cast):
    s = _answered_on(cast, separate=True)
    reply_a = s.replies.get(assignment__unit=cast.unit_a)
    reply_b = s.replies.get(assignment__unit=cast.unit_b)
    with states.frozen(datetime.date(2026, 3, 3)):
        workflow.rate(
            s, by=cast.deputy, overall="unsatisfied", reasons="不具体", reply_id=reply_a.pk
        )
        s.refresh_from_db()
        assert (s.state, s.round) == (S.REHANDLING, 2)
        assert "rate" in workflow.allowed_actions(cast.deputy, s)
        workflow.rate(s, by=cast.deputy, overall="satisfied", reply_id=reply_b.pk)
    assert Rating.objects.get(reply=reply_b).overall == "satisfied"
    assert s.assignments.get(unit=cast.unit_b).state == AS.REPLIED


def test_an_unsatisfied_rating_during_re_handling_brings_that_unit_into_the_round(cast):
    s = _answered_on(cast, separate=True)
    reply_a = s.replies.get(assignment__unit=cast.unit_a)
    reply_b = s.replies.get(assignment__unit=cast.unit_b)
    with states.frozen(datetime.date(2026, 3, 3)):
        workflow.rate(
            s, by=cast.deputy, overall="unsatisfied", reasons="不具体", reply_id=reply_a.pk
        )
    s.refresh_from_db()
    due = s.reply_due
    with states.frozen(datetime.date(2026, 3, 10)):
        workflow.rate(
            s, by=cast.deputy, overall="unsatisfied", reasons="也不具体", reply_id=reply_b.pk
        )
    s.refresh_from_db()
    assert (s.state, s.round, s.reply_due) == (S.REHANDLING, 2, due)
    assert set(s.assignments.values_list("state", flat=True)) == {AS.SIGNED}
    assert s.events.filter(action="rehandle").count() == 2


def test_the_other_units_unrated_reply_expires_during_re_handling(cast):
    s = _answered_on(cast, separate=True)
    reply_a = s.replies.get(assignment__unit=cast.unit_a)
    reply_b = s.replies.get(assignment__unit=cast.unit_b)
    with states.frozen(datetime.date(2026, 3, 3)):
        workflow.rate(
            s, by=cast.deputy, overall="unsatisfied", reasons="不具体", reply_id=reply_a.pk
        )
    assert workflow.expire_ratings(datetime.date(2026, 6, 1)) == 1
    assert Rating.objects.get(reply=reply_b).overall == "not_rated"


def test_the_deputy_has_a_full_window_for_an_early_separate_reply(cast):
    with states.frozen(SENT_ON):
        s = states.handling(cast, separate=True)
        states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        workflow.sign_reply(s, by=cast.head_a)
    with states.frozen(datetime.date(2026, 5, 4)):  # unit B replies two months later
        states.contact(cast, s, cast.clerk_b)
        workflow.draft_reply(s, by=cast.clerk_b, **states.REPLY)
        workflow.sign_reply(s, by=cast.head_b)
    early, late = s.replies.order_by("sent_at")
    assert early.rating_due == late.rating_due == datetime.date(2026, 6, 1)
    assert workflow.expire_ratings(datetime.date(2026, 5, 6)) == 0
    with states.frozen(datetime.date(2026, 6, 1)):
        workflow.rate(s, by=cast.deputy, overall="satisfied", reply_id=early.pk)


def test_closing_after_the_window_records_not_rated_at_once(cast):
    s = _answered_on(cast)
    with states.frozen(WINDOW_END + datetime.timedelta(days=1)):
        workflow.close(s, by=cast.staff, note="逾期未评价，办结。")
    assert Rating.objects.get(reply=s.replies.get()).overall == "not_rated"
    assert workflow.expire_ratings(WINDOW_END + datetime.timedelta(days=2)) == 0
    s.refresh_from_db()
    assert s.version == s.events.count() and s.state == S.CLOSED


def test_closing_a_re_handled_suggestion_leaves_no_reply_without_a_rating(cast):
    s = _answered_on(cast, separate=True)
    reply_a = s.replies.get(assignment__unit=cast.unit_a)
    with states.frozen(datetime.date(2026, 3, 3)):
        workflow.rate(
            s, by=cast.deputy, overall="unsatisfied", reasons="不具体", reply_id=reply_a.pk
        )
        workflow.close(s, by=cast.staff, note="代表表示理解，办结。")
    workflow.expire_ratings(datetime.date(2026, 6, 1))
    unrated = s.replies.filter(state=Reply.State.SENT, rating__isnull=True)
    assert not unrated.exists()
