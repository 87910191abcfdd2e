"""China's official working-day calendar, including 调休 (swapped working weekends).

The `chinese_calendar` package knows a fixed range of years (up to its release). The State Council
publishes each next year's arrangement late in the year, so administrators enter those days as
overrides and declare the year complete (`known_years`). Until then a year is *unknown*: its
working days are a best guess (Monday to Friday, less the statutory festival days the law itself
fixes), and a result is flagged `uncertain` only where that guess could be wrong, that is where it
touches a day near a festival (`FESTIVAL_WINDOWS`): the arrangement only ever moves days there.

Pure module: no Django, no database. Callers load overrides and known years and build one
`WorkCalendar` per recompute; the instance caches answers, so reuse it across rows.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "FESTIVAL_WINDOWS",
    "LUNAR_FESTIVALS",
    "PACKAGE_YEARS",
    "Due",
    "WorkCalendar",
    "add_months",
    "festival_window_days",
    "statutory_days_off",
]


def _package_years() -> range:
    # Read the supported range once: the package's own check recomputes it on every call and
    # signals "unknown" with an exception, both too costly inside hot loops. Same source as that
    # check, so a year in this range never raises.
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


PACKAGE_YEARS: range = _package_years()

_ONE_DAY = datetime.timedelta(days=1)

# Gregorian dates of the three lunar festivals: Spring Festival (正月初一), Dragon Boat (五月初五)
# and Mid-Autumn (八月十五), as (month, day). Facts of the Chinese calendar, tabulated once with
# the `lunardate` tables and checked against the official arrangements of 2004-2026 by
# tests/test_workdays.py. A year past this table is uncertain everywhere until it is entered.
LUNAR_FESTIVALS: dict[int, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    2004: ((1, 22), (6, 22), (9, 28)),
    2005: ((2, 9), (6, 11), (9, 18)),
    2006: ((1, 29), (5, 31), (10, 6)),
    2007: ((2, 18), (6, 19), (9, 25)),
    2008: ((2, 7), (6, 8), (9, 14)),
    2009: ((1, 26), (5, 28), (10, 3)),
    2010: ((2, 14), (6, 16), (9, 22)),
    2011: ((2, 3), (6, 6), (9, 12)),
    2012: ((1, 23), (6, 23), (9, 30)),
    2013: ((2, 10), (6, 12), (9, 19)),
    2014: ((1, 31), (6, 2), (9, 8)),
    2015: ((2, 19), (6, 20), (9, 27)),
    2016: ((2, 8), (6, 9), (9, 15)),
    2017: ((1, 28), (5, 30), (10, 4)),
    2018: ((2, 16), (6, 18), (9, 24)),
    2019: ((2, 5), (6, 7), (9, 13)),
    2020: ((1, 25), (6, 25), (10, 1)),
    2021: ((2, 12), (6, 14), (9, 21)),
    2022: ((2, 1), (6, 3), (9, 10)),
    2023: ((1, 22), (6, 22), (9, 29)),
    2024: ((2, 10), (6, 10), (9, 17)),
    2025: ((1, 29), (5, 31), (10, 6)),
    2026: ((2, 17), (6, 19), (9, 25)),
    2027: ((2, 6), (6, 9), (9, 15)),
    2028: ((1, 26), (5, 28), (10, 3)),
    2029: ((2, 13), (6, 16), (9, 22)),
    2030: ((2, 3), (6, 5), (9, 12)),
    2031: ((1, 23), (6, 24), (10, 1)),
    2032: ((2, 11), (6, 12), (9, 19)),
    2033: ((1, 31), (6, 1), (9, 8)),
    2034: ((2, 19), (6, 20), (9, 27)),
    2035: ((2, 8), (6, 10), (9, 16)),
    2036: ((1, 28), (5, 30), (10, 4)),
    2037: ((2, 15), (6, 18), (9, 24)),
    2038: ((2, 4), (6, 7), (9, 13)),
    2039: ((1, 24), (5, 27), (10, 2)),
    2040: ((2, 12), (6, 14), (9, 20)),
    2041: ((2, 1), (6, 3), (9, 10)),
    2042: ((1, 22), (6, 22), (9, 28)),
    2043: ((2, 10), (6, 11), (9, 17)),
    2044: ((1, 30), (5, 31), (10, 5)),
    2045: ((2, 17), (6, 19), (9, 25)),
    2046: ((2, 6), (6, 8), (9, 15)),
    2047: ((1, 26), (5, 29), (10, 4)),
    2048: ((2, 14), (6, 15), (9, 22)),
    2049: ((2, 2), (6, 4), (9, 11)),
    2050: ((1, 23), (6, 23), (9, 30)),
    2051: ((2, 11), (6, 13), (9, 19)),
    2052: ((2, 1), (6, 1), (9, 7)),
    2053: ((2, 19), (6, 20), (9, 26)),
    2054: ((2, 8), (6, 10), (9, 16)),
    2055: ((1, 28), (5, 30), (10, 5)),
    2056: ((2, 15), (6, 17), (9, 24)),
    2057: ((2, 4), (6, 6), (9, 13)),
    2058: ((1, 24), (6, 25), (10, 2)),
    2059: ((2, 12), (6, 14), (9, 21)),
    2060: ((2, 2), (6, 3), (9, 9)),
}


@dataclass(frozen=True)
class FestivalWindow:
    """Days around a festival that a State Council arrangement may turn into days off or into
    swapped working days (调休); outside every window a year's arrangement never moves a day."""

    name: str
    before: int
    after: int


