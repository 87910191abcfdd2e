"""The figures of a period's handling of suggestions, computed from live data (DOMAIN.md §6).

Read-only: every figure is one query (grouped with ``values().annotate()`` or one
``aggregate``), never a loop over units or categories, and each is a plain function of a
`Period`, so the annual report, the workbook, the press brief, the page and the command all
show the same numbers. The rules these figures count by belong to the apps that own them and
are reused, not restated: the handling states and "overdue" (`suggestions.models`: the query
vocabulary), the result categories and ratings (`Reply`, `Rating`), the commitments and their
resolution rate (`ledger.commitments.resolution_rates`).

What a period holds: the suggestions of the congress **registered** (立案) in it, whatever
happened to them since (drafts, declined and withdrawn-before-registration ones were never
registered). The counts:

- answered: the suggestion has had a reply (answered at least once: answered, re-handling or
  closed after an answer); on time: its latest answer came on or before its reply due date
  (the due date of that round, extensions included);
- A/B/C/D: the units' first-round replies that were sent (a lead or separate unit's answer;
  joint units write opinions, not replies);
- satisfaction: each suggestion's latest rating; 满意 and 基本满意 are "satisfied", "not rated"
  (the window passed) is shown apart and never counted as satisfied;
- overdue: in handling and past the reply due date on `today` (`overdue_q`);
- commitments: the B commitments entered from the period's suggestions, and how many became
  solved problems (`resolution_rates`: closed is not solved).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from minsheng.ledger import commitments
from minsheng.ledger.commitments import Rate
from minsheng.ledger.models import LedgerItem
from minsheng.people.models import Jurisdiction
from minsheng.suggestions.models import (
    IN_HANDLING_STATES,
    Assignment,
    Rating,
    Reply,
    Suggestion,
    WarningColour,
    overdue_q,
    warning_q,
)

__all__ = [
    "Figures",
    "Period",
    "Warnings",
    "by_category",
    "by_delegation",
    "by_unit",
    "categories",
    "commitment_rates",
    "compute",
    "key_outcomes",
    "monthly",
    "overdue_items",
    "satisfaction",
    "states",
    "suggestions_of",
    "totals",
    "warnings",
]

ANSWERING = (Assignment.Mode.LEAD, Assignment.Mode.SEPARATE)
S = Suggestion.State


@dataclass(frozen=True)
class Period:
    """One congress's suggestions registered from `start` to `end` (both included)."""

    jurisdiction: Jurisdiction
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, jurisdiction: Jurisdiction, year: int) -> Period:
        return cls(jurisdiction, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        ) and (self.start.year == self.end.year)

    @property
    def is_calendar_month(self) -> bool:
        """From the first to the last day of one month."""
        following = (self.start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return self.start.day == 1 and self.end == following - datetime.timedelta(days=1)

    def describe(self) -> str:
        if self.is_calendar_year:
            return f"{self.start.year}年度"
        return (
            f"{self.start.year}年{self.start.month}月{self.start.day}日至"
            f"{self.end.year}年{self.end.month}月{self.end.day}日"
        )


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and last moments in the site's time zone (registered_at is aware)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def suggestions_of(period: Period) -> QuerySet[Suggestion]:
    start, end = _bounds(period)
    return Suggestion.objects.filter(
        jurisdiction=period.jurisdiction, registered_at__gte=start, registered_at__lt=end
    )


def _share(part: int, whole: int) -> float | None:
    """Percent with one decimal; None when there is nothing to divide (shown as "no data")."""
    return round(100 * part / whole, 1) if whole else None


# --- the totals --------------------------------------------------------------------------------

ANSWERED_STATES = (S.ANSWERED, S.REHANDLING, S.CLOSED)


@dataclass
class Totals:
    registered: int = 0
    between_sessions: int = 0
    key: int = 0
    in_handling: int = 0
    answered: int = 0
    closed: int = 0
    merged: int = 0
    overdue: int = 0
    answered_on_time: int = 0
    rehandled: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.answered_on_time, self.answered)

    @property
    def answered_rate(self) -> float | None:
        return _share(self.answered, self.registered - self.merged)


def _answered_q() -> Q:
    return Q(answered_at__isnull=False) & Q(state__in=ANSWERED_STATES)


def _on_time_q() -> Q:
    return _answered_q() & Q(reply_due__isnull=False) & Q(answered_at__date__lte=F("reply_due"))


