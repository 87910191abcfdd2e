"""Similar suggestions (docs/insight.md "Similar suggestions"): for a suggestion, and for a
draft's text while it is written. Each person sees only what they may: in full the suggestions
they may open; of others' suggestions only published ones, as the public site shows them."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from minsheng.api.schemas import ERRORS
from minsheng.api.suggestions import _get, _user
from minsheng.engine.errors import NotAllowed
from minsheng.insight import similar_adapter as similar
from minsheng.insight.neighbours import DUPLICATE_FROM

router = Router(tags=["insight"])

MAX_TEXT = 100_000


class SharedWord(Schema):
    word: str = Field(description="A word of the compared text that the other one has too.")
    weight: float = Field(description="Its share of the score, 0–1.")


class SimilarOut(Schema):
    score: float = Field(description="Cosine similarity of the two texts, 0–1.")
    duplicate: bool = Field(description=f"Score at least {DUPLICATE_FROM}: a near-duplicate.")
    repeat: bool = Field(
        description="Of an earlier session and answered there: a repeat suggestion."
    )
    earlier: bool = Field(description="Of an earlier session than the compared text.")
    access: str = Field(
        description="`full` (the caller may open it) or `public` (someone else's published "
        "suggestion: the public record only)."
    )
    suggestion_id: int | None = Field(description="Only with access `full`.")
    publication_id: int | None = Field(description="The public record, with access `public`.")
    number: str
    title: str = Field(description="With access `public`, the reviewed public title.")
    session: str
    year: int | None
    state: str = Field(description="The suggestion's state (empty with access `public`).")
    reply_category: str = Field(description="A, B, C or D of the latest sent reply; empty if none.")
    unit: str = Field(description="The lead (or first separately handling) unit.")
    url: str = Field(description="Its page (the public page with access `public`).")
    shared: list[SharedWord]


class SimilarList(Schema):
    items: list[SimilarOut]
    message: str = Field(
        description="Why nothing was compared: the text has no words, or the congress's "
        "index is still being built (a few minutes; `minsheng insight index` saves it)."
    )
    duplicate_from: float = Field(description="The near-duplicate threshold.")


class DraftIn(Schema):
    title: str = Field("", max_length=MAX_TEXT)
    body: str = Field("", max_length=MAX_TEXT)
    jurisdiction: int | None = Field(
        None, description="Congress staff of several congresses: which one (default: their own)."
    )
    exclude: int | None = Field(None, description="A suggestion id to leave out (the one edited).")
    k: int = Field(8, ge=1, le=20)


def _out(found: list[similar.Found], message: str = "") -> dict[str, Any]:
    return {
        "items": [
            {
                "score": f.score,
                "duplicate": f.duplicate,
                "repeat": f.repeat,
                "earlier": f.earlier,
                "access": f.access,
                "suggestion_id": f.suggestion_id,
                "publication_id": f.publication_id,
                "number": f.number,
                "title": f.title,
                "session": f.session,
                "year": f.year,
                "state": f.state,
                "reply_category": f.reply_category,
                "unit": f.unit,
                "url": f.url,
                "shared": [{"word": w, "weight": s} for w, s in f.shared],
            }
            for f in found
        ],
        "message": message,
        "duplicate_from": DUPLICATE_FROM,
    }


@router.get(
    "/{int:suggestion_id}/similar",
    response={200: SimilarList, **{code: ERRORS[code] for code in (401, 404, 422)}},
    summary="Similar suggestions of this and earlier sessions",
    description="The suggestions most similar to this one (its session and earlier ones) with "
    "a score and the shared words; anyone who may see the suggestion. Others' suggestions only "
    "when published, as the public site shows them (docs/insight.md).",
    operation_id="suggestion_similar",
)
def suggestion_similar(
    request: HttpRequest, suggestion_id: int, k: int = Query(8, ge=1, le=20)
) -> dict[str, Any]:
    user = _user(request)
    s = _get(user, suggestion_id)
    try:
        return _out(similar.for_suggestion(user, s, k=k))
    except similar.NotReady:
        return _out([], similar.not_ready_message())


def _draft(request: HttpRequest, data: DraftIn) -> dict[str, Any]:
    user = _user(request)
    where = similar.draft_scope(user, data.jurisdiction)
    if where is None:
        raise NotAllowed(_("Only deputies and congress staff can compare a draft."))
    if data.exclude is not None:
        _get(user, data.exclude)  # 404 for one the caller may not see
    message = similar.describe_empty(data.title, data.body)
    if message:
        return _out([], message)
    try:
        found = similar.for_text(
            user,
            where[0],
            data.title,
            data.body,
            session_id=where[1],
            exclude=[data.exclude] if data.exclude else [],
            k=data.k,
        )
    except similar.NotReady:
        return _out([], similar.not_ready_message())
    return _out(found)


@router.post(
    "/similar",
    response={200: SimilarList, **{code: ERRORS[code] for code in (400, 401, 403, 404, 422)}},
    summary="Similar suggestions for a draft's text",
    description="While a deputy writes: the suggestions most similar to `title` and `body` "
    "(the deputy's congress and current session and earlier ones). Deputies of a current term "
    "and congress staff; the same visibility as GET /suggestions/{id}/similar.",
    operation_id="draft_similar",
)
def draft_similar(request: HttpRequest, data: DraftIn) -> dict[str, Any]:
    return _draft(request, data)


@router.get(
    "/similar",
    response={200: SimilarList, **{code: ERRORS[code] for code in (401, 403, 404, 422)}},
    summary="Similar suggestions for a short text",
    description="As POST /suggestions/similar with the text in the query string (a title, or "
    "a short text; a long body belongs in the POST).",
    operation_id="draft_similar_get",
)
def draft_similar_get(request: HttpRequest, data: Query[DraftIn]) -> dict[str, Any]:
    return _draft(request, data)
