"""Supervision's typed functions: each holds its action's own change and hands it to the one
runner (`minsheng.engine.actions.run`), which checks the declaration in `actions.py` (who,
state, rules, inputs), saves, logs one event and notifies on commit."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit import log as audit_log
from minsheng.engine import actions as engine
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import RuleSet, Suggestion
from minsheng.supervision.actions import INSTRUCTIONS, KEY_ITEMS, ON_SUGGESTIONS
from minsheng.supervision.models import (
    Instruction,
    KeyItem,
    KeyItemSuggestion,
    Record,
    Supervisor,
    Tier,
)
from minsheng.workcalendar import work_calendar

Try = engine.Attempt[Any]


def _today() -> datetime.date:
    return timezone.localdate()


def _on_suggestion(
    s: Suggestion | None, by: User, action: str, note: str, data: dict[str, Any]
) -> None:
    """The same act on the suggestion's own timeline (its version is not bumped)."""
    if s is None:
        return
    audit_log.append(
        s, actor=by, action=action, from_state=s.state, to_state=s.state, note=note, data=data
    )


# --- key items ---------------------------------------------------------------------------------


def propose(
    *,
    by: User,
    jurisdiction_id: int,
    title: str,
    year: int,
    kind: str = KeyItem.Kind.TOPIC,
    description: str = "",
    lead_unit: Organisation | None = None,
    owner_unit: Organisation | None = None,
    is_complex: bool = False,
    suggestions: Iterable[Suggestion] = (),
) -> KeyItem:
    """Staff propose a key item (the council decides); a unit marks its own internal one."""
    internal = kind == KeyItem.Kind.INTERNAL
    if internal:
        if owner_unit is None or owner_unit.pk not in people.unit_ids(by):
            raise NotAllowed(_("Only a unit's clerks and heads mark its internal key items."))
    elif not people.is_staff_of(by, jurisdiction_id):
        raise NotAllowed(_("Only congress staff propose key items."))
    if not title.strip():
        raise Invalid(_("A key item needs a title."))
    members = list(suggestions)
    for s in members:
        if s.jurisdiction_id != jurisdiction_id or s.registered_at is None:
            raise Invalid(_("Only registered suggestions of this congress can be key items."))
    if kind == KeyItem.Kind.SUGGESTION and len(members) != 1:
        raise Invalid(_("A key suggestion is exactly one suggestion; choose a topic for more."))
    with transaction.atomic():
        item = KeyItem.objects.create(
            jurisdiction_id=jurisdiction_id,
            year=year,
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            lead_unit=lead_unit,
            owner_unit=owner_unit if internal else None,
            is_complex=is_complex,
            proposed_by=by,
        )
        for s in members:
            KeyItemSuggestion.objects.create(key_item=item, suggestion=s)
        if internal:
            # A unit's own item needs no council: it is supervised from the start.
            _start(item, _today())
        KEY_ITEMS.record(
            item,
            "create",
            by,
            from_state="",
            to_state=item.state,
            data={"suggestions": [s.pk for s in members], "kind": kind},
        )
    return item


def _start(item: KeyItem, on: datetime.date) -> None:
    rules = RuleSet.rules_for(item.jurisdiction_id)
    cal = work_calendar()
    due = rules.clearance(item.year)
    if due < on:
        due = rules.clearance(on.year)
    yellow = deadlines.yellow_from(due, rules, cal)
    item.state = KeyItem.State.SUPERVISING
    item.decided_on = on
    item.due, item.warn_from, item.due_uncertain = due, yellow.date, yellow.uncertain
    item.save(update_fields=["state", "decided_on", "due", "warn_from", "due_uncertain"])


def _run(
    registry: Any,
    action: str,
    obj: Any,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
    pick: Any = None,
) -> Any:
    return engine.run(
        registry,
        action,
        obj,
        by=by,
        change=change,
        expected_version=expected_version,
        pick=pick,
        inputs=inputs,
    )


