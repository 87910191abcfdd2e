"""Files of supervision: stored after the action they belong to (or added later through the
API), each logged on the key item (or the suggestion) it concerns, downloaded only by who may
see it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from minsheng.audit import log as audit_log
from minsheng.people.models import User
from minsheng.suggestions.attachments import save_upload
from minsheng.supervision.models import Document, Instruction, KeyItem, Record

Owner = KeyItem | Record | Instruction


def _row(owner: Owner, by: User) -> Document:
    if isinstance(owner, KeyItem):
        return Document(key_item=owner, uploaded_by=by)
    if isinstance(owner, Record):
        return Document(record=owner, key_item_id=owner.key_item_id, uploaded_by=by)
    return Document(instruction=owner, uploaded_by=by)


def attach(owner: Owner, files: Iterable[Any], *, by: User) -> list[Document]:
    """Store accepted uploads (`(upload, kind)` pairs, as `AttachmentsField` cleans them) on
    `owner`: a key item (the decision's papers), a record, or an instruction's response."""
    saved: list[Document] = []
    with transaction.atomic():
        for upload, kind in files:
            saved.append(save_upload(_row(owner, by), upload, kind))
        if not saved:
            return saved
        subject: Any = owner if isinstance(owner, KeyItem) else (owner.key_item or owner.suggestion)
        audit_log.append(
            subject,
            actor=by,
            action="documents",
            from_state=getattr(subject, "state", ""),
            to_state=getattr(subject, "state", ""),
            data={"added": [d.original_name for d in saved]},
            part=None if isinstance(owner, KeyItem) else owner,
        )
    return saved
