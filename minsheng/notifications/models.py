"""The inbox, the delivery log and each person's preferences.

A `Notification` is one message to one person: it is their in-app inbox entry and the record of
what was said. Each channel it goes out on (email, SMS, a WeCom or DingTalk robot) is one
`Delivery` row with its own status, tries and last error. `key` makes a message once-only: an
event's notification is keyed by the event, a reminder by its kind, subject and day, and the
unique constraint on (recipient, key) is what makes a second reminder run send nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """A person's own notifications: nobody sees another's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    # The words in the site's language when it was made (kept for the admin and as the
    # fallback); the inbox renders `params` in the reader's language and email, SMS and the
    # robots in the recipient's (`delivery._message`), through the kind's templates.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggestion"),
    )
    # What it is about when that is not (only) a suggestion: a key item, a ledger item later.
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=160)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The header's unread count reads this partial index only.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One notification on one channel: its result, tries and next try."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        HELD = "held", _("Held for the daily digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification, models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=12)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The digest a held delivery went out in (one claim per person, channel and day).
    batch = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [
            # The sweeper's and the digest's look-ups: what is waiting, and since when.
            models.Index(
                fields=["status", "next_try_at"],
                condition=Q(status__in=["queued", "sending", "held"]),
                name="delivery_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_status_display()}"


class Preference(models.Model):
    """What a person wants to hear about and where. No row: the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    muted_kinds = models.JSONField(_("muted kinds"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    digest = models.BooleanField(_("one daily digest instead of single messages"), default=False)
    wecom_webhook = models.CharField(_("WeCom group robot address"), max_length=300, blank=True)
    dingtalk_webhook = models.CharField(
        _("DingTalk group robot address"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class RecordedMessage(models.Model):
    """What the recording SMS gateway and robot channels 'sent' (the demo and the tests)."""

    channel = models.CharField(max_length=12)
    to = models.CharField(max_length=300)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recorded message")
        verbose_name_plural = _("recorded messages")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"


class ReminderLock(models.Model):
    """One row per reminder kind: a run claims it (FOR UPDATE SKIP LOCKED on PostgreSQL; on
    SQLite the write transaction itself is exclusive), so two servers never work one kind at
    once."""

    name = models.CharField(max_length=40, primary_key=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder lock")
        verbose_name_plural = _("reminder locks")

    def __str__(self) -> str:
        return self.name