def decide(
    item: KeyItem | int,
    *,
    by: User,
    decided_on: datetime.date,
    decision_number: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> KeyItem:
    def change(t: Try) -> KeyItem:
        k: KeyItem = t.obj
        rules = RuleSet.rules_for(k.jurisdiction_id)
        due = rules.clearance(k.year)
        if due < decided_on:
            due = rules.clearance(decided_on.year)
        yellow = deadlines.yellow_from(due, rules, work_calendar())
        t.set(
            decided_on=decided_on,
            decision_number=decision_number.strip(),
            due=due,
            warn_from=yellow.date,
            due_uncertain=yellow.uncertain,
        )
        t.log(
            note=note.strip(),
            data={"number": decision_number.strip(), "decided_on": decided_on.isoformat()},
        )
        members = list(k.suggestions.all())

        def tell_members() -> None:
            for s in members:
                _on_suggestion(s, by, "key_item", k.title, {"key_item": k.pk})

        t.after(tell_members)
        return k

    inputs = {"decided_on": decided_on, "decision_number": decision_number, "note": note}
    result: KeyItem = _run(KEY_ITEMS, "decide", item, by, change, expected_version, inputs)
    return result


def drop(
    item: KeyItem | int, *, by: User, note: str, expected_version: int | None = None
) -> KeyItem:
    def change(t: Try) -> KeyItem:
        t.log(note=note.strip())
        return t.obj

    result: KeyItem = _run(KEY_ITEMS, "drop", item, by, change, expected_version, {"note": note})
    return result


def conclude(
    item: KeyItem | int, *, by: User, summary: str, expected_version: int | None = None
) -> KeyItem:
    def change(t: Try) -> KeyItem:
        t.set(summary=summary.strip(), concluded_at=timezone.now())
        t.log(note=summary.strip())
        return t.obj

    result: KeyItem = _run(
        KEY_ITEMS, "conclude", item, by, change, expected_version, {"summary": summary}
    )
    return result


def add_supervisor(
    item: KeyItem | int,
    *,
    by: User,
    user: User,
    tier: Tier,
    duty: str,
    expected_version: int | None = None,
) -> Supervisor:
    def change(t: Try) -> Supervisor:
        k: KeyItem = t.obj
        if k.supervisors.filter(user=user, tier=tier).exists():
            raise Invalid(
                _("%(name)s already supervises this item at that tier.")
                % {"name": user.display_name}
            )
        row = Supervisor.objects.create(key_item=k, user=user, tier=tier, duty=duty)
        t.log(
            note=str(user.display_name), data={"user": user.pk, "tier": tier.number, "duty": duty}
        )
        return row

    inputs = {"user": user, "tier": tier, "duty": duty}
    result: Supervisor = _run(
        KEY_ITEMS, "add_supervisor", item, by, change, expected_version, inputs
    )
    return result


def add_suggestion(
    item: KeyItem | int, *, by: User, suggestion: Suggestion, expected_version: int | None = None
) -> KeyItem:
    def change(t: Try) -> KeyItem:
        k: KeyItem = t.obj
        if suggestion.jurisdiction_id != k.jurisdiction_id or suggestion.registered_at is None:
            raise Invalid(_("Only registered suggestions of this congress can be key items."))
        if k.kind == KeyItem.Kind.SUGGESTION and k.members.exists():
            raise Invalid(_("A key suggestion is exactly one suggestion; choose a topic for more."))
        _member, created = KeyItemSuggestion.objects.get_or_create(
            key_item=k, suggestion=suggestion
        )
        if not created:
            raise Invalid(_("The suggestion is already part of this key item."))
        t.log(note=suggestion.title, data={"suggestion": suggestion.pk})
        if k.state == KeyItem.State.SUPERVISING:
            t.after(lambda: _on_suggestion(suggestion, by, "key_item", k.title, {"key_item": k.pk}))
        return k

    result: KeyItem = _run(
        KEY_ITEMS, "add_suggestion", item, by, change, expected_version, {"suggestion": suggestion}
    )
    return result


# --- records and instructions (on a key item or on one suggestion) -----------------------------


def _record_change(
    kind: str,
    channel: str,
    happened_on: datetime.date,
    participants: str,
    notes: str,
    unit: Organisation | None,
    suggestion: Suggestion | None,
    by: User,
) -> Callable[[Try], Record]:
    def change(t: Try) -> Record:
        obj = t.obj
        on_item = isinstance(obj, KeyItem)
        target = suggestion if on_item else obj
        row = Record.objects.create(
            jurisdiction_id=obj.jurisdiction_id,
            key_item=obj if on_item else None,
            suggestion=target,
            unit=unit,
            kind=kind,
            channel=channel if kind == Record.Kind.REMINDER else "",
            happened_on=happened_on,
            participants=participants.strip(),
            notes=notes.strip(),
            recorded_by=by,
        )
        data = {
            "record": row.pk,
            "kind": kind,
            "channel": row.channel,
            "date": happened_on.isoformat(),
            "unit": str(unit or ""),
        }
        t.log(note=notes.strip(), data=data, part=row)
        if on_item and target is not None:
            t.after(
                lambda: _on_suggestion(
                    target, by, "supervise", notes.strip(), {**data, "key_item": obj.pk}
                )
            )
        return row

    return change


def supervise(
    obj: KeyItem | Suggestion,
    *,
    by: User,
    kind: str,
    happened_on: datetime.date,
    participants: str,
    notes: str,
    channel: str = "",
    unit: Organisation | None = None,
    suggestion: Suggestion | None = None,
    expected_version: int | None = None,
) -> Record:
    """Record a visit, inquiry, meeting or reminder on a key item (optionally about one of its
    suggestions) or on one suggestion."""
    registry = KEY_ITEMS if isinstance(obj, KeyItem) else ON_SUGGESTIONS
    inputs: dict[str, Any] = {
        "kind": kind,
        "channel": channel,
        "happened_on": happened_on,
        "participants": participants,
        "notes": notes,
        "unit": unit,
    }
    if registry is KEY_ITEMS:
        inputs["suggestion"] = suggestion
    change = _record_change(kind, channel, happened_on, participants, notes, unit, suggestion, by)
    version = expected_version if registry is KEY_ITEMS else None
    result: Record = _run(registry, "supervise", obj, by, change, version, inputs)
    return result


def instruct(
    obj: KeyItem | Suggestion,
    *,
    by: User,
    unit: Organisation,
    text: str,
    is_complex: bool = False,
    suggestion: Suggestion | None = None,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Instruction:
    """A written instruction (批示) a unit must respond to by its 710 due date."""
    registry = KEY_ITEMS if isinstance(obj, KeyItem) else ON_SUGGESTIONS
    issued = on or _today()

    def change(t: Try) -> Instruction:
        o = t.obj
        on_item = isinstance(o, KeyItem)
        target = suggestion if on_item else o
        rules = RuleSet.rules_for(o.jurisdiction_id)
        cal = work_calendar()
        due = deadlines.instruction_due(issued, is_complex, rules, cal)
        yellow = deadlines.yellow_from(due.date, rules, cal)
        row = Instruction.objects.create(
            jurisdiction_id=o.jurisdiction_id,
            key_item=o if on_item else None,
            suggestion=target,
            unit=unit,
            text=text.strip(),
            issued_by=by,
            issued_on=issued,
            is_complex=is_complex,
            due=due.date,
            warn_from=max(yellow.date, issued),
            due_uncertain=due.uncertain or yellow.uncertain,
        )
        data = {
            "instruction": row.pk,
            "unit": str(unit),
            "due": due.date.isoformat(),
            "complex": is_complex,
        }
        t.log(note=text.strip(), data=data, part=row)
        if on_item and target is not None:
            t.after(
                lambda: _on_suggestion(
                    target, by, "instruct", text.strip(), {**data, "key_item": o.pk}
                )
            )
        return row

    inputs: dict[str, Any] = {"unit": unit, "text": text, "is_complex": is_complex}
    if registry is KEY_ITEMS:
        inputs["suggestion"] = suggestion
    version = expected_version if registry is KEY_ITEMS else None
    result: Instruction = _run(registry, "instruct", obj, by, change, version, inputs)
    return result


def respond(
    instruction: Instruction | int, *, by: User, response: str, expected_version: int | None = None
) -> Instruction:
    """The unit's response; the key item's and the suggestion's timelines show it too."""

    def change(t: Try) -> Instruction:
        row: Instruction = t.obj
        t.set(response=response.strip(), responded_by=by, responded_at=timezone.now())
        t.log(note=response.strip(), data={"unit": str(row.unit)})
        data = {"instruction": row.pk, "unit": str(row.unit)}
        if row.key_item_id:
            item = KeyItem.objects.get(pk=row.key_item_id)
            t.after(
                lambda: audit_log.append(
                    item,
                    actor=by,
                    action="responded",
                    from_state=item.state,
                    to_state=item.state,
                    note=response.strip(),
                    data=data,
                    part=row,
                )
            )
        if row.suggestion_id:
            s = Suggestion.objects.get(pk=row.suggestion_id)
            t.after(lambda: _on_suggestion(s, by, "responded", response.strip(), data))
        return row

    result: Instruction = _run(
        INSTRUCTIONS, "respond", instruction, by, change, expected_version, {"response": response}
    )
    return result


# The typed function of every declared action, by registry and name.
KEY_ITEM_ACTIONS: dict[str, Callable[..., Any]] = {
    "decide": decide,
    "drop": drop,
    "conclude": conclude,
    "add_supervisor": add_supervisor,
    "add_suggestion": add_suggestion,
    "supervise": supervise,
    "instruct": instruct,
}
SUGGESTION_ACTIONS: dict[str, Callable[..., Any]] = {"supervise": supervise, "instruct": instruct}
INSTRUCTION_ACTIONS: dict[str, Callable[..., Any]] = {"respond": respond}
assert set(KEY_ITEM_ACTIONS) == set(KEY_ITEMS.actions)
assert set(SUGGESTION_ACTIONS) == set(ON_SUGGESTIONS.actions)
assert set(INSTRUCTION_ACTIONS) == set(INSTRUCTIONS.actions)