def totals(period: Period, today: datetime.date) -> Totals:
    """One aggregate over the period's suggestions."""
    row = suggestions_of(period).aggregate(
        registered=Count("pk"),
        between_sessions=Count("pk", filter=Q(source=Suggestion.Source.BETWEEN_SESSIONS)),
        key=Count("pk", filter=Q(is_key=True)),
        in_handling=Count("pk", filter=Q(state__in=IN_HANDLING_STATES)),
        answered=Count("pk", filter=_answered_q()),
        closed=Count("pk", filter=Q(state=S.CLOSED)),
        merged=Count("pk", filter=Q(state=S.MERGED)),
        overdue=Count("pk", filter=overdue_q(today)),
        answered_on_time=Count("pk", filter=_on_time_q()),
        rehandled=Count("pk", filter=Q(round__gt=1)),
    )
    return Totals(**row)


# --- by category and by unit -------------------------------------------------------------------


@dataclass
class Group:
    name: str
    count: int
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.answered)


def by_category(period: Period, today: datetime.date) -> list[Group]:
    """Per top-level category (a sub-category counts under its parent); one grouped query."""
    rows = (
        suggestions_of(period)
        .annotate(top=Coalesce("category__parent__name", "category__name", Value("未分类")))
        .order_by()
        .values("top")
        .annotate(
            count=Count("pk"),
            answered=Count("pk", filter=_answered_q()),
            on_time=Count("pk", filter=_on_time_q()),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    )
    found = [Group(r["top"], r["count"], r["answered"], r["on_time"], r["overdue"]) for r in rows]
    return sorted(found, key=lambda g: (-g.count, g.name))


def by_unit(period: Period, today: datetime.date) -> list[Group]:
    """Per handling unit: the suggestions it answers (lead or separate), those it joins (会办),
    answered, on time and overdue; one grouped query over the active assignments."""
    start, end = _bounds(period)
    p = "suggestion__"
    answering = Q(mode__in=ANSWERING)
    rows = (
        Assignment.objects.filter(
            suggestion__jurisdiction=period.jurisdiction,
            suggestion__registered_at__gte=start,
            suggestion__registered_at__lt=end,
        )
        .exclude(state=Assignment.State.CANCELLED)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(
            count=Count("pk", filter=answering),
            joint=Count("pk", filter=Q(mode=Assignment.Mode.JOINT)),
            answered=Count(
                "pk",
                filter=answering
                & Q(**{f"{p}answered_at__isnull": False, f"{p}state__in": ANSWERED_STATES}),
            ),
            on_time=Count(
                "pk",
                filter=answering
                & Q(
                    **{
                        f"{p}answered_at__isnull": False,
                        f"{p}state__in": ANSWERED_STATES,
                        f"{p}reply_due__isnull": False,
                        f"{p}answered_at__date__lte": F(f"{p}reply_due"),
                    }
                ),
            ),
            overdue=Count("pk", filter=answering & overdue_q(today, p)),
        )
    )
    found = [
        Group(
            r["unit__name"],
            r["count"],
            r["answered"],
            r["on_time"],
            r["overdue"],
            extra={"joint": r["joint"], "unit_id": r["unit_id"]},
        )
        for r in rows
    ]
    return sorted(found, key=lambda g: (-g.count, -g.extra["joint"], g.name))


def by_delegation(period: Period, today: datetime.date) -> list[Group]:
    """Per delegation (代表团) of the lead deputy; one grouped query."""
    rows = (
        suggestions_of(period)
        .annotate(delegation=Coalesce("lead_deputy__delegation__name", Value("未列代表团")))
        .order_by()
        .values("delegation")
        .annotate(
            count=Count("pk"),
            answered=Count("pk", filter=_answered_q()),
            on_time=Count("pk", filter=_on_time_q()),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    )
    found = [
        Group(r["delegation"], r["count"], r["answered"], r["on_time"], r["overdue"]) for r in rows
    ]
    return sorted(found, key=lambda g: (-g.count, g.name))


# --- over time, states, warnings ---------------------------------------------------------------


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out


def _month_counts(rows: QuerySet[Suggestion], moment: str) -> dict[datetime.date, int]:
    zone = timezone.get_current_timezone()
    grouped = (
        rows.annotate(month=TruncMonth(moment, tzinfo=zone))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    out: dict[datetime.date, int] = {}
    for r in grouped:
        month = r["month"]
        if isinstance(month, datetime.datetime):
            month = (
                timezone.localtime(month, zone).date() if timezone.is_aware(month) else month.date()
            )
        out[month.replace(day=1)] = out.get(month.replace(day=1), 0) + r["n"]
    return out


@dataclass
class Month:
    month: datetime.date
    registered: int
    answered: int

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def monthly(period: Period, today: datetime.date) -> list[Month]:
    """The period's suggestions registered each month and, of them, those answered each month
    (the month of their latest answer, as `totals.answered` counts them: the two series add
    up to `registered` and `answered`); from the period's first month to its last (today's
    month while it runs), or later when answers came after it. Two grouped queries."""
    registered = _month_counts(suggestions_of(period), "registered_at")
    answered = _month_counts(suggestions_of(period).filter(_answered_q()), "answered_at")
    first = period.start.replace(day=1)
    last = max([first, min(period.end, today).replace(day=1), *registered, *answered])
    months = _months(first, last)
    return [Month(m, registered.get(m, 0), answered.get(m, 0)) for m in months]


def states(period: Period) -> dict[str, int]:
    """The period's suggestions by their state now; one grouped query."""
    rows = suggestions_of(period).order_by().values("state").annotate(n=Count("pk"))
    found = {r["state"]: r["n"] for r in rows}
    return {state: found[state] for state in S.values if found.get(state)}


@dataclass
class Warnings:
    """The reply clock's lights (红黄绿灯) of the period's suggestions in handling today: red is
    `overdue` (the same rows as the totals' overdue), yellow due soon, green on time, none
    without a reply due date yet (registered, not assigned)."""

    red: int = 0
    yellow: int = 0
    green: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green + self.none


def warnings(period: Period, today: datetime.date) -> Warnings:
    """One aggregate, with the supervision board's own conditions (`warning_q`)."""
    row = suggestions_of(period).aggregate(
        red=Count("pk", filter=warning_q(WarningColour.RED, today)),
        yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today)),
        green=Count("pk", filter=warning_q(WarningColour.GREEN, today)),
        none=Count("pk", filter=Q(state__in=IN_HANDLING_STATES, reply_due__isnull=True)),
    )
    return Warnings(**row)


# --- replies and ratings -----------------------------------------------------------------------


@dataclass
class Shares:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, key: str) -> float | None:
        return _share(self.counts.get(key, 0), self.total)