# The windows, as days before and after each festival's own date. Measured over every official
# arrangement from 2004 to 2026 (chinese_calendar): the widest spans were New Year -3..+5,
# Spring Festival -6..+11, Qingming -4..+3, Labour Day -8..+10 (the old golden weeks), Dragon Boat
# -4..+3, Mid-Autumn -3..+3 and National Day -11..+11; each window adds a margin of a few days to
# that. One-off days off (the 2015 Victory Day parade, 3-4 September) cannot be foreseen by any
# window: a year is only certain once it is entered.
FESTIVAL_WINDOWS: tuple[FestivalWindow, ...] = (
    FestivalWindow("new_year", before=7, after=8),
    FestivalWindow("spring_festival", before=10, after=15),
    FestivalWindow("qingming", before=7, after=6),
    FestivalWindow("labour_day", before=11, after=13),
    FestivalWindow("dragon_boat", before=7, after=6),
    FestivalWindow("mid_autumn", before=6, after=6),
    FestivalWindow("national_day", before=14, after=14),
)


@functools.cache
def _qingming(year: int) -> datetime.date:
    # The solar term, which the package computes for any year (not only those it has holidays for).
    terms = chinese_calendar.get_solar_terms(datetime.date(year, 4, 1), datetime.date(year, 4, 10))
    found: datetime.date = next(day for day, name in terms if name == "清明")
    return found


def _festival_dates(year: int) -> dict[str, datetime.date] | None:
    lunar = LUNAR_FESTIVALS.get(year)
    if lunar is None:
        return None
    spring, dragon, autumn = (datetime.date(year, m, d) for m, d in lunar)
    return {
        "new_year": datetime.date(year, 1, 1),
        "spring_festival": spring,
        "qingming": _qingming(year),
        "labour_day": datetime.date(year, 5, 1),
        "dragon_boat": dragon,
        "mid_autumn": autumn,
        "national_day": datetime.date(year, 10, 1),
    }


@functools.cache
def festival_window_days(year: int) -> frozenset[datetime.date] | None:
    """Every day of `year` inside a festival window (windows of the neighbouring years included,
    so late December counts for New Year); None when the year is past `LUNAR_FESTIVALS`."""
    days: set[datetime.date] = set()
    for around in (year - 1, year, year + 1):
        dates = _festival_dates(around)
        if dates is None:
            if around == year:
                return None
            continue
        for window in FESTIVAL_WINDOWS:
            centre = dates[window.name]
            for offset in range(-window.before, window.after + 1):
                day = centre + datetime.timedelta(days=offset)
                if day.year == year:
                    days.add(day)
    return frozenset(days)


