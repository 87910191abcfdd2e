"""One append-only, hash-chained event log for every kind of record.

A row is written by `minsheng.audit.log.append` inside the caller's transaction with the hash of
its own content; once that transaction commits, `log.seal` gives it the next place in the chain
(`seq`), the hash of the row before it and its chain hash, and moves the head. See docs/audit.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "The event log is append-only."


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(APPEND_ONLY)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Event]:  # type: ignore[override]
        raise TypeError("Events are written one at a time by minsheng.audit.log.append.")

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        raise TypeError(APPEND_ONLY)

    def _raw_delete(self, using: str | None) -> int:
        # The deletion collector's fast path; a cascade must not empty the log either.
        raise TypeError(APPEND_ONLY)


class Event(models.Model):
    """Something that happened to a record: a state change or a recorded act.

    `subject` is the record (a suggestion today; a key item, ledger item, micro-wish or
    publication next); `part` the piece of it acted on, if any (an assignment)."""

    subject_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    part_type = models.ForeignKey(
        ContentType, models.PROTECT, null=True, blank=True, related_name="+"
    )
    part_id = models.PositiveBigIntegerField(null=True, blank=True)
    part = GenericForeignKey("part_type", "part_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=22, blank=True)
    to_state = models.CharField(max_length=22, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # sha256 of the canonical content above, written with the row.
    content_hash = models.CharField(max_length=64)
    # The chain, written once by `log.seal` after the row's transaction committed.
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject_idx"),
            models.Index(fields=["part_type", "part_id"], name="audit_part_idx"),
            # The latest acts of one kind across subjects (the overview's supervision feed):
            # read from the few rows of those actions, not from every subject's timeline.
            models.Index(fields=["action", "subject_type", "at"], name="audit_action_idx"),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not getattr(self, "_appending", False):
            raise TypeError("Events are written by minsheng.audit.log.append only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(APPEND_ONLY)


class ChainHead(models.Model):
    """The last sealed row: deleting the newest rows leaves the head pointing past them."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    event_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain head")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="audit_one_head")]

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"
