"""One submission per form: a double post, a back-and-resubmit or an API retry creates one
suggestion, never two.

The caller claims its key inside the transaction that creates the suggestion, before creating
it. The claim is an INSERT under a unique constraint (`SubmissionKey`), so of two concurrent
posts the second waits for the first transaction (PostgreSQL's unique index, SQLite's single
writer) and then fails to insert: it raises `Replayed` with the first one's row, and the caller
answers with the first one's result. If the first transaction rolled back (a refused draft),
its claim went with it and the key can be used again.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from minsheng.people.models import User
from minsheng.suggestions.models import SubmissionKey, Suggestion

FORM_PREFIX = "form:"
API_PREFIX = "api:"
# What a client may send as Idempotency-Key: visible ASCII, a UUID or any random string.
API_KEY_PATTERN = r"^[\x21-\x7e]{1,64}$"
FORM_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class Replayed(Exception):  # noqa: N818 - not an error: the answer is the earlier result
    def __init__(self, earlier: SubmissionKey) -> None:
        super().__init__(earlier.key)
        self.earlier = earlier


def new_form_token() -> str:
    """A one-time token to issue with a new-suggestion form."""
    return secrets.token_urlsafe(24)


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def claim(user: User, key: str, fingerprint: str = "") -> SubmissionKey:
    """Claim `key` for `user` inside the caller's transaction, or raise `Replayed`."""
    try:
        with transaction.atomic():
            return SubmissionKey.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        earlier = SubmissionKey.objects.select_related("suggestion").get(user=user, key=key)
        raise Replayed(earlier) from None


def record(claimed: SubmissionKey, suggestion: Suggestion) -> None:
    claimed.suggestion = suggestion
    claimed.save(update_fields=["suggestion"])
