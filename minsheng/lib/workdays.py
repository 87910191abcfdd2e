"""China's official working-day calendar, including 调休 (swapped working weekends).

The `chinese_calendar` package knows a fixed range of years (up to its release). The State Council
publishes each next year's arrangement late in the year, so administrators enter those days as
overrides and declare the year complete (`known_years`). Until then a year is *unknown*: it is
computed Monday to Friday and every result touching it is flagged `uncertain`, so the interface
can say loudly that the deadline may move.

Pure module: no Django, no database. Callers load overrides and known years and build one
`WorkCalendar` per recompute; the instance caches answers, so reuse it across rows.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]

__all__ = ["PACKAGE_YEARS", "Due", "WorkCalendar", "add_months"]


def _package_years() -> range:
    # Read the supported range once: the package's own check recomputes it on every call and
    # signals "unknown" with an exception, both too costly inside hot loops. Same source as that
    # check, so a year in this range never raises.
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


PACKAGE_YEARS: range = _package_years()

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Due:
    """A computed deadline; `uncertain` when it relied on a year nobody has confirmed."""

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
            # Best guess until the year's arrangement is entered; callers see `uncertain`.
            result = day.weekday() < 5
        self._workday_cache[day] = result
        return result

    def is_known(self, day: datetime.date) -> bool:
        return day.year in PACKAGE_YEARS or day.year in self._known_years

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
        # Only the year changes whether a day is known, so check it once per year crossed.
        checked_year = -1
        while remaining:
            day += step
            if day.year != checked_year:
                checked_year = day.year
                uncertain = uncertain or not self.is_known(day)
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
