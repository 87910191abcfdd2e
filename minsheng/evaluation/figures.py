"""The evaluation's figures as plain functions: what the pages, the API, the Excel files and a
report (the annual report of `reports/`) all call.

- `tallies(scope, keys)`: every unit's tally of each indicator, one grouped query per part of an
  indicator (no query per unit);
- `scores(scope, scheme)`: every handling unit's result under a scheme, ranked (`scoring`);
- `members(scope, key, unit_id)`: the suggestions behind one unit's figure (the drill-down);
- `satisfaction(...)` / `unsatisfied(...)`: the satisfaction measurement.

Figures count every suggestion of the congress (confidential ones included: a count says
nothing of their content); lists of suggestions are always narrowed by
`Suggestion.objects.visible_to` where a person is known.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from minsheng.evaluation import scoring
from minsheng.evaluation.indicators import INDICATORS, PURE, Scope, final_ratings
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.scoring import Period, Score, Tally
from minsheng.people.models import Organisation
from minsheng.suggestions.models import Rating, Reply, Suggestion


def scope(jurisdiction_id: int, period: Period, today: datetime.date | None = None) -> Scope:
    return Scope(jurisdiction_id, period, period.as_of(today or timezone.localdate()))


def tallies(scope: Scope, keys: Iterable[str] | None = None) -> dict[str, dict[int, Tally]]:
    """{indicator: {unit id: Tally}} for every unit with something counted."""
    result: dict[str, dict[int, Tally]] = {}
    for key in keys if keys is not None else INDICATORS:
        per_unit: dict[int, Tally] = defaultdict(Tally)
        for part in INDICATORS[key].parts(scope):
            rows = (
                part.rows.order_by()
                .values(part.unit)
                .annotate(counted=Count("pk"), met=Count("pk", filter=part.met))
            )
            for row in rows:
                if row[part.unit] is not None:
                    per_unit[row[part.unit]] += Tally(row["counted"], row["met"])
        result[key] = dict(per_unit)
    return result


def units(jurisdiction_id: int) -> list[tuple[int, str]]:
    """The congress's handling units (id, name), in name order."""
    return list(
        Organisation.objects.filter(jurisdiction_id=jurisdiction_id)
        .handling_units()
        .order_by("sort_order", "name")
        .values_list("pk", "name")
    )


@dataclass
class UnitRow:
    unit_id: int
    unit: str
    score: Score
    values: dict[str, float | None] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)


def scores(
    scope: Scope,
    scheme: Scheme,
    only_units: Sequence[int] | None = None,
    counted: dict[str, dict[int, Tally]] | None = None,
) -> list[UnitRow]:
    """Every handling unit's result under `scheme` for the scope, best first (units with no
    data last, unranked). `only_units` narrows the rows returned (ranks stay those among all
    units)."""
    keys = scheme.indicator_keys
    if counted is None:
        counted = tallies(scope, keys)
    names = dict(units(scope.jurisdiction_id))
    results = []
    for unit_id in names:
        values = scoring.values_of(counted, unit_id)
        results.append(scoring.score(unit_id, scheme.style, scheme.definition, values, PURE))
    rows = []
    for s in scoring.rank(results):
        if only_units is not None and s.unit_id not in only_units:
            continue
        rows.append(
            UnitRow(
                s.unit_id,
                names[s.unit_id],
                s,
                scoring.values_of(counted, s.unit_id),
                {key: counted[key].get(s.unit_id, Tally()) for key in keys},
            )
        )
    return rows


def unit_card(scope: Scope, unit_id: int, scheme: Scheme | None) -> dict[str, Any]:
    """One unit's every indicator (tally and value) and, with a scheme, its result and rank."""
    counted = tallies(scope)
    row = None
    if scheme is not None:
        found = scores(scope, scheme, only_units=[unit_id], counted=counted)
        row = found[0] if found else None
    return {
        "tallies": {key: counted[key].get(unit_id, Tally()) for key in INDICATORS},
        "score": row.score if row else None,
    }


@dataclass
class Member:
    suggestion_id: int
    met: bool


def members(scope: Scope, key: str, unit_id: int) -> list[Member]:
    """The counted items behind one unit's figure, each with whether it met the indicator
    (an item counted twice, e.g. two rounds, appears twice)."""
    out: list[Member] = []
    for part in INDICATORS[key].parts(scope):
        rows = (
            part.rows.filter(**{part.unit: unit_id})
            .annotate(_met=ExpressionWrapper(part.met, output_field=BooleanField()))
            .order_by(part.suggestion)
            .values_list(part.suggestion, "_met")
        )
        out.extend(Member(sid, bool(met)) for sid, met in rows if sid is not None)
    return out


# --- satisfaction ------------------------------------------------------------------------------

