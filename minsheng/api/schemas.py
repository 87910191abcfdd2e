"""Shapes of the suggestions API: what goes out (detail, list items, actions) and what comes in
(the new draft and one body per workflow action).

Action bodies mirror the keyword arguments of the workflow function of the same name; related
objects are given by id (`assignment_id`, `request_id`, `reply_id`, `proposed_unit`, `move_to`,
`into`, `category`, units in `plan`). Every body also takes `expected_version`, the suggestion's
`version` the caller last saw: when someone else acted in between, the API answers 409.
"""

import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from minsheng.lib.text import clean_text, forbidden_characters
from minsheng.suggestions.models import (
    Assignment,
    ContactLog,
    DeclineReason,
    Suggestion,
    WarningColour,
)

# Ids beyond a 64-bit integer would crash the database driver rather than simply not match.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _acceptable_text(value: str) -> str:
    """The API refuses control characters (a program sent them: it should hear about it, and
    NUL would reach PostgreSQL); line breaks (CRLF, CR, Word's vertical tab) become LF."""
    found = forbidden_characters(value)
    if found:
        raise PydanticCustomError(
            "forbidden_characters",
            gettext(
                "The text contains control characters that are not allowed: {characters}. "
                "Only tab and newline are accepted."
            ),
            {"characters": ", ".join(found)},
        )
    return clean_text(value)


# Every text that comes in: see minsheng.lib.text and README "Security".
CleanStr = Annotated[str, AfterValidator(_acceptable_text)]
Text = Annotated[CleanStr, Field(max_length=20000)]
Line = Annotated[CleanStr, Field(max_length=200)]


# --- errors -----------------------------------------------------------------------------------


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


# --- out: small parts -------------------------------------------------------------------------


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
    signed_at: datetime.datetime | None
    adjustment_until: datetime.date
    adjustment_until_uncertain: bool
    joint_opinion_due: datetime.date | None
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


# --- out: the suggestion ----------------------------------------------------------------------


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


# --- in: a new draft --------------------------------------------------------------------------


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


# --- in: one body per action ------------------------------------------------------------------


class ActionBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the suggestion changed since."
    )


class SubmitIn(ActionBody):
    pass


class ConfirmCosignIn(ActionBody):
    accept: bool = Field(True, description="false declines to co-sign.")


class WithdrawIn(ActionBody):
    reason: Text = Field(description="A withdrawal is made in writing.")


class RegisterIn(ActionBody):
    is_complex: bool | None = None
    category: Id | None = Field(None, description="Change the category (id) while registering.")


class DeclineIn(ActionBody):
    reason: DeclineReason
    note: Text = Field("", description="Required when the reason is `other`.")


class ReturnForRevisionIn(ActionBody):
    note: Text = Field(description="What the deputy should revise.")


class MergeIn(ActionBody):
    into: Id = Field(description="Id of the registered, open suggestion to merge into.")
    note: Text = ""


class UnitPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Id = Field(description="A handling unit id of the suggestion's congress.")
    mode: Assignment.Mode


class AssignIn(ActionBody):
    plan: list[UnitPlanIn] = Field(
        min_length=1,
        max_length=50,
        description="Exactly one lead with any joint units, or separate units only.",
    )
    on: datetime.date | None = Field(None, description="Assignment date; default today.")
    note: Text = ""


class AssignmentPick(ActionBody):
    assignment_id: Id | None = Field(
        None, description="Which of your unit's assignments, when you act for several units."
    )


class SignIn(AssignmentPick):
    pass


class RequestAdjustmentIn(AssignmentPick):
    reason: Text
    proposed_unit: Id | None = Field(None, description="The unit (id) you think should handle it.")


class DecideAdjustmentIn(ActionBody):
    request_id: Id
    move_to: Id | None = Field(
        None, description="Unit id to move the assignment to; leave out to keep it with the unit."
    )
    note: Text = ""


class LogContactIn(AssignmentPick):
    method: ContactLog.Method
    contacted_on: datetime.date
    people: Line = Field(description="Who took part.")
    summary: Text
    stage: ContactLog.Stage = ContactLog.Stage.BEFORE


class SubmitJointOpinionIn(AssignmentPick):
    text: Text


class ExplainOverdueIn(AssignmentPick):
    text: Text = Field(description="Why the reply is late (only once it is overdue).")


class RequestExtensionIn(AssignmentPick):
    until: datetime.date
    reason: Text
    deputy_told: bool = Field(description="The deputy must have been told why first.")


class DecideExtensionIn(ActionBody):
    request_id: Id
    approve: bool
    note: Text = ""


class DraftReplyIn(AssignmentPick):
    category: Literal["A", "B", "C", "D"] = Field(
        description="Result category: A solved, B being solved (plan and target date), "
        "C needs later solution, D kept for reference."
    )
    text: Text
    plan: Text = Field("", description="Required for category B, with `target_date`.")
    target_date: datetime.date | None = None
    contact_leader: Annotated[CleanStr, Field(max_length=50)]
    contact_leader_phone: Annotated[CleanStr, Field(max_length=30)]
    case_officer: Annotated[CleanStr, Field(max_length=50)]
    case_officer_phone: Annotated[CleanStr, Field(max_length=30)]


class SignReplyIn(AssignmentPick):
    pass


RatingValue = Literal["satisfied", "basically", "unsatisfied"]


class RateIn(ActionBody):
    overall: RatingValue
    reasons: Text = Field("", description="Required when unsatisfied: re-handling starts.")
    process: RatingValue | Literal[""] = ""
    result: RatingValue | Literal[""] = ""
    reply_id: Id | None = Field(None, description="Which reply, when several units replied.")


class RehandleIn(ActionBody):
    note: Text


class CloseIn(ActionBody):
    note: Text


class EndOfTermIn(ActionBody):
    rule: Literal["carry_over", "close"]
    note: Text
