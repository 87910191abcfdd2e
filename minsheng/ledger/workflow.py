"""The ledger's typed functions: each holds its action's own change and hands it to the one
runner (`minsheng.engine.actions.run`), which checks the declaration in `actions.py` (who,
state, rules, inputs), saves, logs one event and notifies on commit.

The derived figures (progress, next deadline, warning date, done date) are recomputed by
`refresh` inside the same transaction as the change that moves them, and rolled up the chain
of parents, so a list shows them from stored, indexed columns."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.engine import actions as engine
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import changes as change_log
from minsheng.ledger import permissions as perms
from minsheng.ledger import progress
from minsheng.ledger.actions import CHANGEABLE, ITEMS
from minsheng.ledger.models import ChangeRequest, Evidence, LedgerItem, Milestone, ProgressUpdate
from minsheng.people.models import Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions.attachments import save_upload
from minsheng.suggestions.models import Reply, RuleSet, Suggestion
from minsheng.workcalendar import work_calendar

Try = engine.Attempt[Any]


def _today() -> datetime.date:
    return timezone.localdate()


# --- derived figures ---------------------------------------------------------------------------


def pace_due(item: LedgerItem) -> deadlines.Due:
    """The 710 due date: 7 days or a month from the start (never past the year's clearance
    day), or the clearance day of the item's year."""
    if item.kind == LedgerItem.Kind.COMMITMENT and item.ends_on is not None:
        # A B commitment is due on the target date its reply promised: a date the unit
        # chose, kept as chosen (not a period), and not cut to the year's clearance day.
        return deadlines.Due(item.ends_on, False)
    rules = RuleSet.rules_for(item.jurisdiction_id)
    cal = work_calendar()
    if item.pace == LedgerItem.Pace.YEAR:
        clear = rules.clearance(max(item.year, item.starts_on.year))
        return deadlines.period_end(clear, cal)
    return deadlines.instruction_due(
        item.starts_on, item.pace == LedgerItem.Pace.COMPLEX, rules, cal
    )


def _derive(item: LedgerItem) -> progress.Derived:
    steps = [
        progress.Step(m.title, m.due, m.weight, m.done_on is not None)
        for m in item.milestones.all()
    ]
    children = list(
        item.children.values_list(
            "weight", "progress", "due", "reported_on", "done_on", "state", "all_stopped"
        )
    )
    if children:
        own = progress.next_deadline(steps, item.ends_on, item.pace_due) if steps else None
        return progress.roll_up(
            [
                progress.Child(w, p, d, r, done, state == LedgerItem.State.STOPPED or stopped)
                for w, p, d, r, done, state, stopped in children
            ],
            own_due=own,
        )
    last = item.updates.order_by("-on", "-pk").values_list("percent", "on").first()
    reported, reported_on = last if last else (None, None)
    done_on = item.done_on
    if done_on is None and steps and all(s.done for s in steps):
        done_on = max(m.done_on for m in item.milestones.all() if m.done_on)
    return progress.leaf(
        steps=steps,
        reported=reported,
        reported_on=reported_on,
        done_on=done_on,
        ends_on=item.ends_on,
        pace_due=item.pace_due,
    )


DERIVED = ("pace_due", "progress", "due", "warn_from", "due_uncertain", "reported_on", "done_on")


def _apply_derived(item: LedgerItem) -> list[str]:
    """Recompute the item's stored figures in place; the names of those that changed."""
    due = pace_due(item)
    before = {name: getattr(item, name) for name in (*DERIVED, "all_stopped")}
    item.pace_due = due.date
    found = _derive(item)
    item.progress, item.due = found.progress, found.due
    item.reported_on, item.done_on, item.all_stopped = (
        found.reported_on,
        found.done_on,
        found.all_stopped,
    )
    if found.due is not None:
        rules = RuleSet.rules_for(item.jurisdiction_id)
        yellow = deadlines.yellow_from(found.due, rules, work_calendar())
        item.warn_from, item.due_uncertain = yellow.date, yellow.uncertain or due.uncertain
    else:
        item.warn_from, item.due_uncertain = None, False
    return [name for name, old in before.items() if getattr(item, name) != old]


