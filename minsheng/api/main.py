"""The JSON API at /api/v1/: thin handlers over the apps' own functions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from minsheng.api.auth import ActiveSession, BearerToken
from minsheng.api.commitments import router as commitments_router
from minsheng.api.disclosure import router as publications_router
from minsheng.api.evaluation import router as evaluation_router
from minsheng.api.insight import router as insight_router
from minsheng.api.ledger import router as ledger_router
from minsheng.api.ledger_teams import router as ledger_teams_router
from minsheng.api.ledger_vote import router as vote_router
from minsheng.api.notifications import router as notifications_router
from minsheng.api.public import router as public_router
from minsheng.api.reference import router as reference_router
from minsheng.api.suggestions import router as suggestions_router
from minsheng.api.supervision import (
    board_router,
    instructions_router,
    key_items_router,
    on_suggestions_router,
)
from minsheng.api.wishes import router as wishes_router
from minsheng.engine.errors import WorkflowError
from minsheng.people import permissions

api = NinjaAPI(
    title="Minsheng API",
    version="1",
    description="Deputies' suggestions, supervision and ledgers. Authenticate with "
    "`Authorization: Bearer <token>`; create a token on your account page or with "
    "`minsheng api_token USERNAME`.",
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _(
                "Authentication required: send a valid API token as 'Authorization: Bearer <token>'."  # noqa: E501
            )
        },
        status=401,
    )


def _field_path(loc: Any) -> list[Any]:
    # ("body", "payload", "title") -> ["title"]: drop where django-ninja found the value and
    # the handler's parameter name, keep the field's own name even when it is "body".
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return parts


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in _field_path(error.get("loc", ())))
        problems.append(f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", "")))
    return api.create_response(
        request,
        {
            "detail": _("The request is not valid: %(problems)s")
            % {"problems": "; ".join(problems)},
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        # django-ninja's own wording, untranslated: say it in the caller's language.
        detail = _("The request body is not valid JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(WorkflowError)
def on_workflow_error(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    # NotAllowed 403, Conflict 409, Invalid 422: the status is part of the error.
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


api.add_router("/suggestions", suggestions_router)
# Supervision (督办): key items, instructions, the warning board, and one suggestion's.
api.add_router("/suggestions", on_suggestions_router)
# The routing recommender's answer for one suggestion (staff).
api.add_router("/suggestions", insight_router)
api.add_router("/key-items", key_items_router)
api.add_router("/instructions", instructions_router)
api.add_router("/supervision", board_router)
# Micro-wishes (微心愿): the public wall and totals need no token.
api.add_router("/wishes", wishes_router)
# B commitments (文字答复 → 解决问题): the second reply, the resolution rate, the look-back.
api.add_router("/commitments", commitments_router)
# The caller's own inbox and notification preferences.
api.add_router("/ledger", ledger_router)
api.add_router("/ledger", ledger_teams_router)
# The practical-matter vote (票决).
api.add_router("/ledger/vote", vote_router)
api.add_router("/notifications", notifications_router)
# Unit scoring (评价办法): the ranking, a unit's scores, the satisfaction measurement.
api.add_router("/evaluation", evaluation_router)
# Publication (公开): the staff's review and publication step.
api.add_router("/publications", publications_router)
# The public site as read-only JSON (公开, no token): published suggestions, statistics, projects.
api.add_router("/public", public_router)
# Deputies, organisations, categories, terms and sessions: the ids the other endpoints take.
api.add_router("", reference_router)


class RoleOut(Schema):
    kind: str
    label: str
    jurisdiction: str
    organisation: str | None
    organisation_id: int | None
    supervisor_tier: int | None


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    jurisdiction: str | None
    roles: list[RoleOut]


@api.get("/me", response=MeOut, summary="The caller and their roles", tags=["people"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "real_name": user.display_name,  # type: ignore[union-attr]
        "jurisdiction": str(user.jurisdiction) if user.jurisdiction_id else None,  # type: ignore[union-attr]
        "roles": [
            {
                "kind": role.kind,
                "label": role.get_kind_display(),
                "jurisdiction": str(role.jurisdiction),
                "organisation": str(role.organisation) if role.organisation_id else None,
                "organisation_id": role.organisation_id,
                "supervisor_tier": role.supervisor_tier,
            }
            for role in permissions.active_roles(user)
        ],
    }
