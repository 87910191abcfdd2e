"""/api/v1/evaluation: the unit ranking, one unit's scores with every indicator's value, the
satisfaction measurement. Read only; the same access rule (`evaluation.permissions`), the same
period and scheme parsing (`evaluation.periods`) and the same figures (`evaluation.figures`)
as the pages."""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from minsheng.api.schemas import ERRORS
from minsheng.api.suggestions import _user
from minsheng.evaluation import figures, periods
from minsheng.evaluation.indicators import INDICATORS
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.permissions import get_unit_for_user, require_audience
from minsheng.evaluation.scoring import Score

router = Router(tags=["evaluation"])


class EvaluationPeriodIn(Schema):
    month: str | None = Field(None, description="YYYY-MM; default: this month.")
    year: int | None = Field(None, description="A whole year, when no month is given.")
    scheme: int | None = Field(None, description="A scheme version's id; default: the year's.")


class EvaluationSchemeOut(Schema):
    id: int
    code: str
    version: int
    name: str
    style: str = Field(description="points or gates.")
    definition: dict[str, Any]


class EvaluationIndicatorOut(Schema):
    key: str
    label: str
    counted: int = Field(description="Items counted for the unit.")
    met: int = Field(description="Of them, those that met the indicator.")
    value: float | None = Field(description="met / counted in percent; null: no data.")
    higher_is_better: bool


class EvaluationPartOut(Schema):
    label: str
    indicators: list[str]
    result: str | None = Field(None, description="Gates: good, pass, fail or no_data.")
    weight: float | None = Field(None, description="Points: the part's weight.")
    points: float | None = Field(None, description="Points earned; null: no data.")


class EvaluationScoreOut(Schema):
    unit_id: int
    unit: str
    rank: int | None = Field(description="null: no data to rank on.")
    score: float | None = Field(description="Points schemes: the score; null: no data.")
    weight_covered: float = Field(description="Points: the weight of the parts with data.")
    result: str = Field(description="Gates schemes: good, pass, fail or no_data.")
    parts: list[EvaluationPartOut]
    indicators: list[EvaluationIndicatorOut]


class EvaluationRankingOut(Schema):
    period_start: str
    period_end: str
    scheme: EvaluationSchemeOut | None
    rows: list[EvaluationScoreOut]


class EvaluationUnitOut(Schema):
    unit_id: int
    unit: str
    period_start: str
    period_end: str
    scheme: EvaluationSchemeOut | None
    score: EvaluationScoreOut | None
    indicators: list[EvaluationIndicatorOut]


class EvaluationSatisfactionRow(Schema):
    key: int | str | None
    label: str
    satisfied: int
    basically: int
    unsatisfied: int
    rated: int
    rate: float | None = Field(description="(satisfied + basically) / rated; not rated apart.")
    not_rated: int = Field(description="The rating window passed: never counted as satisfied.")
    process_rated: int
    process_rate: float | None
    result_rated: int
    result_rate: float | None


class EvaluationSatisfactionOut(Schema):
    by: str
    year: int | None
    rows: list[EvaluationSatisfactionRow]
    total: EvaluationSatisfactionRow


class EvaluationSatisfactionIn(Schema):
    by: Literal["unit", "category", "delegation", "year"] = "unit"
    year: int | None = Field(None, ge=2000, le=2100)


def _asked(
    filters: EvaluationPeriodIn, jurisdiction_id: int
) -> tuple[periods.Asked, Scheme | None]:
    try:
        asked = periods.period(filters.month, filters.year)
        return asked, periods.scheme(jurisdiction_id, asked.year, filters.scheme)
    except periods.BadRequest as error:
        raise HttpError(422, str(error)) from None


def _scheme(scheme: Scheme | None) -> dict[str, Any] | None:
    if scheme is None:
        return None
    return {
        "id": scheme.pk,
        "code": scheme.code,
        "version": scheme.version,
        "name": scheme.name,
        "style": scheme.style,
        "definition": scheme.definition,
    }


def _indicators(tallies: dict[str, figures.Tally]) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": str(INDICATORS[key].label),
            "counted": t.counted,
            "met": t.met,
            "value": t.value,
            "higher_is_better": INDICATORS[key].higher_is_better,
        }
        for key, t in tallies.items()
    ]


