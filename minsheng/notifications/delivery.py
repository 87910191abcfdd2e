"""Making notifications and delivering them.

`record(drafts)` writes the inbox rows and one delivery row per chosen channel, skipping what a
person muted and what was already recorded under the same key; once the transaction commits,
each queued delivery becomes a task (django-tasks). `deliver(id)` claims one delivery with a
conditional UPDATE (so a task that runs twice sends once), sends it and logs the result; a
failure is tried again after NOTIFY_RETRY_MINUTES and marked failed after the last try. No
failure here ever reaches the person whose action caused the message: `record` runs after that
action committed, and every error is logged, never raised to them.

`sweep(now)` re-queues deliveries whose task was lost (the worker died, the queue was down) and
`send_digests(now)` sends each digest person one message per channel and day.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from minsheng.notifications import channels as ch
from minsheng.notifications import kinds
from minsheng.notifications.models import Delivery, Notification, Preference

log = logging.getLogger(__name__)
Status = Delivery.Status

# A claimed delivery whose worker vanished is taken again after this long.
CLAIM_LEASE = datetime.timedelta(minutes=10)
# A queued delivery whose task never ran is queued again after this long.
LOST_AFTER = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Draft:
    """One message for one person, before it is recorded."""

    recipient_id: int
    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    suggestion_id: int | None = None
    subject: tuple[int, int] | None = None  # (content type id, pk)


@dataclass
class Outcome:
    created: list[Notification] = field(default_factory=list)
    existing: int = 0
    muted: int = 0


# --- preferences -------------------------------------------------------------------------------


def preferences(user_ids: Iterable[int]) -> dict[int, Preference]:
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=set(user_ids))}


def channels_for(preference: Preference | None) -> list[str]:
    chosen = preference.channels if preference is not None else settings.NOTIFY_DEFAULT_CHANNELS
    return [name for name in chosen if name in ch.EXTERNAL]


def is_muted(preference: Preference | None, kind: str) -> bool:
    return preference is not None and kind in (preference.muted_kinds or [])


# --- recording ---------------------------------------------------------------------------------


def _site_words(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        return kinds.render(kind, params, (kind, ""))


def existing_keys(drafts: Sequence[Draft]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    keys = sorted({d.key for d in drafts})
    for start in range(0, len(keys), 500):
        found.update(
            Notification.objects.filter(key__in=keys[start : start + 500]).values_list(
                "recipient_id", "key"
            )
        )
    return found


def record(drafts: Sequence[Draft], *, now: datetime.datetime | None = None) -> Outcome:
    """Write the drafts not recorded yet (one query for what exists, one insert each for the
    notifications and their deliveries) and queue their deliveries for after the commit."""
    now = now or timezone.now()
    outcome = Outcome()
    if not drafts:
        return outcome
    seen = existing_keys(drafts)
    prefs = preferences(d.recipient_id for d in drafts)
    fresh: list[Draft] = []
    for draft in drafts:
        if (draft.recipient_id, draft.key) in seen:
            outcome.existing += 1
            continue
        seen.add((draft.recipient_id, draft.key))
        if is_muted(prefs.get(draft.recipient_id), draft.kind):
            outcome.muted += 1
            continue
        fresh.append(draft)
    # A run "as of" a later moment (--now) still sends at once; one in the past is due at once.
    due = min(now, timezone.now())
    rows = []
    for draft in fresh:
        title, body = _site_words(draft.kind, draft.params)
        rows.append(
            Notification(
                recipient_id=draft.recipient_id,
                kind=draft.kind,
                key=draft.key,
                title=title[:200],
                body=body,
                params=draft.params,
                link=draft.link,
                suggestion_id=draft.suggestion_id,
                subject_type_id=draft.subject[0] if draft.subject else None,
                subject_id=draft.subject[1] if draft.subject else None,
                created_at=now,
            )
        )
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        deliveries = []
        for notification in created:
            pref = prefs.get(notification.recipient_id)
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=ch.IN_APP,
                    status=Status.SENT,
                    attempts=1,
                    created_at=now,
                    sent_at=now,
                )
            )
            for name in channels_for(pref):
                held = pref is not None and pref.digest
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=name,
                        status=Status.HELD if held else Status.QUEUED,
                        created_at=now,
                        next_try_at=due,
                    )
                )
        made = Delivery.objects.bulk_create(deliveries)
        queued = [d.pk for d in made if d.status == Status.QUEUED]
        if queued:
            transaction.on_commit(lambda: enqueue(queued), robust=True)
    outcome.created = created
    return outcome


def enqueue(delivery_ids: Sequence[int], run_after: datetime.datetime | None = None) -> None:
    """Hand deliveries to the task queue. A queue that is down loses nothing: the rows stay
    queued and `sweep` hands them over again."""
    from minsheng.notifications.tasks import deliver_task

    task = deliver_task
    if run_after is not None:
        from django_tasks import task_backends

        if not task_backends[task.backend].supports_defer:
            return  # the sweep takes it when it is due
        task = task.using(run_after=run_after)
    for pk in delivery_ids:
        try:
            task.enqueue(pk)
        except Exception:  # noqa: BLE001 - the sweep re-queues it; never fail the caller
            log.exception("could not queue delivery %s", pk)


# --- delivering --------------------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta | None:
    """The wait after the `attempts`-th failed try, None when that was the last."""
    minutes = settings.NOTIFY_RETRY_MINUTES
    if attempts > len(minutes):
        return None
    return datetime.timedelta(minutes=minutes[attempts - 1])


def language_of(user: Any) -> str:
    """The language a person's messages are written in: their choice (`User.language`), else
    the site's."""
    return str(getattr(user, "language_code", "") or settings.LANGUAGE_CODE)