@functools.cache
def statutory_days_off(year: int) -> frozenset[datetime.date]:
    """The days off that the law itself fixes, whatever the year's arrangement: 全国年节及纪念日
    放假办法 as revised in 2024 (in force from 2025): New Year's Day; Spring Festival's eve and
    its first three days; Qingming; 1-2 May; Dragon Boat; Mid-Autumn; 1-3 October. Used as the
    best guess for a year nobody has entered (the lunar ones only within `LUNAR_FESTIVALS`)."""
    days = {datetime.date(year, 1, 1), datetime.date(year, 5, 1), datetime.date(year, 5, 2)}
    days |= {datetime.date(year, 10, d) for d in (1, 2, 3)}
    days.add(_qingming(year))
    for around in (year, year + 1):  # Spring Festival's eve may fall in the year before
        lunar = LUNAR_FESTIVALS.get(around)
        if lunar is None:
            continue
        spring = datetime.date(around, *lunar[0])
        days |= {spring + datetime.timedelta(days=d) for d in (-1, 0, 1, 2)}
        if around == year:
            days |= {datetime.date(year, *lunar[1]), datetime.date(year, *lunar[2])}
    return frozenset(day for day in days if day.year == year)


@dataclass(frozen=True)
class Due:
    """A computed deadline; `uncertain` when it could still move once an unknown year's official
    arrangement is entered."""

    date: datetime.date
    uncertain: bool


class WorkCalendar:
    """Working days by China's official calendar, corrected by administrator-entered days."""

    def __init__(
        self,
        overrides: Mapping[datetime.date, bool] | None = None,
        known_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[datetime.date, bool] = dict(overrides or {})
        self._known_years: frozenset[int] = frozenset(known_years)
        self._workday_cache: dict[datetime.date, bool] = {}
        # Assignments come in batches on the same day, so the same (start, n) recurs constantly.
        self._shift_cache: dict[tuple[datetime.date, int], Due] = {}
        self._roll_cache: dict[datetime.date, Due] = {}

    def is_workday(self, day: datetime.date) -> bool:
        cached = self._workday_cache.get(day)
        if cached is not None:
            return cached
        override = self._overrides.get(day)
        if override is not None:
            result = override
        elif day.year in PACKAGE_YEARS:
            result = bool(chinese_calendar.is_workday(day))
        else:
            # Best guess until the year's arrangement is entered; `is_settled` says where it holds.
            result = day.weekday() < 5 and day not in statutory_days_off(day.year)
        self._workday_cache[day] = result
        return result

    def is_known(self, day: datetime.date) -> bool:
        """Whether the whole year of `day` is known (in the package or declared complete)."""
        return day.year in PACKAGE_YEARS or day.year in self._known_years

    def is_settled(self, day: datetime.date) -> bool:
        """Whether `is_workday(day)` can no longer change: its year is known, an administrator
        entered the day, or it lies outside every festival window of its year."""
        if self.is_known(day) or day in self._overrides:
            return True
        window = festival_window_days(day.year)
        return window is not None and day not in window

    def add_workdays(self, start: datetime.date, n: int) -> Due:
        """The n-th working day strictly after `start` (n >= 1)."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        return self._shift(start, n)

    def subtract_workdays(self, start: datetime.date, n: int) -> Due:
        """The n-th working day strictly before `start` (n >= 1)."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        return self._shift(start, -n)

    def next_workday_from(self, day: datetime.date) -> Due:
        """`day` itself if it is a working day, else the first working day after it: the end of
        a natural-time period whose last day is a day off (Civil Code art. 203). Uncertain when a
        day from `day` to the result is not settled."""
        cached = self._roll_cache.get(day)
        if cached is not None:
            return cached
        current, uncertain = day, False
        while True:
            uncertain = uncertain or not self.is_settled(current)
            if self.is_workday(current):
                break
            current += _ONE_DAY
        result = Due(date=current, uncertain=uncertain)
        self._roll_cache[day] = result
        return result

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; 0 when end <= start."""
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_workday(day):
                count += 1
            day += _ONE_DAY
        return count

    def unknown_years(self, start: datetime.date, end: datetime.date) -> list[int]:
        """Years touched by the span between the two dates (either order) that nobody confirmed."""
        low, high = sorted((start.year, end.year))
        return [
            year
            for year in range(low, high + 1)
            if year not in PACKAGE_YEARS and year not in self._known_years
        ]

    def _shift(self, start: datetime.date, n: int) -> Due:
        key = (start, n)
        cached = self._shift_cache.get(key)
        if cached is not None:
            return cached
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        uncertain = False
        day = start
        # The count can only change where one of the counted days could still change.
        while remaining:
            day += step
            uncertain = uncertain or not self.is_settled(day)
            if self.is_workday(day):
                remaining -= 1
        result = Due(date=day, uncertain=uncertain)
        self._shift_cache[key] = result
        return result


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Natural calendar months; a day missing in the target month clamps to that month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)
