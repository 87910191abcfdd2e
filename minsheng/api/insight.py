"""The routing recommendation of one suggestion (congress staff): the default proposal, where it
came from, and the recommender's units and category with scores and the words behind them."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from minsheng.api.schemas import ERRORS, NamedRef
from minsheng.api.suggestions import _get, _user
from minsheng.engine.errors import NotAllowed
from minsheng.insight import norms_adapter
from minsheng.insight.models import RoutingFeedback
from minsheng.insight.proposals import Proposer
from minsheng.people import permissions as people
from minsheng.people.models import Organisation
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import Category

router = Router(tags=["insight"])


class WordOut(Schema):
    word: str = Field(description="A word of the suggestion's text.")
    weight: float = Field(description="Its share of what pushed this unit or category up, 0–1.")


class ScoredUnit(Schema):
    unit: NamedRef
    score: float = Field(description="The model's probability for this unit, 0–1.")
    words: list[WordOut]


class ScoredCategory(Schema):
    category: NamedRef
    score: float
    words: list[WordOut]


class PlannedUnit(Schema):
    unit: NamedRef
    mode: str = Field(description="lead or joint")


class ModelOut(Schema):
    version: str
    trained_at: str
    history: int = Field(description="Assigned suggestions it learnt from.")
    cold_start: bool = Field(description="True when it learnt mostly from the units' duties.")


class RoutingOut(Schema):
    source: str = Field(
        description="Where the default proposal comes from: "
        + ", ".join(f"`{value}`" for value in RoutingFeedback.Source.values)
    )
    proposal: list[PlannedUnit]
    units: list[ScoredUnit] = Field(description="The recommender's top 3, best first.")
    category: ScoredCategory | None
    model: ModelOut | None


@router.get(
    "/{int:suggestion_id}/routing",
    response={200: RoutingOut, **{code: ERRORS[code] for code in (401, 403, 404)}},
    summary="Recommended handling units and category (congress staff)",
    description="The default proposal of the assignment page (a pinned routing rule, else the "
    "recommender, else the routing table) and the recommender's units with scores and the "
    "words of the text behind each (docs/insight.md). 403 for anyone but the congress's staff.",
    operation_id="suggestion_routing",
)
def suggestion_routing(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    user = _user(request)
    s = _get(user, suggestion_id)
    if not (user.is_superuser or people.is_staff_of(user, s.jurisdiction_id)):
        raise NotAllowed(_("Only congress staff see routing recommendations."))
    proposer = Proposer(s.jurisdiction_id)
    proposed = proposer.proposed(s)
    found = proposed.recommendation
    unit_ids = [int(u.label) for u in found.units] if found else []  # type: ignore[call-overload]
    names = dict(Organisation.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    category = None
    if found and found.categories:
        best = found.categories[0]
        c = Category.objects.filter(
            pk=int(best.label),  # type: ignore[call-overload]
            jurisdiction_id=s.jurisdiction_id,
        ).first()
        if c is not None:
            category = {
                "category": {"id": c.pk, "name": str(c)},
                "score": best.score,
                "words": [{"word": w.word, "weight": w.weight} for w in best.words],
            }
    model = proposer.model
    return {
        "source": proposed.source,
        "proposal": [
            {"unit": {"id": p.unit.pk, "name": p.unit.name}, "mode": p.mode} for p in proposed.plan
        ],
        "units": [
            {
                "unit": {"id": pk, "name": names.get(pk, "")},
                "score": u.score,
                "words": [{"word": w.word, "weight": w.weight} for w in u.words],
            }
            for pk, u in zip(unit_ids, found.units if found else (), strict=True)
        ],
        "category": category,
        "model": (
            {
                "version": model.version,
                "trained_at": model.trained_at,
                "history": model.history,
                "cold_start": model.cold_start,
            }
            if model
            else None
        ),
    }


# --- the reply norms ---------------------------------------------------------------------------


class NormFinding(Schema):
    code: str = Field(description="Stable code of the rule (docs/insight.md, reply-norm checker).")
    severity: str = Field(description="`error` (fix it or justify it) or `warning` (review it).")
    message: str = Field(description="The explanation, in the request's language.")
    items: list[str] = Field(description="What the finding is about (the unanswered requests).")


class NormsOut(Schema):
    reply: int
    state: str = Field(description="`draft` (checked now) or `sent` (as checked at signing).")
    checked_at: str | None = Field(description="When a sent reply was checked; null for a draft.")
    findings: list[NormFinding]
    justification: str = Field(description="The unit's reasons where a finding does not apply.")


@router.get(
    "/{int:suggestion_id}/replies/{int:reply_id}/norms",
    response={200: NormsOut, **{code: ERRORS[code] for code in (401, 404)}},
    summary="The reply-norm check of one reply (the unit that wrote it, congress staff)",
    description="A draft is checked now; a sent reply as it was checked when the head signed it "
    "(no findings for a reply signed before the checker). The checker advises; it never stops "
    "a signature. 404 when the reply does not exist, is not this suggestion's, or you are "
    "neither the congress's staff nor of the unit that wrote it (the deputy included).",
    operation_id="reply_norms",
)
def reply_norms(request: HttpRequest, suggestion_id: int, reply_id: int) -> dict[str, Any]:
    user = _user(request)
    s = _get(user, suggestion_id)
    reply = (
        s.replies.filter(pk=reply_id)
        .select_related("assignment__unit", "signed_by", "suggestion")
        .first()
    )
    if reply is None or not norms_adapter.may_see(user, s, reply, perms.capacities(user, s)):
        raise Http404
    found, kept = norms_adapter.reply_findings(reply)
    return {
        "reply": reply.pk,
        "state": reply.state,
        "checked_at": (reply.norm_check or {}).get("checked_at") if kept else None,
        "findings": [
            {k: f[k] for k in ("code", "severity", "message", "items")}
            for f in norms_adapter.shown(found)
        ],
        "justification": reply.norm_justification,
    }
