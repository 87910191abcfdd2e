"""Similar suggestions on pages: the live panel of the draft form (a fragment the page's script
fetches as the deputy types), the section of the suggestion page for congress staff, and the
staff's near-duplicates of a session (并案 candidates)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minsheng.insight import similar_adapter as similar
from minsheng.insight.neighbours import DUPLICATE_FROM
from minsheng.people import permissions as people
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import Suggestion

MAX_TEXT = 100_000


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@login_required
@require_POST
def draft_panel(request: HttpRequest) -> HttpResponse:
    """The draft form's panel for the text typed so far (title, body; the edited suggestion's
    id as `exclude`)."""
    where = similar.draft_scope(request.user)
    if where is None:
        raise PermissionDenied(_("Only deputies and congress staff can compare a draft."))
    title = request.POST.get("title", "")[:MAX_TEXT]
    body = request.POST.get("body", "")[:MAX_TEXT]
    exclude = _int(request.POST.get("exclude"))
    if exclude is not None:
        perms.get_suggestion_for_user(request.user, exclude)  # 404 for one they may not see
    message = similar.describe_empty(title, body)
    found: list[similar.Found] = []
    if not message:
        try:
            found = similar.for_text(
                request.user,
                where[0],
                title,
                body,
                session_id=where[1],
                exclude=[exclude] if exclude else [],
                k=5,
            )
        except similar.NotReady:
            message = similar.not_ready_message()
    return render(
        request,
        "insight/similar_list.html",
        {"found": found, "message": message, "asked": True, "draft": True},
    )


def staff_section(request: HttpRequest, s: Suggestion) -> dict[str, Any] | None:
    """The suggestion page's section for congress staff: similar suggestions, repeats, and the
    merge (并案) offer for a near-duplicate of the same session."""
    user = request.user
    if not (getattr(user, "is_superuser", False) or people.is_staff_of(user, s.jurisdiction_id)):
        return None
    if s.state == Suggestion.State.DRAFT:
        return None
    try:
        found = similar.for_suggestion(user, s, k=6)
    except similar.NotReady:
        return {"found": [], "repeats": [], "s": s, "message": similar.not_ready_message()}
    mergeable = s.state in (Suggestion.State.SUBMITTED, Suggestion.State.REGISTERED)
    for f in found:
        f.extra["merge_into"] = bool(
            mergeable
            and f.duplicate
            and f.access == "full"
            and f.session_id == s.session_id
            # The workflow's own rule for the suggestion merged into: registered, still open.
            and f.state in (Suggestion.State.REGISTERED, *Suggestion.IN_HANDLING)
        )
    return {
        "found": found,
        "repeats": [f for f in found if f.repeat and f.duplicate],
        "s": s,
        "duplicate_from": DUPLICATE_FROM,
        "message": "",
    }


DUPLICATES_SECONDS = 24 * 3600


def _session_groups(session_id: int, staff: list[int]) -> list[dict[str, Any]]:
    """The session's near-duplicate groups, kept in the cache under the texts' versions (every
    edit bumps a suggestion's version; a new or registered one changes the set): clustering
    segments every text, seconds for a session's thousand suggestions, once per change."""
    import hashlib

    from django.core.cache import cache

    from minsheng.insight.duplicates import clusters
    from minsheng.suggestions.numbers import format_number

    rows = list(
        Suggestion.objects.filter(
            session_id=session_id,
            jurisdiction_id__in=staff,
            state__in=(Suggestion.State.SUBMITTED, Suggestion.State.REGISTERED),
        )
        .order_by("pk")
        .values_list("pk", "version", "series", "number", "state")
    )
    stamp = hashlib.sha256(repr(rows).encode()).hexdigest()[:24]
    key = f"minsheng:duplicates:{session_id}:{stamp}:{translation.get_language()}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    texts: dict[Any, tuple[str, str]] = {
        pk: (title, body)
        for pk, title, body in Suggestion.objects.filter(pk__in=[r[0] for r in rows])
        .order_by()
        .values_list("pk", "title", "body")
    }
    meta: dict[Any, tuple[str, str]] = {
        pk: (format_number(series, number), state) for pk, _v, series, number, state in rows
    }
    states = dict(Suggestion.State.choices)
    groups = []
    for cluster in clusters([(pk, *texts[pk]) for pk, *_rest in rows if pk in texts]):
        groups.append(
            {
                "items": [
                    {
                        "pk": pk,
                        "title": texts[pk][0],
                        "number": meta[pk][0],
                        "state": str(states.get(meta[pk][1], meta[pk][1])),
                    }
                    for pk in cluster.keys
                ],
                "min_score": cluster.min_score,
                "max_score": cluster.max_score,
                "shared": cluster.shared,
            }
        )
    cache.set(key, groups, timeout=DUPLICATES_SECONDS)
    return groups


@login_required
@require_GET
def session_duplicates(request: HttpRequest) -> HttpResponse:
    """Near-duplicates among a session's submitted and registered suggestions (congress staff):
    the clusters, each with links to its suggestions, where staff merge (并案)."""
    from minsheng.people.models import Session

    staff = [
        j for j in people.jurisdiction_ids(request.user) if people.is_staff_of(request.user, j)
    ]
    if not staff:
        raise PermissionDenied(_("Only congress staff can use this page."))
    sessions = Session.objects.filter(term__jurisdiction_id__in=staff).order_by("-start_date")
    wanted = _int(request.GET.get("session"))
    session = sessions.filter(pk=wanted).first() if wanted else sessions.first()
    groups: list[dict[str, Any]] = []
    if session is not None:
        groups = _session_groups(session.pk, staff)
    return render(
        request,
        "insight/duplicates.html",
        {"sessions": sessions, "session": session, "groups": groups},
    )
