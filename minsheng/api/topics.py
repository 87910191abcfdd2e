"""Hot topics of a period (docs/insight.md "Hot topics"): the same topics, sizes, growth and
representatives as /insight/topics/, for the same readers (congress staff and supervisors of
the congress; 403 for everyone else)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from minsheng.api.schemas import ERRORS
from minsheng.api.suggestions import _user
from minsheng.insight import topics_adapter
from minsheng.insight.topics import previous_period
from minsheng.insight.views_topics import DEFAULT_DAYS, MAX_PERIOD_DAYS, topic_jurisdictions

router = Router(tags=["insight"])


class TopicsIn(Schema):
    jurisdiction: int | None = Field(
        None, description="The congress (default: your own, else the first you may read)."
    )
    date_from: datetime.date | None = Field(
        None, alias="from", description="First day of submission (default: 182 days ago)."
    )
    date_to: datetime.date | None = Field(
        None, alias="to", description="Last day of submission (default: today)."
    )
    k: int | None = Field(None, ge=1, le=40, description="Number of topics (default: chosen).")


class Representative(Schema):
    suggestion_id: int
    title: str
    score: float = Field(description="Cosine similarity to the topic's centre, 0–1.")


class TopicOut(Schema):
    number: int
    other: bool = Field(description="True for 其他: small clusters and texts with no words.")
    terms: list[str] = Field(description="The topic's key terms, most distinctive first.")
    size: int = Field(description="Suggestions of the period in the topic.")
    previous: int | None = Field(description="Of the period before, of the same length.")
    growth: float | None = Field(description="(size − previous) / previous; null if unknown.")
    new: bool = Field(description="True when the period before had none.")
    representatives: list[Representative]


class TopicsOut(Schema):
    jurisdiction: int
    date_from: datetime.date = Field(alias="from")
    date_to: datetime.date = Field(alias="to")
    previous_from: datetime.date
    previous_to: datetime.date
    items: int = Field(description="Suggestions of the period that were clustered.")
    previous_items: int | None
    k: int
    seed: int
    topics: list[TopicOut]


@router.get(
    "/topics",
    response={200: TopicsOut, **{code: ERRORS[code] for code in (401, 403, 422)}},
    by_alias=True,
    summary="Hot topics of a period (congress staff and supervisors)",
    description="The period's suggestions (confidential ones never) clustered into topics with "
    "key terms, size, growth against the period before and representative suggestions "
    "(docs/insight.md). Computed once per period and data version, then cached; the first "
    "call on a long period of a large congress can take many seconds. 403 for anyone but the "
    "congress's staff and supervisors; 422 for a period that ends before it starts or is "
    "longer than three years.",
    operation_id="insight_topics",
)
def hot_topics(request: HttpRequest, filters: Query[TopicsIn]) -> dict[str, Any]:
    user = _user(request)
    allowed = {j.pk: j for j in topic_jurisdictions(user)}
    if not allowed:
        raise HttpError(403, _("Hot topics are for congress staff and supervisors."))
    home = getattr(user, "jurisdiction_id", None)
    chosen = filters.jurisdiction or (home if home in allowed else next(iter(allowed)))
    if chosen not in allowed:
        raise HttpError(403, _("Hot topics are for congress staff and supervisors."))
    today = timezone.localdate()
    end = filters.date_to or today
    start = filters.date_from or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise HttpError(422, _("The end of the period comes before its start."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise HttpError(422, _("Choose a period of at most three years."))
    result, _cached = topics_adapter.period_topics(chosen, start, end, k=filters.k)
    p_start, p_end = previous_period(start, end)
    return {
        "jurisdiction": chosen,
        "from": start,
        "to": end,
        "previous_from": p_start,
        "previous_to": p_end,
        "items": result.items,
        "previous_items": result.previous_items,
        "k": result.k,
        "seed": result.seed,
        "topics": [
            {
                "number": t.number,
                "other": t.other,
                "terms": list(t.terms),
                "size": t.size,
                "previous": t.previous,
                "growth": None if t.growth is None else round(t.growth, 4),
                "new": t.new,
                "representatives": [
                    {"suggestion_id": int(str(m.key)), "title": m.title, "score": round(m.score, 4)}
                    for m in t.representatives
                ],
            }
            for t in result.topics
        ],
    }
