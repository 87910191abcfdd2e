"""ETag / Last-Modified and Cache-Control for the public site, its feed, downloads and API.

The validators are computed without rendering anything, from one primary-key read: the head of
the hash-chained event log (`audit.ChainHead`, the place of the last sealed event, and that
event's time). Every change the public can see is an event (publish, withdraw, a rating,
confidential, a ledger report...), sealed once its transaction has committed, so the head moves
after every such change, in every worker process alike (it is in the database, not in a
process's memory). The head also moves on changes the public cannot see: conservative, never
stale for long.

The ETag also carries the language (the pages are Chinese or English by the visitor's
cookie), today's date (the projects' status and "overdue" follow the calendar) and the code's
own stamp (templates and catalogues of this deployment), so a new release or a new day is a
new version.

Signed-in people get neither validators nor a public Cache-Control: their pages carry their
name in the header and stay `private, no-store` (`people.middleware.PrivateCacheMiddleware`).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

View = Callable[..., HttpResponse]
T = TypeVar("T")
_ATTR = "_minsheng_public_version"


def _code_stamp() -> str:
    """The modification times of the public templates and the catalogues: a deployment's
    stamp (the same in every worker of one release)."""
    root = Path(settings.BASE_DIR)
    parts = []
    for folder, pattern in (
        (root / "templates" / "disclosure", "*.html"),
        (root / "templates", "base.html"),
        (root / "locale", "*/LC_MESSAGES/django.mo"),
    ):
        for path in sorted(folder.glob(pattern)):
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


CODE_STAMP = _code_stamp()


def version() -> tuple[int, datetime.datetime | None]:
    """(the last sealed event's place, its time): one read of the chain head's row."""
    from django.db.models import OuterRef, Subquery

    from minsheng.audit.models import ChainHead, Event

    found = (
        ChainHead.objects.filter(pk=1)
        .annotate(at=Subquery(Event.objects.filter(pk=OuterRef("event_id")).values("at")[:1]))
        .values_list("seq", "at")
        .first()
    )
    return (found[0], found[1]) if found else (0, None)


def _anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return not getattr(user, "is_authenticated", False) and not request.headers.get("Authorization")


def _version(request: HttpRequest) -> tuple[int, datetime.datetime | None]:
    # Read once per request: the ETag and the Last-Modified functions both ask.
    if not hasattr(request, _ATTR):
        setattr(request, _ATTR, version())
    found: tuple[int, datetime.datetime | None] = getattr(request, _ATTR)
    return found


def data_version(request: HttpRequest) -> int:
    """The event log's head as this request saw it (read once per request): a key for what
    is derived from published data only, such as the filter options."""
    return _version(request)[0]


def kept(
    name: str,
    version: int,
    parts: tuple[object, ...],
    compute: Callable[[], T],
    seconds: int = 3600,
) -> T:
    """`compute()`, kept in the cache under the event log's head `version` (`data_version`)
    and `parts` (what else the answer depends on: the criteria): figures that read every row
    of a table are computed once per version, not once per visitor. Every change that shows
    in them is an event, so a change moves the head and the next request computes afresh;
    `seconds` bounds how long a version's answer is kept (a change that is not an event, such
    as a community renamed by an administrator, shows after at most that long)."""
    from django.core.cache import cache

    key = f"minsheng:{name}:{version}:" + ":".join(str(part) for part in parts)
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=seconds)
    return found


def etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str | None:
    if not _anonymous(request):
        return None
    seq, _at = _version(request)
    language = translation.get_language() or settings.LANGUAGE_CODE
    today = timezone.localdate().isoformat()
    raw = f"{seq}|{language}|{today}|{CODE_STAMP}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:24] + '"'


def last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime.datetime | None:
    if not _anonymous(request):
        return None
    _seq, at = _version(request)
    # Never before today's midnight: the projects' status changes with the date.
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    return max(at, midnight) if at else midnight


def public_headers(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Cache-Control for content anyone may see, for an anonymous visitor; the language
    cookie chooses the page's language, so caches keep one copy per cookie."""
    if _anonymous(request) and response.status_code in (200, 304, 404):
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def public_cache(view: View) -> View:
    """ETag and Last-Modified from the event log's head, 304 to a matching conditional GET,
    and public Cache-Control, around a public view (page, feed, download or API operation)."""
    conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return public_headers(conditional(request, *args, **kwargs), request)

    return wrapped
