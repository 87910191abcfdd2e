"""Shapes of the suggestions API: what goes out (detail, list items, actions) and what comes in
(the new draft and one body per workflow action).

Action bodies are not written here: each is built from its action's declared inputs
(`suggestions/actions.py`) and mirrors the keyword arguments of the workflow function of the same
name; related objects are given by id (`assignment_id`, `request_id`, `reply_id`,
`proposed_unit`, `move_to`, `into`, `category`, units in `plan`). Every body also takes
`expected_version`, the suggestion's `version` the caller last saw: when someone else acted in
between, the API answers 409.
"""

import datetime
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from minsheng.lib.schema_text import CleanStr, Id, Line, Text  # noqa: E402  (re-exported)
from minsheng.suggestions.models import (
    Assignment,
    Suggestion,
    WarningColour,
)

__all__ = ["CleanStr", "Id", "Line", "Text"]


# --- errors ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Why the request failed, in the user's language.")


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="pydantic's errors, when the body did not validate."
    )


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # the body is not JSON at all (operations that take a body)
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


# --- out: small parts --------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class DeputyOut(Schema):
    id: int
    name: str
    delegation: str
    contact_phone: str | None = Field(
        None,
        description="Only for the deputy, congress staff and the clerks and heads of a unit "
        "with an active assignment on the suggestion (they must contact the deputy); null for "
        "everyone else (co-signers, supervisors, committee members).",
    )


class CoSignerOut(Schema):
    deputy_id: int
    name: str
    state: str
    state_label: str
    answered_at: datetime.datetime | None


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit: str
    mode: str
    mode_label: str
    state: str
    state_label: str
    assigned_on: datetime.date
    sign_due: datetime.date
    sign_due_uncertain: bool = Field(
        description="The date may still move once the official calendar of its year is entered."
    )
    signed_at: datetime.datetime | None
    adjustment_until: datetime.date
    adjustment_until_uncertain: bool
    joint_opinion_due: datetime.date | None
    joint_opinion_due_uncertain: bool
    replied_at: datetime.datetime | None
    replaced_by_id: int | None


class DueOut(Schema):
    assign_due: datetime.date | None = Field(description="Between-session suggestions only.")
    reply_due: datetime.date | None
    extended_to: datetime.date | None
    warn_from: datetime.date | None = Field(description="First day of the yellow warning.")
    reply_due_uncertain: bool = Field(
        description="The due date is near a festival of a year whose official holidays are not "
        "entered yet, so it may move once they are."
    )
    notice: str | None = Field(description="A warning to show when the due date is uncertain.")


class ReplyOut(Schema):
    id: int
    round: int
    assignment_id: int
    unit: str
    state: str
    category: str
    category_label: str
    text: str
    plan: str
    target_date: datetime.date | None
    contact_leader: str
    contact_leader_phone: str
    case_officer: str
    case_officer_phone: str
    document_number: str
    drafted_at: datetime.datetime
    sent_at: datetime.datetime | None
    rating_due: datetime.date | None
    publication_due: datetime.date | None


class RatingOut(Schema):
    id: int
    reply_id: int
    round: int
    overall: str
    overall_label: str
    process: str
    result: str
    reasons: str
    rated_at: datetime.datetime


class ContactOut(Schema):
    id: int
    assignment_id: int
    unit: str
    round: int
    method: str
    method_label: str
    stage: str
    stage_label: str
    contacted_on: datetime.date
    people: str
    summary: str
    logged_at: datetime.datetime


class JointOpinionOut(Schema):
    id: int
    assignment_id: int
    unit: str
    text: str
    submitted_at: datetime.datetime


class ExtensionRequestOut(Schema):
    id: int
    assignment_id: int
    unit: str
    requested_until: datetime.date
    reason: str
    deputy_told: bool
    decision: str
    decision_label: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class AdjustmentRequestOut(Schema):
    id: int
    assignment_id: int
    unit: str
    reason: str
    proposed_unit_id: int | None
    proposed_unit: str | None
    decision: str
    decision_label: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class EventOut(Schema):
    id: int
    at: datetime.datetime
    actor: str | None = Field(description="Empty for the system (e.g. an expired rating window).")
    action: str
    from_state: str
    to_state: str
    unit: str | None
    note: str


# --- out: the suggestion -----------------------------------------------------------------------


