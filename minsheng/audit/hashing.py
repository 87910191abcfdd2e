"""The chain's hash functions, on plain values (used by the log, `audit verify` and the
migration that moved the old rows in). Changing anything here breaks every existing chain:
a new format needs a new version prefix and a verifier that knows both."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

VERSION = "v1"
GENESIS = "0" * 64


def json_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """`data` as it reads back from the JSON column, so the hash is of what is stored."""
    loaded = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    if not isinstance(loaded, dict):
        raise TypeError("An event's data is a JSON object.")
    return loaded


def _numbers(value: Any) -> Any:
    """A whole float hashes as an int: jsonb gives 1e20 back as 100000000000000000000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def utc_iso(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("An event's time must be timezone-aware.")
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_hash(
    *,
    subject: str,
    part: str | None,
    actor_id: int | None,
    at: datetime.datetime,
    action: str,
    from_state: str,
    to_state: str,
    note: str,
    data: dict[str, Any],
) -> str:
    """sha256 of the event's canonical JSON. `subject` and `part` are "app_label.model:pk"
    (content-type names, not their ids, which differ between databases)."""
    canonical = json.dumps(
        [
            VERSION,
            subject,
            part,
            actor_id,
            utc_iso(at),
            action,
            from_state,
            to_state,
            note,
            _numbers(data),
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(*, prev_hash: str, seq: int, event_id: int, content_hash: str) -> str:
    """The row's place in the chain: its position, id and content after the previous row."""
    return hashlib.sha256(
        f"{VERSION}|{seq}|{event_id}|{prev_hash}|{content_hash}".encode()
    ).hexdigest()


def label(app_label: str, model: str, pk: int | None) -> str | None:
    return None if pk is None else f"{app_label}.{model}:{pk}"
