"""The public wish wall's queries, shared by its page, the public API and the bench: ONLY the
public fields (`WALL_FIELDS`) are ever read, so no template or serializer can show a private one.

One query for the rows shown, one count, and two bounded aggregates (per area, per claimant),
whatever the number of wishes; the filters and the order use the `wish_wall_order` index. The
count and the totals read every public wish, so the page keeps them in the cache under the
event log's head (`kept_count`, `kept_totals`; every wish's step is an event): between two
changes a visitor's page reads only its 24 cards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from minsheng.disclosure.caching import kept
from minsheng.lib.rowmarkup import RowMarkup, zh
from minsheng.wishes.models import Wish

# Everything the public may know about a wish. Never add a field of models.PRIVATE_FIELDS.
WALL_FIELDS = (
    "pk",
    "title",
    "description",
    "category",
    "group",
    "state",
    "priority",
    "community_id",
    "community__name",
    "claimant_name",
    "verified_at",
    "claimed_at",
    "fulfilled_at",
)

# The wall's three tabs and the states behind each.
SHOWS = {
    "open": (Wish.State.VERIFIED,),
    "claimed": (Wish.State.CLAIMED,),
    "fulfilled": (Wish.State.FULFILLED, Wish.State.CONFIRMED),
}
TOTALS_SHOWN = 10
KEPT_SECONDS = 600  # a version's count and totals (a community renamed shows within this)
FULFILLED = (Wish.State.FULFILLED, Wish.State.CONFIRMED)


@dataclass
class Criteria:
    show: str = ""
    area: int | None = None
    group: str = ""

    @classmethod
    def from_query(cls, query: Any) -> Criteria:
        """Unknown values are ignored (never a 500, never an error page for a public URL)."""
        show = str(query.get("show", "") or "")
        group = str(query.get("group", "") or "")
        area_text = str(query.get("area", "") or "")
        area = int(area_text) if area_text.isdigit() and len(area_text) < 10 else None
        return cls(
            show=show if show in SHOWS else "",
            area=area,
            group=group if group in Wish.Group.values else "",
        )


def public_rows(criteria: Criteria, jurisdiction_ids: set[int] | None = None) -> QuerySet[Any]:
    """The wall's rows, as dicts of WALL_FIELDS, vulnerable groups first, newest first."""
    rows = Wish.objects.public()
    if jurisdiction_ids is not None:
        rows = rows.filter(jurisdiction_id__in=jurisdiction_ids)
    if criteria.show:
        rows = rows.filter(state__in=SHOWS[criteria.show])
    if criteria.area is not None:
        rows = rows.filter(community_id=criteria.area)
    if criteria.group:
        rows = rows.filter(group=criteria.group)
    return rows.order_by("priority", "-posted_at", "-pk").values(*WALL_FIELDS)


def labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Display labels prepared once in Python (no lookups in the template's row loop)."""
    states = dict(Wish.State.choices)
    groups = dict(Wish.Group.choices)
    categories = dict(Wish.Category.choices)
    for row in rows:
        row["id"] = row["pk"]
        row["community"] = row.pop("community__name")
        row["state_label"] = str(states.get(row["state"], row["state"]))
        row["group_label"] = str(groups.get(row["group"], row["group"]))
        row["category_label"] = str(categories.get(row["category"], row["category"]))
        row["vulnerable"] = row["priority"] == 0
    return rows


# One card of the wall (lib/rowmarkup.py): every value escaped; `heading`, `description` and
# `meta` are markup built by `cards` from escaped parts.
CARD = RowMarkup(
    '<li class="wish-card wstate-{state}" data-testid="wish-{id}" data-state="{state}">'
    "<h2>{heading}</h2>"
    '<p><span class="wish-tag st-{state}">{state_label}</span> '
    '<span class="wish-tag{vulnerable}">{group_label}</span> '
    '<span class="wish-tag">{category_label}</span></p>'
    '{description}<p class="meta">{meta}</p></li>'
)


def _day(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def cards(rows: list[dict[str, Any]], signed_in: bool) -> SafeString:
    """The wall's cards from `labelled` rows: a signed-in person's titles link to the wish."""
    out = []
    for row in rows:
        title = zh(row["title"])
        if signed_in:
            url = reverse("wishes:detail", args=[row["id"]])
            title = format_html('<a href="{}">{}</a>', url, title)
        text = row["description"]
        description = format_html("<p>{}</p>", zh(Truncator(text).chars(120))) if text else ""
        meta = [zh(row["community"])]
        if row["claimant_name"]:
            claimed = conditional_escape(_("Claimed by %(name)s"))
            meta.append(mark_safe(claimed % {"name": zh(row["claimant_name"])}))  # noqa: S308
        if row["fulfilled_at"]:
            meta.append(format_html("{} {}", _("fulfilled"), _day(row["fulfilled_at"])))
        elif row["verified_at"]:
            meta.append(conditional_escape(_day(row["verified_at"])))
        out.append(
            {
                "id": row["id"],
                "state": row["state"],
                "state_label": row["state_label"],
                "group_label": row["group_label"],
                "category_label": row["category_label"],
                "vulnerable": " vulnerable" if row["vulnerable"] else "",
                "heading": title,
                "description": description,
                "meta": mark_safe(" · ".join(meta)),  # noqa: S308 - every part escaped
            }
        )
    return CARD.render(out)


def totals_per_area(jurisdiction_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """Every community with a public wish, the most wishes first (also the area filter's
    choices: communities are a bounded list)."""
    rows = Wish.objects.public()
    if jurisdiction_ids is not None:
        rows = rows.filter(jurisdiction_id__in=jurisdiction_ids)
    found = (
        rows.values("community_id", "community__name")
        .annotate(
            total=Count("pk"),
            fulfilled=Count("pk", filter=Q(state__in=FULFILLED)),
            open=Count("pk", filter=Q(state=Wish.State.VERIFIED)),
        )
        .order_by("-total", "community__name")
    )
    return [dict(row) for row in found]


def totals_per_claimant(jurisdiction_ids: set[int] | None = None) -> list[dict[str, Any]]:
    rows = Wish.objects.filter(state__in=Wish.CLAIMED_STATES)
    if jurisdiction_ids is not None:
        rows = rows.filter(jurisdiction_id__in=jurisdiction_ids)
    found = (
        rows.values("claimant_name")
        .annotate(total=Count("pk"), fulfilled=Count("pk", filter=Q(state__in=FULFILLED)))
        .order_by("-fulfilled", "-total", "claimant_name")[:TOTALS_SHOWN]
    )
    return [dict(row) for row in found]


def kept_count(criteria: Criteria, version: int) -> int:
    """How many wishes the wall shows under `criteria`, once per event-log version."""
    return kept(
        "wall-count",
        version,
        (criteria.show, criteria.area, criteria.group),
        lambda: public_rows(criteria).count(),
        KEPT_SECONDS,
    )


def kept_totals(version: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`totals_per_area`, `totals_per_claimant`), once per event-log version."""
    return kept(
        "wall-totals",
        version,
        (),
        lambda: (totals_per_area(), totals_per_claimant()),
        KEPT_SECONDS,
    )