GROUPS = {
    "unit": ("reply__assignment__unit_id", "reply__assignment__unit__name"),
    "category": ("suggestion__category_id", "suggestion__category__name"),
    "delegation": (
        "suggestion__lead_deputy__delegation_id",
        "suggestion__lead_deputy__delegation__name",
    ),
    "year": ("year", None),
}
OVERALL = Rating.Overall
PARTS = ("satisfied", "basically", "unsatisfied")


@dataclass
class Satisfaction:
    key: Any = None
    label: str = ""
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    not_rated: int = 0
    process_rated: int = 0
    process_satisfied: int = 0  # satisfied or basically
    result_rated: int = 0
    result_satisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def rate(self) -> float | None:
        """Satisfied or basically satisfied among the rated (not rated is apart, never in it)."""
        return Tally(self.rated, self.satisfied + self.basically).value

    @property
    def satisfied_rate(self) -> float | None:
        return Tally(self.rated, self.satisfied).value

    @property
    def process_rate(self) -> float | None:
        return Tally(self.process_rated, self.process_satisfied).value

    @property
    def result_rate(self) -> float | None:
        return Tally(self.result_rated, self.result_satisfied).value

    def add(self, other: Satisfaction) -> None:
        for name in (
            *PARTS,
            "not_rated",
            "process_rated",
            "process_satisfied",
            "result_rated",
            "result_satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def ratings_of(jurisdiction_id: int, year: int | None) -> QuerySet[Rating]:
    """The deputies' last rating of each reply's assignment, rated in the year (all years)."""
    rows = final_ratings(jurisdiction_id)
    if year:
        rows = rows.filter(rated_at__year=year)
    return rows


def satisfaction(
    jurisdiction_id: int, *, by: str = "unit", year: int | None = None
) -> tuple[list[Satisfaction], Satisfaction]:
    """Ratings per group (unit, category, delegation, year) and the total; one grouped query."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    key_field, label_field = GROUPS[by]
    rows = ratings_of(jurisdiction_id, year).order_by()
    if by == "year":
        from django.db.models.functions import ExtractYear

        rows = rows.annotate(year=ExtractYear("rated_at"))
    names = [key_field, *([label_field] if label_field else [])]
    sat = Q(process__in=(OVERALL.SATISFIED, OVERALL.BASICALLY))
    res = Q(result__in=(OVERALL.SATISFIED, OVERALL.BASICALLY))
    grouped = rows.values(*names).annotate(
        satisfied=Count("pk", filter=Q(overall=OVERALL.SATISFIED)),
        basically=Count("pk", filter=Q(overall=OVERALL.BASICALLY)),
        unsatisfied=Count("pk", filter=Q(overall=OVERALL.UNSATISFIED)),
        not_rated=Count("pk", filter=Q(overall=OVERALL.NOT_RATED)),
        process_rated=Count("pk", filter=~Q(process="")),
        process_satisfied=Count("pk", filter=sat),
        result_rated=Count("pk", filter=~Q(result="")),
        result_satisfied=Count("pk", filter=res),
    )
    out, total = [], Satisfaction(label="")
    for row in grouped:
        item = Satisfaction(
            key=row[key_field],
            label=str(row[label_field] or "") if label_field else str(row[key_field] or ""),
            **{
                k: row[k]
                for k in Satisfaction.__dataclass_fields__
                if k in row and k not in ("key", "label")
            },
        )
        total.add(item)
        out.append(item)
    out.sort(key=lambda s: (-(s.rate or -1), s.label))
    return out, total


@dataclass
class Unsatisfied:
    rating: Rating
    next_reply: Reply | None  # the next round's reply of the same unit, if one was sent
    next_rating: str  # its rating (overall), if any


def unsatisfied(
    suggestions: QuerySet[Suggestion], *, year: int | None = None, limit: int = 500
) -> list[Unsatisfied]:
    """不满意 ratings (of the suggestions given, e.g. those a person may see), newest first,
    with what happened next: the suggestion's state and round, and the next round's reply."""
    rows = (
        Rating.objects.filter(overall=OVERALL.UNSATISFIED, suggestion__in=suggestions)
        .select_related("suggestion", "reply__assignment__unit")
        .order_by("-rated_at", "-pk")
    )
    if year:
        rows = rows.filter(rated_at__year=year)
    ratings = list(rows[:limit])
    assignments = {r.reply.assignment_id for r in ratings}
    later: dict[tuple[int, int], Reply] = {}
    for reply in (
        Reply.objects.filter(assignment_id__in=assignments, state=Reply.State.SENT, round__gt=1)
        .select_related("rating")
        .order_by("round")
    ):
        later.setdefault((reply.assignment_id, reply.round), reply)
    out = []
    for r in ratings:
        nxt = later.get((r.reply.assignment_id, r.round + 1))
        rating = getattr(nxt, "rating", None) if nxt else None
        out.append(Unsatisfied(r, nxt, rating.overall if rating else ""))
    return out
