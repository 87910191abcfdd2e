"""The staff's publication pages: the queue (what is due, with a batch publication) and the
review page of one record (the original texts with their masked spans, manual masking, the
summaries, the actions offered now, the timeline). Congress staff of the suggestion's congress
only; everyone else gets 403 (the queue) or 404 (a record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from minsheng.disclosure import permissions as perms
from minsheng.disclosure import redaction, workflow
from minsheng.disclosure.actions import PUBLICATIONS
from minsheng.disclosure.models import Publication
from minsheng.engine import pages
from minsheng.engine.forms import ActionForm
from minsheng.people.models import User
from minsheng.suggestions.numbers import format_number

PAGE_SIZE = 50
P = Publication.State
QUEUE_FIELDS = (
    "pk",
    "state",
    "due",
    "due_uncertain",
    "published_at",
    "spans",
    "summaries",
    "suggestion_id",
    "suggestion__title",
    "suggestion__series",
    "suggestion__number",
    "suggestion__is_confidential",
)
# Background actions offered on the review page in this order; the review's own (mask,
# unmask, summarise) are forms beside each text.
REVIEW_ACTIONS = ("mask", "unmask", "summarise")


def _require_staff(user: Any) -> None:
    if not perms.is_staff_anywhere(user):
        raise PermissionDenied(_("Only congress staff review publications."))


@dataclass
class QueueCriteria:
    state: str = P.PENDING
    overdue: bool = False

    @classmethod
    def from_query(cls, query: Any) -> QueueCriteria:
        state = str(query.get("state", P.PENDING) or "")
        return cls(
            state=state if state in P.values or state == "all" else P.PENDING,
            overdue=query.get("overdue") == "1",
        )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """待公开: the records by state, what is due first; one query for the rows shown."""
    user: User = request.user  # type: ignore[assignment]
    _require_staff(user)
    criteria = QueueCriteria.from_query(request.GET)
    today = timezone.localdate()
    rows = Publication.objects.visible_to(user)
    if criteria.state != "all":
        rows = rows.filter(state=criteria.state)
    if criteria.overdue:
        rows = rows.filter(due__lt=today, state__in=Publication.REVIEWABLE)
    rows = rows.order_by("due", "pk").values(*QUEUE_FIELDS)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    states = {k: str(v) for k, v in P.choices}
    pick = _("Publish %(n)s")
    review_url = reverse("disclosure:review", args=[0]).removesuffix("0/")
    listed = []
    for row in page.object_list:
        number = format_number(row["suggestion__series"], row["suggestion__number"])
        listed.append(
            {
                "id": row["pk"],
                "url": f"{review_url}{row['pk']}/",
                "pick_label": pick % {"n": number},
                "due_label": date_format(row["due"], "DATE_FORMAT") if row["due"] else "",
                "number": number,
                "title": row["suggestion__title"],
                "state": row["state"],
                "state_label": states.get(row["state"], row["state"]),
                "due": row["due"],
                "overdue": bool(
                    row["due"] and row["due"] < today and row["state"] in Publication.REVIEWABLE
                ),
                "uncertain": row["due_uncertain"],
                "masks": sum(len(v) for v in (row["spans"] or {}).values()),
                "summaries": len(row["summaries"] or {}),
                "confidential": row["suggestion__is_confidential"],
                "can_publish": row["state"] == P.PENDING and not row["suggestion__is_confidential"],
            }
        )
    return render(
        request,
        "disclosure/queue.html",
        {
            "page": page,
            "rows": listed,
            "criteria": criteria,
            "states": [("all", _("All")), *P.choices],
            "batchable": any(r["can_publish"] for r in listed),
            # The cells' labels, translated once for the rows.
            "labels": {
                "choose": _("Choose"),
                "suggestion": _("Suggestion"),
                "confidential": _("confidential"),
                "state": _("State"),
                "due": _("Publish by"),
                "overdue": _("overdue"),
                "masked": _("Masked"),
                "summary": _("summary"),
            },
        },
    )


@login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    """Publish the ticked records, each as its own action and event."""
    user: User = request.user  # type: ignore[assignment]
    _require_staff(user)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 10]
    if not ids:
        messages.error(request, _("Tick the suggestions to publish first."))
        return redirect("disclosure:queue")
    done, refused = workflow.publish_batch(ids, by=user)
    if done:
        messages.success(
            request,
            ngettext("Published: %(n)s suggestion.", "Published: %(n)s suggestions.", len(done))
            % {"n": len(done)},
        )
    for pk, reason in refused.items():
        messages.error(
            request, _("Not published (%(id)s): %(reason)s") % {"id": pk, "reason": reason}
        )
    return redirect("disclosure:queue")


# --- the review page ------------------------------------------------------------------------------


def segments(text: str, spans: list[list[Any]], key: str) -> list[dict[str, Any]]:
    """The original text cut at its masked spans, for the page to mark them (no template
    logic: each segment says whether it is masked and how to unmask it)."""
    out, at = [], 0
    for start, end, kind in redaction.merge(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            out.append({"text": text[at:start], "masked": False})
        out.append(
            {
                "text": text[start:end],
                "masked": True,
                "kind": kind,
                "kind_label": str(workflow.KIND_LABELS.get(kind, kind)),
                "span": f"{key}:{start}:{end}",
            }
        )
        at = end
    if at < len(text):
        out.append({"text": text[at:], "masked": False})
    return out


def _pieces(pub: Publication) -> list[dict[str, Any]]:
    s = pub.suggestion
    replies = workflow.sent_replies(s)
    labels = {"title": _("Title"), "body": _("Suggestion")}
    out = []
    for key, text in workflow.pieces(s, replies).items():
        reply = next((r for r in replies if f"reply:{r.pk}" == key), None)
        label = labels.get(key) or _("Reply of %(unit)s (round %(round)s)") % {
            "unit": reply.assignment.unit.name if reply else "",
            "round": reply.round if reply else "",
        }
        spans = pub.spans.get(key, [])
        changed = pub.fingerprints.get(key) not in (None, workflow.fingerprint(text))
        out.append(
            {
                "key": key,
                "slug": key.replace(":", "-"),
                "label": label,
                "segments": segments(text, spans, key),
                "public": redaction.apply(text, spans),
                "summary": pub.summaries.get(key, ""),
                "is_reply": key.startswith("reply:"),
                "changed": changed,
                "masks": len(spans),
            }
        )
    return out


def _render_review(
    request: HttpRequest,
    pub: Publication,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    offered = PUBLICATIONS.offered(user, pub)
    actions = pages.action_views(
        PUBLICATIONS,
        pub,
        user,
        "disclosure:act",
        failed,
        names=[name for name in offered if name not in REVIEW_ACTIONS],
    )
    events = list(pub_events(pub).select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = PUBLICATIONS.timeline_label(event.action, event.data)
    return render(
        request,
        "disclosure/review.html",
        {
            "pub": pub,
            "s": pub.suggestion,
            "pieces": _pieces(pub),
            "actions": actions,
            "reviewing": "mask" in offered,
            "events": events,
            "page_error": error,
            "failed": failed,
        },
        status=status,
    )


def pub_events(pub: Publication) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from minsheng.audit.models import Event

    return Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(Publication), subject_id=pub.pk
    )


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, perms.get_publication_for_user(request.user, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    pub = perms.get_publication_for_user(user, pk)
    done = pages.post_action(request, PUBLICATIONS, pub, action, workflow.ACTIONS.get(action))
    if not done.ok:
        pub = perms.get_publication_for_user(user, pk)
        return _render_review(request, pub, failed=done.form, error=done.error, status=done.status)
    return redirect("disclosure:review", pub.pk)


def suggestion_panel(request: HttpRequest, s: Any) -> dict[str, Any] | None:
    """The publication section of a suggestion page: congress staff see the record's state
    and a link to review it; everyone sees the public permalink once it is published."""
    pub = (
        Publication.objects.filter(suggestion=s)
        .only("pk", "state", "due", "jurisdiction_id")
        .first()
    )
    if pub is None:
        return None
    staff = perms.people.is_staff_of(request.user, pub.jurisdiction_id)
    if not staff and pub.state != P.PUBLISHED:
        return None
    return {"pub": pub, "staff": staff}
