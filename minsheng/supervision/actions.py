"""Supervision's actions, each declared once on the shared engine (as the suggestions' are).

Three registries, one per kind of record:
- `KEY_ITEMS`: a key item's life (decide, drop, conclude), its supervisors and suggestions, and
  the supervision done on it (records and instructions);
- `ON_SUGGESTIONS`: supervision recorded on one suggestion outside any key item (a special
  committee over its counterpart units, a leader, the office). It logs on the suggestion's
  timeline without bumping the suggestion's version (`versioned=False`): supervising a
  suggestion does not change it, so the deputy's and the unit's open forms stay valid;
- `INSTRUCTIONS`: the unit's response to an instruction (批示).

The typed functions are in `workflow.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.engine.actions import Action, Attempt, Registry, Rule, Words
from minsheng.engine.inputs import Check, Choice, Day, Files, Flag, Line, Ref, Text
from minsheng.people.models import Organisation, Role, User
from minsheng.suggestions.actions import REGISTRY as SUGGESTIONS
from minsheng.suggestions.actions import SuggestionRef
from minsheng.suggestions.models import Suggestion
from minsheng.supervision import permissions as perms
from minsheng.supervision.models import Instruction, KeyItem, Record, Supervisor, Tier

K = KeyItem.State
STAFF, SUPERVISOR, LEADER = perms.STAFF, perms.SUPERVISOR, perms.LEADER
COMMITTEE, UNIT, OWNER = perms.COMMITTEE, perms.UNIT, perms.OWNER
SUPERVISES = frozenset({STAFF, SUPERVISOR, LEADER, COMMITTEE, OWNER})

# Sent after a supervision action commits: receivers (notifications) get the record and event.
supervision_changed = Signal()


def today() -> datetime.date:
    return timezone.localdate()


def _notify(obj: Any, event: Any) -> None:
    supervision_changed.send(sender=type(obj), obj=obj, event=event)


def _lock_key_item(pk: int) -> KeyItem:
    return (
        KeyItem.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "lead_unit", "owner_unit")
        .get(pk=pk)
    )


def _lock_suggestion(pk: int) -> Suggestion:
    return Suggestion.objects.select_for_update(of=("self",)).get(pk=pk)


KEY_ITEMS: Registry[KeyItem] = Registry(
    model=KeyItem,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_key_item,
    other_events={
        "create": gettext_lazy("Proposed as a key item"),
        "documents": gettext_lazy("Added supervision papers"),
        "responded": gettext_lazy("The unit responded to an instruction"),
    },
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this key item."),
        stale=gettext_lazy(
            "Someone else changed this key item while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the key item is “%(state)s”."),
    ),
)
ON_SUGGESTIONS: Registry[Suggestion] = Registry(
    model=Suggestion,
    capacities=perms.suggestion_capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_suggestion,
    versioned=False,
)
INSTRUCTIONS: Registry[Instruction] = Registry(
    model=Instruction,
    capacities=perms.instruction_capacities,
    append=audit_log.append_record,
    notify=_notify,
    words=Words(
        not_allowed=gettext_lazy(
            "Only the clerks and heads of the unit it is addressed to respond."
        ),
        stale=gettext_lazy(
            "Someone else changed this instruction while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the instruction is “%(state)s”."),
    ),
)

# The suggestion's timeline names the supervision logged on it.
SUGGESTIONS.other_events.update(
    {
        "supervise": gettext_lazy("Supervision recorded"),
        "instruct": gettext_lazy("Supervision instruction given"),
        "responded": gettext_lazy("The unit responded to an instruction"),
        "key_item": gettext_lazy("Chosen for key supervision"),
        "documents": gettext_lazy("Added supervision papers"),
    }
)

Try = Attempt[Any]


# --- inputs ------------------------------------------------------------------------------------


def _item(attempt: Try) -> KeyItem | None:
    return attempt.obj if isinstance(attempt.obj, KeyItem) else None


def units_of(attempt: Try) -> QuerySet[Organisation]:
    """The units a supervision act may address: the key item's units, or the suggestion's
    active assignments' units."""
    item = _item(attempt)
    if item is not None:
        ids = attempt.cached("units", lambda: perms.unit_ids_on(item))
    else:
        ids = set(
            attempt.obj.assignments.exclude(state="cancelled").values_list("unit_id", flat=True)
        )
    return Organisation.objects.filter(pk__in=ids).order_by("sort_order", "name")


