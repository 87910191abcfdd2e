"""The publication's actions, each declared once on the shared engine (as the wishes' and the
ledger's are): states, who, rules with their refusals, inputs. The typed functions are in
`workflow.py`; the review page, the queue's batch, the API and the demo all go through them.

    (reply sent) ─prepare─▶ not_due ──queue──▶ pending_review ──publish──▶ published
                               │                    │                         │
                               └──withhold──────────┴──▶ withheld             └─withdraw─▶ withdrawn
                 withheld / withdrawn ──reopen──▶ pending_review
    pending_review (and not_due): mask, unmask, summarise (the review; the state stays)

Confidential (涉密) suggestions are never published: `queue`, `publish` and `reopen` refuse
them with the same words, whoever asks (the system's automatic queueing included).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.disclosure import permissions as perms
from minsheng.disclosure.models import Publication
from minsheng.engine.actions import Action, Attempt, Registry, Rule, Words
from minsheng.engine.inputs import Line, Text

P = Publication.State
STAFF, SYSTEM = perms.STAFF, perms.SYSTEM

# Sent after a publication action commits (receivers get the record and the event).
publication_changed = Signal()


def _notify(obj: Any, event: Any) -> None:
    publication_changed.send(sender=Publication, publication=obj, event=event)


def _lock(pk: int) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("suggestion", "suggestion__session", "suggestion__lead_deputy")
        .get(pk=pk)
    )


PUBLICATIONS: Registry[Publication] = Registry(
    model=Publication,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock,
    other_events={
        "prepare": gettext_lazy("Prepared for publication"),
        "refresh": gettext_lazy("A later reply added for review"),
    },
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this publication."),
        stale=gettext_lazy(
            "Someone else changed this publication while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the publication is “%(state)s”."),
    ),
)

Try = Attempt[Any]


# --- rules ----------------------------------------------------------------------------------------

CONFIDENTIAL_REFUSAL = gettext_lazy(
    "This suggestion is confidential (涉密): it is never published and cannot be queued for "
    "publication."
)


def _not_confidential(attempt: Try) -> str | None:
    pub: Publication = attempt.obj
    if pub.confidential or pub.suggestion.is_confidential:
        return str(CONFIDENTIAL_REFUSAL)
    return None


def _answered(attempt: Try) -> str | None:
    from minsheng.suggestions.models import Suggestion

    state = attempt.obj.suggestion.state
    if state not in (Suggestion.State.ANSWERED, Suggestion.State.CLOSED):
        return str(_("Only an answered suggestion is queued for publication."))
    return None


def _has_masks(attempt: Try) -> str | None:
    if not any(attempt.obj.spans.values()):
        return str(_("Nothing is masked in this publication."))
    return None


# --- the declarations ---------------------------------------------------------------------------

_NOTE = Text("note", label=gettext_lazy("Note"), rows=2, required=False)

PUBLICATIONS.declare(
    Action(
        "queue",
        sources=frozenset({P.NOT_DUE}),
        target=P.PENDING,
        who=frozenset({STAFF, SYSTEM}),
        label=gettext_lazy("Queue for review"),
        done=gettext_lazy("Queued for review"),
        summary="Queue the publication for review (refused for a confidential suggestion)",
        rules=(Rule(_not_confidential), Rule(_answered)),
        inputs=(_NOTE,),
    ),
    Action(
        "mask",
        sources=frozenset(Publication.REVIEWABLE),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Mask this text"),
        done=gettext_lazy("Text masked"),
        summary="Mask every occurrence of a text in one piece (manual redaction)",
        inputs=(
            Line(
                "piece",
                label=gettext_lazy("Where"),
                doc="The piece: `title`, `body` or `reply:<id>`.",
                blank=gettext_lazy("Say which text to mask it in."),
            ),
            Line(
                "text",
                label=gettext_lazy("Text to mask"),
                help=gettext_lazy(
                    "Every occurrence in this text is masked in public; the original is kept."
                ),
                doc="The exact text to mask; every occurrence in the piece is masked.",
                blank=gettext_lazy("Give the text to mask (select it in the text above)."),
            ),
        ),
    ),
    Action(
        "unmask",
        sources=frozenset(Publication.REVIEWABLE),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Show this text again"),
        done=gettext_lazy("Mask removed"),
        summary="Remove one masked span (a detection that is not personal data)",
        rules=(Rule(_has_masks),),
        inputs=(
            Line(
                "span",
                label=gettext_lazy("Masked span"),
                doc="`<piece>:<start>:<end>` as listed in the publication's `spans`.",
                blank=gettext_lazy("Say which masked span to show again."),
            ),
        ),
    ),
    Action(
        "summarise",
        sources=frozenset(Publication.REVIEWABLE),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Publish a summary instead"),
        done=gettext_lazy("Summary set"),
        summary="Set (or clear) the summary that replaces a long reply in public",
        inputs=(
            Line(
                "piece",
                label=gettext_lazy("Reply"),
                doc="The reply piece: `reply:<id>`.",
                blank=gettext_lazy("Say which reply the summary replaces."),
            ),
            Text(
                "summary",
                label=gettext_lazy("Summary"),
                rows=6,
                required=False,
                help=gettext_lazy("Leave it empty to publish the (redacted) reply itself."),
                doc="The summary; empty clears it.",
            ),
        ),
    ),
    Action(
        "publish",
        sources=frozenset({P.PENDING}),
        target=P.PUBLISHED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Publish"),
        done=gettext_lazy("Published"),
        summary="Publish the reviewed suggestion and replies on the public site",
        rules=(Rule(_not_confidential), Rule(_answered)),
        inputs=(_NOTE,),
        confirm=gettext_lazy("Publish this suggestion and its replies, as redacted, to everyone?"),
    ),
    Action(
        "withhold",
        sources=frozenset({P.NOT_DUE, P.PENDING}),
        target=P.WITHHELD,
        who=frozenset({STAFF, SYSTEM}),
        label=gettext_lazy("Withhold"),
        done=gettext_lazy("Withheld from publication"),
        summary="Withhold the publication, with the reason (不公开)",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why it is not published"),
                blank=gettext_lazy("Say why it is not published."),
            ),
        ),
        danger=True,
    ),
    Action(
        "withdraw",
        sources=frozenset({P.PUBLISHED}),
        target=P.WITHDRAWN,
        # The system withdraws a record whose suggestion staff mark confidential.
        who=frozenset({STAFF, SYSTEM}),
        label=gettext_lazy("Withdraw from the public site"),
        done=gettext_lazy("Withdrawn from the public site"),
        summary="Withdraw a published suggestion from the public site, with the reason",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why it is withdrawn"),
                blank=gettext_lazy("Say why it is withdrawn."),
            ),
        ),
        confirm=gettext_lazy("Withdraw this suggestion from the public site?"),
        danger=True,
    ),
    Action(
        "reopen",
        sources=frozenset({P.WITHHELD, P.WITHDRAWN}),
        target=P.PENDING,
        who=frozenset({STAFF}),
        label=gettext_lazy("Review again"),
        done=gettext_lazy("Back to review"),
        summary="Put a withheld or withdrawn publication back for review",
        rules=(Rule(_not_confidential), Rule(_answered)),
        inputs=(_NOTE,),
    ),
)
