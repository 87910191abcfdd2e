"""The Django side of similar suggestions: one similarity index per congress, kept in memory and
brought up to date as suggestions are written, and the answer for a person — only what they
may see.

Who sees what (docs/insight.md "Similar suggestions"):

- a suggestion the person may open (`Suggestion.objects.visible_to`: their own, co-signed, a
  unit's assigned ones; all submitted ones of their congress for its staff) is shown in full:
  number, title, session, state, reply category, lead unit, a link to its page;
- another person's suggestion is shown only when it is **published** (`Publication.public()`:
  published and never confidential), and then only what the public site shows: its reviewed
  public title (masked as published), session, result category, unit, and a link to the
  public page; the shared words are limited to words of that public text;
- nothing else: no confidential, unpublished or draft suggestion of anyone else, and no count
  of what was left out (a count would tell that they exist).

The permission is decided by the database at every query, on the index's candidates; the index
itself knows only texts and ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.insight.neighbours import DUPLICATE_FROM, SIMILAR_FROM, Index, Match
from minsheng.suggestions.models import Assignment, Reply, Suggestion
from minsheng.suggestions.numbers import format_number

__all__ = [
    "Found",
    "NotReady",
    "for_suggestion",
    "for_text",
    "index_for",
    "repeats",
]

# How often the index checks for edited texts (new suggestions are picked up at every query).
RECHECK_SECONDS = 30.0
# Above this many suggestions a congress's index is not built within a request (a few seconds
# of segmenting at 5,000) but in the background, unless `minsheng insight index` saved it.
BUILD_INLINE_MAX = 5000
# How many of the index's best candidates are checked against the person's permission.
CANDIDATES = 60
MAX_K = 20

log = logging.getLogger(__name__)
_lock = threading.Lock()


@dataclass
class _State:
    index: Index
    versions: dict[int, int]
    max_pk: int
    checked_at: float
    total: tuple[int, int]


_indexes: dict[int, _State] = {}


@dataclass
class Found:
    """One similar suggestion as this person may see it."""

    score: float
    shared: list[tuple[str, float]]
    access: str  # "full" (they may open it) or "public" (published: the public record only)
    title: str
    number: str
    session: str
    session_id: int | None
    year: int | None
    state: str = ""
    state_label: str = ""
    reply_category: str = ""
    unit: str = ""
    url: str = ""
    suggestion_id: int | None = None  # only with access "full"
    publication_id: int | None = None
    earlier: bool = False  # of an earlier session than the text compared
    duplicate: bool = False  # score at least DUPLICATE_FROM
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def repeat(self) -> bool:
        """Raised in an earlier session and answered there: the answer did not settle it."""
        return self.earlier and bool(self.reply_category)


# --- the index ------------------------------------------------------------------------------


def _rows(qs: Any) -> Iterable[tuple[int, str, str, int]]:
    return qs.values_list("pk", "title", "body", "version").iterator(chunk_size=2000)


def index_path(jurisdiction_id: int) -> Path:
    return Path(settings.INSIGHT_MODEL_DIR) / f"similar-{jurisdiction_id}.joblib"


def _build(jurisdiction_id: int) -> _State:
    """The congress's index from every one of its suggestions (streamed: the texts are not all
    held at once)."""
    versions: dict[int, int] = {}
    base = Suggestion.objects.filter(jurisdiction_id=jurisdiction_id).order_by("pk")

    def items() -> Iterable[tuple[int, str, str]]:
        for pk, title, body, version in _rows(base):
            versions[pk] = version
            yield pk, title, body

    index = Index.build(items())
    return _State(index, versions, max(versions, default=0), time.monotonic(), (0, 0))


def save_index(jurisdiction_id: int) -> tuple[int, Path]:
    """Build the congress's index and save it under INSIGHT_MODEL_DIR, so that a server starts
    from it instead of segmenting every suggestion on its first query (`minsheng insight
    index`). Returns the number of texts and the file."""
    state = _build(jurisdiction_id)
    path = index_path(jurisdiction_id)
    state.index.save(path, {"versions": state.versions})
    with _lock:
        _indexes.pop(jurisdiction_id, None)
    return len(state.versions), path


def _load(jurisdiction_id: int) -> _State | None:
    path = index_path(jurisdiction_id)
    if not path.is_file():
        return None
    try:
        index, extra = Index.load(path)
    except ValueError as error:
        log.warning("similar-suggestion index not used: %s", error)
        return None
    versions = {int(k): int(v) for k, v in dict(extra.get("versions") or {}).items()}
    # Checked against the database at once (checked_at 0): edits since the file are re-read.
    return _State(index, versions, max(versions, default=0), 0.0, (0, 0))


def index_for(jurisdiction_id: int) -> Index:
    """The congress's index: loaded from its saved file (`minsheng insight index`) or built on
    first use, then brought up to date: new suggestions at every call, edited ones every
    RECHECK_SECONDS."""
    base = Suggestion.objects.filter(jurisdiction_id=jurisdiction_id).order_by()
    state = _indexes.get(jurisdiction_id)
    if state is None:
        with _lock:
            state = _indexes.get(jurisdiction_id)
            if state is None:
                state = _load(jurisdiction_id)
                if state is None:
                    if base.count() > BUILD_INLINE_MAX:
                        _build_in_background(jurisdiction_id)
                        raise NotReady
                    state = _build(jurisdiction_id)
                _indexes[jurisdiction_id] = state
    with _lock:
        for pk, title, body, version in _rows(base.filter(pk__gt=state.max_pk).order_by("pk")):
            state.index.add(pk, title, body)
            state.versions[pk] = version
            state.max_pk = max(state.max_pk, pk)
        if time.monotonic() - state.checked_at >= RECHECK_SECONDS:
            state.checked_at = time.monotonic()
            totals = base.aggregate(n=Count("*"), v=Sum("version"), m=Max("pk"))
            now = (totals["n"] or 0, totals["v"] or 0)
            if now != (len(state.versions), sum(state.versions.values())):
                current = dict(base.values_list("pk", "version"))
                for pk in set(state.versions) - set(current):
                    state.index.remove(pk)
                    del state.versions[pk]
                changed = [pk for pk, v in current.items() if state.versions.get(pk) != v]
                for pk, title, body, version in _rows(base.filter(pk__in=changed)):
                    state.index.add(pk, title, body)
                    state.versions[pk] = version
    return state.index


class NotReady(Exception):  # noqa: N818 - a state, not a failure
    """The congress's index is being built (too many suggestions to build within a request,
    and no saved index: `minsheng insight index`)."""


_building: set[int] = set()


def _build_in_background(jurisdiction_id: int) -> None:
    """Build the index in a thread of this process (once), for the next queries."""
    if jurisdiction_id in _building:
        return
    _building.add(jurisdiction_id)

    def work() -> None:
        from django.db import connection

        try:
            state = _build(jurisdiction_id)
            with _lock:
                _indexes.setdefault(jurisdiction_id, state)
        except Exception:  # logged; the next query tries again
            log.exception("similar-suggestion index of congress %s not built", jurisdiction_id)
        finally:
            _building.discard(jurisdiction_id)
            connection.close()

    log.warning(
        "similar-suggestion index of congress %s is built in the background; "
        "run `minsheng insight index` to save it",
        jurisdiction_id,
    )
    threading.Thread(target=work, name=f"similar-index-{jurisdiction_id}", daemon=True).start()


def forget() -> None:
    """Drop every index (tests; a server rebuilds on the next query)."""
    with _lock:
        _indexes.clear()


# --- what a person sees ---------------------------------------------------------------------


def _earlier_or_same(session_id: int | None) -> Any:
    """The sessions whose suggestions count: this session and earlier ones (by opening date);
    with no session, all."""
    from minsheng.people.models import Session

    if session_id is None:
        return None
    return Session.objects.filter(pk=session_id).values_list("start_date", flat=True).first()


def _label_states() -> dict[str, str]:
    return {value: str(label) for value, label in Suggestion.State.choices}


def _leads(ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = (
        Assignment.objects.filter(suggestion_id__in=ids, state__in=Assignment.ACTIVE_STATES)
        .order_by("suggestion_id", "mode", "pk")
        .values_list("suggestion_id", "mode", "unit__name")
    )
    for sid, mode, name in rows:
        if mode in (Assignment.Mode.LEAD, Assignment.Mode.SEPARATE):
            found.setdefault(sid, name)
    return found


def _reply_categories(ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = (
        Reply.objects.filter(suggestion_id__in=ids, state=Reply.State.SENT)
        .order_by("suggestion_id", "round", "sent_at", "pk")
        .values_list("suggestion_id", "category")
    )
    for sid, category in rows:
        found[sid] = category  # the latest round's, last
    return found


def _shown(
    user: Any,
    matches: list[Match],
    *,
    session_id: int | None,
    k: int,
) -> list[Found]:
    if not matches:
        return []
    from minsheng.disclosure.models import Publication
    from minsheng.disclosure.workflow import public_text

    start = _earlier_or_same(session_id)
    ids = [int(m.key) for m in matches]  # type: ignore[call-overload]
    allowed = Suggestion.objects.filter(pk__in=ids).exclude(state=Suggestion.State.DRAFT)
    if start is not None:
        allowed = allowed.filter(session__start_date__lte=start)
    rows = {
        s.pk: s
        for s in allowed.select_related("session").only(
            "pk",
            "series",
            "number",
            "title",
            "state",
            "session__name",
            "session__start_date",
            "session_id",
            "is_confidential",
        )
    }
    visible = set(
        Suggestion.objects.visible_to(user).filter(pk__in=list(rows)).values_list("pk", flat=True)
    )
    public = {
        p.suggestion_id: p
        for p in Publication.objects.public()
        .filter(suggestion_id__in=[pk for pk in rows if pk not in visible])
        .select_related("session", "unit")
    }
    full_ids = [pk for pk in rows if pk in visible]
    leads = _leads(full_ids)
    categories = _reply_categories(full_ids)
    states = _label_states()
    this_start = start
    found: list[Found] = []
    for match in matches:
        pk = int(match.key)  # type: ignore[call-overload]
        s = rows.get(pk)
        if s is None:
            continue
        s_start = s.session.start_date if s.session_id else None
        earlier = bool(this_start and s_start and s_start < this_start)
        if pk in visible:
            found.append(
                Found(
                    score=match.score,
                    shared=list(match.shared),
                    access="full",
                    title=s.title,
                    number=format_number(s.series, s.number),
                    session=s.session.name if s.session_id else "",
                    session_id=s.session_id,
                    year=s_start.year if s_start else None,
                    state=s.state,
                    state_label=states.get(s.state, s.state),
                    reply_category=categories.get(pk, ""),
                    unit=leads.get(pk, ""),
                    url=reverse("suggestions:detail", args=[pk]),
                    suggestion_id=pk,
                    earlier=earlier,
                    duplicate=match.score >= DUPLICATE_FROM,
                )
            )
        elif pk in public:
            pub = public[pk]
            title = public_text(pub, "title", s.title)
            if not title:
                continue  # its title was never reviewed for the public
            # Only words the public can read in the public title: a masked word of the body
            # (a name, an address) must not come out through the explanation.
            shared = [(w, share) for w, share in match.shared if w in title]
            found.append(
                Found(
                    score=match.score,
                    shared=shared,
                    access="public",
                    title=title,
                    number=format_number(s.series, s.number),
                    session=pub.session.name if pub.session else "",
                    session_id=pub.session_id,
                    year=pub.year,
                    reply_category=pub.result,
                    unit=pub.unit.name if pub.unit else "",
                    url=reverse("disclosure:detail", args=[pub.pk]),
                    publication_id=pub.pk,
                    earlier=earlier,
                    duplicate=match.score >= DUPLICATE_FROM,
                )
            )
        if len(found) >= k:
            break
    return found


def for_text(
    user: Any,
    jurisdiction_id: int,
    title: str,
    body: str = "",
    *,
    session_id: int | None = None,
    exclude: Iterable[int] = (),
    k: int = 8,
    threshold: float = SIMILAR_FROM,
) -> list[Found]:
    """The suggestions most similar to a text (a draft), as this person may see them."""
    index = index_for(jurisdiction_id)
    query = index.vector(title, body)
    matches = index.search(query, k=CANDIDATES, threshold=threshold, exclude=exclude)
    return _shown(user, matches, session_id=session_id, k=min(k, MAX_K))


def for_suggestion(
    user: Any, s: Suggestion, *, k: int = 8, threshold: float = SIMILAR_FROM
) -> list[Found]:
    """The suggestions most similar to a suggestion (itself and those merged into it left out),
    of its session and earlier ones, as this person may see them."""
    merged = list(Suggestion.objects.filter(merged_into=s).values_list("pk", flat=True))
    exclude = {s.pk, *merged}
    if s.merged_into_id:
        exclude.add(s.merged_into_id)
    return for_text(
        user,
        s.jurisdiction_id,
        s.title,
        s.body,
        session_id=s.session_id,
        exclude=exclude,
        k=k,
        threshold=threshold,
    )


def repeats(user: Any, s: Suggestion, found: list[Found] | None = None) -> list[Found]:
    """Repeat suggestions (重复建议): similar enough to be the same matter, of an earlier
    session, and answered there."""
    found = for_suggestion(user, s) if found is None else found
    return [f for f in found if f.repeat and f.duplicate]


# The look-back's repeated topics: a suggestion of this year and one of an earlier year this
# similar (title and body) are the same matter raised again.
LOOK_BACK_FROM = DUPLICATE_FROM
LOOK_BACK_CANDIDATES = 12  # the nearest texts looked at per suggestion (same-year ones among them)
LOOK_BACK_EARLIER = 3  # earlier suggestions shown per repeat


def look_back(
    suggestions: Any, year: int
) -> list[tuple[Suggestion, list[tuple[Suggestion, float, tuple[str, ...]]]]] | None:
    """The ledger's repeated topics (回头看) by the similarity index: each of `suggestions`
    registered in `year` with the most similar of `suggestions` registered in an earlier
    year (at least LOOK_BACK_FROM, any category), with the words they share. `suggestions`
    is what the person may see; the index only proposes. None while a congress's index is
    being built (the ledger then compares titles)."""
    columns = ("pk", "title", "body", "jurisdiction_id", "series", "number", "category_id")
    registered = suggestions.filter(registered_at__isnull=False)
    this_year = list(registered.filter(registered_at__year=year).only(*columns).order_by("pk"))
    if not this_year:
        return []
    indexes: dict[int, Index] = {}
    try:
        for j in {s.jurisdiction_id for s in this_year}:
            indexes[j] = index_for(j)
    except NotReady:
        return None
    nearest: dict[int, list[Match]] = {}
    for j, index in indexes.items():
        mine = [s for s in this_year if s.jurisdiction_id == j]
        # The vectors the index holds (segmenting a year's texts again was most of the time).
        held = index.vectors_of(s.pk for s in mine)
        for s in mine:
            vector = held.get(s.pk) or index.vector(s.title, s.body)
            nearest[s.pk] = index.search(
                vector, k=LOOK_BACK_CANDIDATES, threshold=LOOK_BACK_FROM, exclude={s.pk}
            )
    wanted = {int(m.key) for found in nearest.values() for m in found}  # type: ignore[call-overload]
    earlier = {
        old.pk: old
        for old in registered.filter(pk__in=wanted, registered_at__year__lt=year).only(
            "pk", "title", "series", "number", "category_id", "registered_at"
        )
    }
    out = []
    for s in this_year:
        pairs = [
            (earlier[int(m.key)], m.score, tuple(word for word, _share in m.shared))  # type: ignore[call-overload]
            for m in nearest[s.pk]
            if int(m.key) in earlier  # type: ignore[call-overload]
        ][:LOOK_BACK_EARLIER]
        if pairs:
            out.append((s, pairs))
    return out


def not_ready_message() -> str:
    return _(
        "Similar suggestions are being prepared for this congress; they appear here in a few "
        "minutes."
    )


def describe_empty(title: str, body: str) -> str:
    """Why a text gives no similar suggestion, when it is the text's fault."""
    from minsheng.insight.neighbours import _raw

    w, c, _seen = _raw(title or "", body or "")
    if not w and not c:
        return _("The text has no words to compare (empty, or only punctuation or digits).")
    return ""


def draft_scope(user: Any, jurisdiction_id: int | None = None) -> tuple[int, int | None] | None:
    """Where a draft of this person is compared: (congress, session). A serving deputy: their
    congress and its current session; congress staff: the congress asked for (one they are
    staff of) or their own, all sessions. None for anyone else."""
    from minsheng.people import permissions as people
    from minsheng.suggestions.views.deputy import current_deputy

    if not getattr(user, "is_authenticated", False):
        return None
    staff = [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]
    if jurisdiction_id is not None and jurisdiction_id in staff:
        return jurisdiction_id, None
    deputy = current_deputy(user)
    if deputy is not None and jurisdiction_id in (None, deputy.jurisdiction_id):
        session = deputy.jurisdiction.current_session()
        return deputy.jurisdiction_id, session.pk if session else None
    if staff and jurisdiction_id is None:
        home = getattr(user, "jurisdiction_id", None)
        return (home if home in staff else staff[0]), None
    return None
