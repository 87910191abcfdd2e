"""Deadlines against the official calendar, end to end through the workflow (DOMAIN §4):
National Day and its swapped working Saturday, month limits, yellow warnings, and deadlines that
fall in a year nobody has entered yet."""

import datetime

import pytest

from minsheng.suggestions import deadlines as workflow_deadlines
from minsheng.suggestions import workflow
from minsheng.suggestions.models import RuleSet, Suggestion
from minsheng.workcalendar import work_calendar
from minsheng.workcalendar.models import CalendarDay, CalendarYear
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State
D = datetime.date
RULES = workflow_deadlines.Rules()
MONDAY = D(2026, 9, 28)  # Mid-Autumn 9/25 is past; National Day Oct 1-7; Saturday 10/10 works


def _assigned_on(cast, day, **kw):
    with states.frozen(day):
        return states.assigned(cast, **kw)


def test_an_assignment_before_national_day_gets_every_window_from_the_calendar(cast):
    s = _assigned_on(cast, MONDAY, joint=True)
    lead = s.assignments.get(mode="lead")
    # 7 natural days end on 10/5, inside the holiday: the period ends on the next working day
    # (Civil Code art. 203).
    assert lead.sign_due == D(2026, 10, 8)
    # 9/29, 9/30, [10/1-10/7 holiday], 10/8, 10/9, 10/10 (swapped Saturday), 10/12, 10/13
    assert lead.adjustment_until == D(2026, 10, 13)
    assert lead.adjustment_until_uncertain is False
    assert s.assignments.get(mode="joint").joint_opinion_due == D(2026, 10, 28)
    assert s.reply_due == D(2026, 12, 28)  # 3 natural months
    assert s.warn_from == D(2026, 12, 21)  # 5 working days before Monday 12/28
    assert s.reply_due_uncertain is False


def test_the_adjustment_window_closes_at_the_end_of_its_last_working_day(cast):
    s = _assigned_on(cast, MONDAY)
    with states.frozen(D(2026, 10, 14)), pytest.raises(workflow.Conflict):
        workflow.request_adjustment(s, by=cast.clerk_a, reason="不对口")
    with states.frozen(D(2026, 10, 13)):
        workflow.request_adjustment(s, by=cast.clerk_a, reason="不对口")


def test_a_holiday_entered_by_an_administrator_moves_new_windows(cast):
    CalendarDay.objects.create(date=D(2026, 10, 10), is_workday=False, note="更正")
    s = _assigned_on(cast, MONDAY)
    assert s.assignments.get().adjustment_until == D(2026, 10, 14)


def test_a_sign_for_period_ending_in_the_holiday_runs_to_the_first_working_day_after(cast):
    s = _assigned_on(cast, MONDAY)
    with states.frozen(D(2026, 10, 8)):
        workflow.sign(s, by=cast.clerk_a)
    late = _assigned_on(cast, MONDAY, title="迟签")
    with states.frozen(D(2026, 10, 9)):
        workflow.sign(late, by=cast.clerk_a)
    assert s.events.get(action="sign").data["late"] is False
    assert late.events.get(action="sign").data["late"] is True


def test_the_rating_and_publication_windows_count_working_days(cast):
    with states.frozen(MONDAY):
        s = states.answered(cast)
    reply = s.replies.get()
    # 20 working days after 9/28: 9/29, 9/30, 10/8-10/10, 10/12-16, 10/19-23, 10/26-30
    assert reply.rating_due == D(2026, 10, 30)
    assert reply.publication_due == D(2026, 10, 30)


def test_between_session_suggestions_are_assigned_within_5_working_days(cast):
    with states.frozen(D(2026, 9, 30)):
        s = states.submitted(cast, source=Suggestion.Source.BETWEEN_SESSIONS)
    assert s.assign_due == D(2026, 10, 13)  # 10/8, 10/9, 10/10 (Saturday), 10/12, 10/13