def _words(notification: Notification, language: str) -> tuple[str, str]:
    """The notification's title and message in `language`, from its kind and params (the
    stored words, in the site's language, if the kind is gone or its params no longer fit)."""
    with translation.override(language):
        return kinds.render(
            notification.kind, notification.params or {}, (notification.title, notification.body)
        )


def _message(notification: Notification) -> ch.Message:
    """What email, SMS and the robots send: in the recipient's language."""
    title, body = _words(notification, language_of(notification.recipient))
    return ch.Message(title[:200], body, notification.link)


def deliver(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one queued delivery that is due; the status it ends in ('' if not claimed)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Status.QUEUED, next_try_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now)
    if not claimed:
        return ""
    d = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    notification = d.notification
    return _send(d, notification.recipient, [notification], _message(notification), now)


def _send(
    d: Delivery,
    user: Any,
    notifications: list[Notification],
    message: ch.Message,
    now: datetime.datetime,
) -> str:
    """Send on d's channel and log the outcome on d (and, for a digest, on its whole batch)."""
    channel = ch.EXTERNAL.get(d.channel)
    batch = Delivery.objects.filter(batch=d.batch) if d.batch else Delivery.objects.filter(pk=d.pk)
    attempts = d.attempts + 1
    if channel is None:
        batch.update(status=Status.SKIPPED, last_error="unknown channel", attempts=attempts)
        return Status.SKIPPED
    preference = Preference.objects.filter(user_id=user.pk).first()
    address = channel.address(user, preference)
    if not address:
        batch.update(
            status=Status.SKIPPED, attempts=attempts, last_error="no address for this channel"
        )
        return Status.SKIPPED
    try:
        channel.send(address, message)
    except Exception as exc:  # noqa: BLE001 - every failure is logged and tried again
        delay = retry_delay(attempts)
        error = str(exc)[:2000] or type(exc).__name__
        log.warning("delivery %s on %s failed (try %s): %s", d.pk, d.channel, attempts, error)
        if delay is None:
            batch.update(
                status=Status.FAILED, attempts=attempts, last_error=error, next_try_at=None
            )
            return Status.FAILED
        again = Status.HELD if d.batch else Status.QUEUED
        batch.update(
            status=again, attempts=attempts, last_error=error, next_try_at=now + delay, batch=""
        )
        if again == Status.QUEUED:
            enqueue([d.pk], run_after=now + delay)
        return again
    batch.update(status=Status.SENT, attempts=attempts, sent_at=now, next_try_at=None)
    return Status.SENT


def sweep(now: datetime.datetime | None = None) -> int:
    """Queue again what was lost: claims older than the lease, queued rows whose task never ran
    and retries that are due. Returns how many were handed to the queue."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE, batch=""
    )
    revived = list(stale.values_list("pk", flat=True)[:1000])
    Delivery.objects.filter(pk__in=revived, status=Status.SENDING).update(
        status=Status.QUEUED, next_try_at=now
    )
    Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE).exclude(
        batch=""
    ).update(status=Status.HELD, batch="", next_try_at=now)
    due = list(
        Delivery.objects.filter(status=Status.QUEUED, next_try_at__lte=now - LOST_AFTER)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:1000]
    )
    enqueue(revived + due)
    return len(revived) + len(due)


# --- the daily digest --------------------------------------------------------------------------


def digest_cutoff(now: datetime.datetime) -> datetime.datetime | None:
    """Today's digest time if it has passed (local time), else None."""
    hour, minute = (int(part) for part in settings.NOTIFY_DIGEST_TIME.split(":"))
    local = timezone.localtime(now)
    cutoff = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return cutoff if local >= cutoff else None


def send_digests(now: datetime.datetime | None = None) -> dict[str, int]:
    """One message per person and channel with every held delivery made before today's digest
    time. The held rows are claimed by a conditional UPDATE (per person and channel), so two
    runs never send the same digest."""
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return counts
    groups = (
        Delivery.objects.filter(status=Status.HELD, created_at__lt=cutoff, next_try_at__lte=now)
        .values_list("notification__recipient_id", "channel")
        .distinct()
    )
    for recipient_id, channel in list(groups):
        batch = uuid.uuid4().hex
        claimed = Delivery.objects.filter(
            status=Status.HELD,
            created_at__lt=cutoff,
            next_try_at__lte=now,
            channel=channel,
            notification__recipient_id=recipient_id,
        ).update(status=Status.SENDING, batch=batch, claimed_at=now)
        if not claimed:
            continue
        rows = list(
            Delivery.objects.filter(batch=batch)
            .select_related("notification__recipient")
            .order_by("notification__created_at", "pk")
        )
        notifications = [d.notification for d in rows]
        language = language_of(notifications[0].recipient)
        lines = "\n".join(f"· {_words(n, language)[0]}" for n in notifications)
        with translation.override(language):
            title, body = kinds.render(
                "digest", {"count": len(rows), "lines": lines}, ("digest", lines)
            )
        message = ch.Message(title, body)
        counts[_send(rows[0], notifications[0].recipient, notifications, message, now)] += 1
    return counts