def refresh(item: LedgerItem, attempt: Try | None = None) -> None:
    """Recompute the item's figures (saved with the action when there is one), then its
    parents', each parent locked while it is recomputed."""
    changed = _apply_derived(item)
    if attempt is not None:
        attempt.set(**{name: getattr(item, name) for name in changed})
        if item.parent_id is not None and attempt.update_fields:
            # The runner saves the row after the change; the parents roll up from the
            # database, so they must see it now.
            item.save(update_fields=attempt.update_fields)
    elif changed:
        item.save(update_fields=changed)
    parent_id = item.parent_id
    while parent_id is not None:
        parent = LedgerItem.objects.select_for_update().get(pk=parent_id)
        moved = _apply_derived(parent)
        if moved:
            parent.save(update_fields=moved)
        parent_id = parent.parent_id


# --- creating an item --------------------------------------------------------------------------


def _check(errors: Sequence[progress.PlanError]) -> None:
    if errors:
        raise Invalid(errors[0].message)


def create_item(
    *,
    by: User,
    jurisdiction_id: int,
    kind: str,
    title: str,
    year: int,
    starts_on: datetime.date,
    owner: User | None = None,
    parent: LedgerItem | None = None,
    description: str = "",
    ends_on: datetime.date | None = None,
    pace: str = LedgerItem.Pace.YEAR,
    source: str = LedgerItem.Source.PLAN,
    source_suggestion: Suggestion | None = None,
    source_note: str = "",
    responsible_unit: Organisation | None = None,
    responsible_person: str = "",
    lead_leader: str = "",
    leader_in_charge: str = "",
    co_units: Iterable[Organisation] = (),
    budget: decimal.Decimal | None = None,
    location: str = "",
    weight: int = 1,
    milestones: str | Sequence[progress.Step] = "",
) -> LedgerItem:
    """Staff enter an item in the ledger (with its milestones), under a parent if given."""
    if not perms.can_create(by, jurisdiction_id):
        raise NotAllowed(_("Only congress staff enter items in the ledger."))
    return enter_item(
        by=by,
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        title=title,
        year=year,
        starts_on=starts_on,
        owner=owner,
        parent=parent,
        description=description,
        ends_on=ends_on,
        pace=pace,
        source=source,
        source_suggestion=source_suggestion,
        source_note=source_note,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        lead_leader=lead_leader,
        leader_in_charge=leader_in_charge,
        co_units=co_units,
        budget=budget,
        location=location,
        weight=weight,
        milestones=milestones,
    )