def test_windows_reaching_an_unknown_year_are_flagged_only_where_they_could_move(cast):
    # Thursday 2026-12-24: the windows run into 2027, which the calendar package does not know.
    s = _assigned_on(cast, D(2026, 12, 24))
    a = s.assignments.get()
    assert a.sign_due == D(2026, 12, 31)  # a working day of a known year
    # 12/25, 12/28-31, New Year's Day (off by law), 1/4, 1/5: the count crosses New Year, whose
    # arrangement for 2027 is not entered, so it could move.
    assert (a.adjustment_until, a.adjustment_until_uncertain) == (D(2027, 1, 5), True)
    # The reply is due on Wednesday 24 March 2027, far from any festival: it cannot move.
    assert s.reply_due == D(2027, 3, 24)
    assert s.warn_from == D(2027, 3, 17)
    assert s.reply_due_uncertain is False


def test_windows_inside_known_years_are_not_flagged(cast):
    s = _assigned_on(cast, D(2026, 6, 1))
    assert s.reply_due_uncertain is False
    assert s.assignments.get().adjustment_until_uncertain is False


def test_a_reply_due_on_new_years_day_2027_ends_on_the_next_working_day(cast):
    # Three months from 1 October 2026 is Friday 1 January 2027, New Year's Day, then a weekend.
    s = _assigned_on(cast, D(2026, 10, 1))
    assert (s.reply_due, s.warn_from, s.reply_due_uncertain) == (
        D(2027, 1, 4),
        D(2026, 12, 25),
        True,
    )


def test_entering_the_new_year_clears_the_flag_and_logs_the_recomputation(cast):
    s = _assigned_on(cast, D(2026, 10, 1))
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕号")
    assert workflow.recompute_due_dates(cast.jurisdiction.pk, by=cast.admin) == 1
    s.refresh_from_db()
    assert (s.reply_due, s.warn_from, s.reply_due_uncertain) == (
        D(2027, 1, 4),
        D(2026, 12, 25),
        False,
    )
    event = s.events.get(action="recompute_due")
    assert event.actor == cast.admin and event.from_state == event.to_state == S.ASSIGNED
    assert event.data["before"][2] == "True" and event.data["after"][2] == "False"
    assert s.version == s.events.count()
    assert workflow.recompute_due_dates(cast.jurisdiction.pk) == 0  # nothing left to change


def test_entering_the_new_year_settles_open_adjustment_windows_too(cast):
    s = _assigned_on(cast, D(2026, 12, 24))
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027)
    workflow.recompute_due_dates(cast.jurisdiction.pk)
    a = s.assignments.get()
    assert (a.adjustment_until, a.adjustment_until_uncertain) == (D(2027, 1, 5), False)


def test_an_arrangement_unlike_the_guess_moves_the_windows(cast):
    s = _assigned_on(cast, D(2026, 12, 24))
    # Suppose the State Council bridges Monday 4 January and has Saturday 9 January worked.
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027)
    workflow.recompute_due_dates(cast.jurisdiction.pk)
    a = s.assignments.get()
    assert (a.adjustment_until, a.adjustment_until_uncertain) == (D(2027, 1, 6), False)


def test_an_assignment_deadline_in_an_unknown_year_is_flagged(cast):
    with states.frozen(D(2026, 12, 28)):
        s = states.submitted(cast, source=Suggestion.Source.BETWEEN_SESSIONS)
    # 12/29-31, New Year's Day off by law, 1/4, 1/5; across New Year, so it could move.
    assert (s.assign_due, s.assign_due_uncertain) == (D(2027, 1, 5), True)
    with states.frozen(D(2026, 6, 1)):
        known = states.submitted(cast, title="年中", source=Suggestion.Source.BETWEEN_SESSIONS)
    assert known.assign_due_uncertain is False


def test_a_rating_window_in_an_unknown_year_is_flagged(cast):
    with states.frozen(D(2026, 12, 10)):
        s = states.answered(cast)
    reply = s.replies.get()
    assert reply.rating_due.year == 2027 and reply.rating_due_uncertain is True
    with states.frozen(D(2026, 6, 1)):
        known = states.answered(cast, title="年中")
    assert known.replies.get().rating_due_uncertain is False


def test_a_publication_deadline_in_an_unknown_year_is_flagged(cast):
    with states.frozen(D(2026, 12, 10)):
        s = states.answered(cast)
    assert getattr(s.replies.get(), "publication_due_uncertain", False) is True


