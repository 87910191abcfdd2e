"""China's working-day calendar: package years, unknown years and where they are uncertain,
overrides, the end of natural-time periods (art. 203), month arithmetic."""

from __future__ import annotations

import datetime
from datetime import date

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from minsheng.lib.workdays import (
    LUNAR_FESTIVALS,
    PACKAGE_YEARS,
    Due,
    WorkCalendar,
    add_months,
    festival_window_days,
    statutory_days_off,
)

ONE_DAY = datetime.timedelta(days=1)


def test_package_range_matches_the_package() -> None:
    assert PACKAGE_YEARS.start == 2004
    assert 2026 in PACKAGE_YEARS
    for year in (PACKAGE_YEARS.start, PACKAGE_YEARS.stop - 1):
        chinese_calendar.is_workday(date(year, 6, 1))  # does not raise
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(PACKAGE_YEARS.stop, 6, 1))


# --- ordinary weeks ----------------------------------------------------------------------------


def test_ordinary_week() -> None:
    cal = WorkCalendar()
    # 2025-03-03 is a Monday in a month with no holidays.
    assert cal.is_workday(date(2025, 3, 7))  # Friday
    assert not cal.is_workday(date(2025, 3, 8))  # Saturday
    assert not cal.is_workday(date(2025, 3, 9))  # Sunday
    assert cal.add_workdays(date(2025, 3, 3), 1) == Due(date(2025, 3, 4), uncertain=False)
    assert cal.add_workdays(date(2025, 3, 3), 5) == Due(date(2025, 3, 10), uncertain=False)
    # From a Friday or a Saturday, the next working day is Monday.
    assert cal.add_workdays(date(2025, 3, 7), 1).date == date(2025, 3, 10)
    assert cal.add_workdays(date(2025, 3, 8), 1).date == date(2025, 3, 10)
    assert cal.workdays_between(date(2025, 3, 2), date(2025, 3, 9)) == 5
    assert cal.subtract_workdays(date(2025, 3, 10), 1) == Due(date(2025, 3, 7), uncertain=False)
    assert cal.subtract_workdays(date(2025, 3, 10), 5).date == date(2025, 3, 3)


def test_workdays_between_is_half_open_and_zero_when_reversed() -> None:
    cal = WorkCalendar()
    monday, tuesday = date(2025, 3, 3), date(2025, 3, 4)
    assert cal.workdays_between(monday, monday) == 0
    assert cal.workdays_between(monday, tuesday) == 1  # start excluded, end included
    assert cal.workdays_between(tuesday, monday) == 0


@pytest.mark.parametrize("n", [0, -1])
def test_n_must_be_positive(n: int) -> None:
    cal = WorkCalendar()
    with pytest.raises(ValueError):
        cal.add_workdays(date(2025, 3, 3), n)
    with pytest.raises(ValueError):
        cal.subtract_workdays(date(2025, 3, 3), n)


# --- 2026 holidays and swapped working weekends (调休) -------------------------------------------

NATIONAL_DAY_2026 = [date(2026, 10, d) for d in range(1, 8)]
SWAPPED_WORKING_WEEKENDS_2026 = [
    date(2026, 1, 4),  # Sunday, New Year
    date(2026, 2, 14),  # Saturday, Spring Festival
    date(2026, 2, 28),  # Saturday, Spring Festival
    date(2026, 5, 9),  # Saturday, Labour Day
    date(2026, 9, 20),  # Sunday, National Day
    date(2026, 10, 10),  # Saturday, National Day
]


def test_calendar_agrees_with_package_for_all_of_2026() -> None:
    cal = WorkCalendar()
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        assert cal.is_known(day)
        day += ONE_DAY


def test_swapped_working_weekends_2026() -> None:
    cal = WorkCalendar()
    found = []
    day = date(2026, 1, 1)
    while day.year == 2026:
        if day.weekday() >= 5 and chinese_calendar.is_workday(day):
            found.append(day)
        day += ONE_DAY
    assert found == SWAPPED_WORKING_WEEKENDS_2026
    for day in SWAPPED_WORKING_WEEKENDS_2026:
        assert day.weekday() >= 5
        assert cal.is_workday(day)