def enter_item(
    *,
    by: User,
    jurisdiction_id: int,
    kind: str,
    title: str,
    year: int,
    starts_on: datetime.date,
    owner: User | None = None,
    parent: LedgerItem | None = None,
    description: str = "",
    ends_on: datetime.date | None = None,
    pace: str = LedgerItem.Pace.YEAR,
    source: str = LedgerItem.Source.PLAN,
    source_suggestion: Suggestion | None = None,
    source_reply: Reply | None = None,
    source_note: str = "",
    responsible_unit: Organisation | None = None,
    responsible_person: str = "",
    lead_leader: str = "",
    leader_in_charge: str = "",
    co_units: Iterable[Organisation] = (),
    budget: decimal.Decimal | None = None,
    location: str = "",
    weight: int = 1,
    milestones: str | Sequence[progress.Step] = "",
) -> LedgerItem:
    """Enter an item without asking who `by` is: the internal path for items the system
    enters on someone's act (a B commitment when its reply is signed, `commitments.py`).
    Every other check of `create_item` applies."""
    if not title.strip():
        raise Invalid(_("A ledger item needs a title."))
    if kind not in LedgerItem.Kind.values:
        raise Invalid(_("Choose the kind of item from the list."))
    if pace not in LedgerItem.Pace.values:
        raise Invalid(_("Choose the 710 class from the list."))
    if budget is not None and budget < 0:
        raise Invalid(_("The budget cannot be negative."))
    if not 0 <= weight <= 1000:
        raise Invalid(_("The weight in the parent item must be between 0 and 1000."))
    steps = progress.parse_milestones(milestones) if isinstance(milestones, str) else milestones
    _check(progress.check_plan(starts_on=starts_on, ends_on=ends_on, steps=steps))
    units = list(co_units)
    for unit in [responsible_unit, *units]:
        if unit is not None and unit.jurisdiction_id != jurisdiction_id:
            raise Invalid(_("The units must be handling units of this congress."))
    if parent is not None:
        if parent.jurisdiction_id != jurisdiction_id:
            raise Invalid(_("A sub-item belongs to the same congress as its parent."))
        if parent.updates.exists():
            raise Conflict(
                _("Progress was already reported on this item itself; it cannot get sub-items.")
            )
    if source_suggestion is not None and source_suggestion.jurisdiction_id != jurisdiction_id:
        raise Invalid(_("The source suggestion belongs to another congress."))
    with transaction.atomic():
        item = LedgerItem(
            jurisdiction_id=jurisdiction_id,
            parent=parent,
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            year=year,
            source=source,
            source_suggestion=source_suggestion,
            source_reply=source_reply,
            source_note=source_note.strip(),
            lead_leader=lead_leader.strip(),
            leader_in_charge=leader_in_charge.strip(),
            responsible_unit=responsible_unit,
            responsible_person=responsible_person.strip(),
            owner=owner or by,
            budget=budget,
            location=location.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            pace=pace,
            weight=weight,
            created_by=by,
        )
        item.pace_due = pace_due(item).date
        item.save()
        if units:
            item.co_units.set(units)
        Milestone.objects.bulk_create(
            Milestone(item=item, title=s.title, due=s.due, weight=s.weight, position=n)
            for n, s in enumerate(steps)
        )
        refresh(item)
        ITEMS.record(
            item,
            "create",
            by,
            from_state="",
            to_state=item.state,
            data={"values": change_log.current(item), "parent": parent.pk if parent else None},
        )
        if parent is not None:
            parent_row = LedgerItem.objects.get(pk=parent.pk)
            ITEMS.record(
                parent_row,
                "child_added",
                by,
                from_state=parent_row.state,
                to_state=parent_row.state,
                note=item.title,
                data={"child": item.pk},
            )
    return item


def _run(
    action: str,
    item: LedgerItem | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
    pick: Any = None,
) -> Any:
    return engine.run(
        ITEMS,
        action,
        item,
        by=by,
        change=change,
        expected_version=expected_version,
        pick=pick,
        inputs=inputs,
    )


# --- the actions -------------------------------------------------------------------------------


def report(
    item: LedgerItem | int,
    *,
    by: User,
    on: datetime.date,
    percent: int,
    narrative: str,
    milestones_done: Iterable[Milestone] = (),
    expected_version: int | None = None,
) -> ProgressUpdate:
    done = list(milestones_done)

    def change(t: Try) -> ProgressUpdate:
        row = ProgressUpdate.objects.create(
            item=t.obj, on=on, percent=percent, narrative=narrative.strip(), by=by
        )
        Milestone.objects.filter(pk__in=[m.pk for m in done], done_on__isnull=True).update(
            done_on=on, done_in=row
        )
        if percent >= 100:
            t.set(done_on=on)
        refresh(t.obj, t)
        t.log(
            note=narrative.strip(),
            data={"percent": percent, "on": on.isoformat(), "milestones": [m.title for m in done]},
            part=row,
        )
        return row

    inputs = {"on": on, "percent": percent, "narrative": narrative, "milestones_done": done}
    result: ProgressUpdate = _run("report", item, by, change, expected_version, inputs)
    return result


