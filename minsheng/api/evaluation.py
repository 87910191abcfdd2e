"""/api/v1/evaluation: the unit ranking, one unit's scores with every indicator's value, the
satisfaction measurement (read only: the same access rule, `evaluation.permissions`, the same
period and scheme parsing, `evaluation.periods`, and the same figures, `evaluation.figures`, as
the pages). The evaluation campaign: its progress and steps, and one POST endpoint per
declared step action (start, finish, skip, reopen, note, send_opinion_forms), run on the same
engine as the step's page (`evaluation.campaign_actions`, `api.actions.ActionRoutes`)."""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import ERRORS, ActionsOut
from minsheng.api.suggestions import _user
from minsheng.evaluation import campaign_permissions, campaigns, figures, periods
from minsheng.evaluation.campaign_actions import STEPS
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


# --- the evaluation campaign -----------------------------------------------------------------


class CampaignProgressOut(Schema):
    total: int = Field(description="Steps in the campaign.")
    done: int
    skipped: int
    in_progress: int
    red: int = Field(description="Open steps past their planned end.")
    yellow: int = Field(description="Open steps due soon (the shared warning rule).")
    percent: int = Field(description="(done + skipped) / total, in percent.")


class CampaignStepOut(Schema):
    id: int
    position: int
    code: str = Field(description="The template's code (collect_opinions, scoring…); may be empty.")
    title: str
    state: Literal["not_started", "in_progress", "done", "skipped"]
    owner_person: str | None
    owner_organisation: str | None
    planned_start: str
    planned_end: str
    started_on: str | None
    finished_on: str | None
    warning: Literal["none", "green", "yellow", "red"]
    days_late: int = Field(description="Days past the planned end (finished late or still open).")
    documents: int
    version: int = Field(description="Send it back as `expected_version` with a step action.")


class CampaignOpinionsOut(Schema):
    sent: int
    answered: int
    rate: int | None = Field(description="answered / sent in percent; null before any is sent.")


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    scheme_id: int | None
    period_start: str
    period_end: str
    starts_on: str
    progress: CampaignProgressOut


class CampaignDetailOut(CampaignOut):
    steps: list[CampaignStepOut]
    opinions: CampaignOpinionsOut | None = Field(
        description="The deputies' response rate (congress staff only; null for step owners)."
    )


def _step(s: Any, day: Any, documents: int) -> dict[str, Any]:
    return {
        "id": s.pk,
        "position": s.position,
        "code": s.code,
        "title": s.title,
        "state": s.state,
        "owner_person": s.owner_person.display_name if s.owner_person else None,
        "owner_organisation": s.owner_organisation.name if s.owner_organisation else None,
        "planned_start": s.planned_start.isoformat(),
        "planned_end": s.planned_end.isoformat(),
        "started_on": s.started_on.isoformat() if s.started_on else None,
        "finished_on": s.finished_on.isoformat() if s.finished_on else None,
        "warning": str(s.warning(day)),
        "days_late": s.days_late(day),
        "documents": documents,
        "version": s.version,
    }


def _campaign(c: Any, progress: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "year": c.year,
        "title": c.title,
        "scheme_id": c.scheme_id,
        "period_start": c.period_start.isoformat(),
        "period_end": c.period_end.isoformat(),
        "starts_on": c.starts_on.isoformat(),
        "progress": {
            "total": progress.total,
            "done": progress.done,
            "skipped": progress.skipped,
            "in_progress": progress.in_progress,
            "red": progress.red,
            "yellow": progress.yellow,
            "percent": progress.percent,
        },
    }


@router.get(
    "/campaigns",
    response={200: list[CampaignOut], 401: ERRORS[401], 403: ERRORS[403]},
    summary="The evaluation campaigns and their progress",
    description="The campaigns you may see (congress staff: their congress's; a step's owner: "
    "the campaigns with a step of theirs), newest first, with their steps' counts.",
    operation_id="evaluation_campaigns",
)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    from minsheng.evaluation.models_campaign import CampaignStep

    user = _user(request)
    try:
        campaign_permissions.require_campaigns(user)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    day = campaigns.today()
    rows = list(campaign_permissions.visible_campaigns(user).order_by("-year", "-pk")[:200])
    steps: dict[int, list[Any]] = {c.pk: [] for c in rows}
    for step in CampaignStep.objects.filter(campaign_id__in=list(steps)):
        steps[step.campaign_id].append(step)
    return [_campaign(c, campaigns.progress_of(steps[c.pk], day)) for c in rows]


