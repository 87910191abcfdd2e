"""One submission per form: a double post, a back-and-resubmit or an API retry creates one
suggestion (or key item, supervision record, instruction: `once`), never two.

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
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

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


class KeyReused(Exception):  # noqa: N818 - the caller answers 422 with its own words
    """The key was used before for another request (another body, endpoint or record)."""


def once(
    user: User,
    scope: str,
    key: str,
    payload: Any,
    create: Callable[[], models.Model],
) -> tuple[models.Model, bool]:
    """Run `create` once per (user, `scope`, `key`), inside one transaction with the claim:
    the created row and False, or, for a retry (even one racing the first), the row the first
    request created and True. `scope` names the endpoint (and record), so one key cannot
    answer for another endpoint; a retry with another `payload` raises KeyReused. Raises what
    `create` raises, and then the key is not used up."""
    sent = fingerprint(payload)
    try:
        with transaction.atomic():
            claimed = claim(user, f"{API_PREFIX}{scope}:{key}", sent)
            made = create()
            claimed.created_type = ContentType.objects.get_for_model(made)
            claimed.created_id = made.pk
            claimed.save(update_fields=["created_type", "created_id"])
    except Replayed as replay:
        earlier = replay.earlier
        if earlier.fingerprint != sent or earlier.created_type_id is None:
            raise KeyReused(key) from None
        model = earlier.created_type.model_class()  # type: ignore[union-attr]
        assert model is not None
        return model._default_manager.get(pk=earlier.created_id), True
    return made, False
