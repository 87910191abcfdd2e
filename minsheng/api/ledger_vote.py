"""/api/v1/ledger/vote: the practical-matter vote (群众提、代表定、政府办、人大评) through the API.

Thin handlers over `ledger/workflow_vote.py`, reading through the access pair
(`permissions_vote.rounds_visible_to` / `get_round_for_user`): the rounds, one round with its
candidates (tallies null until the round closes), the results after close, the caller's own
ballot (GET, and PUT to cast or change it until close), a deputy's year-end rating of an
adopted project, and each declared round action (`ledger/actions_vote.py`) as its own endpoint
built by `api/actions.py`."""

import datetime
import decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import ERRORS, ActionsOut, CleanStr, Id, NamedRef
from minsheng.api.suggestions import _user
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import permissions as item_perms
from minsheng.ledger import permissions_vote as perms
from minsheng.ledger import workflow_vote as vote
from minsheng.ledger.actions_vote import ROUNDS
from minsheng.ledger.models_vote import Candidate, Choice, Satisfaction, VoteRound
from minsheng.people.models import User

router = Router(tags=["practical-matter vote"])


class VoteCandidateOut(Schema):
    id: int
    title: str
    description: str
    origin: str
    origin_label: str
    source_note: str
    budget: decimal.Decimal | None = Field(description="Estimated, in 10,000 yuan.")
    unit: NamedRef | None = Field(description="The responsible unit proposed.")
    vetting: str
    vetting_label: str
    vetting_reason: str
    votes_for: int | None = Field(description="Null until the round closes.")
    votes_against: int | None
    votes_abstain: int | None
    rank: int | None
    elected: bool
    ledger_item: int | None = Field(description="The ledger item it was adopted as.")


class VoteRoundOut(Schema):
    id: int
    jurisdiction: NamedRef
    year: int
    title: str
    description: str
    winners: int
    state: str
    state_label: str
    version: int
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    adopted_at: datetime.datetime | None


class VoteRoundDetail(VoteRoundOut):
    candidates: list[VoteCandidateOut]


def _candidate(c: Candidate, published: bool) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "description": c.description,
        "origin": c.origin,
        "origin_label": c.get_origin_display(),
        "source_note": c.source_note,
        "budget": c.budget,
        "unit": {"id": c.unit_id, "name": c.unit.name} if c.unit else None,
        "vetting": c.vetting,
        "vetting_label": c.get_vetting_display(),
        "vetting_reason": c.vetting_reason,
        "votes_for": c.votes_for if published else None,
        "votes_against": c.votes_against if published else None,
        "votes_abstain": c.votes_abstain if published else None,
        "rank": c.rank if published else None,
        "elected": c.elected if published else False,
        "ledger_item": c.ledger_item_id,
    }


def _round(r: VoteRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "jurisdiction": {"id": r.jurisdiction_id, "name": r.jurisdiction.name},
        "year": r.year,
        "title": r.title,
        "description": r.description,
        "winners": r.winners,
        "state": r.state,
        "state_label": r.get_state_display(),
        "version": r.version,
        "opens_at": r.opens_at,
        "closes_at": r.closes_at,
        "closed_at": r.closed_at,
        "adopted_at": r.adopted_at,
    }


def _detail_of(user: User, pk: int) -> dict[str, Any]:
    r = perms.get_round_for_user(user, pk)
    rows = r.candidates.select_related("unit").order_by("pk")
    return {**_round(r), "candidates": [_candidate(c, r.results_out) for c in rows]}


@router.get(
    "/rounds",
    response={200: list[VoteRoundOut], 401: ERRORS[401]},
    summary="The practical-matter votes of your congresses",
    description="Newest first. A congress without rounds does not use the vote.",
    operation_id="list_vote_rounds",
)
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    rows = perms.rounds_visible_to(_user(request)).select_related("jurisdiction")
    return [_round(r) for r in rows.order_by("-year", "-pk")[:200]]


class VoteRoundIn(Schema):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: Id = Field(description="The congress's id (one you are staff of).")
    year: int = Field(ge=2000, le=2100)
    title: CleanStr = Field(max_length=200)
    winners: int = Field(ge=1, le=100, description="How many projects the vote adopts.")
    description: CleanStr = Field("", max_length=5000)


