"""Deadline rules for suggestions (DOMAIN.md §2 and §4), as pure functions.

Numbers are a jurisdiction's configurable rule set (`Rules`), never literals in callers. Two kinds
of limits exist, and both follow `WorkCalendar` and inherit its `uncertain` flag:

- natural time (months, natural days) counts calendar days, but a period whose last day is a day
  off ends on the first working day after it. Civil Code art. 203: 期间的最后一日是法定休假日的，
  以法定休假日结束的次日为期间的最后一日. In Chinese judicial practice (which counts periods the
  same way under the Civil Procedure Law's identical rule) 法定休假日 is every official day off,
  statutory holidays and weekly rest days (Saturday, Sunday) alike, while a swapped working
  weekend day (调休上班) is a working day; so the end is the first working day on or after the
  last counted day;
- working days count only working days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from minsheng.lib.workdays import Due, WorkCalendar, add_months

__all__ = [
    "Rules",
    "adjustment_window_end",
    "between_session_assign_due",
    "instruction_due",
    "is_late",
    "joint_opinion_due",
    "period_end",
    "publication_due",
    "rating_window_end",
    "rehandling_due",
    "reply_cap",
    "reply_due",
    "sign_due",
    "yellow_from",
]


@dataclass(frozen=True)
class Rules:
    """One jurisdiction's time limits; defaults are the common practice in DOMAIN.md."""

    reply_months: int = 3
    reply_cap_months: int = 6
    sign_days: int = 7  # natural days
    adjustment_workdays: int = 7
    joint_opinion_months: int = 1
    rehandling_months: int = 1
    rating_workdays: int = 20
    publication_workdays: int = 20
    between_session_assign_workdays: int = 5
    warning_workdays: int = 5
    # The "710" rule for supervision instructions (DOMAIN.md §4): an ordinary instruction is
    # done within 7 natural days, a complex one shows a result within 1 month, and every
    # instruction of the year is cleared (清零销号) by the clearance day (31 December).
    instruction_days: int = 7
    instruction_complex_months: int = 1
    clearance_month: int = 12
    clearance_day: int = 31

    def __post_init__(self) -> None:
        # A zero or negative limit would silently make everything overdue or never due.
        for field in fields(self):
            value = getattr(self, field.name)
            if value < 1:
                raise ValueError(f"{field.name} must be at least 1, got {value}")
        if self.reply_cap_months < self.reply_months:
            raise ValueError("reply_cap_months may not be shorter than reply_months")
        datetime.date(2000, self.clearance_month, self.clearance_day)  # a real day (29 Feb too)

    def clearance(self, year: int) -> datetime.date:
        """The year's clearance day (清零销号); 29 February falls back to the 28th."""
        try:
            return datetime.date(year, self.clearance_month, self.clearance_day)
        except ValueError:
            return datetime.date(year, self.clearance_month, self.clearance_day - 1)


def period_end(last_day: datetime.date, cal: WorkCalendar) -> Due:
    """The end of a natural-time period whose last counted day is `last_day` (art. 203)."""
    return cal.next_workday_from(last_day)


def reply_due(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return period_end(add_months(assigned_on, rules.reply_months), cal)


def reply_cap(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    """The latest date an approved extension may reach."""
    return period_end(add_months(assigned_on, rules.reply_cap_months), cal)


def sign_due(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return period_end(assigned_on + datetime.timedelta(days=rules.sign_days), cal)


def adjustment_window_end(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    """Last day a unit may ask for adjustment; a later request is not adjusted."""
    return cal.add_workdays(assigned_on, rules.adjustment_workdays)


def joint_opinion_due(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return period_end(add_months(assigned_on, rules.joint_opinion_months), cal)


def rehandling_due(opened_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return period_end(add_months(opened_on, rules.rehandling_months), cal)


def rating_window_end(replied_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    """After this day an unrated reply is recorded as not rated (never as satisfied)."""
    return cal.add_workdays(replied_on, rules.rating_workdays)


def publication_due(replied_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return cal.add_workdays(replied_on, rules.publication_workdays)


def between_session_assign_due(received_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    return cal.add_workdays(received_on, rules.between_session_assign_workdays)


def yellow_from(due: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    """First day the warning shows yellow: `warning_workdays` working days before `due`."""
    return cal.subtract_workdays(due, rules.warning_workdays)


def instruction_due(
    issued_on: datetime.date, is_complex: bool, rules: Rules, cal: WorkCalendar
) -> Due:
    """When a supervision instruction must be answered (the "710" rule): 7 natural days, or
    1 month when complex, ending on a working day (art. 203); never later than the clearance
    day of the year it was given in, since everything of the year is cleared by then. An
    instruction given on or after that day counts from its own period only."""
    if is_complex:
        end = period_end(add_months(issued_on, rules.instruction_complex_months), cal)
    else:
        end = period_end(issued_on + datetime.timedelta(days=rules.instruction_days), cal)
    clear = rules.clearance(issued_on.year)
    if issued_on < clear < end.date:
        return Due(clear, False)
    return end


def is_late(requested_on: datetime.date, window_end: datetime.date) -> bool:
    """A request on the window's last day is still in time."""
    return requested_on > window_end
