"""The suggestion's actions, each declared once (DOMAIN.md §2; CONVENTIONS habit 16).

A declaration says from which states an action starts, where it leads, who may take it, the
rules that decide whether it is available (each with the refusal message it gives), the
sub-object it acts on (which unit's assignment, which reply, which request) and how that is
chosen, and its words: button, confirm question, timeline line, API summary. The buttons
(`workflow.allowed_actions`), refusals (`workflow.why_not`, the page's refusal), the page forms,
the API bodies, summaries and list of actions all read these. The typed
functions in `workflow.py` hold each action's own change and call the one runner.

Each declaration also lists its inputs (`minsheng.engine.inputs`: kinds, labels, help, choices,
the options a reference may name) and the checks over them, each with its message: the page
form, the API body `<Action>In` (and so the OpenAPI schema) and the runner's input step are all
derived from them.

Adding an action: declare it here (with its inputs) and write its typed function (its change)
in `workflow.py`. No other table lists actions, and no form or schema class is written for it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from django import forms
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import ConfigDict
from pydantic import Field as PydanticField

from minsheng.audit import log as audit_log
from minsheng.audit.models import Event
from minsheng.engine.actions import Action, Attempt, EventRecord, Registry, Rule, Subject
from minsheng.engine.errors import Conflict, Invalid, NotAllowed, WorkflowError
from minsheng.engine.inputs import Check, Choice, Day, Files, Flag, Input, Line, Ref, Text
from minsheng.engine.states import StateTable
from minsheng.lib.schema_text import Id
from minsheng.people.models import Organisation
from minsheng.suggestions import deadlines
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Category,
    ContactLog,
    CoSigner,
    DeclineReason,
    ExtensionRequest,
    JointOpinion,
    Rating,
    Reply,
    Suggestion,
)
from minsheng.suggestions.numbers import SESSION, parse_number

S = Suggestion.State
A = Assignment.State
MODE = Assignment.Mode
LEAD, COSIGNER, STAFF = perms.LEAD_DEPUTY, perms.COSIGNER, perms.STAFF
CLERK, HEAD = perms.CLERK, perms.HEAD
UNIT = frozenset({CLERK, HEAD})
IN_HANDLING = Suggestion.IN_HANDLING

# Sent after a transition commits: receivers (notifications) get the suggestion and the event.
suggestion_changed = Signal()

Try = Attempt[Suggestion]


def today() -> datetime.date:
    return timezone.localdate()


def display_date(day: datetime.date) -> str:
    """A date in the reader's language (2026年12月26日 in Chinese)."""
    return str(date_format(day, "DATE_FORMAT"))


# --- the event log and the row lock: the suggestion registry's two hooks -----------------------


def append_event(record: EventRecord) -> Event:
    """The one place a suggestion's event row is written (the hash-chained audit log)."""
    return audit_log.append_record(record)


def lock_suggestion(pk: int) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("lead_deputy", "jurisdiction", "session__term")
        .get(pk=pk)
    )


def _notify(s: Suggestion, event: Any) -> None:
    suggestion_changed.send(sender=Suggestion, suggestion=s, event=event)


REGISTRY: Registry[Suggestion] = Registry(
    model=Suggestion,
    capacities=perms.capacities,
    append=append_event,
    notify=_notify,
    lock_row=lock_suggestion,
    other_events={
        "create": gettext_lazy("Created the draft"),
        "edit": gettext_lazy("Edited the draft"),
        "merged_in": gettext_lazy("Another suggestion was merged into this one"),
        "not_rated": gettext_lazy("Not rated: the rating window passed"),
        "recompute_due": gettext_lazy("Due dates recomputed"),
        "attachments": gettext_lazy("Changed the attachments"),
        "set_flags": gettext_lazy("Changed the key / complex / confidential marks"),
    },
)


# --- the sub-objects' own small state tables ---------------------------------------------------

ASSIGNMENT_STATES = StateTable.of(
    "assignment",
    {
        A.AWAITING_SIGNATURE: [A.SIGNED, A.ADJUSTMENT_REQUESTED],
        A.SIGNED: [A.REPLIED, A.ADJUSTMENT_REQUESTED],
        # Kept: back to where it was; moved: cancelled, and a new assignment for the other unit.
        A.ADJUSTMENT_REQUESTED: [A.AWAITING_SIGNATURE, A.SIGNED, A.CANCELLED],
        A.REPLIED: [A.SIGNED],  # re-handling opens the unit's next round
        A.CANCELLED: [],
    },
)
REPLY_STATES = StateTable.of("reply", {Reply.State.DRAFT: [Reply.State.SENT]})
COSIGNER_STATES = StateTable.of(
    "co-signer", {CoSigner.State.INVITED: [CoSigner.State.CONFIRMED, CoSigner.State.REFUSED]}
)
ADJUSTMENT_DECISIONS = StateTable.of(
    "adjustment request",
    {"pending": [AdjustmentRequest.Decision.KEPT, AdjustmentRequest.Decision.MOVED]},
    field="decision",
)
EXTENSION_DECISIONS = StateTable.of(
    "extension request",
    {"pending": [ExtensionRequest.Decision.APPROVED, ExtensionRequest.Decision.REJECTED]},
    field="decision",
)


# --- questions several rules ask ---------------------------------------------------------------


def unrated_replies(s: Suggestion) -> QuerySet[Reply]:
    """Sent replies still waiting for the deputy's rating (any round: in separate handling one
    unit may be re-handling while another unit's reply is still to be rated)."""
    return s.replies.filter(state=Reply.State.SENT, rating__isnull=True)


def rateable_replies(s: Suggestion) -> QuerySet[Reply]:
    """What the deputy may rate now, oldest first: in re-handling, only earlier rounds' replies
    (the current round is rated once it is answered as a whole)."""
    pending = unrated_replies(s)
    if s.state == S.REHANDLING:
        pending = pending.filter(round__lt=s.round)
    return pending.select_related("assignment__unit").order_by("round", "id")


