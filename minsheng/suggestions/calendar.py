"""The Django side of the working-day calendar: the package plus administrator-entered days."""

from __future__ import annotations

from minsheng.lib.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """A calendar with every entered day and complete year. Small tables: read each time, so a
    change by an administrator is seen at once by every worker."""
    from minsheng.suggestions.models import CalendarDay, CalendarYear

    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar(overrides=overrides, known_years=years)
