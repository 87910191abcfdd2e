"""The Atom feed of new publications (django.contrib.syndication): the latest `SIZE` published
suggestions, newest first, with the public list's filters (`?year=&unit=&category=...`) and
its search (`?q=`: the newest among the best matches, so a reader can follow a topic).

Each entry is what the public list and the permalink show: the redacted title, and as its
summary the number, session, unit and result with the beginning of the redacted body. Only
`public.newest_rows` and `workflow.public_text` are read, as on the public pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from minsheng.disclosure import public
from minsheng.disclosure.models import Publication
from minsheng.disclosure.workflow import public_text

SIZE = 50
EXCERPT = 200


class PublishedFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> public.Criteria:
        return public.Criteria.from_query(request.GET)

    def title(self, obj: public.Criteria) -> str:
        from django.conf import settings

        return _("%(site)s: published suggestions and replies") % {"site": settings.SITE_NAME}

    def subtitle(self, obj: public.Criteria) -> str:
        return _(
            "Deputies' suggestions and the handling units' replies, newest publication first. "
            "Personal data is masked."
        )

    def link(self, obj: public.Criteria) -> str:
        return reverse("disclosure:index")

    def feed_url(self, obj: public.Criteria) -> str:
        return reverse("disclosure:feed")

    # No `language` here: Django's Feed reads it as an attribute (a method was written out as
    # its repr), and without one it takes the request's language (Chinese or English).

    def items(self, obj: public.Criteria) -> list[dict[str, Any]]:
        rows = list(public.newest_rows(obj, (*public.LIST_FIELDS, "suggestion__body"))[:SIZE])
        labelled = public.labelled(rows)
        for item, row in zip(labelled, rows, strict=True):
            probe = Publication(
                spans=row["spans"],
                summaries={},
                fingerprints=row["fingerprints"],
                shown=row["shown"],
            )
            body = public_text(probe, "body", row["suggestion__body"]) or ""
            item["excerpt"] = body[:EXCERPT] + ("……" if len(body) > EXCERPT else "")
        return labelled

    def item_title(self, item: dict[str, Any]) -> str:
        return str(item["title"])

    def item_description(self, item: dict[str, Any]) -> str:
        facts = " · ".join(
            str(part)
            for part in (
                item["number"],
                item["session"],
                item["unit"],
                item["result_label"],
                item["rating_label"],
            )
            if part
        )
        return f"{facts}\n\n{item['excerpt']}" if item["excerpt"] else facts

    def item_link(self, item: dict[str, Any]) -> str:
        return reverse("disclosure:detail", args=[item["id"]])

    def item_pubdate(self, item: dict[str, Any]) -> datetime.datetime | None:
        value = item["published_at"]
        return value if isinstance(value, datetime.datetime) else None

    def item_updateddate(self, item: dict[str, Any]) -> datetime.datetime | None:
        return self.item_pubdate(item)

    def item_author_name(self, item: dict[str, Any]) -> str:
        return str(item["unit"] or "")

    def item_categories(self, item: dict[str, Any]) -> list[str]:
        return [str(item["category"])] if item["category"] else []


published_feed = PublishedFeed()


def feed(request: HttpRequest) -> HttpResponse:
    response = published_feed(request)
    # The feed would date itself by its newest entry; the public site's own Last-Modified
    # (`caching.last_modified`, what a conditional request is compared with) replaces it.
    del response["Last-Modified"]
    return response