def is_overdue(s: Suggestion) -> bool:
    return bool(s.reply_due and today() > s.reply_due)


def not_overdue_message(s: Suggestion) -> str:
    if s.reply_due is None:
        return str(_("The suggestion has no reply due date yet; nothing is overdue."))
    return str(
        _(
            "The reply is due on %(date)s and is not overdue; a written explanation is needed "
            "only after that day."
        )
        % {"date": display_date(s.reply_due)}
    )


def reply_problems(s: Suggestion, a: Assignment) -> list[str]:
    """What stops this unit's reply from being sent now (empty when it may be sent)."""
    problems = []
    if not ContactLog.objects.filter(assignment=a, round=s.round).exists():
        problems.append(_("No contact with the deputy has been logged in this round."))
    if a.mode == MODE.LEAD:
        now = today()
        for joint in s.assignments.filter(mode=MODE.JOINT).exclude(state=A.CANCELLED):
            waiting = not JointOpinion.objects.filter(assignment=joint).exists()
            if waiting and joint.joint_opinion_due and now <= joint.joint_opinion_due:
                problems.append(
                    _("Waiting for the joint opinion of %(unit)s (due %(date)s).")
                    % {"unit": joint.unit, "date": display_date(joint.joint_opinion_due)}
                )
    return problems


def replies_problems(pairs: Sequence[tuple[Suggestion, Assignment]]) -> list[list[str]]:
    """`reply_problems` for many (suggestion, its unit's assignment) pairs at once, in the
    same order and with the same texts, in three queries whatever their number (a list page
    asks this for every draft it shows)."""
    ids = [a.pk for _s, a in pairs]
    contacted = set(
        ContactLog.objects.filter(assignment_id__in=ids)
        .order_by()
        .values_list("assignment_id", "round")
    )
    leads = {s.pk for s, a in pairs if a.mode == MODE.LEAD}
    joints: dict[int, list[Assignment]] = {}
    opined: set[int] = set()
    if leads:
        # The default ordering, as `s.assignments.filter(...)` gives it to reply_problems.
        for joint in (
            Assignment.objects.filter(suggestion_id__in=leads, mode=MODE.JOINT)
            .exclude(state=A.CANCELLED)
            .select_related("unit")
        ):
            joints.setdefault(joint.suggestion_id, []).append(joint)
        opined = set(
            JointOpinion.objects.filter(
                assignment_id__in=[j.pk for js in joints.values() for j in js]
            )
            .order_by()
            .values_list("assignment_id", flat=True)
        )
    now = today()
    found = []
    for s, a in pairs:
        problems = []
        if (a.pk, s.round) not in contacted:
            problems.append(_("No contact with the deputy has been logged in this round."))
        if a.mode == MODE.LEAD:
            for joint in joints.get(s.pk, []):
                waiting = joint.pk not in opined
                if waiting and joint.joint_opinion_due and now <= joint.joint_opinion_due:
                    problems.append(
                        _("Waiting for the joint opinion of %(unit)s (due %(date)s).")
                        % {"unit": joint.unit, "date": display_date(joint.joint_opinion_due)}
                    )
        found.append(problems)
    return found


# --- sub-objects: how each action chooses what it acts on --------------------------------------


def _unit_part(
    states: Sequence[str],
    *,
    modes: Sequence[str] | None = None,
    kinds: tuple[str, ...] = ("clerk", "head"),
    also: Any = None,
) -> Subject:
    """The person's unit's assignment: one of `states` (and `modes`), acted on for a unit they
    are a clerk or head of (`kinds`); `also(attempt, assignment)` adds a finer rule."""

    def mine(attempt: Try) -> list[Assignment]:
        found = attempt.cached(
            f"assignments:{kinds}", lambda: perms.user_assignments(attempt.by, attempt.obj, kinds)
        )
        return [a for a in found if modes is None or a.mode in modes]

    def ready(attempt: Try, a: Assignment) -> str | None:
        if a.state not in states:
            return str(
                _("Your unit's assignment is “%(state)s”; this cannot be done now.")
                % {"state": a.get_state_display()}
            )
        return also(attempt, a) if also is not None else None

    return Subject(
        name="assignment",
        field="assignment_id",
        label=gettext_lazy("For which of your units"),
        mine=mine,
        ready=ready,
        describe=lambda a: f"{a.unit} · {a.get_mode_display()}",
        missing=lambda attempt: NotAllowed(_("Your unit has no part in this suggestion.")),
        description="Which of your unit's assignments, when you act for several units.",
    )


def _adjustment_window(attempt: Try, a: Assignment) -> str | None:
    if deadlines.is_late(today(), a.adjustment_until):
        return str(
            _("The adjustment window ended on %(date)s; a late request is not adjusted.")
            % {"date": display_date(a.adjustment_until)}
        )
    return None


def _no_joint_opinion_yet(attempt: Try, a: Assignment) -> str | None:
    if JointOpinion.objects.filter(assignment=a).exists():
        return str(_("Your unit has already sent its joint opinion."))
    return None


def _draft_to_sign(attempt: Try, a: Assignment) -> str | None:
    s = attempt.obj
    draft = Reply.objects.filter(assignment=a, round=s.round, state=Reply.State.DRAFT).exists()
    return None if draft else str(_("There is no draft reply to sign."))


def _reply_sendable(attempt: Try) -> str | None:
    problems = reply_problems(attempt.obj, attempt.subject)
    return " ".join(str(p) for p in problems) if problems else None


def _pending(attempt: Try, request: Any) -> str | None:
    if request.decision != "pending":
        return str(_("This request has already been decided."))
    return None


