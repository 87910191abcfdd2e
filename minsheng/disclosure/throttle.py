"""Rate limits on the public site (django-ratelimit, counted in the cache from settings: Redis
with REDIS_URL, else each process's memory), per client address.

- `list`: the public list /gongkai/; `search`: the same list with a search text (`?q=`),
  stricter, since a search costs more than a page of the list;
- `api`: every /api/v1/public/ operation; `feed`: the Atom feed; `download`: the bulk files.

Rates come from `settings.PUBLIC_RATES` (env `PUBLIC_RATE_*`, read at each request, so a test
can lower one); `RATELIMIT_ENABLED=false` switches them all off. Over the rate a page answers
429 with a short bilingual page and a download or the API with JSON, both with Retry-After.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

View = Callable[..., HttpResponse]


def rate_of(name: str) -> str:
    return str(settings.PUBLIC_RATES[name])


def list_group(request: HttpRequest) -> str:
    """A search (`?q=` with some text) is counted against the stricter search rate."""
    return "search" if request.GET.get("q", "").strip() else "list"


def _retry_after(usage: dict[str, Any]) -> int:
    return max(1, int(usage.get("time_left") or 1))


def too_many(request: HttpRequest, retry_after: int, *, as_json: bool) -> HttpResponse:
    detail = _(
        "Too many requests from your address. Please wait %(seconds)s seconds and try again."
    ) % {"seconds": retry_after}
    response: HttpResponse
    if as_json:
        response = JsonResponse({"detail": detail, "retry_after": retry_after}, status=429)
    else:
        response = HttpResponse(
            render_to_string(
                "disclosure/throttled.html",
                {"detail": detail, "retry_after": retry_after},
                request=request,
            ),
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def limit(group: str | Callable[[HttpRequest], str], *, as_json: bool = False) -> Any:
    """Count each request against its group's rate; over it, answer 429."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            name = group(request) if callable(group) else group
            usage = get_usage(
                request,
                group=f"public-{name}",
                key="ip",
                rate=rate_of(name),
                method=["GET", "HEAD"],
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return too_many(request, _retry_after(usage), as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
