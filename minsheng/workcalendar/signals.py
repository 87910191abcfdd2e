"""`calendar_changed`: sent once the transaction that changed entered days or years commits.

Sent with `sender=CalendarDay` whatever changed (one send per transaction however many days an
administrator saved in it) and these arguments:

- `by`: the user whose change it was (the admin wraps its saves in `acting(user)`), or None;
- `years`: the sorted years whose days or completeness changed.

A rolled-back change sends nothing. Receivers run after the commit, so they read the new rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from minsheng.workcalendar.models import CalendarDay, CalendarYear

calendar_changed = Signal()

_acting: ContextVar[Any] = ContextVar("minsheng_calendar_acting_user", default=None)
_suspended: ContextVar[bool] = ContextVar("minsheng_calendar_suspended", default=False)


@contextmanager
def acting(user: Any) -> Iterator[None]:
    """Record `user` as the one who changed the calendar."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


@contextmanager
def suspended() -> Iterator[None]:
    """Changes made inside send nothing (the demo builds its calendar before anything depends on
    it; loaddata is skipped anyway)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


class _Send:
    """The on-commit job of one transaction and one acting user; collects the years changed."""

    def __init__(self, by: Any) -> None:
        self.by = by
        self.years: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        calendar_changed.send(sender=CalendarDay, by=self.by, years=sorted(self.years))


def _changed(year: int) -> None:
    if _suspended.get():
        return
    by = _acting.get()
    connection = transaction.get_connection()
    # Django keeps the callbacks of the open transaction here; a rolled-back savepoint drops its
    # own, so a job found here is one that will run.
    for item in getattr(connection, "run_on_commit", ()):
        job = item[1]
        if isinstance(job, _Send) and not job.done and job.by == by:
            job.years.add(year)
            return
    job = _Send(by)
    job.years.add(year)
    transaction.on_commit(job)


@receiver(post_save, sender=CalendarDay, dispatch_uid="calendar_changed_day_save")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="calendar_changed_day_delete")
def _day_changed(sender: Any, instance: CalendarDay, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: rows may be half loaded; recompute by hand afterwards
        return
    # A date assigned as text (not by the admin) is saved all the same; read its year alike.
    _changed(int(str(instance.date)[:4]))


@receiver(post_save, sender=CalendarYear, dispatch_uid="calendar_changed_year_save")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="calendar_changed_year_delete")
def _year_changed(sender: Any, instance: CalendarYear, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _changed(instance.year)