def _request_label(obj: Any) -> str:
    if isinstance(obj, AdjustmentRequest):
        return str(
            _("%(unit)s: %(reason)s") % {"unit": obj.assignment.unit, "reason": obj.reason[:40]}
        )
    return str(
        _("%(unit)s: until %(date)s")
        % {"unit": obj.assignment.unit, "date": obj.requested_until.strftime("%Y-%m-%d")}
    )


ADJUSTMENT_REQUEST = Subject(
    name="request",
    field="request_id",
    label=gettext_lazy("Request"),
    mine=lambda attempt: list(
        AdjustmentRequest.objects.filter(assignment__suggestion=attempt.obj)
        .select_related("assignment__unit", "proposed_unit")
        .order_by("id")
    ),
    ready=_pending,
    describe=_request_label,
    missing=lambda attempt: Conflict(_("No adjustment request is waiting for a decision.")),
    unknown=lambda attempt: Invalid(_("No such adjustment request.")),
    required=True,
)

EXTENSION_REQUEST = Subject(
    name="request",
    field="request_id",
    label=gettext_lazy("Request"),
    mine=lambda attempt: list(
        attempt.obj.extension_requests.select_related("assignment__unit").order_by("id")
    ),
    ready=_pending,
    describe=_request_label,
    missing=lambda attempt: Conflict(_("No extension request is waiting for a decision.")),
    unknown=lambda attempt: Invalid(_("No such extension request.")),
    required=True,
)


def _rating_window(attempt: Try, reply: Reply) -> str | None:
    if reply.rating_due and today() > reply.rating_due:
        return str(
            _("The rating window ended on %(date)s; the reply is recorded as not rated.")
            % {"date": display_date(reply.rating_due)}
        )
    return None


def _no_reply_to_rate(attempt: Try) -> WorkflowError:
    return Conflict(_("There is no reply waiting for your rating."))


# 分办: several units' replies may wait for a rating at once, from different rounds. The page's
# choice, the API's `reply_id` and the default the workflow takes all come from here.
REPLY_TO_RATE = Subject(
    name="reply",
    field="reply_id",
    label=gettext_lazy("Which unit's reply"),
    mine=lambda attempt: list(rateable_replies(attempt.obj)),
    ready=_rating_window,
    describe=lambda r: (
        str(r.assignment.unit)
        if r.round == 1
        else str(_("%(unit)s (round %(round)s)") % {"unit": r.assignment.unit, "round": r.round})
    ),
    missing=_no_reply_to_rate,
    unknown=_no_reply_to_rate,
    description="Which reply, when several units replied.",
)


def _my_invitation(attempt: Try) -> list[CoSigner]:
    return list(attempt.obj.cosigners.filter(deputy__user_id=attempt.by.pk)[:1])


def _not_answered(attempt: Try, row: CoSigner) -> str | None:
    if row.state != CoSigner.State.INVITED:
        return str(_("You have already answered this invitation."))
    return None


INVITATION = Subject(
    name="cosigner",
    field="cosigner_id",
    label=gettext_lazy("Invitation"),
    mine=_my_invitation,
    ready=_not_answered,
    missing=lambda attempt: Conflict(_("You have already answered this invitation.")),
    api=False,
)


# --- rules on the suggestion itself ------------------------------------------------------------


def _author(attempt: Try) -> str | None:
    s = attempt.obj
    if LEAD in attempt.caps or s.created_by_id == attempt.by.pk:
        return None
    return str(_("Only the lead deputy can submit this suggestion."))


def _cosigners_confirmed(attempt: Try) -> str | None:
    pending = attempt.obj.cosigners.filter(state=CoSigner.State.INVITED)
    if not pending.exists():
        return None
    names = _(", ").join(str(c.deputy) for c in pending.select_related("deputy__user"))
    return str(
        _("Every co-signer must confirm first. Still waiting for: %(names)s") % {"names": names}
    )


def _overdue(attempt: Try) -> str | None:
    return None if is_overdue(attempt.obj) else not_overdue_message(attempt.obj)


def _no_pending_extension(attempt: Try) -> str | None:
    if attempt.obj.extension_requests.filter(decision="pending").exists():
        return str(_("An extension request is already waiting for a decision."))
    return None


def _rating_window_passed(attempt: Try) -> str | None:
    s = attempt.obj
    if s.state == S.ANSWERED and rateable_replies(s).filter(rating_due__gte=today()).exists():
        return str(
            _(
                "The deputy can still rate the reply; close it after the rating or when the "
                "rating window has passed."
            )
        )
    return None


# --- timeline lines read from the event's data -------------------------------------------------


def _cosign_line(data: Mapping[str, Any]) -> str:
    return str(_("Co-signed") if data.get("accepted") else _("Declined to co-sign"))


def _adjustment_line(data: Mapping[str, Any]) -> str:
    if data.get("decision") == "moved":
        return str(_("Moved the assignment to another unit"))
    return str(_("Kept the assignment with the unit"))


def _extension_line(data: Mapping[str, Any]) -> str:
    return str(_("Approved the extension") if data.get("approved") else _("Rejected the extension"))


def _rehandle_line(data: Mapping[str, Any]) -> str | None:
    if data.get("cause") == "rating":
        return str(_("Re-handling opened by the unsatisfied rating"))
    return None


def _term_line(data: Mapping[str, Any]) -> str:
    if data.get("rule") == "carry_over":
        return str(_("Carried over into the next term"))
    return str(_("Closed at the end of the term"))


# --- inputs: what each action asks for, for the page and the API alike -------------------------


def handling_units(attempt: Try) -> QuerySet[Organisation]:
    """The active handling units of the suggestion's congress."""
    return Organisation.objects.handling_units().filter(jurisdiction_id=attempt.obj.jurisdiction_id)