def attach_evidence(update: ProgressUpdate, files: Iterable[Any], *, by: User) -> list[Evidence]:
    """Store the accepted uploads of a progress report (`(upload, kind)` pairs)."""
    saved = [
        save_upload(Evidence(item_id=update.item_id, update=update, uploaded_by=by), upload, kind)
        for upload, kind in files
    ]
    if saved:
        from minsheng.audit import log as audit_log

        item = update.item
        audit_log.append(
            item,
            actor=by,
            action="evidence",
            from_state=item.state,
            to_state=item.state,
            data={"added": [e.original_name for e in saved]},
            part=update,
        )
    return saved


def request_change(
    item: LedgerItem | int,
    *,
    by: User,
    reason: str,
    expected_version: int | None = None,
    **values: Any,
) -> ChangeRequest:
    """Ask to change the item; only what differs from today's values is kept. A value left
    out or None keeps today's (so the API may send only what changes; a blank page field for a
    date or the budget keeps it too)."""
    values = {name: value for name, value in values.items() if value is not None}
    unknown = set(values) - set(CHANGEABLE)
    if unknown:
        raise Invalid(_("These cannot be changed: %(names)s.") % {"names": ", ".join(unknown)})

    def change(t: Try) -> ChangeRequest:
        wanted = {**change_log.current(t.obj), **values}
        found = change_log.diff(t.obj, wanted)
        row = ChangeRequest.objects.create(
            item=t.obj, changes=found, reason=reason.strip(), requested_by=by
        )
        t.log(note=reason.strip(), data={"request": row.pk, "changes": found}, part=row)
        return row

    base = _values_of(item)
    inputs = {**base, **values, "reason": reason}
    result: ChangeRequest = _run("request_change", item, by, change, expected_version, inputs)
    return result


def _values_of(item: LedgerItem | int) -> dict[str, Any]:
    """Today's values in the form the inputs take (what a partial request leaves as it is)."""
    row = item if isinstance(item, LedgerItem) else LedgerItem.objects.get(pk=item)
    steps = progress.format_milestones(
        progress.Step(m.title, m.due, m.weight, m.done_on is not None) for m in row.milestones.all()
    )
    return {
        "title": row.title,
        "description": row.description,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "pace": row.pace,
        "responsible_unit": row.responsible_unit,
        "responsible_person": row.responsible_person,
        "lead_leader": row.lead_leader,
        "leader_in_charge": row.leader_in_charge,
        "co_units": list(row.co_units.all()),
        "budget": row.budget,
        "location": row.location,
        "milestones": steps,
    }


def _apply(item: LedgerItem, found: dict[str, dict[str, Any]], t: Try) -> None:
    """Apply an approved change to the item (and its milestones)."""
    for name, change in found.items():
        value = change["value"]
        if name in ("starts_on", "ends_on"):
            t.set(**{name: datetime.date.fromisoformat(value) if value else None})
        elif name == "budget":
            t.set(budget=decimal.Decimal(value) if value not in (None, "") else None)
        elif name == "responsible_unit":
            t.set(responsible_unit_id=value or None)
        elif name == "co_units":
            item.co_units.set(value)
        elif name == "milestones":
            _apply_milestones(item, value)
        else:
            t.set(**{name: value})
    errors = progress.check_plan(
        starts_on=item.starts_on,
        ends_on=item.ends_on,
        steps=[
            progress.Step(m.title, m.due, m.weight, m.done_on is not None)
            for m in item.milestones.all()
        ],
    )
    if errors:
        raise Conflict(
            _("The item changed since the request; the change no longer fits: %(why)s")
            % {"why": errors[0].message}
        )


def _apply_milestones(item: LedgerItem, text: str) -> None:
    steps = progress.parse_milestones(text)
    existing = {m.title: m for m in item.milestones.all()}
    wanted = {s.title for s in steps}
    for title, m in existing.items():
        if title not in wanted:
            if m.done_on is not None:
                raise Conflict(
                    _("The milestone “%(title)s” was done since the request; ask again.")
                    % {"title": title}
                )
            m.delete()
    for n, step in enumerate(steps):
        kept = existing.get(step.title)
        if kept is None:
            Milestone.objects.create(
                item=item, title=step.title, due=step.due, weight=step.weight, position=n
            )
        else:
            kept.due, kept.weight, kept.position = step.due, step.weight, n
            kept.save(update_fields=["due", "weight", "position"])