def member_suggestions(attempt: Try) -> QuerySet[Suggestion]:
    item = _item(attempt)
    if item is None:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.visible_to(attempt.by)
        .filter(key_memberships__key_item=item)
        .order_by("series", "number", "pk")
    )


def _supervisor_people(attempt: Try) -> QuerySet[User]:
    """Who may be named a supervisor: people of the congress holding a supervisor, committee,
    deputy, staff, clerk or head role."""
    roles = Role.objects.filter(
        jurisdiction_id=attempt.obj.jurisdiction_id,
        kind__in=["supervisor", "committee", "deputy", "staff", "clerk", "head"],
    )
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by(
        "real_name", "pk"
    )


def _person(user: Any) -> str:
    return str(getattr(user, "display_name", None) or user)


def _suggestion_label(s: Any) -> str:
    return f"{s.display_number} {s.title}" if getattr(s, "number", None) else str(s.title)


def _not_in_future(name: str, message: Any) -> Check:
    def test(values: Mapping[str, Any], attempt: Try) -> str | None:
        day = values.get(name)
        return str(message) if day is not None and day > today() else None

    return Check(name, test)


def _channel_for_reminders(values: Mapping[str, Any], attempt: Try) -> str | None:
    if values.get("kind") == Record.Kind.REMINDER and not values.get("channel"):
        return str(_("Say how the reminder was given: in person, by phone or by letter."))
    return None


def _attachments() -> Any:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField()


# Papers of a record or of the council's decision (page only; stored after the action).
FILES = Files("attachments", field=_attachments)

RECORD_INPUTS = (
    Choice(
        "kind",
        label=gettext_lazy("What was done"),
        choices=Record.Kind.choices,
        radio=True,
        blank=gettext_lazy("Choose what kind of supervision was done."),
    ),
    Choice(
        "channel",
        label=gettext_lazy("How the reminder was given"),
        choices=Record.Channel.choices,
        required=False,
        blank_label=gettext_lazy("— not a reminder —"),
        doc="For a reminder: in_person, phone or letter.",
    ),
    Day("happened_on", label=gettext_lazy("Date"), initial=lambda t: today()),
    Line(
        "participants",
        label=gettext_lazy("Participants"),
        max_length=300,
        blank=gettext_lazy("Say who took part."),
    ),
    Text("notes", label=gettext_lazy("Notes"), rows=4, blank=gettext_lazy("Write what was done.")),
    FILES,
    Ref(
        "unit",
        label=gettext_lazy("Unit concerned"),
        required=False,
        options=units_of,
        describe=lambda u: str(u.name),
        unknown=gettext_lazy("Unit %(id)s has no part in this."),
        doc="The unit (id) the supervision concerned.",
    ),
)


RECORD_CHECKS = (
    Check("channel", _channel_for_reminders),
    _not_in_future("happened_on", gettext_lazy("The date cannot be in the future.")),
)

INSTRUCTION_INPUTS = (
    Ref(
        "unit",
        label=gettext_lazy("To which unit"),
        options=units_of,
        describe=lambda u: str(u.name),
        unknown=gettext_lazy("Unit %(id)s has no part in this."),
        blank=gettext_lazy("Choose the unit the instruction is for."),
    ),
    Text(
        "text",
        label=gettext_lazy("Instruction"),
        rows=4,
        blank=gettext_lazy("Write the instruction."),
    ),
    Flag(
        "is_complex",
        label=gettext_lazy("Complex: a result within a month (otherwise done within 7 days)"),
        doc="Complex instructions are due in a month, ordinary ones in 7 days (the 710 rule).",
    ),
)