def active_categories(attempt: Try) -> QuerySet[Category]:
    return Category.objects.filter(
        jurisdiction_id=attempt.obj.jurisdiction_id, is_active=True
    ).select_related("parent")


def _unit_name(unit: Any) -> str:
    return str(unit.name)


def _not_my_units(attempt: Try) -> QuerySet[Organisation]:
    mine = [a.unit_id for a in perms.user_assignments(attempt.by, attempt.obj, ("clerk", "head"))]
    return handling_units(attempt).exclude(pk__in=mine)


def _unit_ref(name: str, label: Any, *, options: Any = handling_units, **more: Any) -> Ref:
    return Ref(
        name,
        label=label,
        options=options,
        describe=_unit_name,
        unknown=gettext_lazy("Unit %(id)s is not a handling unit of this congress."),
        **more,
    )


NOTE = gettext_lazy("Note")


def note(label: Any = NOTE, *, required: bool = False, **more: Any) -> Text:
    return Text("note", label=label, required=required, rows=2, **more)


ID_RE = re.compile(r"^(?:#|id\s*[:：]?\s*)(\d+)$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class SuggestionRef(Input):
    """Another suggestion this person can see in the same congress: on the page by its number
    in this session (or #id), in the API by id."""

    def _visible(self, attempt: Try) -> QuerySet[Suggestion]:
        s = attempt.obj
        return (
            Suggestion.objects.visible_to(attempt.by)
            .filter(jurisdiction_id=s.jurisdiction_id)
            .exclude(pk=s.pk)
        )

    def form_field(self, attempt: Try) -> forms.Field:
        return _SuggestionNumberField(self, attempt, max_length=30)

    def find(self, text: str, attempt: Try) -> Suggestion | None:
        visible = self._visible(attempt)
        by_id = ID_RE.match(text)
        if by_id:
            return visible.filter(pk=int(by_id.group(1))).first()
        number = parse_number(text)
        if number is None:
            return None
        found = visible.filter(
            session_id=attempt.obj.session_id,
            series=number.series or SESSION,
            number=number.number,
        ).first()
        if found is None and text.isdigit():
            found = visible.filter(pk=int(text)).first()
        return found

    def api_type(self) -> Any:
        return Id

    def from_api(self, value: Any, attempt: Try) -> Any:
        found = self._visible(attempt).filter(pk=value).first()
        if found is None:
            raise Invalid(_("No such suggestion to merge into."))
        return found


class _SuggestionNumberField(forms.CharField):
    def __init__(self, declared: SuggestionRef, attempt: Try, **kwargs: Any) -> None:
        self.declared, self.attempt = declared, attempt
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = str(super().clean(value) or "").strip()
        found = self.declared.find(text, self.attempt)
        if found is None:
            raise forms.ValidationError(
                _("No suggestion “%(text)s” was found in this session.") % {"text": text}
            )
        return found


@dataclass(frozen=True)
class UnitPlan:
    """One unit of an assignment plan and how it handles the suggestion."""

    unit: Organisation
    mode: str


class UnitPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Id = PydanticField(description="A handling unit id of the suggestion's congress.")
    mode: Assignment.Mode


LEAD_JOINT, SEPARATELY = "lead", "separate"


@dataclass(frozen=True, kw_only=True)
class PlanInput(Input):
    """The assignment plan: on the page one lead unit with joint units, or several separate
    units (four fields); in the API a list of `{unit, mode}`."""

    parts: Mapping[str, Sequence[str]] = field(
        default_factory=lambda: {
            "mode": ["mode"],
            "lead": ["lead_unit", "joint_units"],
            "separate": ["separate_units"],
        }
    )

    def form_fields(self, attempt: Try) -> dict[str, forms.Field]:
        units = handling_units(attempt)

        class Units(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
            widget = forms.CheckboxSelectMultiple

            def label_from_instance(self, obj: Any) -> str:
                return _unit_name(obj)

        lead = _unit_ref("lead_unit", gettext_lazy("Lead unit (主办)"), required=False)
        return {
            "mode": forms.ChoiceField(
                label=gettext_lazy("How it is handled"),
                widget=forms.RadioSelect,
                initial=LEAD_JOINT,
                choices=[
                    (LEAD_JOINT, gettext_lazy("One lead unit, with joint units (主办 + 会办)")),
                    (SEPARATELY, gettext_lazy("Several units, each answering its part (分办)")),
                ],
            ),
            "lead_unit": lead.form_fields(attempt)["lead_unit"],
            "joint_units": Units(
                label=gettext_lazy("Joint units (会办)"), queryset=units, required=False
            ),
            "separate_units": Units(
                label=gettext_lazy("Units handling separately (分办)"),
                queryset=units,
                required=False,
            ),
        }

    def form_initial(self, attempt: Try) -> dict[str, Any]:
        from minsheng.insight import proposals

        proposed = proposals.propose(attempt.obj)
        lead = [p.unit.pk for p in proposed if p.mode == MODE.LEAD]
        return {
            "mode": LEAD_JOINT,
            "lead_unit": lead[0] if lead else None,
            "joint_units": [p.unit.pk for p in proposed if p.mode == MODE.JOINT],
        }

    def form_errors(self, cleaned: Mapping[str, Any], attempt: Try) -> list[tuple[str, str]]:
        if cleaned.get("mode") == SEPARATELY:
            if not cleaned.get("separate_units"):
                return [("separate_units", _("Choose the units that handle it."))]
            return []
        lead = cleaned.get("lead_unit")
        if lead is None:
            return [("lead_unit", _("Choose the lead unit."))]
        if lead in (cleaned.get("joint_units") or []):
            return [("joint_units", _("The lead unit cannot also be a joint unit."))]
        return []

    def from_form(self, cleaned: Mapping[str, Any], attempt: Try) -> list[UnitPlan]:
        if cleaned.get("mode") == SEPARATELY:
            return [UnitPlan(u, MODE.SEPARATE) for u in cleaned.get("separate_units") or []]
        plan = [UnitPlan(cleaned["lead_unit"], MODE.LEAD)] if cleaned.get("lead_unit") else []
        return plan + [UnitPlan(u, MODE.JOINT) for u in cleaned.get("joint_units") or []]

    def api_type(self) -> Any:
        return Annotated[list[UnitPlanIn], PydanticField(min_length=1, max_length=50)]

    def from_api(self, value: Any, attempt: Try) -> list[UnitPlan]:
        units = {u.pk: u for u in handling_units(attempt).filter(pk__in=[p.unit for p in value])}
        plan = []
        for item in value:
            if item.unit not in units:
                raise Invalid(
                    _("Unit %(id)s is not a handling unit of this congress.") % {"id": item.unit}
                )
            plan.append(UnitPlan(units[item.unit], item.mode))
        return plan

    def is_blank(self, value: Any) -> bool:
        return not value


def _attachments() -> forms.Field:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField()


def _other_needs_a_note(values: Mapping[str, Any], attempt: Try) -> str | None:
    if values.get("reason") == DeclineReason.OTHER and not str(values.get("note") or "").strip():
        return str(_("Explain the reason in the note."))
    return None


def _b_needs_plan(values: Mapping[str, Any], attempt: Try) -> str | None:
    if values.get("category") == Reply.Category.B and not str(values.get("plan") or "").strip():
        return str(_("A B reply must give the plan and its steps."))
    return None


def _b_needs_date(values: Mapping[str, Any], attempt: Try) -> str | None:
    if values.get("category") == Reply.Category.B and not values.get("target_date"):
        return str(_("A B reply must give a target date."))
    return None


def _unsatisfied_needs_reasons(values: Mapping[str, Any], attempt: Try) -> str | None:
    if (
        values.get("overall") == Rating.Overall.UNSATISFIED
        and not str(values.get("reasons") or "").strip()
    ):
        return str(_("Say why you are not satisfied: the unit must handle it again."))
    return None


def _contact_not_in_future(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("contacted_on")
    if day is not None and day > today():
        return str(_("The contact date cannot be in the future."))
    return None


def _assignment_date(values: Mapping[str, Any], attempt: Try) -> str | None:
    # A meeting may be entered afterwards (a past date), never ahead of time.
    day = values.get("on")
    if day is not None and (day > today() or day < attempt.obj.session.term.start_date):
        return str(_("The assignment date must be within the term and not in the future."))
    return None


def _draft_prefill(attempt: Try) -> dict[str, Any]:
    """The unit's draft of this round, to revise."""
    a = attempt.subject
    if a is None:
        return {}
    draft = Reply.objects.filter(assignment=a, round=attempt.obj.round).first()
    if draft is None:
        return {}
    return {name: getattr(draft, name) for name in REPLY_FIELDS}


KEEP, MOVE = "keep", "move"


@dataclass(frozen=True, kw_only=True)
class MoveTo(Ref):
    """Where an assignment is moved: on the page only when staff chose “move” (the proposed
    unit is preselected either way); in the API, given or left out."""

    def from_form(self, cleaned: Mapping[str, Any], attempt: Try) -> Any:
        return cleaned.get(self.name) if cleaned.get("decision") == MOVE else None


def _move_needs_a_unit(values: Mapping[str, Any], attempt: Try) -> str | None:
    # Only the page asks for the decision; the API moves when `move_to` is given.
    if values.get("decision") == MOVE and values.get("move_to") is None:
        return str(_("Choose the unit to move it to."))
    return None


def _proposed_move(attempt: Try) -> int | None:
    request = attempt.subject
    return getattr(request, "proposed_unit_id", None)


REPLY_FIELDS = (
    "category",
    "text",
    "plan",
    "target_date",
    "contact_leader",
    "contact_leader_phone",
    "case_officer",
    "case_officer_phone",
    "document_number",
    "norm_justification",
)
RATING_CHOICES = [(value, label) for value, label in Rating.PART_CHOICES]
REPLY_PEOPLE = gettext_lazy(
    "The reply needs the text and the names and phones of the responsible leader and the case "
    "officer."
)


# --- the declarations --------------------------------------------------------------------------


def _states(*states: str) -> frozenset[str]:
    return frozenset(states)


REGISTRY.declare(
    Action(
        "submit",
        # Staff submit only the paper entries they typed in themselves (imports).
        sources=_states(S.DRAFT, S.RETURNED),
        target=S.SUBMITTED,
        who=frozenset({LEAD, STAFF}),
        label=gettext_lazy("Submit"),
        done=gettext_lazy("Submitted"),
        summary="Submit the draft (every co-signer has confirmed)",
        # The deputy sees the button with the co-signers still to confirm.
        rules=(Rule(_author, NotAllowed), Rule(_cosigners_confirmed, offered=True)),
        confirm=gettext_lazy("Submit this suggestion to the congress office?"),
    ),
    Action(
        "confirm_cosign",
        sources=_states(S.DRAFT, S.RETURNED),
        target=None,
        who=frozenset({COSIGNER}),
        label=gettext_lazy("Confirm co-signing"),
        done=gettext_lazy("Answered the co-signing invitation"),
        summary="Confirm or decline co-signing",
        subject=INVITATION,
        timeline=_cosign_line,
        inputs=(
            Flag(
                "accept",
                label=gettext_lazy("Your answer"),
                radio=(gettext_lazy("Co-sign"), gettext_lazy("Decline to co-sign")),
                required=True,
                api_default=True,
                doc="false declines to co-sign.",
            ),
        ),
    ),
    Action(
        "withdraw",
        sources=_states(S.DRAFT, S.SUBMITTED, S.RETURNED, S.REGISTERED, S.ASSIGNED, S.HANDLING),
        target=S.WITHDRAWN,
        who=frozenset({LEAD}),
        label=gettext_lazy("Withdraw"),
        done=gettext_lazy("Withdrew the suggestion"),
        summary="Withdraw the suggestion in writing",
        confirm=gettext_lazy("Withdraw this suggestion? This cannot be undone."),
        danger=True,
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why you withdraw it"),
                blank=gettext_lazy("A withdrawal must be made in writing: give the reason."),
                doc="A withdrawal is made in writing.",
            ),
        ),
    ),
    Action(
        "register",
        sources=_states(S.SUBMITTED),
        target=S.REGISTERED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Register"),
        done=gettext_lazy("Registered"),
        summary="Register the suggestion and give it its number",
        inputs=(
            Ref(
                "category",
                label=gettext_lazy("Category"),
                required=False,
                options=active_categories,
                initial=lambda t: t.obj.category_id,
                unknown=gettext_lazy("No such category."),
                doc="Change the category (id) while registering.",
            ),
            Flag(
                "is_complex",
                label=gettext_lazy("Complex (may need up to 6 months)"),
                initial=lambda t: t.obj.is_complex,
                api_default=None,
                doc="Mark it complex (6 months to reply); leave out to keep the mark.",
            ),
        ),
    ),
    Action(
        "decline",
        sources=_states(S.SUBMITTED),
        target=S.DECLINED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Decline"),
        done=gettext_lazy("Declined"),
        summary="Decline it with a reason from the list",
        confirm=gettext_lazy("Decline this suggestion? The deputy will be told."),
        danger=True,
        inputs=(
            Choice(
                "reason",
                label=gettext_lazy("Reason"),
                choices=DeclineReason.choices,
                blank=gettext_lazy("Choose a reason from the list."),
            ),
            Text(
                "note",
                label=gettext_lazy("Note to the deputy"),
                required=False,
                help=gettext_lazy("Required when the reason is “other”."),
                doc="Required when the reason is `other`.",
            ),
        ),
        checks=(Check("note", _other_needs_a_note),),
    ),
    Action(
        "return_for_revision",
        sources=_states(S.SUBMITTED),
        target=S.RETURNED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Return for revision"),
        done=gettext_lazy("Returned for revision"),
        summary="Return it to the deputy for revision",
        inputs=(
            note(
                gettext_lazy("What the deputy should revise"),
                required=True,
                blank=gettext_lazy("Tell the deputy what to revise."),
                doc="What the deputy should revise.",
            ),
        ),
    ),
    Action(
        "merge",
        sources=_states(S.SUBMITTED, S.REGISTERED),
        target=S.MERGED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Merge into another"),
        done=gettext_lazy("Merged into another suggestion"),
        summary="Merge it into another suggestion (并案)",
        confirm=gettext_lazy("Merge this suggestion into the other one?"),
        inputs=(
            SuggestionRef(
                "into",
                label=gettext_lazy("Merge into suggestion"),
                help=gettext_lazy(
                    "Its number in this session (such as 第0012号 or 12; 闭第0003号 "
                    "for between sessions), or #id."
                ),
                doc="Id of the registered, open suggestion to merge into.",
            ),
            note(),
        ),
    ),
    Action(
        "assign",
        sources=_states(S.REGISTERED),
        target=S.ASSIGNED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Assign"),
        done=gettext_lazy("Assigned"),
        summary="Assign it to handling units",
        inputs=(
            PlanInput(
                "plan",
                blank=gettext_lazy("Choose at least one handling unit."),
                doc="Exactly one lead with any joint units, or separate units only.",
            ),
            Day(
                "on",
                required=False,
                page=False,
                doc="Assignment date (a meeting already held); default today.",
            ),
            note(),
        ),
        checks=(Check("on", _assignment_date),),
    ),
    Action(
        "sign",
        sources=frozenset(IN_HANDLING),
        target=None,  # the first unit to sign for it moves it from assigned to handling
        who=UNIT,
        label=gettext_lazy("Sign for"),
        done=gettext_lazy("Signed for"),
        summary="Sign for the assignment (签收)",
        subject=_unit_part([A.AWAITING_SIGNATURE]),
        confirm=gettext_lazy("Sign for this suggestion on behalf of your unit?"),
    ),
    Action(
        "request_adjustment",
        sources=_states(S.ASSIGNED, S.HANDLING),
        target=None,
        who=UNIT,
        label=gettext_lazy("Request adjustment"),
        done=gettext_lazy("Requested an adjustment"),
        summary="Ask for the assignment to be adjusted",
        subject=_unit_part([A.AWAITING_SIGNATURE, A.SIGNED], also=_adjustment_window),
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why your unit should not handle it"),
                blank=gettext_lazy("Give the reasons for the adjustment."),
            ),
            _unit_ref(
                "proposed_unit",
                gettext_lazy("Unit you propose instead"),
                options=_not_my_units,
                required=False,
                doc="The unit (id) you think should handle it.",
            ),
        ),
    ),
    Action(
        "decide_adjustment",
        sources=_states(S.ASSIGNED, S.HANDLING),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Decide adjustment"),
        done=gettext_lazy("Decided on the adjustment request"),
        summary="Keep or move an assignment",
        subject=ADJUSTMENT_REQUEST,
        timeline=_adjustment_line,
        inputs=(
            Choice(
                "decision",
                label=gettext_lazy("Decision"),
                radio=True,
                choices=[
                    (KEEP, gettext_lazy("Keep it with the unit")),
                    (MOVE, gettext_lazy("Move it to another unit")),
                ],
                api=False,
                keyword=False,
            ),
            MoveTo(
                "move_to",
                label=gettext_lazy("Move to"),
                required=False,
                options=handling_units,
                describe=_unit_name,
                unknown=gettext_lazy("Unit %(id)s is not a handling unit of this congress."),
                initial=_proposed_move,
                doc="Unit id to move the assignment to; leave out to keep it with the unit.",
            ),
            note(),
        ),
        checks=(Check("move_to", _move_needs_a_unit),),
    ),
    Action(
        "log_contact",
        # 办后问效: a unit may also log the follow-up talk after answering.
        sources=_states(S.HANDLING, S.REHANDLING, S.ANSWERED),
        target=None,
        who=UNIT,
        label=gettext_lazy("Log contact"),
        done=gettext_lazy("Logged contact with the deputy"),
        summary="Log a contact with the deputy",
        subject=_unit_part([A.SIGNED, A.REPLIED]),
        inputs=(
            Choice(
                "method",
                label=gettext_lazy("How"),
                choices=ContactLog.Method.choices,
                blank=gettext_lazy("Choose how and when the deputy was contacted."),
            ),
            Choice(
                "stage",
                label=gettext_lazy("Stage"),
                choices=ContactLog.Stage.choices,
                api_default=ContactLog.Stage.BEFORE,
                blank=gettext_lazy("Choose how and when the deputy was contacted."),
            ),
            Day("contacted_on", label=gettext_lazy("Date"), initial=lambda t: today()),
            Line(
                "people",
                label=gettext_lazy("People present"),
                blank=gettext_lazy("Say who took part and what was discussed."),
                doc="Who took part.",
            ),
            Text(
                "summary",
                label=gettext_lazy("What was discussed"),
                blank=gettext_lazy("Say who took part and what was discussed."),
            ),
        ),
        checks=(Check("contacted_on", _contact_not_in_future),),
    ),
    Action(
        "submit_joint_opinion",
        sources=_states(S.HANDLING, S.REHANDLING),
        target=None,
        who=UNIT,
        label=gettext_lazy("Submit joint opinion"),
        done=gettext_lazy("Sent the joint opinion"),
        summary="Send the joint unit's opinion to the lead unit",
        subject=_unit_part([A.SIGNED], modes=[MODE.JOINT], also=_no_joint_opinion_yet),
        inputs=(
            Text(
                "text",
                label=gettext_lazy("Joint opinion"),
                rows=6,
                blank=gettext_lazy("Write the joint opinion."),
            ),
        ),
    ),
    Action(
        "explain_overdue",
        # DOMAIN §4: overdue items need a written explanation from the unit that is late.
        sources=frozenset(IN_HANDLING),
        target=None,
        who=UNIT,
        label=gettext_lazy("Explain the delay"),
        done=gettext_lazy("Explained the delay"),
        summary="Explain in writing why the reply is late",
        subject=_unit_part([A.AWAITING_SIGNATURE, A.SIGNED], modes=[MODE.LEAD, MODE.SEPARATE]),
        rules=(Rule(_overdue),),
        inputs=(
            Text(
                "text",
                label=gettext_lazy("Why the reply is late"),
                rows=4,
                help=gettext_lazy(
                    "Overdue items need a written explanation; it is kept in the suggestion's "
                    "history."
                ),
                blank=gettext_lazy("Write why the reply is late."),
                doc="Why the reply is late (only once it is overdue).",
            ),
        ),
    ),
    Action(
        "request_extension",
        sources=_states(S.HANDLING),
        target=None,
        who=UNIT,
        label=gettext_lazy("Request extension"),
        done=gettext_lazy("Requested an extension"),
        summary="Ask for a later reply date",
        subject=_unit_part([A.SIGNED], modes=[MODE.LEAD, MODE.SEPARATE]),
        rules=(Rule(_no_pending_extension),),
        inputs=(
            Day("until", label=gettext_lazy("Extend to")),
            Text(
                "reason",
                label=gettext_lazy("Reason"),
                blank=gettext_lazy("Give the reason for the extension."),
            ),
            Flag(
                "deputy_told",
                label=gettext_lazy("The deputy has been told why"),
                required=True,
                blank=gettext_lazy("Tell the deputy why before asking for an extension."),
                doc="The deputy must have been told why first.",
            ),
        ),
    ),
    Action(
        "decide_extension",
        sources=_states(S.HANDLING),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Decide extension"),
        done=gettext_lazy("Decided on the extension request"),
        summary="Approve or reject an extension",
        subject=EXTENSION_REQUEST,
        timeline=_extension_line,
        inputs=(
            Flag(
                "approve",
                label=gettext_lazy("Decision"),
                radio=(gettext_lazy("Approve"), gettext_lazy("Reject")),
                required=True,
            ),
            note(),
        ),
    ),
    Action(
        "draft_reply",
        sources=_states(S.HANDLING, S.REHANDLING),
        target=None,
        who=UNIT,
        label=gettext_lazy("Draft reply"),
        done=gettext_lazy("Drafted the reply"),
        summary="Write or revise this round's draft reply",
        subject=_unit_part([A.SIGNED], modes=[MODE.LEAD, MODE.SEPARATE]),
        inputs=(
            Choice(
                "category",
                label=gettext_lazy("Result category"),
                choices=Reply.Category.choices,
                radio=True,
                blank=gettext_lazy("Choose the result category (A, B, C or D)."),
                doc="Result category: A solved, B being solved (plan and target date), "
                "C needs later solution, D kept for reference.",
            ),
            Text(
                "text",
                label=gettext_lazy("Reply text"),
                rows=10,
                help=gettext_lazy("Answer point by point."),
                blank=REPLY_PEOPLE,
            ),
            Text(
                "plan",
                label=gettext_lazy("Plan and steps"),
                rows=4,
                required=False,
                help=gettext_lazy("Required for category B."),
                doc="Required for category B, with `target_date`.",
            ),
            Day(
                "target_date",
                label=gettext_lazy("Target date"),
                required=False,
                help=gettext_lazy("Required for category B."),
            ),
            Line(
                "contact_leader",
                label=gettext_lazy("Responsible leader"),
                max_length=50,
                blank=REPLY_PEOPLE,
            ),
            Line(
                "contact_leader_phone",
                label=gettext_lazy("Leader's phone"),
                max_length=30,
                blank=REPLY_PEOPLE,
            ),
            Line(
                "case_officer",
                label=gettext_lazy("Case officer"),
                max_length=50,
                blank=REPLY_PEOPLE,
            ),
            Line(
                "case_officer_phone",
                label=gettext_lazy("Case officer's phone"),
                max_length=30,
                blank=REPLY_PEOPLE,
            ),
            Line(
                "document_number",
                label=gettext_lazy("Document number"),
                max_length=40,
                required=False,
                help=gettext_lazy("Printed on the letter (文号), such as 江交函〔2026〕12号."),
                doc="The unit's document number (文号) printed on the letter; optional.",
            ),
            Text(
                "norm_justification",
                label=gettext_lazy("Where the reply-norm check does not apply: why"),
                rows=3,
                required=False,
                help=gettext_lazy(
                    "The check of the reply norms runs on every saved draft. Fix what it finds, "
                    "or say here why a finding does not apply; the head and the congress office "
                    "see it."
                ),
                doc="Optional: why a finding of the reply-norm checker does not apply "
                "(`GET /suggestions/{id}/replies/{reply_id}/norms`).",
            ),
            Files("attachments", field=_attachments),
        ),
        checks=(Check("plan", _b_needs_plan), Check("target_date", _b_needs_date)),
        prefill=_draft_prefill,
    ),
    Action(
        "sign_reply",
        sources=_states(S.HANDLING, S.REHANDLING),
        target=None,  # answered once every answering unit has replied in this round
        who=frozenset({HEAD}),
        label=gettext_lazy("Sign and send reply"),
        done=gettext_lazy("Signed and sent the reply"),
        summary="Sign and send the reply (unit head)",
        subject=_unit_part(
            [A.SIGNED], modes=[MODE.LEAD, MODE.SEPARATE], kinds=("head",), also=_draft_to_sign
        ),
        # The head sees the button with what still stops it (the contact log, joint opinions).
        rules=(Rule(_reply_sendable, offered=True),),
        confirm=gettext_lazy(
            "Sign and send the reply to the deputy? It cannot be changed afterwards."
        ),
    ),
    Action(
        "rate",
        # Rating stays open in re-handling for the other units' replies (分办).
        sources=_states(S.ANSWERED, S.REHANDLING),
        target=None,
        who=frozenset({LEAD}),
        label=gettext_lazy("Rate the reply"),
        done=gettext_lazy("Rated the reply"),
        summary="Rate the reply (lead deputy)",
        subject=REPLY_TO_RATE,
        inputs=(
            Choice(
                "overall",
                label=gettext_lazy("Overall"),
                choices=RATING_CHOICES,
                radio=True,
                blank=gettext_lazy("Choose satisfied, basically satisfied or unsatisfied."),
            ),
            Choice(
                "process",
                label=gettext_lazy("The handling process"),
                choices=RATING_CHOICES,
                required=False,
                blank_label=gettext_lazy("Not rated separately"),
                blank=gettext_lazy("Unknown rating value."),
            ),
            Choice(
                "result",
                label=gettext_lazy("The result"),
                choices=RATING_CHOICES,
                required=False,
                blank_label=gettext_lazy("Not rated separately"),
                blank=gettext_lazy("Unknown rating value."),
            ),
            Text(
                "reasons",
                label=gettext_lazy("Your reasons"),
                required=False,
                help=gettext_lazy(
                    "Required when you are not satisfied: the unit must handle it again."
                ),
                doc="Required when unsatisfied: re-handling starts.",
            ),
        ),
        checks=(Check("reasons", _unsatisfied_needs_reasons),),
    ),
    Action(
        "rehandle",
        sources=_states(S.ANSWERED),
        target=S.REHANDLING,
        who=frozenset({STAFF}),
        label=gettext_lazy("Re-handle"),
        done=gettext_lazy("Re-handling opened"),
        summary="Open re-handling",
        timeline=_rehandle_line,
        inputs=(
            note(
                gettext_lazy("Why it is handled again"),
                required=True,
                blank=gettext_lazy("Say why the suggestion is handled again."),
            ),
        ),
    ),
    Action(
        "close",
        sources=_states(S.ANSWERED, S.REHANDLING),
        target=S.CLOSED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Close"),
        done=gettext_lazy("Closed"),
        summary="Close the suggestion with a note",
        rules=(Rule(_rating_window_passed),),
        confirm=gettext_lazy("Close this suggestion?"),
        inputs=(
            note(
                gettext_lazy("Closing note"),
                required=True,
                blank=gettext_lazy("Closing needs a note."),
            ),
        ),
    ),
    Action(
        "end_of_term",
        sources=_states(S.SUBMITTED, S.REGISTERED, *IN_HANDLING, S.ANSWERED),
        target=None,  # carried over (unchanged) or closed, by the rule chosen
        who=frozenset({STAFF}),
        label=gettext_lazy("Carry over or close at the end of the term"),
        done=gettext_lazy("Decided at the end of the term"),
        summary="Carry it over or close it at the end of the term",
        timeline=_term_line,
        inputs=(
            Choice(
                "rule",
                label=gettext_lazy("Rule"),
                radio=True,
                choices=[
                    ("carry_over", gettext_lazy("Carry over into the next term")),
                    ("close", gettext_lazy("Close")),
                ],
                blank=gettext_lazy("Choose carry over or close."),
            ),
            note(
                gettext_lazy("Under which rule"),
                required=True,
                blank=gettext_lazy("Say under which rule the item is carried over or closed."),
            ),
        ),
    ),
)
