"""Appending to the event log and sealing it into the chain.

`append` writes the row in the caller's transaction with the hash of its content and takes no
lock that other records' actions wait for. Once the transaction commits, `seal` gives each new
row, in commit order, the next `seq`, the previous row's hash and its own chain hash, and moves
the head, in a short transaction of its own that holds the head row's lock. Holding that lock
for the whole caller's transaction would make every action in the system queue behind any
other one (and deadlock on PostgreSQL with a batch that locks rows after its first event).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.utils import timezone

from minsheng.audit import hashing
from minsheng.audit.models import APPEND_ONLY, ChainHead, Event

SEAL_BATCH = 2000


class ChainError(Exception):
    """The chain cannot be extended (its head is missing while sealed rows exist)."""


def append(
    subject: models.Model,
    *,
    action: str,
    actor: Any = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    part: models.Model | None = None,
) -> Event:
    """Log one event about `subject` (and the `part` of it acted on), now, by `actor`."""
    event = Event(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        part_type=ContentType.objects.get_for_model(part) if part is not None else None,
        part_id=part.pk if part is not None else None,
        actor=actor,
        at=timezone.now(),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=hashing.json_data(data),
    )
    event.content_hash = content_hash_of(event)
    event._appending = True  # type: ignore[attr-defined]
    event.save()
    del event._appending  # type: ignore[attr-defined]
    _seal_after_commit()
    return event


def append_record(record: Any) -> Event:
    """The engine registries' `append` hook: log one `EventRecord` (`minsheng.engine`)."""
    return append(
        record.obj,
        part=record.part,
        actor=record.by,
        action=record.action,
        from_state=record.from_state,
        to_state=record.to_state,
        note=record.note,
        data=dict(record.data),
    )


def _type_label(type_id: int | None, pk: int | None) -> str | None:
    if type_id is None or pk is None:
        return None
    ct = ContentType.objects.get_for_id(type_id)
    return hashing.label(ct.app_label, ct.model, pk)


def content_hash_of(event: Event) -> str:
    subject = _type_label(event.subject_type_id, event.subject_id)
    assert subject is not None
    return hashing.content_hash(
        subject=subject,
        part=_type_label(event.part_type_id, event.part_id),
        actor_id=event.actor_id,
        at=event.at,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        note=event.note,
        data=event.data,
    )


def _seal_after_commit() -> None:
    """Queue one seal for when the outermost transaction commits (at once in autocommit)."""
    queued = getattr(connection, "run_on_commit", [])
    if not any(entry[1] is _seal_quietly for entry in queued):
        transaction.on_commit(_seal_quietly, robust=True)


def _seal_quietly() -> None:
    # robust on_commit logs a failure instead of failing the request that already committed;
    # the rows stay unsealed until the next seal (any later commit, or `audit seal`).
    seal()


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if Event.objects.filter(seq__isnull=False).exists():
        raise ChainError("The chain head is missing; run `minsheng audit verify`.")
    ChainHead.objects.create(pk=1, seq=0, hash=hashing.GENESIS)
    return ChainHead.objects.select_for_update().get(pk=1)


def seal() -> int:
    """Chain every committed unsealed row, oldest id first; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = _locked_head()
            rows = list(
                Event.objects.filter(seq__isnull=True)
                .order_by("id")
                .values_list("id", "content_hash")[:SEAL_BATCH]
            )
            if not rows:
                return sealed
            seq, prev = head.seq, head.hash
            params = []
            for pk, content in rows:
                seq += 1
                chained = hashing.link_hash(
                    prev_hash=prev, seq=seq, event_id=pk, content_hash=content
                )
                params.append((seq, prev, chained, pk))
                prev = chained
            table = connection.ops.quote_name(Event._meta.db_table)
            with connection.cursor() as cursor:
                # The only UPDATE the log allows (the database triggers check the same):
                # writing the chain columns of a row that has none yet.
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    params,
                )
            ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev, event_id=rows[-1][0])
        sealed += len(rows)
        if len(rows) < SEAL_BATCH:
            return sealed


def head() -> ChainHead | None:
    return ChainHead.objects.filter(pk=1).first()


def refuse_delete(sender: Any, instance: Event, **kwargs: Any) -> None:
    raise TypeError(APPEND_ONLY)


def ensure_head(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After migrate or a test flush: an empty log gets its genesis head."""
    if (
        not ChainHead.objects.using(using).filter(pk=1).exists()
        and not Event.objects.using(using).exists()
    ):
        ChainHead.objects.using(using).create(pk=1, seq=0, hash=hashing.GENESIS)
