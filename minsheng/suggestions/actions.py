"""The suggestion's actions, each declared once (DOMAIN.md §2; CONVENTIONS habit 16).

A declaration says from which states an action starts, where it leads, who may take it, the
rules that decide whether it is available (each with the refusal message it gives), the
sub-object it acts on (which unit's assignment, which reply, which request) and how that is
chosen, and its words: button, confirm question, timeline line, API summary. The buttons
(`workflow.allowed_actions`), refusals (`workflow.why_not`, the page's refusal), the page forms'
choices of sub-object, the API's summaries and its list of actions all read these. The typed
functions in `workflow.py` hold each action's own change and call the one runner.

Adding an action: declare it here and write its typed function (its change) in `workflow.py`;
its inputs are the page form `<Action>Form` in `forms.py` and the API body `<Action>In` in
`api/schemas.py`, both found by name. No other table lists actions.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.audit.models import Event
from minsheng.engine.actions import Action, Attempt, EventRecord, Registry, Rule, Subject
from minsheng.engine.errors import Conflict, Invalid, NotAllowed, WorkflowError
from minsheng.engine.states import StateTable
from minsheng.suggestions import deadlines
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    CoSigner,
    ExtensionRequest,
    JointOpinion,
    Reply,
    Suggestion,
)

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


# --- the event log and the row lock: the suggestion registry's two hooks ------------------------


def append_event(record: EventRecord) -> Event:
    """The one place a suggestion's event row is written (the hash-chained audit log)."""
    return audit_log.append(
        record.obj,
        part=record.part,
        actor=record.by,
        action=record.action,
        from_state=record.from_state,
        to_state=record.to_state,
        note=record.note,
        data=dict(record.data),
    )


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


# --- the sub-objects' own small state tables ------------------------------------------------------

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


# --- questions several rules ask --------------------------------------------------------------


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


# --- rules on the suggestion itself -------------------------------------------------------------


def _author(attempt: Try) -> str | None:
    s = attempt.obj
    if LEAD in attempt.caps or s.created_by_id == attempt.by.pk:
        return None
    return str(_("Only the lead deputy can submit this suggestion."))


def _cosigners_confirmed(attempt: Try) -> str | None:
    pending = attempt.obj.cosigners.filter(state=CoSigner.State.INVITED)
    if not pending.exists():
        return None
    names = "、".join(str(c.deputy) for c in pending.select_related("deputy__user"))
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


# --- timeline lines read from the event's data ----------------------------------------------------


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


# --- the declarations ----------------------------------------------------------------------------


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
    ),
    Action(
        "register",
        sources=_states(S.SUBMITTED),
        target=S.REGISTERED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Register"),
        done=gettext_lazy("Registered"),
        summary="Register the suggestion and give it its number",
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
    ),
    Action(
        "return_for_revision",
        sources=_states(S.SUBMITTED),
        target=S.RETURNED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Return for revision"),
        done=gettext_lazy("Returned for revision"),
        summary="Return it to the deputy for revision",
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
    ),
    Action(
        "assign",
        sources=_states(S.REGISTERED),
        target=S.ASSIGNED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Assign"),
        done=gettext_lazy("Assigned"),
        summary="Assign it to handling units",
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
    ),
)
