"""How publication follows the suggestion workflow: the suggestions app sends
`suggestion_changed` once each action's transaction has committed; this app listens (the
suggestions app imports nothing of it) and

- after a reply is signed and sent (`sign_reply`): prepares the publication record, and once
  the suggestion is answered queues it (or, for a confidential one, withholds it);
- after a rating, an expired rating window or a close: brings a published record's public
  columns (rating, result) up to date;
- after staff mark the suggestion confidential: withdraws (or withholds) the record;
- after the due dates were recomputed (a rule set or the calendar changed): moves a record
  still under review to the replies' new publication date.

A failure here never undoes the reply (it is committed already): it is logged, and
`manage.py prepare_publications` prepares whatever is missing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.dispatch import receiver

from minsheng.suggestions.actions import suggestion_changed

log = logging.getLogger(__name__)

_suspended: ContextVar[bool] = ContextVar("minsheng_disclosure_suspended", default=False)

PREPARE_ON = frozenset({"sign_reply"})
REFRESH_ON = frozenset({"rate", "not_rated", "close", "end_of_term"})
# The rule set or the calendar changed the replies' publication dates: the record follows.
RECOMPUTE_ON = frozenset({"recompute_due"})
# Staff changed the suggestion's marks: one marked confidential leaves the public site.
FLAGS_ON = frozenset({"set_flags"})


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """No automatic preparation inside (the demo prepares its records itself)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


@receiver(suggestion_changed, dispatch_uid="disclosure.on_suggestion_changed")
def on_suggestion_changed(sender: Any, suggestion: Any, event: Any, **kwargs: Any) -> None:
    if _suspended.get():
        return
    action = getattr(event, "action", "")
    if action not in PREPARE_ON | REFRESH_ON | RECOMPUTE_ON | FLAGS_ON:
        return
    from minsheng.disclosure import workflow
    from minsheng.disclosure.models import Publication

    try:
        if action in PREPARE_ON:
            workflow.prepare(suggestion.pk)
        elif action in FLAGS_ON:
            if (getattr(event, "data", None) or {}).get("is_confidential"):
                workflow.follow_confidential(suggestion.pk)
        elif action in RECOMPUTE_ON:
            if Publication.objects.filter(
                suggestion_id=suggestion.pk, state__in=Publication.REVIEWABLE
            ).exists():
                workflow.prepare(suggestion.pk)
        else:
            pub = Publication.objects.filter(
                suggestion_id=suggestion.pk, state=Publication.State.PUBLISHED
            ).first()
            if pub is not None:
                workflow.refresh_listing(pub)
    except Exception:  # the reply is committed; prepare_publications catches up
        log.exception("publication of suggestion %s not prepared", suggestion.pk)