def approve_change(
    item: LedgerItem | int,
    *,
    by: User,
    note: str = "",
    change_id: int | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    def change(t: Try) -> ChangeRequest:
        row: ChangeRequest = t.subject
        _apply(t.obj, row.changes, t)
        row.state = ChangeRequest.State.APPROVED
        row.decided_by, row.decided_at, row.decision_note = by, timezone.now(), note.strip()
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        refresh(t.obj, t)
        t.log(
            note=note.strip() or row.reason,
            data={"request": row.pk, "changes": row.changes, "reason": row.reason},
            part=row,
        )
        return row

    result: ChangeRequest = _run(
        "approve_change", item, by, change, expected_version, {"note": note}, change_id
    )
    return result


def reject_change(
    item: LedgerItem | int,
    *,
    by: User,
    note: str,
    change_id: int | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    def change(t: Try) -> ChangeRequest:
        row: ChangeRequest = t.subject
        row.state = ChangeRequest.State.REJECTED
        row.decided_by, row.decided_at, row.decision_note = by, timezone.now(), note.strip()
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        t.log(note=note.strip(), data={"request": row.pk}, part=row)
        return row

    result: ChangeRequest = _run(
        "reject_change", item, by, change, expected_version, {"note": note}, change_id
    )
    return result


def withdraw_change(
    item: LedgerItem | int,
    *,
    by: User,
    change_id: int | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    def change(t: Try) -> ChangeRequest:
        row: ChangeRequest = t.subject
        row.state = ChangeRequest.State.WITHDRAWN
        row.decided_by, row.decided_at = by, timezone.now()
        row.save(update_fields=["state", "decided_by", "decided_at"])
        t.log(data={"request": row.pk}, part=row)
        return row

    result: ChangeRequest = _run(
        "withdraw_change", item, by, change, expected_version, {}, change_id
    )
    return result


def stop(
    item: LedgerItem | int, *, by: User, note: str, expected_version: int | None = None
) -> LedgerItem:
    def change(t: Try) -> LedgerItem:
        t.set(state=LedgerItem.State.STOPPED)
        refresh(t.obj, t)
        t.log(note=note.strip())
        return t.obj

    result: LedgerItem = _run("stop", item, by, change, expected_version, {"note": note})
    return result


def resume(
    item: LedgerItem | int, *, by: User, note: str = "", expected_version: int | None = None
) -> LedgerItem:
    def change(t: Try) -> LedgerItem:
        t.set(state=LedgerItem.State.ACTIVE)
        refresh(t.obj, t)
        t.log(note=note.strip())
        return t.obj

    result: LedgerItem = _run("resume", item, by, change, expected_version, {"note": note})
    return result


ACTIONS: dict[str, Callable[..., Any]] = {
    "report": report,
    "request_change": request_change,
    "approve_change": approve_change,
    "reject_change": reject_change,
    "withdraw_change": withdraw_change,
    "stop": stop,
    "resume": resume,
}


def refresh_all(items: Iterable[LedgerItem] | None = None) -> int:
    """Recompute every item's figures (after the rule set or the calendar changed), leaves
    first so parents roll up fresh figures. Returns how many rows changed."""
    rows = list(items) if items is not None else list(LedgerItem.objects.all())
    depth: dict[int, int] = {}
    parents = {r.pk: r.parent_id for r in rows}

    def level(pk: int) -> int:
        if pk not in depth:
            parent = parents.get(pk)
            depth[pk] = 0 if parent is None else level(parent) + 1
        return depth[pk]

    moved = 0
    for row in sorted(rows, key=lambda r: -level(r.pk)):
        with transaction.atomic():
            changed = _apply_derived(row)
            if changed:
                row.save(update_fields=changed)
                moved += 1
    return moved
