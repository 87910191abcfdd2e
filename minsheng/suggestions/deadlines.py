"""Deadline rules for suggestions (DOMAIN.md §2 and §4), as pure functions.

Numbers are a jurisdiction's configurable rule set (`Rules`), never literals in callers. Two kinds
of limits exist: natural time (months, natural days), which ignores the calendar and so is never
uncertain, and working days, which follow `WorkCalendar` and inherit its `uncertain` flag.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from minsheng.lib.workdays import Due, WorkCalendar, add_months

__all__ = [
    "Rules",
    "adjustment_window_end",
    "between_session_assign_due",
    "is_late",
    "joint_opinion_due",
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

    def __post_init__(self) -> None:
        # A zero or negative limit would silently make everything overdue or never due.
        for field in fields(self):
            value = getattr(self, field.name)
            if value < 1:
                raise ValueError(f"{field.name} must be at least 1, got {value}")
        if self.reply_cap_months < self.reply_months:
            raise ValueError("reply_cap_months may not be shorter than reply_months")


def _natural(day: datetime.date) -> Due:
    return Due(date=day, uncertain=False)


def reply_due(assigned_on: datetime.date, rules: Rules) -> Due:
    return _natural(add_months(assigned_on, rules.reply_months))


def reply_cap(assigned_on: datetime.date, rules: Rules) -> Due:
    """The latest date an approved extension may reach."""
    return _natural(add_months(assigned_on, rules.reply_cap_months))


def sign_due(assigned_on: datetime.date, rules: Rules) -> Due:
    return _natural(assigned_on + datetime.timedelta(days=rules.sign_days))


def adjustment_window_end(assigned_on: datetime.date, rules: Rules, cal: WorkCalendar) -> Due:
    """Last day a unit may ask for adjustment; a later request is not adjusted."""
    return cal.add_workdays(assigned_on, rules.adjustment_workdays)


def joint_opinion_due(assigned_on: datetime.date, rules: Rules) -> Due:
    return _natural(add_months(assigned_on, rules.joint_opinion_months))


def rehandling_due(opened_on: datetime.date, rules: Rules) -> Due:
    return _natural(add_months(opened_on, rules.rehandling_months))


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


def is_late(requested_on: datetime.date, window_end: datetime.date) -> bool:
    """A request on the window's last day is still in time."""
    return requested_on > window_end