class SuggestionDetail(Schema):
    id: int
    number: str = Field(description="The display number such as 第0123号; empty until registered.")
    series: str
    title: str
    body: str
    state: str
    state_label: str
    state_note: str
    round: int = Field(description="The handling round: 2 and more after re-handling.")
    version: int = Field(description="Send it back as `expected_version` when acting.")
    source: str
    source_label: str
    jurisdiction: NamedRef
    session: NamedRef
    category: NamedRef | None
    is_complex: bool
    is_key: bool
    is_confidential: bool
    merged_into: int | None
    decline_reason: str
    decline_reason_label: str
    lead_deputy: DeputyOut
    cosigners: list[CoSignerOut]
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    registered_at: datetime.datetime | None
    assigned_on: datetime.date | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    due: DueOut
    warning: Literal["none", "green", "yellow", "red"]
    assignments: list[AssignmentOut]
    replies: list[ReplyOut] = Field(
        description="Sent replies; a draft only for staff and the drafting unit."
    )
    ratings: list[RatingOut]
    contacts: list[ContactOut]
    joint_opinions: list[JointOpinionOut]
    extension_requests: list[ExtensionRequestOut]
    adjustment_requests: list[AdjustmentRequestOut]
    events: list[EventOut]


class UnitBrief(Schema):
    unit_id: int
    unit: str
    mode: str
    state: str


class SuggestionItem(Schema):
    """One row of the list, read straight from the model."""

    id: int
    number: str
    title: str
    state: str
    state_label: str
    round: int
    version: int
    session: str
    category: str | None
    lead_deputy: str
    is_key: bool
    is_complex: bool
    is_confidential: bool
    reply_due: datetime.date | None
    reply_due_uncertain: bool
    warning: WarningColour
    units: list[UnitBrief]
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_number(obj: Suggestion) -> str:
        return obj.display_number

    @staticmethod
    def resolve_state_label(obj: Suggestion) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_session(obj: Suggestion) -> str:
        return str(obj.session)

    @staticmethod
    def resolve_category(obj: Suggestion) -> str | None:
        return str(obj.category) if obj.category_id else None

    @staticmethod
    def resolve_lead_deputy(obj: Suggestion) -> str:
        return str(obj.lead_deputy)

    @staticmethod
    def resolve_warning(obj: Suggestion) -> str:
        return obj.warning(timezone.localdate())

    @staticmethod
    def resolve_units(obj: Suggestion) -> list[dict[str, Any]]:
        # The list prefetches the active ones (api/suggestions.py list_queryset).
        active = getattr(obj, "active_assignments", None)
        if active is None:
            active = [a for a in obj.assignments.all() if a.state != Assignment.State.CANCELLED]
        return [
            {"unit_id": a.unit_id, "unit": str(a.unit), "mode": a.mode, "state": a.state}
            for a in active
        ]


class ActionField(Schema):
    name: str
    type: str = Field(description="integer, string, boolean, date (YYYY-MM-DD), array, object.")
    required: bool
    choices: list[str] | None = None
    description: str | None = None
    items: list["ActionField"] | None = Field(None, description="The fields of an array's items.")


class ActionOut(Schema):
    name: str
    label: str
    method: str = "POST"
    path: str
    fields: list[ActionField]
    problems: list[str] = Field(
        default_factory=list, description="What would stop it now (sign_reply: contact, opinions)."
    )


class ActionsOut(Schema):
    id: int
    state: str
    version: int
    actions: list[ActionOut]


# --- in: a new draft ---------------------------------------------------------------------------


class DraftIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: CleanStr = Field(min_length=1, max_length=200)
    body: CleanStr = Field(min_length=1, max_length=50000)
    category: Id | None = Field(None, description="A category id of the deputy's congress.")
    cosigners: list[Id] = Field(
        default_factory=list, description="Deputy ids of the co-signers; each must confirm."
    )
    is_confidential: bool = False
    is_complex: bool = False
    source: Suggestion.Source = Suggestion.Source.IN_SESSION
    lead_deputy: Id | None = Field(
        None,
        description="Staff only: the deputy id to write for. Deputies leave it out and write "
        "as themselves.",
    )
    cosigned_on_paper: bool = Field(
        False, description="Staff only: the co-signers signed on paper, count them as confirmed."
    )


# --- in: one body per action -------------------------------------------------------------------


class ActionBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the suggestion changed since."
    )


# The body of each action (`<Action>In`) is built from its declaration in
# `suggestions/actions.py` (its inputs) by `minsheng.engine.inputs.body_model`; see
# `api/suggestions.py`.