def categories(period: Period) -> Shares:
    """A/B/C/D of the first-round replies sent; one grouped query."""
    start, end = _bounds(period)
    rows = (
        Reply.objects.filter(
            suggestion__jurisdiction=period.jurisdiction,
            suggestion__registered_at__gte=start,
            suggestion__registered_at__lt=end,
            state=Reply.State.SENT,
            round=1,
        )
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Reply.Category.values, 0)
    counts.update({r["category"]: r["n"] for r in rows})
    return Shares(counts)


@dataclass
class Satisfaction(Shares):
    @property
    def rated(self) -> int:
        return sum(self.counts.get(k, 0) for k in Rating.RATED)

    @property
    def satisfied_rate(self) -> float | None:
        """满意 + 基本满意 among those who rated; "not rated" is not in the base."""
        good = self.counts.get(Rating.Overall.SATISFIED, 0) + self.counts.get(
            Rating.Overall.BASICALLY, 0
        )
        return _share(good, self.rated)

    @property
    def fully_satisfied_rate(self) -> float | None:
        return _share(self.counts.get(Rating.Overall.SATISFIED, 0), self.rated)


def satisfaction(period: Period) -> Satisfaction:
    """Each suggestion's latest rating, by overall result; one grouped query."""
    start, end = _bounds(period)
    later = Rating.objects.filter(suggestion=OuterRef("suggestion"), round__gt=OuterRef("round"))
    rows = (
        Rating.objects.filter(
            suggestion__jurisdiction=period.jurisdiction,
            suggestion__registered_at__gte=start,
            suggestion__registered_at__lt=end,
        )
        .filter(~Exists(later))
        .order_by()
        .values("overall")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Rating.Overall.values, 0)
    counts.update({r["overall"]: r["n"] for r in rows})
    return Satisfaction(counts)