def _score(unit_id: int, unit: str, s: Score, tallies: dict[str, figures.Tally]) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "unit": unit,
        "rank": s.rank,
        "score": s.score,
        "weight_covered": s.weight_covered,
        "result": s.result,
        "parts": [p.__dict__ for p in s.parts],
        "indicators": _indicators(tallies),
    }


def _audience(request: HttpRequest, rank: bool = False) -> Any:
    try:
        return require_audience(_user(request), rank=rank)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None


@router.get(
    "/ranking",
    response={200: EvaluationRankingOut, 401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
    summary="The ranking of handling units under an evaluation scheme",
    description="Every handling unit you may see, best first, for one month (`month=YYYY-MM`, "
    "default this month) or a whole `year`, under the year's scheme or the `scheme` given; "
    "units with no data last (rank null). Each row has its parts and the indicators the "
    "scheme reads (value null: no data).",
    operation_id="evaluation_ranking",
)
def ranking(request: HttpRequest, filters: Query[EvaluationPeriodIn]) -> dict[str, Any]:
    audience = _audience(request, rank=True)
    asked, scheme = _asked(filters, audience.jurisdiction_id)
    rows: list[dict[str, Any]] = []
    if scheme is not None:
        only = None if audience.all_units else sorted(audience.unit_ids)
        scope = figures.scope(audience.jurisdiction_id, asked.period)
        rows = [
            _score(r.unit_id, r.unit, r.score, r.tallies)
            for r in figures.scores(scope, scheme, only_units=only)
        ]
    return {
        "period_start": asked.period.start.isoformat(),
        "period_end": asked.period.end.isoformat(),
        "scheme": _scheme(scheme),
        "rows": rows,
    }


@router.get(
    "/units/{unit_id}",
    response={
        200: EvaluationUnitOut,
        401: ERRORS[401],
        403: ERRORS[403],
        404: ERRORS[404],
        422: ERRORS[422],
    },
    summary="One unit's scores with every indicator's value",
    description="Every indicator (counted, met, value; null: no data) of the unit for the "
    "period, and its result under the scheme. A unit's clerks and heads see their own unit.",
    operation_id="evaluation_unit",
)
def unit(request: HttpRequest, unit_id: int, filters: Query[EvaluationPeriodIn]) -> dict[str, Any]:
    audience = _audience(request)
    found = get_unit_for_user(_user(request), unit_id)
    asked, scheme = _asked(filters, audience.jurisdiction_id)
    scope = figures.scope(audience.jurisdiction_id, asked.period)
    card = figures.unit_card(scope, found.pk, scheme)
    score = card["score"]
    return {
        "unit_id": found.pk,
        "unit": found.name,
        "period_start": asked.period.start.isoformat(),
        "period_end": asked.period.end.isoformat(),
        "scheme": _scheme(scheme),
        "score": _score(found.pk, found.name, score, {}) if score else None,
        "indicators": _indicators(card["tallies"]),
    }


def _satisfaction(row: figures.Satisfaction) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "satisfied": row.satisfied,
        "basically": row.basically,
        "unsatisfied": row.unsatisfied,
        "rated": row.rated,
        "rate": row.rate,
        "not_rated": row.not_rated,
        "process_rated": row.process_rated,
        "process_rate": row.process_rate,
        "result_rated": row.result_rated,
        "result_rate": row.result_rate,
    }


@router.get(
    "/satisfaction",
    response={200: EvaluationSatisfactionOut, 401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
    summary="The satisfaction measurement",
    description="The deputies' last rating of each unit's reply, grouped `by` unit, category, "
    "delegation or year, for one `year` rated or all; not rated apart; process and result "
    "where rated separately. A committee member sees their counterpart units, by unit.",
    operation_id="evaluation_satisfaction",
)
def satisfaction(request: HttpRequest, filters: Query[EvaluationSatisfactionIn]) -> dict[str, Any]:
    audience = _audience(request, rank=True)
    by = filters.by if audience.all_units else "unit"
    rows, total = figures.satisfaction(audience.jurisdiction_id, by=by, year=filters.year)
    if not audience.all_units:
        rows = [r for r in rows if r.key in audience.unit_ids]
        total = figures.Satisfaction()
        for r in rows:
            total.add(r)
    return {
        "by": by,
        "year": filters.year,
        "rows": [_satisfaction(r) for r in rows],
        "total": _satisfaction(total),
    }