def test_a_rule_set_change_recomputes_open_due_dates(cast):
    s = _assigned_on(cast, MONDAY)
    done = states.closed(cast, title="已办结")
    RuleSet.objects.create(jurisdiction=cast.jurisdiction, reply_months=2)
    assert workflow.recompute_due_dates(cast.jurisdiction.pk) == 1
    s.refresh_from_db()
    # Two months end on Saturday 28 November: the reply is due on Monday 30 November.
    assert (s.reply_due, s.warn_from) == (D(2026, 11, 30), D(2026, 11, 23))
    event = s.events.get(action="recompute_due")
    assert event.data["before"][0] == "2026-12-28" and event.data["after"][0] == "2026-11-30"
    assert not done.events.filter(action="recompute_due").exists()


def test_recomputation_keeps_an_approved_extension(cast):
    with states.frozen(MONDAY):
        s = states.handling(cast)
        request = workflow.request_extension(
            s, by=cast.clerk_a, until=D(2027, 2, 26), reason="跨年度预算", deputy_told=True
        )
        workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=True)
    s.refresh_from_db()
    assert s.reply_due == s.extended_to == D(2027, 2, 26)
    assert s.reply_due_uncertain is True  # its yellow warning falls in unknown 2027
    RuleSet.objects.create(jurisdiction=cast.jurisdiction, reply_months=2)
    workflow.recompute_due_dates(cast.jurisdiction.pk)
    s.refresh_from_db()
    assert s.reply_due == D(2027, 2, 26)


def test_re_handling_is_due_one_month_after_it_opens(cast):
    with states.frozen(D(2026, 11, 23)):
        s = states.answered(cast)
    with states.frozen(D(2026, 12, 15)):
        workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="未解决")
    s.refresh_from_db()
    assert s.reply_due == D(2027, 1, 15)
    assert s.reply_due_uncertain is True  # 2027 is not known yet


def test_the_warning_turns_yellow_five_working_days_before_and_red_after(cast):
    s = _assigned_on(cast, MONDAY)
    assert s.warning(D(2026, 10, 1)) == "green"
    assert s.warning(D(2026, 12, 18)) == "green"
    assert s.warning(D(2026, 12, 21)) == "yellow"
    assert s.warning(D(2026, 12, 28)) == "yellow"  # the due day itself is still in time
    assert s.warning(D(2026, 12, 29)) == "red"


def test_an_approved_extension_moves_the_warning(cast):
    with states.frozen(MONDAY):
        s = states.handling(cast)
        request = workflow.request_extension(
            s, by=cast.clerk_a, until=D(2027, 1, 29), reason="跨年度", deputy_told=True
        )
        workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=True)
    s.refresh_from_db()
    assert s.warning(D(2026, 12, 29)) == "green"
    assert s.warning(D(2027, 1, 22)) == "yellow"
    assert s.warning(D(2027, 1, 30)) == "red"


@pytest.mark.parametrize("helper", ["submitted", "registered", "answered", "closed"])
def test_items_not_being_handled_show_no_warning(cast, helper):
    with states.frozen(MONDAY):
        s = getattr(states, helper)(cast)
    assert s.warning(D(2030, 1, 1)) == "none"


def test_sign_for_and_joint_opinion_dates_in_an_unknown_year_are_flagged_and_settle(cast):
    # Monday 2026-12-28: sign for within 7 days → Monday 4 January 2027, just after New Year,
    # whose 2027 arrangement is not entered; the joint opinion a month later, near 春节 2027.
    s = _assigned_on(cast, D(2026, 12, 28), joint=True)
    lead, joint = s.assignments.get(mode="lead"), s.assignments.get(mode="joint")
    assert (lead.sign_due, lead.sign_due_uncertain) == (D(2027, 1, 4), True)
    expected = workflow_deadlines.joint_opinion_due(D(2026, 12, 28), RULES, work_calendar())
    assert (joint.joint_opinion_due, joint.joint_opinion_due_uncertain) == (
        expected.date,
        expected.uncertain,
    )
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027)
    workflow.recompute_due_dates(cast.jurisdiction.pk)
    lead.refresh_from_db()
    joint.refresh_from_db()
    assert lead.sign_due_uncertain is False and joint.joint_opinion_due_uncertain is False