@router.get(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignDetailOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One evaluation campaign: its steps with status, owner, dates and lateness",
    description="Every step in order: status, owner, planned and actual dates, the warning "
    "light (from the planned end, as every deadline) and days late; the deputies' response "
    "rate for congress staff.",
    operation_id="evaluation_campaign",
)
def campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    from minsheng.evaluation.models_campaign import StepDocument

    user = _user(request)
    c = campaign_permissions.get_campaign_for_user(user, campaign_id)
    day = campaigns.today()
    steps = list(c.steps.select_related("owner_person", "owner_organisation").order_by("position"))
    docs: dict[int, int] = {}
    for step_id in StepDocument.objects.filter(campaign=c).values_list("step_id", flat=True):
        docs[step_id] = docs.get(step_id, 0) + 1
    found = _campaign(c, campaigns.progress_of(steps, day))
    found["steps"] = [_step(s, day, docs.get(s.pk, 0)) for s in steps]
    found["opinions"] = None
    if campaign_permissions.can_manage(user, c):
        summary = campaigns.summary(c)
        found["opinions"] = {
            "sent": summary.sent,
            "answered": summary.answered,
            "rate": summary.rate,
        }
    return found


# --- a campaign step and its actions ------------------------------------------------------------


def _step_of(user: Any, step_id: int) -> dict[str, Any]:
    from minsheng.evaluation.models_campaign import CampaignStep

    campaign_permissions.get_step_for_user(user, step_id)
    step = CampaignStep.objects.select_related("owner_person", "owner_organisation").get(pk=step_id)
    return _step(step, campaigns.today(), step.documents.count())


@router.get(
    "/steps/{int:step_id}",
    response={200: CampaignStepOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One evaluation campaign step",
    description="The step's status, owner, dates, warning, days late, documents and `version` "
    "(send it back as `expected_version` with an action). 404: no such step, or not in a "
    "campaign you may see.",
    operation_id="evaluation_step",
)
def step_detail(request: HttpRequest, step_id: int) -> dict[str, Any]:
    return _step_of(_user(request), step_id)


class CampaignStepBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The step's `version` you last saw; 409 when it changed since."
    )


def _describe(name: str) -> str:
    rule = STEPS[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    return (
        f"`evaluation.campaigns.{name}`. Who: {who} (staff: the congress's staff; owner: the "
        f"person named on the step, or a member of its organisation). From states: {sources}. "
        f"New state: {rule.target or 'unchanged'}. Answers the updated step. Documents are "
        "attached on the step's page only. 403: you may not do this on this step; 404: no "
        "such step for you; 409: not now (state, or `expected_version` is stale); 422: the "
        "body is not valid or a rule refuses it (a reason is required, forms are sent from "
        "the opinions step only)."
    )


STEP_ROUTES = ActionRoutes(
    registry=STEPS,
    typed=campaigns.ACTIONS,
    get=campaign_permissions.get_step_for_user,
    answer=_step_of,
    answer_schema=CampaignStepOut,
    mount="/evaluation",
    param="step_id",
    path="/steps/{{int:step_id}}/actions/{name}",
    operation_id="evaluation_step_action_{name}",
    tag="evaluation campaign actions",
    refused=lambda: _("You may not do this on this step."),
    describe=_describe,
    base=CampaignStepBody,
    body_prefix="CampaignStep",
)


@router.get(
    "/steps/{int:step_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this campaign step now",
    description="The declared step actions you may take now, each with its endpoint and body "
    "fields, and the step's `version` to send back as `expected_version`.",
    operation_id="evaluation_step_actions",
)
def step_actions(request: HttpRequest, step_id: int) -> dict[str, Any]:
    user = _user(request)
    step = campaign_permissions.get_step_for_user(user, step_id)
    return {
        "id": step.pk,
        "state": step.state,
        "version": step.version,
        "actions": STEP_ROUTES.offered(user, step),
    }


STEP_ROUTES.add_to(router)


@router.post(
    "/steps/{int:step_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_step_action(request: HttpRequest, step_id: int, action: str) -> Any:
    campaign_permissions.get_step_for_user(_user(request), step_id)
    raise STEP_ROUTES.unknown(action)
