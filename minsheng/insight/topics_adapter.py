"""The Django side of hot topics: a congress's suggestions of a period (and of the period before,
for growth) as items for `minsheng.insight.topics`, and the result cached per period and data
version. The clustering itself is `topics.py` (no Django).

Which suggestions: those of the congress submitted in the period (the day of `submitted_at`, in
the server's time zone), whatever their state after that (registered, assigned, answered, merged,
declined: each says what people raised), except unsent drafts and **confidential** (涉密) ones:
a topic's label and representatives are read by supervisors and on the dashboard, and a
confidential suggestion's title is not for them.

Public messages: Minsheng keeps no separate store of citizen messages (a 12345-style 留言 file
is clustered with `minsheng insight topics --file`); messages imported as suggestions through
the Excel import are suggestions and are counted as such.

Cache: files under INSIGHT_MODEL_DIR/topics-cache (var/insight/ by default; Django's
FileBasedCache), shared by every server worker and kept across restarts, so a period is
clustered once and `minsheng insight topics --from … --to …` computes what the page will show.
Key = congress, period, k, seed and the data version of both periods (number of rows, highest
id, sum of the rows' `version`, one aggregate query): a new, edited or re-stated suggestion
changes the key, so a stale result is never served; entries live a week.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from minsheng.insight.topics import Item, TopicResult, previous_period, topics
from minsheng.suggestions.models import Suggestion

__all__ = ["CACHE_SECONDS", "cache", "data_version", "period_items", "period_topics"]

log = logging.getLogger(__name__)
CACHE_SECONDS = 7 * 24 * 3600
CACHE_ENTRIES = 500


def cache() -> FileBasedCache:
    folder = Path(settings.INSIGHT_MODEL_DIR) / "topics-cache"
    return FileBasedCache(
        str(folder), {"TIMEOUT": CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": CACHE_ENTRIES}}
    )


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    return first, after


def _rows(jurisdiction_id: int, start: datetime.date, end: datetime.date) -> QuerySet[Suggestion]:
    first, after = _bounds(start, end)
    return Suggestion.objects.filter(
        jurisdiction_id=jurisdiction_id,
        submitted_at__gte=first,
        submitted_at__lt=after,
        is_confidential=False,
    ).exclude(state=Suggestion.State.DRAFT)


def period_items(jurisdiction_id: int, start: datetime.date, end: datetime.date) -> list[Item]:
    rows = _rows(jurisdiction_id, start, end).values_list("pk", "title", "body", "submitted_at")
    return [
        Item(pk, title, body, timezone.localdate(moment))
        for pk, title, body, moment in rows.order_by("pk").iterator(chunk_size=2000)
    ]


def data_version(jurisdiction_id: int, start: datetime.date, end: datetime.date) -> str:
    """A short fingerprint of the rows of the period and of the one before it."""
    p_start, _ = previous_period(start, end)
    figures = _rows(jurisdiction_id, p_start, end).aggregate(
        n=Count("pk"), top=Max("pk"), versions=Sum("version")
    )
    return f"{figures['n']}-{figures['top'] or 0}-{figures['versions'] or 0}"


def _key(jurisdiction_id: int, start: datetime.date, end: datetime.date, **options: Any) -> str:
    version = data_version(jurisdiction_id, start, end)
    raw = f"{jurisdiction_id}|{start}|{end}|{sorted(options.items())}|{version}"
    return "insight-topics:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def period_topics(
    jurisdiction_id: int,
    start: datetime.date,
    end: datetime.date,
    *,
    k: int | None = None,
    seed: int = 0,
    use_cache: bool = True,
    progress: Any = None,
) -> tuple[TopicResult, bool]:
    """The period's topics with growth against the period before; and whether the cache had
    them. With `use_cache=False` they are computed again (and stored for the page)."""
    key = _key(jurisdiction_id, start, end, k=k, seed=seed)
    store = cache()
    if use_cache:
        try:
            found = store.get(key)
        except Exception:  # a broken or foreign file: compute again  # noqa: BLE001
            log.warning("topics cache entry %s unreadable", key, exc_info=True)
            found = None
        if isinstance(found, TopicResult):
            return found, True
    p_start, p_end = previous_period(start, end)
    result = topics(
        period_items(jurisdiction_id, start, end),
        period_items(jurisdiction_id, p_start, p_end),
        k=k,
        seed=seed,
        progress=progress,
    )
    try:
        store.set(key, result, CACHE_SECONDS)
    except OSError:  # a read-only var/: the page still answers, uncached
        log.warning("topics cache not written", exc_info=True)
    return result, False
