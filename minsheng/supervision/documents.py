"""Files of supervision: stored after the action they belong to, each logged on the key item
(or the suggestion) it concerns, downloaded only by who may see it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from minsheng.audit import log as audit_log
from minsheng.people.models import User
from minsheng.suggestions.attachments import save_upload
from minsheng.supervision.models import Document, KeyItem, Record


def attach(owner: KeyItem | Record, files: Iterable[Any], *, by: User) -> list[Document]:
    """Store the accepted uploads of the page form (`(upload, kind)` pairs) on `owner`."""
    saved: list[Document] = []
    with transaction.atomic():
        for upload, kind in files:
            row = (
                Document(key_item=owner, uploaded_by=by)
                if isinstance(owner, KeyItem)
                else Document(record=owner, key_item_id=owner.key_item_id, uploaded_by=by)
            )
            saved.append(save_upload(row, upload, kind))
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
            part=owner if isinstance(owner, Record) else None,
        )
    return saved