def test_national_day_2026() -> None:
    cal = WorkCalendar()
    for day in NATIONAL_DAY_2026:
        assert not chinese_calendar.is_workday(day)
        assert not cal.is_workday(day)
    # The holiday is Oct 1-7; Thursday Oct 8 is back to work (the package says so too).
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 8))
    assert not cal.is_workday(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert cal.add_workdays(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    assert cal.add_workdays(date(2026, 9, 30), 3).date == date(2026, 10, 10)  # working Saturday
    assert cal.add_workdays(date(2026, 9, 19), 1).date == date(2026, 9, 20)  # working Sunday
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert cal.subtract_workdays(date(2026, 10, 8), 1).date == date(2026, 9, 30)


def test_spring_festival_2026() -> None:
    cal = WorkCalendar()
    for offset in range(9):  # Sunday Feb 15 to Monday Feb 23
        day = date(2026, 2, 15) + datetime.timedelta(days=offset)
        assert not cal.is_workday(day), day
    assert cal.add_workdays(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert cal.add_workdays(date(2026, 2, 14), 1).date == date(2026, 2, 24)
    assert cal.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24-28
    assert cal.subtract_workdays(date(2026, 2, 24), 1).date == date(2026, 2, 14)


# --- unknown years, overrides, known years -----------------------------------------------------


def test_an_unknown_year_is_weekdays_less_the_statutory_festival_days() -> None:
    cal = WorkCalendar()
    assert not cal.is_known(date(2027, 3, 5))
    assert date(2027, 1, 1).weekday() == 4
    # Nobody has entered 2027, but the law itself fixes New Year's Day as a day off.
    assert not cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 1, 2))
    assert cal.is_workday(date(2027, 1, 4))
    # March holds no festival: a count inside it cannot move, so it is not uncertain.
    assert cal.add_workdays(date(2027, 3, 5), 1) == Due(date(2027, 3, 8), uncertain=False)
    assert cal.subtract_workdays(date(2027, 3, 8), 1) == Due(date(2027, 3, 5), uncertain=False)
    assert cal.workdays_between(date(2027, 3, 1), date(2027, 3, 31)) == 22  # Mar 1 excluded
    # Near National Day it can: the arrangement may add days off or swapped working days there.
    assert cal.add_workdays(date(2027, 9, 28), 1) == Due(date(2027, 9, 29), uncertain=True)


def test_the_statutory_days_off_of_an_unknown_year() -> None:
    days = statutory_days_off(2027)
    spring = [date(2027, 2, d) for d in (5, 6, 7, 8)]  # eve (除夕) and 正月初一 to 初三
    expected = {date(2027, 1, 1), *spring, date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2)}
    expected |= {date(2027, 6, 9), date(2027, 9, 15)}  # Dragon Boat, Mid-Autumn
    expected |= {date(2027, 10, d) for d in (1, 2, 3)}
    assert days == expected


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_are_days_off_in_every_arrangement_under_the_2024_rules(year) -> None:
    # The law as revised in 2024 applies from 2025; the official arrangements honour every day.
    for day in statutory_days_off(year):
        assert not chinese_calendar.is_workday(day), day


def test_every_moved_day_of_2004_to_2026_lies_in_a_festival_window() -> None:
    # A holiday on a weekday or a working weekend day is what an arrangement changes; the windows
    # must hold all of them, or a date outside them could move after all. 2015's Victory Day
    # parade (3-4 September, worked back on Sunday the 6th) was a one-off nobody could foresee.
    one_off = {date(2015, 9, 3), date(2015, 9, 4), date(2015, 9, 6)}
    day = date(PACKAGE_YEARS.start, 1, 1)
    while day.year in PACKAGE_YEARS:
        moved = chinese_calendar.is_workday(day) != (day.weekday() < 5)
        if moved and day not in one_off:
            window = festival_window_days(day.year)
            assert window is not None and day in window, day
        day += ONE_DAY