@router.post(
    "/rounds",
    response={201: VoteRoundDetail, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]}
    | {409: ERRORS[409], 422: ERRORS[422]},
    summary="Open a vote for proposals (congress staff)",
    description="403 unless you are staff of the congress; 409 when a round of that title "
    "exists for the year.",
    operation_id="create_vote_round",
)
def create_round(request: HttpRequest, payload: VoteRoundIn) -> Any:
    user = _user(request)
    row = vote.create_round(
        by=user,
        jurisdiction_id=payload.jurisdiction,
        year=payload.year,
        title=payload.title,
        winners=payload.winners,
        description=payload.description,
    )
    return Status(201, _detail_of(user, row.pk))


@router.get(
    "/rounds/{int:round_id}",
    response={200: VoteRoundDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One vote with its candidates (tallies null until it closes)",
    operation_id="get_vote_round",
)
def get_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    return _detail_of(_user(request), round_id)


class VoteSatisfactionOut(Schema):
    satisfied: int
    basic: int
    unsatisfied: int
    total: int
    share: int = Field(description="Satisfied and basically satisfied, in percent.")


class VoteResultOut(Schema):
    candidate: int
    title: str
    rank: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    elected: bool
    ledger_item: int | None
    satisfaction: VoteSatisfactionOut | None = Field(description="Once adopted: the ratings.")


class VoteResultsOut(Schema):
    round: int
    state: str
    voters: int = Field(description="How many deputies cast a ballot.")
    results: list[VoteResultOut]


@router.get(
    "/rounds/{int:round_id}/results",
    response={200: VoteResultsOut, 401: ERRORS[401], 404: ERRORS[404], 409: ERRORS[409]},
    summary="The published results (after close), ranked",
    description="Ranked by votes for, then fewer votes against, then order of entry. 409 "
    "while the round is not closed: tallies are never shown during the voting.",
    operation_id="get_vote_results",
)
def get_results(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = perms.get_round_for_user(_user(request), round_id)
    if not r.results_out:
        raise Conflict(_("The results are published when the voting closes."))
    ranked = list(r.candidates.filter(rank__isnull=False).select_related("ledger_item"))
    ranked.sort(key=vote.rank_key)
    adopted = [c.ledger_item for c in ranked if c.ledger_item is not None]
    figures = vote.satisfaction(adopted) if adopted else {}
    return {
        "round": r.pk,
        "state": r.state,
        "voters": r.ballots.values("deputy").distinct().count(),
        "results": [
            {
                "candidate": c.pk,
                "title": c.title,
                "rank": c.rank,
                "votes_for": c.votes_for,
                "votes_against": c.votes_against,
                "votes_abstain": c.votes_abstain,
                "elected": c.elected,
                "ledger_item": c.ledger_item_id,
                "satisfaction": figures.get(c.ledger_item_id) if c.ledger_item_id else None,
            }
            for c in ranked
        ],
    }


ChoiceValue = Literal[tuple(Choice.values)]  # type: ignore[valid-type]


class VoteBallotLine(Schema):
    model_config = ConfigDict(extra="forbid")

    candidate: Id
    choice: ChoiceValue  # type: ignore[valid-type]


class VoteBallotOut(Schema):
    round: int
    state: str
    open: bool = Field(description="Whether you may cast or change it now.")
    choices: list[VoteBallotLine]


class VoteBallotIn(Schema):
    model_config = ConfigDict(extra="forbid")

    choices: list[VoteBallotLine] = Field(
        min_length=1, max_length=500, description="Your choice per shortlisted candidate."
    )


def _ballot(user: User, r: VoteRound) -> dict[str, Any]:
    if perms.deputy_of(user, r.jurisdiction_id) is None:
        raise NotAllowed(_("Only the deputies of this congress vote."))
    mine = vote.ballot_of(r, user)
    return {
        "round": r.pk,
        "state": r.state,
        "open": r.state == VoteRound.State.VOTING,
        "choices": [{"candidate": k, "choice": v} for k, v in sorted(mine.items())],
    }


@router.get(
    "/rounds/{int:round_id}/ballot",
    response={200: VoteBallotOut, 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    summary="Your ballot in this vote (deputies of the congress)",
    operation_id="get_my_ballot",
)
def get_ballot(request: HttpRequest, round_id: int) -> dict[str, Any]:
    user = _user(request)
    return _ballot(user, perms.get_round_for_user(user, round_id))


@router.put(
    "/rounds/{int:round_id}/ballot",
    response={200: VoteBallotOut, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]}
    | {404: ERRORS[404], 409: ERRORS[409], 422: ERRORS[422]},
    summary="Cast or change your ballot while the voting is open",
    description="One vote per deputy and candidate: sending a candidate again changes your "
    "vote on it; candidates left out keep theirs. 409 when the voting is not open or closed; "
    "422 for a candidate not on the shortlist.",
    operation_id="put_my_ballot",
)
def put_ballot(request: HttpRequest, round_id: int, payload: VoteBallotIn) -> dict[str, Any]:
    user = _user(request)
    r = perms.get_round_for_user(user, round_id)
    wanted = {line.candidate: line.choice for line in payload.choices}
    if len(wanted) != len(payload.choices):
        raise Invalid(_("Each candidate may appear once in a ballot."))
    vote.cast(r, by=user, choices=wanted)
    return _ballot(user, perms.get_round_for_user(user, round_id))


class VoteRatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rating: Literal[tuple(Satisfaction.Rating.values)]  # type: ignore[valid-type]


class VoteRatingOut(Schema):
    item: int
    rating: str
    satisfaction: VoteSatisfactionOut


@router.put(
    "/items/{int:item_id}/satisfaction",
    response={200: VoteRatingOut, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]}
    | {404: ERRORS[404], 409: ERRORS[409], 422: ERRORS[422]},
    summary="Rate a project the vote adopted (deputies, year end)",
    description="satisfied (满意), basic (基本满意) or unsatisfied (不满意); one rating per "
    "deputy and item, which a second PUT changes. 409 for an item no vote adopted.",
    operation_id="put_vote_satisfaction",
)
def put_satisfaction(request: HttpRequest, item_id: int, payload: VoteRatingIn) -> dict[str, Any]:
    user = _user(request)
    item = item_perms.get_item_for_user(user, item_id)
    row = vote.rate(item, by=user, rating=payload.rating)
    return {
        "item": item.pk,
        "rating": row.rating,
        "satisfaction": vote.satisfaction([item])[item.pk],
    }


class VoteRoundBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the round changed since."
    )


