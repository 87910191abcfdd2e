"""Deadline rules (DOMAIN.md §2, §4): natural-time limits (ending on a working day, Civil Code
art. 203) and working-day limits, warning colours."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from minsheng.lib.workdays import Due, WorkCalendar
from minsheng.suggestions.deadlines import (
    Rules,
    adjustment_window_end,
    between_session_assign_due,
    is_late,
    joint_opinion_due,
    publication_due,
    rating_window_end,
    rehandling_due,
    reply_cap,
    reply_due,
    sign_due,
    yellow_from,
)
from minsheng.suggestions.models import Suggestion, WarningColour

RULES = Rules()


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_defaults_follow_the_domain_guide() -> None:
    assert dataclasses.asdict(RULES) == {
        "reply_months": 3,
        "reply_cap_months": 6,
        "sign_days": 7,
        "adjustment_workdays": 7,
        "joint_opinion_months": 1,
        "rehandling_months": 1,
        "rating_workdays": 20,
        "publication_workdays": 20,
        "between_session_assign_workdays": 5,
        "warning_workdays": 5,
        "instruction_days": 7,
        "instruction_complex_months": 1,
        "clearance_month": 12,
        "clearance_day": 31,
    }


def test_rules_are_frozen_and_validated() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RULES.reply_months = 4  # type: ignore[misc]
    with pytest.raises(ValueError):
        Rules(adjustment_workdays=0)
    with pytest.raises(ValueError):
        Rules(reply_months=3, reply_cap_months=2)


# --- natural-time limits -----------------------------------------------------------------------


def test_reply_due_and_cap(cal: WorkCalendar) -> None:
    # Civil Code art. 203: a period whose last day is a day off ends on the next working day.
    # 2026-06-20 is the Saturday of the Dragon Boat holiday (19-21 June): Monday 22 June.
    assert reply_due(date(2026, 3, 20), RULES, cal) == Due(date(2026, 6, 22), uncertain=False)
    # 2026-09-20 is a Sunday worked in lieu of National Day (调休): it is a working day, it stays.
    assert reply_cap(date(2026, 3, 20), RULES, cal) == Due(date(2026, 9, 20), uncertain=False)
    # Month-end clamping to Sunday 28 February 2027, then Monday: an unknown year, but no
    # festival is near, so nothing can move it.
    assert reply_due(date(2026, 11, 30), RULES, cal) == Due(date(2027, 3, 1), uncertain=False)
    assert reply_cap(date(2026, 8, 31), RULES, cal) == Due(date(2027, 3, 1), uncertain=False)
    assert reply_due(date(2027, 11, 30), RULES, cal) == Due(date(2028, 2, 29), uncertain=False)


def test_a_reply_due_on_new_years_day_2027_ends_on_the_next_working_day(cal: WorkCalendar) -> None:
    # Three months from 1 October 2026 is Friday 1 January 2027, New Year's Day (a day off by
    # law), then a weekend: Monday 4 January, flagged until 2027's arrangement is entered.
    assert reply_due(date(2026, 10, 1), RULES, cal) == Due(date(2027, 1, 4), uncertain=True)
    entered = WorkCalendar(overrides={date(2027, 1, 1): False}, known_years=[2027])
    assert reply_due(date(2026, 10, 1), RULES, entered) == Due(date(2027, 1, 4), uncertain=False)
    # Had the State Council made Monday a day off too, the period would end on Tuesday.
    bridged = WorkCalendar(overrides={date(2027, 1, 4): False}, known_years=[2027])
    assert reply_due(date(2026, 10, 1), RULES, bridged) == Due(date(2027, 1, 5), uncertain=False)


def test_an_unknown_year_is_uncertain_only_where_a_date_could_move(cal: WorkCalendar) -> None:
    # A plain Wednesday in March 2027: certain. National Day 2027: uncertain.
    assert reply_due(date(2026, 12, 10), RULES, cal) == Due(date(2027, 3, 10), uncertain=False)
    assert reply_due(date(2027, 7, 1), RULES, cal) == Due(date(2027, 10, 4), uncertain=True)


def test_sign_due_counts_natural_days(cal: WorkCalendar) -> None:
    assert sign_due(date(2026, 3, 20), RULES, cal) == Due(date(2026, 3, 27), uncertain=False)
    # The holiday counts, but the period cannot end inside it: 7 October is still National Day.
    assert sign_due(date(2026, 9, 30), RULES, cal) == Due(date(2026, 10, 8), uncertain=False)
    # Monday 4 January 2027 is right after New Year: the arrangement could still move it.
    assert sign_due(date(2026, 12, 28), RULES, cal) == Due(date(2027, 1, 4), uncertain=True)


def test_joint_opinion_and_rehandling_due(cal: WorkCalendar) -> None:
    # Saturday 28 February 2026 was worked (调休): the period ends on it.
    assert joint_opinion_due(date(2026, 1, 31), RULES, cal) == Due(date(2026, 2, 28), False)
    # Sunday 10 May 2026: Monday.
    assert joint_opinion_due(date(2026, 4, 10), RULES, cal).date == date(2026, 5, 11)
    assert rehandling_due(date(2026, 5, 31), RULES, cal) == Due(date(2026, 6, 30), False)
    # Monday 15 February 2027, a week after the Spring Festival: maybe a holiday, maybe not.
    later = rehandling_due(date(2026, 12, 15), Rules(rehandling_months=2), cal)
    assert later == Due(date(2027, 2, 15), uncertain=True)


# --- working-day limits ------------------------------------------------------------------------


def test_adjustment_window_end(cal: WorkCalendar) -> None:
    # Mon 2026-09-28: Sep 29, 30, Oct 8, 9, 10 (working Saturday), 12, 13.
    end = adjustment_window_end(date(2026, 9, 28), RULES, cal)
    assert end == Due(date(2026, 10, 13), uncertain=False)
    assert adjustment_window_end(date(2026, 9, 28), Rules(adjustment_workdays=3), cal).date == (
        date(2026, 10, 8)
    )


def test_rating_window_end(cal: WorkCalendar) -> None:
    # Thu 2026-09-24: Sep 25 is Mid-Autumn, then Sep 28-30 (3), Oct 8-10 (6), 12-16 (11),
    # 19-23 (16), 26-29 (20).
    assert rating_window_end(date(2026, 9, 24), RULES, cal) == Due(date(2026, 10, 29), False)


def test_publication_due_into_an_unknown_year(cal: WorkCalendar) -> None:
    # Tue 2026-12-15: Dec 16-18 (3), 21-25 (8), 28-31 (12), then 2027 guessed: New Year's Day
    # off by law, Jan 4-8 (17), 11-13 (20); the count touches the New Year window.
    assert publication_due(date(2026, 12, 15), RULES, cal) == Due(date(2027, 1, 13), True)
    entered = WorkCalendar(overrides={date(2027, 1, 1): False}, known_years=[2027])
    assert publication_due(date(2026, 12, 15), RULES, entered) == Due(date(2027, 1, 13), False)


def test_between_session_assign_due(cal: WorkCalendar) -> None:
    # Thu 2026-02-12: Feb 13, 14 (working Saturday), then Spring Festival to Feb 23; 24, 25, 26.
    due = between_session_assign_due(date(2026, 2, 12), RULES, cal)
    assert due == Due(date(2026, 2, 26), uncertain=False)


def test_is_late() -> None:
    end = date(2026, 10, 13)
    assert not is_late(date(2026, 10, 12), end)
    assert not is_late(end, end)
    assert is_late(date(2026, 10, 14), end)


# --- warnings ----------------------------------------------------------------------------------


def test_yellow_from(cal: WorkCalendar) -> None:
    # Before Mon 2026-10-12: Oct 10 (working Saturday), 9, 8, Sep 30, 29.
    assert yellow_from(date(2026, 10, 12), RULES, cal) == Due(date(2026, 9, 29), False)
    # A natural due date on a Saturday, after Dragon Boat Festival on Fri 2026-06-19.
    assert yellow_from(date(2026, 6, 20), RULES, cal).date == date(2026, 6, 12)
    assert yellow_from(date(2027, 1, 5), RULES, cal).uncertain


def _light(due: date, today: date, rules: Rules, cal: WorkCalendar, state: str = "handling") -> str:
    """The colour a suggestion shows with the dates the workflow stores (reply_due, warn_from)."""
    s = Suggestion(state=state, reply_due=due, warn_from=yellow_from(due, rules, cal).date)
    return s.warning(today)


@pytest.mark.parametrize(
    ("today", "colour"),
    [
        (date(2026, 9, 1), "green"),
        (date(2026, 9, 28), "green"),  # the day before yellow
        (date(2026, 9, 29), "yellow"),  # first yellow day
        (date(2026, 10, 3), "yellow"),  # during the holiday
        (date(2026, 10, 12), "yellow"),  # due today is not yet overdue
        (date(2026, 10, 13), "red"),  # the day after
        (date(2027, 3, 1), "red"),
    ],
)
def test_warning_boundaries(today: date, colour: str, cal: WorkCalendar) -> None:
    result = _light(date(2026, 10, 12), today, RULES, cal)
    assert result == colour
    assert isinstance(result, WarningColour)


def test_warning_stops_once_answered_or_undated(cal: WorkCalendar) -> None:
    overdue_day = date(2026, 12, 1)
    assert _light(date(2026, 10, 12), overdue_day, RULES, cal, state="answered") == "none"
    assert Suggestion(state="handling", reply_due=None).warning(overdue_day) == "none"


def test_warning_workdays_are_configurable(cal: WorkCalendar) -> None:
    rules = Rules(warning_workdays=1)
    assert _light(date(2026, 10, 12), date(2026, 10, 9), rules, cal) == "green"
    assert _light(date(2026, 10, 12), date(2026, 10, 10), rules, cal) == "yellow"


def test_warning_colour_values() -> None:
    assert [c.value for c in WarningColour] == ["none", "green", "yellow", "red"]
