"""Walking the chain: every sealed row in `seq` order, then the head, then the rows not yet
sealed. The first broken link is named; nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from minsheng.audit import hashing
from minsheng.audit.models import ChainHead, Event
from minsheng.audit.triggers import CONTENT

CHUNK = 5000

CONTENT_CHANGED = "content changed"
LINK_BROKEN = "link broken"
ROW_MISSING = "row missing"
HEAD_MISMATCH = "head mismatch"
ANCHOR_MISMATCH = "anchor mismatch"

# What the walk reads of each row: the content the triggers guard, and the chain's own columns.
FIELDS = (*CONTENT, "seq", "prev_hash", "hash")


@dataclass(frozen=True)
class Problem:
    """The first broken link: what is wrong (`kind`, one of the four above), where, and why
    (`reason`, a key of the message)."""

    kind: str
    event_id: int | None
    seq: int | None
    reason: str
    info: dict[str, Any]

    def __str__(self) -> str:
        values = {"id": self.event_id, "seq": self.seq, **self.info}
        messages = {
            "gap": _(
                "Row missing before event %(id)s (seq %(seq)s): seq %(first)s to %(last)s are "
                "not in the log."
            ),
            "content": _(
                "Content changed at event %(id)s (seq %(seq)s): the row no longer matches its "
                "content hash."
            ),
            "unsealed_content": _(
                "Content changed at event %(id)s (not yet sealed): the row no longer matches "
                "the hash it was written with."
            ),
            "prev": _(
                "Link broken at event %(id)s (seq %(seq)s): its previous-row hash is not the "
                "hash of the row before it."
            ),
            "hash": _(
                "Link broken at event %(id)s (seq %(seq)s): its chain hash does not follow from "
                "its content."
            ),
            "no_head": _("Head mismatch: the chain head row is missing."),
            "head_ahead": _(
                "Head mismatch: the head says seq %(head)s, the last row is seq %(last)s: the "
                "%(missing)s newest row(s) are missing."
            ),
            "anchor": _(
                "Anchor mismatch: the chain was rewritten since the head was kept: the row at "
                "seq %(seq)s is %(found)s, the kept head says %(anchor)s."
            ),
            "head": _(
                "Head mismatch: the head (seq %(head)s) does not match the last row (seq %(last)s)."
            ),
        }
        return messages[self.reason] % values


@dataclass(frozen=True)
class Report:
    sealed: int
    unsealed: int
    head_seq: int
    head_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(queryset: Any, key: str) -> Iterator[dict[str, Any]]:
    """Keyset pages of CHUNK rows, so a million rows never sit in memory at once."""
    last = None
    while True:
        page = queryset
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        chunk = list(page.order_by(key).values(*FIELDS)[:CHUNK])
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][key]


def _labels() -> dict[int, tuple[str, str]]:
    return {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}


def _content(row: dict[str, Any], types: dict[int, tuple[str, str]]) -> str:
    def label(type_id: int | None, pk: int | None) -> str | None:
        if type_id is None:
            return None
        app_label, model = types.get(type_id, ("?", str(type_id)))
        return hashing.label(app_label, model, pk)

    return hashing.content_hash(
        subject=label(row["subject_type_id"], row["subject_id"]) or "",
        part=label(row["part_type_id"], row["part_id"]),
        actor_id=row["actor_id"],
        at=row["at"],
        action=row["action"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        note=row["note"],
        data=row["data"],
    )


def verify(anchor: tuple[int, str] | None = None) -> Report:
    """Walk the chain; with `anchor` (a head kept elsewhere: seq and hash), also check that
    the row at that seq still has that hash."""
    types = _labels()
    seq, prev, count = 0, hashing.GENESIS, 0
    problem: Problem | None = None
    for row in _rows(Event.objects.filter(seq__isnull=False), "seq"):
        problem = _check(row, types, seq, prev)
        if problem:
            break
        seq, prev, count = row["seq"], row["hash"], count + 1
    head = ChainHead.objects.filter(pk=1).first()
    if problem is None:
        problem = _check_head(head, seq, prev)
    if problem is None and anchor is not None:
        problem = _check_anchor(*anchor)
    unsealed = 0
    for row in _rows(Event.objects.filter(seq__isnull=True), "id"):
        unsealed += 1
        if problem is None and _content(row, types) != row["content_hash"]:
            problem = Problem(CONTENT_CHANGED, row["id"], None, "unsealed_content", {})
    return Report(
        sealed=count,
        unsealed=unsealed,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else "",
        problem=problem,
    )


def _check(
    row: dict[str, Any],
    types: dict[int, tuple[str, str]],
    seq: int,
    prev: str,
) -> Problem | None:
    here = row["id"], row["seq"]
    if row["seq"] != seq + 1:
        return Problem(ROW_MISSING, *here, "gap", {"first": seq + 1, "last": row["seq"] - 1})
    if _content(row, types) != row["content_hash"]:
        return Problem(CONTENT_CHANGED, *here, "content", {})
    if row["prev_hash"] != prev:
        return Problem(LINK_BROKEN, *here, "prev", {})
    expected = hashing.link_hash(
        prev_hash=prev, seq=row["seq"], event_id=row["id"], content_hash=row["content_hash"]
    )
    if row["hash"] != expected:
        return Problem(LINK_BROKEN, *here, "hash", {})
    return None


def _check_head(head: ChainHead | None, seq: int, prev: str) -> Problem | None:
    if head is None:
        return Problem(HEAD_MISMATCH, None, None, "no_head", {})
    if head.seq != seq or head.hash != prev:
        info = {"head": head.seq, "last": seq, "missing": head.seq - seq}
        return Problem(
            HEAD_MISMATCH, None, head.seq, "head_ahead" if head.seq > seq else "head", info
        )
    return None


def _check_anchor(seq: int, expected: str) -> Problem | None:
    row = Event.objects.filter(seq=seq).values_list("id", "hash").first()
    found = row[1] if row else "—"
    if found == expected:
        return None
    return Problem(
        ANCHOR_MISMATCH,
        row[0] if row else None,
        seq,
        "anchor",
        {"found": found, "anchor": expected},
    )