def _member_ref() -> Ref:
    return Ref(
        "suggestion",
        label=gettext_lazy("About which suggestion"),
        required=False,
        options=member_suggestions,
        describe=_suggestion_label,
        unknown=gettext_lazy("Suggestion %(id)s is not part of this key item."),
        doc="One of the key item's suggestions (id), when it concerns one.",
    )


class KeyItemSuggestionRef(SuggestionRef):
    """A suggestion to add to a key item: registered or later, not already in it."""

    def _visible(self, attempt: Try) -> QuerySet[Suggestion]:
        item = attempt.obj
        return (
            Suggestion.objects.visible_to(attempt.by)
            .filter(jurisdiction_id=item.jurisdiction_id, registered_at__isnull=False)
            .exclude(state__in=["withdrawn", "declined", "merged"])
            .exclude(key_memberships__key_item=item)
        )


# --- rules -------------------------------------------------------------------------------------


def _members_answered(attempt: Try) -> str | None:
    open_ = attempt.obj.suggestions.filter(state__in=Suggestion.IN_HANDLING).count()
    if open_:
        return str(
            _("%(n)s of its suggestions are still being handled; conclude once they are answered.")
            % {"n": open_}
        )
    return None


def _no_open_instructions(attempt: Try) -> str | None:
    n = attempt.obj.instructions.open().count()
    if n:
        return str(_("%(n)s instructions still wait for the unit's response.") % {"n": n})
    return None


def _in_handling(attempt: Try) -> str | None:
    if attempt.obj.state not in Suggestion.IN_HANDLING:
        return str(_("Instructions are given while the suggestion is being handled."))
    return None


def _not_confidential(attempt: Try) -> str | None:
    if attempt.obj.is_confidential and STAFF not in attempt.caps:
        return str(_("Confidential suggestions are supervised by the congress office only."))
    return None