# --- key suggestions, overdue items ------------------------------------------------------------


@dataclass
class Item:
    """One suggestion in a list of the report (key suggestions, overdue items)."""

    pk: int
    number: str
    title: str
    unit: str
    state: str
    category: str = ""
    rating: str = ""
    reply_due: datetime.date | None = None
    days_overdue: int = 0
    confidential: bool = False


CONFIDENTIAL_TITLE = "（涉密建议，标题不列）"


def _lead_unit() -> Subquery:
    return Subquery(
        Assignment.objects.filter(suggestion=OuterRef("pk"), mode__in=ANSWERING)
        .exclude(state=Assignment.State.CANCELLED)
        .order_by("mode", "pk")
        .values("unit__name")[:1]
    )


def _listed(rows: QuerySet[Suggestion], today: datetime.date) -> list[Item]:
    found = []
    for s in rows:
        overdue_days = (today - s.reply_due).days if s.reply_due and s.reply_due < today else 0
        found.append(
            Item(
                pk=s.pk,
                number=s.display_number,
                title=CONFIDENTIAL_TITLE if s.is_confidential else s.title,
                unit=s.lead_unit or "",  # type: ignore[attr-defined]
                state=s.state,
                category=getattr(s, "reply_category", None) or "",
                rating=getattr(s, "latest_rating", None) or "",
                reply_due=s.reply_due,
                days_overdue=overdue_days if s.state in IN_HANDLING_STATES else 0,
                confidential=s.is_confidential,
            )
        )
    return found


ITEM_FIELDS = ("pk", "series", "number", "title", "state", "is_confidential", "reply_due")


def key_outcomes(period: Period, today: datetime.date) -> list[Item]:
    """The key suggestions (重点督办) with their lead unit, first reply's category and latest
    rating; one query (subqueries in the select list)."""
    first_reply = Reply.objects.filter(
        suggestion=OuterRef("pk"), state=Reply.State.SENT, round=1
    ).order_by("pk")
    latest_rating = Rating.objects.filter(suggestion=OuterRef("pk")).order_by("-round")
    rows = (
        suggestions_of(period)
        .filter(is_key=True)
        .only(*ITEM_FIELDS)
        .annotate(
            lead_unit=_lead_unit(),
            reply_category=Subquery(first_reply.values("category")[:1]),
            latest_rating=Subquery(latest_rating.values("overall")[:1]),
        )
        .order_by("series", "number", "pk")
    )
    return _listed(rows, today)


def overdue_items(period: Period, today: datetime.date) -> list[Item]:
    """In handling and past the reply due date, the longest overdue first; one query."""
    rows = (
        suggestions_of(period)
        .filter(overdue_q(today))
        .only(*ITEM_FIELDS)
        .annotate(lead_unit=_lead_unit())
        .order_by("reply_due", "series", "number", "pk")
    )
    return _listed(rows, today)


# --- commitments -------------------------------------------------------------------------------


def commitment_rates(period: Period, today: datetime.date) -> tuple[list[Rate], Rate]:
    """The B commitments entered from the period's suggestions, per unit, and the total: how
    many written promises became solved problems (one grouped query, the ledger's own)."""
    items = LedgerItem.objects.filter(source_suggestion__in=suggestions_of(period).values("pk"))
    return commitments.resolution_rates(items, by=("unit",), on=today)


# --- everything, once --------------------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    today: datetime.date
    totals: Totals
    by_category: list[Group]
    by_unit: list[Group]
    categories: Shares
    satisfaction: Satisfaction
    key: list[Item]
    overdue: list[Item]
    commitments: list[Rate]
    commitments_total: Rate

    @property
    def empty(self) -> bool:
        return self.totals.registered == 0


def compute(period: Period, today: datetime.date | None = None) -> Figures:
    """Every figure of the period: a fixed number of queries whatever the data."""
    today = today or timezone.localdate()
    rates, total = commitment_rates(period, today)
    return Figures(
        period=period,
        today=today,
        totals=totals(period, today),
        by_category=by_category(period, today),
        by_unit=by_unit(period, today),
        categories=categories(period),
        satisfaction=satisfaction(period),
        key=key_outcomes(period, today),
        overdue=overdue_items(period, today),
        commitments=rates,
        commitments_total=total,
    )


def counted(values: Sequence[Group]) -> int:
    return sum(g.count for g in values)