def test_the_lunar_festival_table_agrees_with_the_official_holidays() -> None:
    names = ("Spring Festival", "Dragon Boat Festival", "Mid-autumn Festival")
    for year in PACKAGE_YEARS:
        for index, (month, day) in enumerate(LUNAR_FESTIVALS[year]):
            festival = date(year, month, day)
            if year < 2008 and index:  # Dragon Boat and Mid-Autumn are holidays from 2008
                continue
            # The package names only the weekdays of a holiday, so look a few days around a
            # festival falling on a weekend; Mid-Autumn near 1 October is named National Day.
            assert not chinese_calendar.is_workday(festival), festival
            around = [festival + ONE_DAY * offset for offset in range(-3, 4)]
            named = {chinese_calendar.get_holiday_detail(day)[1] for day in around}
            assert named & {names[index], "National Day"}, (festival, named)


def test_a_year_past_the_lunar_table_is_uncertain_everywhere() -> None:
    cal = WorkCalendar()
    later = max(LUNAR_FESTIVALS) + 1
    assert festival_window_days(later) is None
    assert cal.add_workdays(date(later, 3, 1), 1).uncertain
    assert cal.next_workday_from(date(later, 3, 1)).uncertain


# --- the end of a natural-time period (Civil Code art. 203) ------------------------------------


def test_a_period_ending_on_a_working_day_stays() -> None:
    cal = WorkCalendar()
    assert cal.next_workday_from(date(2026, 3, 10)) == Due(date(2026, 3, 10), uncertain=False)


def test_a_period_ending_on_a_saturday_moves_to_monday() -> None:
    cal = WorkCalendar()
    assert cal.next_workday_from(date(2026, 3, 14)) == Due(date(2026, 3, 16), uncertain=False)


def test_a_period_ending_on_a_swapped_working_saturday_stays() -> None:
    cal = WorkCalendar()
    assert chinese_calendar.is_workday(date(2026, 2, 28))  # Saturday, 调休上班
    assert cal.next_workday_from(date(2026, 2, 28)) == Due(date(2026, 2, 28), uncertain=False)


def test_a_period_ending_in_national_day_moves_past_the_whole_holiday() -> None:
    cal = WorkCalendar()
    assert cal.next_workday_from(date(2026, 10, 1)) == Due(date(2026, 10, 8), uncertain=False)


def test_a_period_ending_on_new_years_day_2027_moves_and_is_uncertain() -> None:
    cal = WorkCalendar()
    # Friday 1 January is a day off by law; Saturday and Sunday follow. Whether the State Council
    # adds a day or swaps one is not known yet, so the date is flagged.
    assert cal.next_workday_from(date(2027, 1, 1)) == Due(date(2027, 1, 4), uncertain=True)
    entered = WorkCalendar(overrides={date(2027, 1, 1): False}, known_years=[2027])
    assert entered.next_workday_from(date(2027, 1, 1)) == Due(date(2027, 1, 4), uncertain=False)


def test_an_unknown_year_date_far_from_festivals_is_certain() -> None:
    cal = WorkCalendar()
    assert cal.next_workday_from(date(2027, 3, 10)) == Due(date(2027, 3, 10), uncertain=False)
    assert cal.next_workday_from(date(2027, 3, 13)) == Due(date(2027, 3, 15), uncertain=False)
    assert cal.next_workday_from(date(2027, 10, 1)) == Due(date(2027, 10, 4), uncertain=True)


def test_years_before_the_package_are_unknown_too() -> None:
    cal = WorkCalendar()
    assert not cal.is_known(date(2003, 6, 2))
    assert cal.is_workday(date(2003, 6, 2))  # a Monday
    assert cal.add_workdays(date(2003, 6, 2), 1).uncertain


def test_crossing_into_an_unknown_year_is_uncertain() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2026, 12, 24), 1) == Due(date(2026, 12, 25), uncertain=False)
    crossing = cal.add_workdays(date(2026, 12, 30), 5)
    assert crossing.uncertain
    assert crossing.date.year == 2027
    # Going back from an unknown year into a known one is uncertain as well.
    assert cal.subtract_workdays(date(2027, 1, 5), 5).uncertain
    # The start day is not examined, only the days counted.
    assert not cal.subtract_workdays(date(2027, 1, 1), 1).uncertain


def test_unknown_years() -> None:
    cal = WorkCalendar()
    assert cal.unknown_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert cal.unknown_years(date(2026, 12, 1), date(2028, 1, 1)) == [2027, 2028]
    assert cal.unknown_years(date(2028, 1, 1), date(2026, 12, 1)) == [2027, 2028]
    declared = WorkCalendar(known_years=[2027])
    assert declared.unknown_years(date(2026, 12, 1), date(2028, 1, 1)) == [2028]