def _decided_by(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("decided_on")
    if day is not None and day > today():
        return str(_("The decision date cannot be in the future."))
    return None


# --- the declarations --------------------------------------------------------------------------

OPEN_ITEM = frozenset({K.PROPOSED, K.SUPERVISING})

KEY_ITEMS.declare(
    Action(
        "decide",
        sources=frozenset({K.PROPOSED}),
        target=K.SUPERVISING,
        who=frozenset({STAFF}),
        label=gettext_lazy("Record the council's decision"),
        done=gettext_lazy("Chosen by the chair's council"),
        summary="Record the chair's council's decision: supervision starts",
        inputs=(
            Day("decided_on", label=gettext_lazy("Decided on"), initial=lambda t: today()),
            Line(
                "decision_number",
                label=gettext_lazy("Document number"),
                max_length=60,
                required=False,
                help=gettext_lazy("Such as 常办字〔2027〕3号."),
            ),
            Text("note", label=gettext_lazy("Note"), rows=2, required=False),
            FILES,
        ),
        checks=(Check("decided_on", _decided_by),),
    ),
    Action(
        "drop",
        sources=frozenset({K.PROPOSED}),
        target=K.DROPPED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Not chosen"),
        done=gettext_lazy("Not chosen by the chair's council"),
        summary="Record that the council did not choose it",
        inputs=(Text("note", label=gettext_lazy("Why"), blank=gettext_lazy("Say why.")),),
        confirm=gettext_lazy("Record that the council did not choose this item?"),
        danger=True,
    ),
    Action(
        "conclude",
        sources=frozenset({K.SUPERVISING}),
        target=K.CONCLUDED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Conclude"),
        done=gettext_lazy("Supervision concluded"),
        summary="Conclude the supervision with a summary",
        rules=(
            Rule(_members_answered, offered=True),
            Rule(_no_open_instructions, offered=True),
        ),
        inputs=(
            Text(
                "summary",
                label=gettext_lazy("Conclusion"),
                rows=5,
                blank=gettext_lazy("Write the conclusion: what was solved, what remains."),
            ),
        ),
        confirm=gettext_lazy("Conclude the supervision of this item?"),
    ),
    Action(
        "add_supervisor",
        sources=OPEN_ITEM,
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Add a supervisor"),
        done=gettext_lazy("Added a supervisor"),
        summary="Name a supervisor at a tier",
        inputs=(
            Ref(
                "user",
                label=gettext_lazy("Who"),
                options=_supervisor_people,
                describe=_person,
                unknown=gettext_lazy("Person %(id)s has no role in this congress."),
                blank=gettext_lazy("Choose who supervises."),
            ),
            Ref(
                "tier",
                label=gettext_lazy("Tier"),
                options=lambda t: Tier.objects.all(),
                unknown=gettext_lazy("No tier %(id)s."),
                blank=gettext_lazy("Choose the tier."),
            ),
            Choice(
                "duty",
                label=gettext_lazy("Duty"),
                choices=Supervisor.Duty.choices,
                blank=gettext_lazy("Choose the duty."),
            ),
        ),
    ),
    Action(
        "add_suggestion",
        sources=OPEN_ITEM,
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Add a suggestion"),
        done=gettext_lazy("Added a suggestion"),
        summary="Add a suggestion to the key item",
        inputs=(
            KeyItemSuggestionRef(
                "suggestion",
                label=gettext_lazy("Suggestion"),
                help=gettext_lazy("Its number in this session (such as 第0012号), or #id."),
                doc="Id of a registered suggestion of the same congress.",
            ),
        ),
    ),
    Action(
        "supervise",
        sources=frozenset({K.SUPERVISING}),
        target=None,
        who=SUPERVISES,
        label=gettext_lazy("Record supervision"),
        done=gettext_lazy("Supervision recorded"),
        summary="Record a visit, inquiry, meeting or reminder",
        inputs=(*RECORD_INPUTS, _member_ref()),
        checks=RECORD_CHECKS,
    ),
    Action(
        "instruct",
        sources=frozenset({K.SUPERVISING}),
        target=None,
        who=frozenset({STAFF, SUPERVISOR, LEADER, OWNER}),
        label=gettext_lazy("Give an instruction"),
        done=gettext_lazy("Instruction given"),
        summary="Give a written instruction (批示) a unit must respond to",
        inputs=(*INSTRUCTION_INPUTS, _member_ref()),
    ),
)

ON_SUGGESTIONS.declare(
    Action(
        "supervise",
        sources=frozenset({*Suggestion.IN_HANDLING, Suggestion.State.ANSWERED}),
        target=None,
        who=frozenset({STAFF, LEADER, COMMITTEE}),
        label=gettext_lazy("Record supervision"),
        done=gettext_lazy("Supervision recorded"),
        summary="Record supervision of this suggestion",
        rules=(Rule(_not_confidential),),
        inputs=RECORD_INPUTS,
        checks=RECORD_CHECKS,
    ),
    Action(
        "instruct",
        sources=frozenset(Suggestion.IN_HANDLING),
        target=None,
        who=frozenset({STAFF, LEADER, COMMITTEE}),
        label=gettext_lazy("Give an instruction"),
        done=gettext_lazy("Supervision instruction given"),
        summary="Give a written instruction (批示) to a unit handling it",
        rules=(Rule(_not_confidential), Rule(_in_handling)),
        inputs=INSTRUCTION_INPUTS,
    ),
)


def _open_instruction(attempt: Try) -> str | None:
    if attempt.obj.state != Instruction.State.OPEN:
        return str(_("The unit has already responded."))
    return None


INSTRUCTIONS.declare(
    Action(
        "respond",
        sources=frozenset({Instruction.State.OPEN}),
        target=Instruction.State.RESPONDED,
        who=frozenset({UNIT}),
        label=gettext_lazy("Respond"),
        done=gettext_lazy("The unit responded"),
        summary="The unit's response to the instruction",
        inputs=(
            Text(
                "response",
                label=gettext_lazy("Your unit's response"),
                rows=4,
                blank=gettext_lazy("Write the response: what your unit did."),
            ),
            FILES,
        ),
    ),
)
