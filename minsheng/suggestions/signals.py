"""When the calendar or a rule set changes, open items' due dates are recomputed (and each change
is logged on its suggestion by `workflow.recompute_due_dates`).

The calendar tells us with `workcalendar.signals.calendar_changed`, already after the commit; a
rule set change is queued here to run once the change is committed, so it reads the new rows,
and only once per transaction. Whoever made the change (the admin wraps its saves in
`acting(user)`) is recorded as the actor of the logged events.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from minsheng.suggestions.models import RuleSet
from minsheng.workcalendar import signals as calendar_signals

_acting: ContextVar[Any] = ContextVar("minsheng_recompute_acting_user", default=None)
_suspended: ContextVar[bool] = ContextVar("minsheng_recompute_suspended", default=False)


@contextmanager
def acting(user: Any) -> Iterator[None]:
    """Record `user` as the one whose change caused the recompute (rule sets and calendar)."""
    token = _acting.set(user)
    try:
        with calendar_signals.acting(user):
            yield
    finally:
        _acting.reset(token)


@contextmanager
def suspended() -> Iterator[None]:
    """No automatic recompute inside (the demo builds its calendar before any suggestion exists,
    and a command that recomputes itself afterwards)."""
    token = _suspended.set(True)
    try:
        with calendar_signals.suspended():
            yield
    finally:
        _suspended.reset(token)


class _Recompute:
    """The on-commit job; equal jobs are queued once per transaction."""

    def __init__(self, jurisdiction_id: int | None, by_id: int | None) -> None:
        self.jurisdiction_id = jurisdiction_id
        self.by_id = by_id
        self.done = False

    def _key(self) -> tuple[int | None, int | None]:
        return (self.jurisdiction_id, self.by_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Recompute) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __call__(self) -> None:
        from minsheng.people.models import User
        from minsheng.suggestions import workflow

        self.done = True
        by = User.objects.filter(pk=self.by_id).first() if self.by_id else None
        workflow.recompute_due_dates(self.jurisdiction_id, by=by)


def schedule_recompute(jurisdiction_id: int | None) -> None:
    """Queue a recompute for one jurisdiction (None: all) after the current transaction."""
    if _suspended.get():
        return
    user = _acting.get()
    job = _Recompute(jurisdiction_id, getattr(user, "pk", None))
    connection = transaction.get_connection()
    # Django keeps the callbacks of the open transaction here; a rolled-back savepoint drops its
    # own, so checking it never loses a needed job.
    queued = [
        item[1]
        for item in getattr(connection, "run_on_commit", ())
        if isinstance(item[1], _Recompute) and not item[1].done
    ]
    if job in queued or _Recompute(None, job.by_id) in queued:
        return
    transaction.on_commit(job)


@receiver(post_save, sender=RuleSet, dispatch_uid="recompute_on_rule_set_save")
@receiver(post_delete, sender=RuleSet, dispatch_uid="recompute_on_rule_set_delete")
def rule_set_changed(sender: Any, instance: RuleSet, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: rows may be half loaded; run `minsheng recompute_due_dates` afterwards
        return
    schedule_recompute(instance.jurisdiction_id)


@receiver(calendar_signals.calendar_changed, dispatch_uid="recompute_on_calendar_changed")
def calendar_changed(sender: Any, by: Any = None, **kwargs: Any) -> None:
    # Already after the commit; the working-day calendar is shared by every jurisdiction.
    _Recompute(None, getattr(by, "pk", None))()