def test_overrides_for_2027_are_honoured() -> None:
    national_day = date(2027, 10, 1)
    swapped_sunday = date(2027, 9, 26)
    assert national_day.weekday() == 4
    assert swapped_sunday.weekday() == 6
    cal = WorkCalendar(overrides={national_day: False, swapped_sunday: True})
    assert not cal.is_workday(national_day)
    assert cal.is_workday(swapped_sunday)
    # Only the entered Sunday is counted, and an entered day cannot move.
    assert cal.add_workdays(date(2027, 9, 25), 1) == Due(swapped_sunday, uncertain=False)
    assert cal.add_workdays(date(2027, 9, 26), 1) == Due(date(2027, 9, 27), uncertain=True)
    assert cal.add_workdays(date(2027, 9, 30), 1).date == date(2027, 10, 4)
    assert cal.workdays_between(date(2027, 9, 24), date(2027, 10, 1)) == 5  # 26-30


def test_known_years_removes_the_flag() -> None:
    overrides = {date(2027, 1, 1): False}
    cal = WorkCalendar(overrides=overrides, known_years={2027})
    assert cal.is_known(date(2027, 6, 1))
    assert cal.add_workdays(date(2026, 12, 31), 1) == Due(date(2027, 1, 4), uncertain=False)
    assert not cal.add_workdays(date(2027, 3, 5), 30).uncertain
    assert not cal.is_known(date(2028, 1, 3))
    assert cal.add_workdays(date(2027, 12, 31), 1).uncertain


def test_overrides_correct_a_package_year() -> None:
    cal = WorkCalendar(overrides={date(2026, 10, 8): False})
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.add_workdays(date(2026, 9, 30), 1) == Due(date(2026, 10, 9), uncertain=False)


def test_overrides_are_copied() -> None:
    overrides = {date(2027, 10, 1): False}
    cal = WorkCalendar(overrides=overrides)
    overrides[date(2027, 10, 1)] = True
    assert not cal.is_workday(date(2027, 10, 1))


def test_repeated_calls_give_the_same_answer() -> None:
    cal = WorkCalendar()
    first = cal.add_workdays(date(2026, 9, 28), 7)
    assert cal.add_workdays(date(2026, 9, 28), 7) == first
    assert cal.subtract_workdays(first.date, 7).date == date(2026, 9, 28)


# --- add_months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 20), 3, date(2026, 6, 20)),
        (date(2026, 10, 15), 3, date(2027, 1, 15)),  # year wrap
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # clamp, common year
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # clamp, leap year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # not a leap year
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # a leap year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- properties --------------------------------------------------------------------------------

# Shared on purpose: the property runs reuse one instance, as a bulk recompute would.
PROPERTY_CAL = WorkCalendar()
dates_2024_2027 = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=1, max_value=60)


@given(start=dates_2024_2027, n=counts)
def test_add_workdays_properties(start: date, n: int) -> None:
    due = PROPERTY_CAL.add_workdays(start, n)
    assert due.date > start
    assert PROPERTY_CAL.is_workday(due.date)
    assert PROPERTY_CAL.workdays_between(start, due.date) == n
    # Nothing earlier qualifies: one working day fewer up to the day before.
    assert PROPERTY_CAL.workdays_between(start, due.date - ONE_DAY) == n - 1
    counted = [start + ONE_DAY * i for i in range(1, (due.date - start).days + 1)]
    assert due.uncertain == any(not PROPERTY_CAL.is_settled(day) for day in counted)
    assert not due.uncertain or PROPERTY_CAL.unknown_years(start + ONE_DAY, due.date)


@given(start=dates_2024_2027, n=counts)
def test_subtract_workdays_inverts_add_workdays(start: date, n: int) -> None:
    assume(PROPERTY_CAL.is_workday(start))
    forward = PROPERTY_CAL.add_workdays(start, n)
    assert PROPERTY_CAL.subtract_workdays(forward.date, n).date == start
    backward = PROPERTY_CAL.subtract_workdays(start, n)
    assert backward.date < start
    assert PROPERTY_CAL.is_workday(backward.date)
    assert PROPERTY_CAL.add_workdays(backward.date, n).date == start
