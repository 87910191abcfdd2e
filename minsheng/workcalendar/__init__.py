"""The working-day calendar: administrator-entered days and complete years on top of the
official calendar in `minsheng.lib.workdays`, and the `calendar_changed` signal.

Other apps read it with `work_calendar()` and listen to `signals.calendar_changed` to recompute
what they derived from it; this app imports none of them.
"""

from __future__ import annotations

from minsheng.lib.workdays import WorkCalendar

__all__ = ["work_calendar"]


def work_calendar() -> WorkCalendar:
    """A calendar with every entered day and complete year. Small tables: read each time, so a
    change by an administrator is seen at once by every worker."""
    from minsheng.workcalendar.models import CalendarDay, CalendarYear

    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar(overrides=overrides, known_years=years)