def _describe(name: str) -> str:
    rule = ROUNDS[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    return (
        f"`ledger.workflow_vote.{name}`. Who: {who}. From states: {sources}. New state: "
        f"{rule.target or 'unchanged'}. Answers the updated round. 403: your role may not do "
        "this; 404: no such vote for you; 409: not now (state or rule, or `expected_version` "
        "is stale); 422: the body is not valid."
    )


ROUND_ROUTES = ActionRoutes(
    registry=ROUNDS,
    typed=vote.ACTIONS,
    get=perms.get_round_for_user,
    answer=_detail_of,
    answer_schema=VoteRoundDetail,
    mount="/ledger/vote",
    param="round_id",
    path="/rounds/{{int:round_id}}/actions/{name}",
    operation_id="vote_round_action_{name}",
    tag="practical-matter vote actions",
    refused=lambda: _("You may not do this on this vote."),
    describe=_describe,
    base=VoteRoundBody,
    body_prefix="VoteRound",
)


@router.get(
    "/rounds/{int:round_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this vote now",
    operation_id="vote_round_actions",
)
def round_actions(request: HttpRequest, round_id: int) -> dict[str, Any]:
    user = _user(request)
    r = perms.get_round_for_user(user, round_id)
    return {
        "id": r.pk,
        "state": r.state,
        "version": r.version,
        "actions": ROUND_ROUTES.offered(user, r),
    }


ROUND_ROUTES.add_to(router)


@router.post(
    "/rounds/{int:round_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_round_action(request: HttpRequest, round_id: int, action: str) -> Any:
    perms.get_round_for_user(_user(request), round_id)
    raise ROUND_ROUTES.unknown(action)
