"""The suggestion state machine (DOMAIN.md §2). Every state change goes through one function here.

Each action is declared once in `actions.py` (states, target, who, availability rules with their
refusal messages, the sub-object it acts on, its words); the functions here are the typed calls
that views, the API, admin actions, imports and commands use. Each holds only its action's own
change and hands it to the one runner (`minsheng.engine.actions.run`), which locks the row,
checks the declaration, applies the change, saves, appends one Event and notifies on commit.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit.models import Event
from minsheng.engine import actions as engine
from minsheng.engine.errors import Conflict, Invalid, NotAllowed, WorkflowError
from minsheng.people.models import Deputy, Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.actions import (
    ADJUSTMENT_DECISIONS,
    ASSIGNMENT_STATES,
    COSIGNER_STATES,
    EXTENSION_DECISIONS,
    REGISTRY,
    REPLY_FIELDS,
    REPLY_STATES,
    UnitPlan,
    display_date,
    is_overdue,
    not_overdue_message,
    rateable_replies,
    reply_problems,
    suggestion_changed,
    unrated_replies,
)
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    CoSigner,
    ExtensionRequest,
    JointOpinion,
    NumberSeries,
    Rating,
    Reply,
    RuleSet,
    Suggestion,
)
from minsheng.workcalendar import work_calendar

__all__ = [
    "Conflict",
    "Invalid",
    "NotAllowed",
    "WorkflowError",
    "REPLY_FIELDS",
    "UnitPlan",
    "reply_problems",
    "suggestion_changed",
]

S = Suggestion.State
A = Assignment.State
Try = engine.Attempt[Suggestion]

LEAD, COSIGNER, STAFF = perms.LEAD_DEPUTY, perms.COSIGNER, perms.STAFF
CLERK, HEAD = perms.CLERK, perms.HEAD
IN_HANDLING = Suggestion.IN_HANDLING

# The declarations, by name (read-only views for code that asks the table: commands, tests).
TRANSITIONS: dict[str, engine.Action] = REGISTRY.actions
Transition = engine.Action

# --- the common steps ---------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


_d = display_date
_is_overdue = is_overdue
_not_overdue_message = not_overdue_message
_unrated_replies = unrated_replies
_rateable_replies = rateable_replies


def _lock(suggestion: Suggestion | int) -> Suggestion:
    return REGISTRY.lock(suggestion)


def _run(
    action: str,
    suggestion: Suggestion | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None = None,
    pick: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> Any:
    """Run the declared action; `inputs` are checked against its declaration first (blank,
    choices, checks: the page's rules in the page's words)."""
    return engine.run(
        REGISTRY,
        action,
        suggestion,
        by=by,
        change=change,
        expected_version=expected_version,
        pick=pick,
        inputs=inputs if inputs is not None else {},
    )


def _record(
    suggestion: Suggestion,
    action: str,
    by: User | None,
    *,
    from_state: str,
    to_state: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    assignment: Assignment | None = None,
    update_fields: Sequence[str] = (),
) -> Event:
    """An event outside an action's main one (creation, edits, a second event of an action)."""
    event: Event = REGISTRY.record(
        suggestion,
        action,
        by,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data,
        part=assignment,
        update_fields=update_fields,
    )
    return event


def allowed_actions(user: User, suggestion: Suggestion) -> list[str]:
    """The actions this person may take now (the buttons a page shows): the same checks the
    action runs, read from its declaration."""
    return REGISTRY.offered(user, suggestion)


def why_not(action: str, user: User, suggestion: Suggestion) -> str | None:
    """Why this person may not take the action now (None when it is offered), in the words the
    action itself refuses with."""
    refused = REGISTRY.refusal(action, user, suggestion)
    return refused.message if refused else None


def refusal(
    action: str, user: User, suggestion: Suggestion, expected_version: int | None = None
) -> WorkflowError | None:
    """The error the action would raise now, before its input is looked at."""
    return REGISTRY.refusal(action, user, suggestion, expected_version)


# --- deputy actions ----------------------------------------------------------------------------


def create_draft(
    *,
    by: User,
    lead_deputy: Deputy,
    title: str,
    body: str,
    session: Any,
    category: Any = None,
    source: str = Suggestion.Source.IN_SESSION,
    cosigners: Iterable[Deputy] = (),
    is_complex: bool = False,
    is_confidential: bool = False,
    cosigned_on_paper: bool = False,
) -> Suggestion:
    """A new draft by a deputy for themself, or by staff on a deputy's behalf (imports).
    `cosigned_on_paper`: staff entering a paper batch record the co-signers' signatures as
    their confirmation."""
    from minsheng.people import permissions as people

    is_staff = people.is_staff_of(by, lead_deputy.jurisdiction_id)
    if lead_deputy.user_id != by.pk and not is_staff:
        raise NotAllowed(_("Only the deputy or congress staff can write this suggestion."))
    if cosigned_on_paper and not is_staff:
        raise NotAllowed(_("Only congress staff can record co-signatures made on paper."))
    if not title.strip() or not body.strip():
        raise Invalid(_("A suggestion needs a title and content."))
    if session.term_id != lead_deputy.term_id:
        raise Invalid(_("The session does not belong to the deputy's term."))
    _check_category(lead_deputy.jurisdiction_id, category)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            jurisdiction_id=lead_deputy.jurisdiction_id,
            session=session,
            title=title.strip(),
            body=body.strip(),
            category=category,
            source=source,
            lead_deputy=lead_deputy,
            created_by=by,
            is_complex=is_complex,
            is_confidential=is_confidential,
            series="B" if source == Suggestion.Source.BETWEEN_SESSIONS else "S",
        )
        _invite(suggestion, lead_deputy, cosigners)
        if cosigned_on_paper:
            for row in suggestion.cosigners.all():
                COSIGNER_STATES.move(row, CoSigner.State.CONFIRMED, answered_at=timezone.now())
        _record(
            suggestion,
            "create",
            by,
            from_state="",
            to_state=S.DRAFT,
            data={"cosigned_on_paper": cosigned_on_paper} if cosigned_on_paper else None,
        )
    return suggestion


def _invite(suggestion: Suggestion, lead: Deputy, cosigners: Iterable[Deputy]) -> None:
    for deputy in cosigners:
        if deputy.pk == lead.pk:
            raise Invalid(_("The lead deputy cannot also co-sign."))
        if deputy.jurisdiction_id != lead.jurisdiction_id:
            raise Invalid(_("Co-signers must be deputies of the same congress."))
        CoSigner.objects.get_or_create(suggestion=suggestion, deputy=deputy)


def edit_draft(
    suggestion: Suggestion,
    *,
    by: User,
    title: str,
    body: str,
    category: Any = None,
    cosigners: Iterable[Deputy] | None = None,
    is_confidential: bool | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    """Edit a draft or a returned suggestion (not a state change, but logged)."""
    with transaction.atomic():
        s = _lock(suggestion)
        if perms.LEAD_DEPUTY not in perms.capacities(by, s) and s.created_by_id != by.pk:
            raise NotAllowed(_("Only the lead deputy can edit this suggestion."))
        if s.state not in (S.DRAFT, S.RETURNED):
            raise Conflict(_("Only a draft or a returned suggestion can be edited."))
        if expected_version is not None and expected_version != s.version:
            raise Conflict(_("Someone else changed this suggestion. Reload and try again."))
        if not title.strip() or not body.strip():
            raise Invalid(_("A suggestion needs a title and content."))
        _check_category(s.jurisdiction_id, category)
        s.title, s.body, s.category = title.strip(), body.strip(), category
        fields = ["title", "body", "category"]
        if is_confidential is not None:
            s.is_confidential = is_confidential
            fields.append("is_confidential")
        if cosigners is not None:
            wanted = {d.pk for d in cosigners}
            s.cosigners.exclude(deputy_id__in=wanted).delete()
            _invite(s, s.lead_deputy, cosigners)
        _record(s, "edit", by, from_state=s.state, to_state=s.state, update_fields=fields)
    return s


def submit(suggestion: Suggestion, *, by: User, expected_version: int | None = None) -> Suggestion:
    def change(t: Try) -> Suggestion:
        s = t.obj
        t.set(submitted_at=timezone.now())
        if s.source == Suggestion.Source.BETWEEN_SESSIONS:
            rules = RuleSet.rules_for(s.jurisdiction_id)
            due = deadlines.between_session_assign_due(_today(), rules, work_calendar())
            t.set(assign_due=due.date, assign_due_uncertain=due.uncertain)
        return s

    result: Suggestion = _run("submit", suggestion, by, change, expected_version)
    return result


def confirm_cosign(
    suggestion: Suggestion, *, by: User, accept: bool = True, expected_version: int | None = None
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        row: CoSigner = t.subject
        answer = CoSigner.State.CONFIRMED if accept else CoSigner.State.REFUSED
        COSIGNER_STATES.move(row, answer, answered_at=timezone.now())
        t.log(data={"accepted": accept})
        return t.obj

    result: Suggestion = _run(
        "confirm_cosign", suggestion, by, change, expected_version, inputs={"accept": accept}
    )
    return result


def withdraw(
    suggestion: Suggestion, *, by: User, reason: str, expected_version: int | None = None
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        t.set(closed_at=timezone.now(), state_note=reason.strip())
        t.log(note=reason.strip())
        return t.obj

    result: Suggestion = _run(
        "withdraw", suggestion, by, change, expected_version, inputs={"reason": reason}
    )
    return result


def record_attachments(
    suggestion: Suggestion, *, by: User, added: Sequence[str] = (), removed: Sequence[str] = ()
) -> None:
    """Log files added to or removed from a suggestion or a reply (not a state change)."""
    if not added and not removed:
        return
    with transaction.atomic():
        s = _lock(suggestion)
        _record(
            s,
            "attachments",
            by,
            from_state=s.state,
            to_state=s.state,
            data={"added": list(added), "removed": list(removed)},
        )


def set_flags(
    suggestion: Suggestion,
    *,
    by: User,
    note: str,
    is_key: bool | None = None,
    is_complex: bool | None = None,
    is_confidential: bool | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    """Staff mark a suggestion key (the chair's council's choice), complex or confidential."""
    from minsheng.people import permissions as people

    with transaction.atomic():
        s = _lock(suggestion)
        if not people.is_staff_of(by, s.jurisdiction_id):
            raise NotAllowed(_("Only congress staff can change these marks."))
        if expected_version is not None and expected_version != s.version:
            raise Conflict(_("Someone else changed this suggestion. Reload and try again."))
        changes = {
            name: value
            for name, value in (
                ("is_key", is_key),
                ("is_complex", is_complex),
                ("is_confidential", is_confidential),
            )
            if value is not None and getattr(s, name) != value
        }
        if not changes:
            return s
        for name, value in changes.items():
            setattr(s, name, value)
        _record(
            s,
            "set_flags",
            by,
            from_state=s.state,
            to_state=s.state,
            note=note.strip(),
            data=changes,
            update_fields=list(changes),
        )
    return s


# --- review ------------------------------------------------------------------------------------


def _next_number(s: Suggestion) -> int:
    series, _created = NumberSeries.objects.get_or_create(session=s.session, series=s.series)
    series = NumberSeries.objects.select_for_update().get(pk=series.pk)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


def register(
    suggestion: Suggestion,
    *,
    by: User,
    is_complex: bool | None = None,
    category: Any = None,
    expected_version: int | None = None,
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        s = t.obj
        t.set(number=_next_number(s), registered_at=timezone.now())
        if is_complex is not None:
            t.set(is_complex=is_complex)
        if category is not None:
            _check_category(s.jurisdiction_id, category)
            t.set(category=category)
        t.log(data={"number": s.number, "series": s.series})
        return s

    inputs = {"category": category, "is_complex": is_complex}
    result: Suggestion = _run("register", suggestion, by, change, expected_version, inputs=inputs)
    return result


def decline(
    suggestion: Suggestion,
    *,
    by: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        t.set(decline_reason=reason, state_note=note.strip(), closed_at=timezone.now())
        t.log(note=note.strip(), data={"reason": reason})
        return t.obj

    inputs = {"reason": reason, "note": note}
    result: Suggestion = _run("decline", suggestion, by, change, expected_version, inputs=inputs)
    return result


def return_for_revision(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        t.set(state_note=note.strip())
        t.log(note=note.strip())
        return t.obj

    result: Suggestion = _run(
        "return_for_revision", suggestion, by, change, expected_version, inputs={"note": note}
    )
    return result


def merge(
    suggestion: Suggestion,
    *,
    by: User,
    into: Suggestion,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    """并案: handled together with `into`; its replies answer this suggestion's deputy too."""
    if into.pk == suggestion.pk:
        raise Invalid(_("Choose another suggestion of the same congress."))
    with transaction.atomic():
        # Both rows are locked in id order before the runner reads either, so crossed merges
        # cannot deadlock.
        list(
            Suggestion.objects.select_for_update()
            .filter(pk__in=[suggestion.pk, into.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )

        def change(t: Try) -> Suggestion:
            s = t.obj
            target = _lock(into)
            if target.jurisdiction_id != s.jurisdiction_id:
                raise Invalid(_("Choose another suggestion of the same congress."))
            if target.state not in (S.REGISTERED, *IN_HANDLING):
                raise Conflict(_("The suggestion merged into must be registered and still open."))
            t.set(merged_into=target, state_note=note.strip())
            t.log(note=note.strip(), data={"into": target.pk})
            t.after(
                lambda: _record(
                    target,
                    "merged_in",
                    by,
                    from_state=target.state,
                    to_state=target.state,
                    data={"from": s.pk},
                )
            )
            return s

        inputs = {"into": into, "note": note}
        result: Suggestion = _run("merge", suggestion, by, change, expected_version, inputs=inputs)
    return result


# --- assignment --------------------------------------------------------------------------------


def _check_unit(s: Suggestion, unit: Organisation) -> None:
    if not (unit.is_handling_unit and unit.is_active and unit.jurisdiction_id == s.jurisdiction_id):
        raise Invalid(
            _("%(unit)s is not an active handling unit of this congress.") % {"unit": unit}
        )


def _check_category(jurisdiction_id: int, category: Any) -> None:
    if category is not None and category.jurisdiction_id != jurisdiction_id:
        raise Invalid(_("The category belongs to another congress."))


def _new_assignment(
    s: Suggestion,
    unit: Organisation,
    mode: str,
    by: User,
    on: datetime.date,
    rules: deadlines.Rules,
    cal: Any,
) -> Assignment:
    _check_unit(s, unit)
    window = deadlines.adjustment_window_end(on, rules, cal)
    sign = deadlines.sign_due(on, rules, cal)
    joint = deadlines.joint_opinion_due(on, rules, cal) if mode == Assignment.Mode.JOINT else None
    return Assignment.objects.create(
        suggestion=s,
        unit=unit,
        mode=mode,
        assigned_on=on,
        assigned_by=by,
        sign_due=sign.date,
        sign_due_uncertain=sign.uncertain,
        adjustment_until=window.date,
        adjustment_until_uncertain=window.uncertain,
        joint_opinion_due=joint.date if joint else None,
        joint_opinion_due_uncertain=joint.uncertain if joint else False,
    )


def _validate_plan(plans: Sequence[UnitPlan]) -> None:
    modes = [p.mode for p in plans]
    units = [p.unit.pk for p in plans]
    if not plans:
        raise Invalid(_("Choose at least one handling unit."))
    if len(set(units)) != len(units):
        raise Invalid(_("A unit appears twice."))
    if any(m not in Assignment.Mode.values for m in modes):
        raise Invalid(_("Unknown handling mode."))
    separate = modes.count(Assignment.Mode.SEPARATE)
    if separate and separate != len(modes):
        raise Invalid(_("Separate handling (分办) cannot be mixed with lead and joint units."))
    if not separate and modes.count(Assignment.Mode.LEAD) != 1:
        raise Invalid(_("Choose exactly one lead unit (主办)."))


def _set_reply_due(s: Suggestion, start: datetime.date, *, rehandling: bool = False) -> list[str]:
    rules = RuleSet.rules_for(s.jurisdiction_id)
    cal = work_calendar()
    if rehandling:
        due = deadlines.rehandling_due(start, rules, cal)
    else:
        due = deadlines.reply_due(start, rules, cal)
    s.reply_due = due.date
    s.extended_to = None
    s.reply_due_uncertain = due.uncertain
    yellow = deadlines.yellow_from(due.date, rules, cal)
    s.warn_from = yellow.date
    s.reply_due_uncertain = due.uncertain or yellow.uncertain
    return ["reply_due", "extended_to", "reply_due_uncertain", "warn_from"]


def assign(
    suggestion: Suggestion,
    *,
    by: User,
    plan: Sequence[UnitPlan],
    on: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    _validate_plan(plan)

    def change(t: Try) -> Suggestion:
        s = t.obj
        day = on or _today()
        rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
        for item in plan:
            _new_assignment(s, item.unit, item.mode, by, day, rules, cal)
        t.set(assigned_on=day)
        t.update_fields.extend(_set_reply_due(s, day))
        t.log(note=note, data={"units": [[p.unit.pk, str(p.unit), p.mode] for p in plan]})
        return s

    inputs = {"plan": plan, "on": on, "note": note}
    result: Suggestion = _run("assign", suggestion, by, change, expected_version, inputs=inputs)
    return result


class BatchInvalid(Invalid):
    """Some items of a batch failed; nothing was done. `errors` maps suggestion id → reason."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            _("Nothing was assigned: %(n)d item(s) need correcting.") % {"n": len(errors)}
        )
        self.errors = errors


def assign_batch(
    items: Sequence[
        tuple[Suggestion, Sequence[UnitPlan]] | tuple[Suggestion, Sequence[UnitPlan], int]
    ],
    *,
    by: User,
    on: datetime.date | None = None,
) -> list[Suggestion]:
    """The assignment meeting (交办会): all or nothing. Every item is tried, so one error does
    not hide the next; if any failed, BatchInvalid lists each item's reason and nothing stays.
    An item may carry the version the staff saw (a third element)."""
    done: list[Suggestion] = []
    errors: dict[int, str] = {}
    with transaction.atomic():
        for item in items:
            s, plan = item[0], item[1]
            version = item[2] if len(item) > 2 else None  # type: ignore[misc]
            try:
                with transaction.atomic():
                    done.append(assign(s, by=by, plan=plan, on=on, expected_version=version))
            except WorkflowError as error:
                errors[s.pk] = error.message
        if errors:
            raise BatchInvalid(errors)
    return done


def sign(
    suggestion: Suggestion,
    *,
    by: User,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        s, a = t.obj, t.subject
        ASSIGNMENT_STATES.move(a, A.SIGNED, signed_at=timezone.now(), signed_by=by)
        if s.state == S.ASSIGNED:
            t.set(state=S.HANDLING)
        t.log(data={"unit": str(a.unit), "late": _today() > a.sign_due}, part=a)
        return s

    result: Suggestion = _run("sign", suggestion, by, change, expected_version, assignment_id)
    return result


def request_adjustment(
    suggestion: Suggestion,
    *,
    by: User,
    reason: str,
    proposed_unit: Organisation | None = None,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> AdjustmentRequest:
    def change(t: Try) -> AdjustmentRequest:
        s, a = t.obj, t.subject
        if proposed_unit is not None:
            _check_unit(s, proposed_unit)
            if proposed_unit.pk == a.unit_id:
                raise Invalid(_("Propose a unit other than your own."))
        request = AdjustmentRequest.objects.create(
            assignment=a, reason=reason.strip(), proposed_unit=proposed_unit, requested_by=by
        )
        previous = a.state
        ASSIGNMENT_STATES.move(a, A.ADJUSTMENT_REQUESTED)
        t.log(
            note=reason.strip(),
            data={
                "previous": previous,
                "proposed_unit": str(proposed_unit or ""),
                "request": request.pk,
            },
            part=a,
        )
        return request

    result: AdjustmentRequest = _run(
        "request_adjustment",
        suggestion,
        by,
        change,
        expected_version,
        assignment_id,
        inputs={"reason": reason, "proposed_unit": proposed_unit},
    )
    return result


def decide_adjustment(
    suggestion: Suggestion,
    *,
    by: User,
    request_id: int,
    move_to: Organisation | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    """Staff keep the assignment with the unit, or move it: the old one is cancelled and a new
    one is made for `move_to` with fresh sign-for and adjustment windows."""

    def change(t: Try) -> Suggestion:
        s, request = t.obj, t.subject
        a = Assignment.objects.select_for_update().get(pk=request.assignment_id)
        previous = next(
            (
                e.data.get("previous")
                for e in s.events.filter(action="request_adjustment", assignment=a).order_by("-id")[
                    :1
                ]
            ),
            A.AWAITING_SIGNATURE,
        )
        data: dict[str, Any] = {"request": request.pk}
        if move_to is None:
            decision = AdjustmentRequest.Decision.KEPT
            ASSIGNMENT_STATES.move(a, previous)
        else:
            if move_to.pk == a.unit_id:
                raise Invalid(_("Choose a different unit to move it to."))
            if s.assignments.filter(unit=move_to).exclude(state=A.CANCELLED).exists():
                raise Invalid(_("That unit already has a part in this suggestion."))
            decision = AdjustmentRequest.Decision.MOVED
            rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
            ASSIGNMENT_STATES.move(a, A.CANCELLED)
            new = _new_assignment(s, move_to, a.mode, by, _today(), rules, cal)
            a.replaced_by = new
            a.save(update_fields=["replaced_by"])
            data.update({"moved_to": str(move_to), "new_assignment": new.pk})
        ADJUSTMENT_DECISIONS.move(
            request, decision, decided_by=by, decided_at=timezone.now(), decision_note=note
        )
        t.log(note=note, data={**data, "decision": request.decision}, part=a)
        return s

    result: Suggestion = _run(
        "decide_adjustment",
        suggestion,
        by,
        change,
        expected_version,
        request_id,
        inputs={"move_to": move_to, "note": note},
    )
    return result


# --- handling ----------------------------------------------------------------------------------


def log_contact(
    suggestion: Suggestion,
    *,
    by: User,
    method: str,
    contacted_on: datetime.date,
    people: str,
    summary: str,
    stage: str = ContactLog.Stage.BEFORE,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> ContactLog:

    def change(t: Try) -> ContactLog:
        s, a = t.obj, t.subject
        if contacted_on < a.assigned_on:
            raise Invalid(_("The contact date is before the assignment."))
        round_opened = _round_opened_on(s)
        if round_opened and contacted_on < round_opened:
            # Re-handling needs a new conversation: an older contact cannot count for it.
            raise Invalid(
                _("The contact date is before this round of handling began (%(date)s).")
                % {"date": _d(round_opened)}
            )
        log = ContactLog.objects.create(
            suggestion=s,
            assignment=a,
            round=s.round,
            method=method,
            stage=stage,
            contacted_on=contacted_on,
            people=people.strip(),
            summary=summary.strip(),
            logged_by=by,
        )
        t.log(
            note=summary.strip(),
            data={"method": method, "date": contacted_on.isoformat(), "stage": stage},
            part=a,
        )
        return log

    inputs = {
        "method": method,
        "stage": stage,
        "contacted_on": contacted_on,
        "people": people,
        "summary": summary,
    }
    result: ContactLog = _run(
        "log_contact", suggestion, by, change, expected_version, assignment_id, inputs
    )
    return result


def _round_opened_on(s: Suggestion) -> datetime.date | None:
    """The day the current re-handling round opened (None in the first round)."""
    if s.round <= 1:
        return None
    event = s.events.filter(action="rehandle").order_by("-at", "-id").first()
    if event is None:
        return None
    opened_on = event.data.get("opened_on")
    return datetime.date.fromisoformat(opened_on) if opened_on else _local_date(event.at)


def submit_joint_opinion(
    suggestion: Suggestion,
    *,
    by: User,
    text: str,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> JointOpinion:
    def change(t: Try) -> JointOpinion:
        a = t.subject
        opinion = JointOpinion.objects.create(assignment=a, text=text.strip(), submitted_by=by)
        ASSIGNMENT_STATES.move(a, A.REPLIED, replied_at=timezone.now())
        t.log(note=text.strip(), part=a)
        return opinion

    result: JointOpinion = _run(
        "submit_joint_opinion",
        suggestion,
        by,
        change,
        expected_version,
        assignment_id,
        inputs={"text": text},
    )
    return result


def explain_overdue(
    suggestion: Suggestion,
    *,
    by: User,
    text: str,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> Event:
    """DOMAIN §4: a unit whose reply is overdue writes why. Changes no state; the explanation
    is one event in the log (the latest one is the unit's current explanation)."""

    def change(t: Try) -> Any:
        s = t.obj
        assert s.reply_due is not None
        t.log(
            note=text.strip(),
            data={
                "reply_due": s.reply_due.isoformat(),
                "days_late": (_today() - s.reply_due).days,
            },
            part=t.subject,
        )
        return engine.THE_EVENT

    event: Event = _run(
        "explain_overdue",
        suggestion,
        by,
        change,
        expected_version,
        assignment_id,
        inputs={"text": text},
    )
    return event


def request_extension(
    suggestion: Suggestion,
    *,
    by: User,
    until: datetime.date,
    reason: str,
    deputy_told: bool,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> ExtensionRequest:
    def change(t: Try) -> ExtensionRequest:
        s, a = t.obj, t.subject
        _check_extension_date(s, until)
        request = ExtensionRequest.objects.create(
            suggestion=s,
            assignment=a,
            requested_until=until,
            reason=reason.strip(),
            deputy_told=deputy_told,
            requested_by=by,
        )
        t.log(
            note=reason.strip(),
            data={"until": until.isoformat(), "request": request.pk},
            part=a,
        )
        return request

    inputs = {"until": until, "reason": reason, "deputy_told": deputy_told}
    result: ExtensionRequest = _run(
        "request_extension", suggestion, by, change, expected_version, assignment_id, inputs
    )
    return result


def _check_extension_date(s: Suggestion, until: datetime.date) -> None:
    assert s.assigned_on is not None
    cap = deadlines.reply_cap(
        s.assigned_on, RuleSet.rules_for(s.jurisdiction_id), work_calendar()
    ).date
    if s.reply_due and until <= s.reply_due:
        raise Invalid(_("The new date must be after the current due date."))
    if until > cap:
        raise Invalid(
            _("An extension may not go past %(cap)s (the statutory cap).") % {"cap": _d(cap)}
        )


def decide_extension(
    suggestion: Suggestion,
    *,
    by: User,
    request_id: int,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    def change(t: Try) -> Suggestion:
        s, request = t.obj, t.subject
        EXTENSION_DECISIONS.move(
            request,
            ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REJECTED,
            decided_by=by,
            decided_at=timezone.now(),
            decision_note=note,
        )
        if approve:
            _check_extension_date(s, request.requested_until)
            rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
            yellow = deadlines.yellow_from(request.requested_until, rules, cal)
            t.set(
                extended_to=request.requested_until,
                reply_due=request.requested_until,
                warn_from=yellow.date,
                reply_due_uncertain=yellow.uncertain,
                is_complex=True,
            )
        t.log(
            note=note,
            data={
                "request": request.pk,
                "approved": approve,
                "until": request.requested_until.isoformat(),
            },
        )
        return s

    result: Suggestion = _run(
        "decide_extension",
        suggestion,
        by,
        change,
        expected_version,
        request_id,
        inputs={"approve": approve, "note": note},
    )
    return result


def draft_reply(
    suggestion: Suggestion,
    *,
    by: User,
    assignment_id: int | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> Reply:
    """Create or update this round's draft reply of the person's lead/separate unit."""
    unknown = set(fields) - set(REPLY_FIELDS)
    if unknown:
        raise Invalid(
            _("Unknown reply fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    values = {name: fields.get(name) for name in REPLY_FIELDS}

    def change(t: Try) -> Reply:
        s, a = t.obj, t.subject
        values["plan"] = values["plan"] or ""
        values["document_number"] = (values["document_number"] or "").strip()
        values["norm_justification"] = (values["norm_justification"] or "").strip()
        reply, created = Reply.objects.update_or_create(
            assignment=a,
            round=s.round,
            defaults={**values, "suggestion": s, "drafted_by": by},
        )
        if reply.state != Reply.State.DRAFT:
            raise Conflict(_("This round's reply has already been sent."))
        t.log(data={"reply": reply.pk, "category": reply.category, "new": created}, part=a)
        return reply

    result: Reply = _run(
        "draft_reply", suggestion, by, change, expected_version, assignment_id, values
    )
    return result


# Other apps act on a signed reply inside its transaction (the ledger enters a B reply's
# commitment): each registers `hook(reply, by)` with `on_reply_signed` in its AppConfig.ready();
# the suggestions app imports none of them. A hook that fails undoes the signing.
REPLY_SIGNED: list[Callable[[Reply, User], object]] = []


def on_reply_signed(hook: Callable[[Reply, User], object]) -> None:
    if hook not in REPLY_SIGNED:
        REPLY_SIGNED.append(hook)


def sign_reply(
    suggestion: Suggestion,
    *,
    by: User,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> Reply:
    """The unit head signs and sends this round's reply. When every lead/separate unit has
    replied in this round, the suggestion is answered and the rating window opens."""

    def change(t: Try) -> Reply:
        s, a = t.obj, t.subject
        reply = Reply.objects.select_for_update().get(assignment=a, round=s.round)
        now, today = timezone.now(), _today()
        rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
        window = deadlines.rating_window_end(today, rules, cal)
        publication = deadlines.publication_due(today, rules, cal)
        REPLY_STATES.move(
            reply,
            Reply.State.SENT,
            signed_by=by,
            sent_at=now,
            rating_due=window.date,
            rating_due_uncertain=window.uncertain,
            publication_due=publication.date,
            publication_due_uncertain=publication.uncertain,
        )
        ASSIGNMENT_STATES.move(a, A.REPLIED, replied_at=now)
        answering = s.assignments.exclude(state=A.CANCELLED).exclude(mode=Assignment.Mode.JOINT)
        if not answering.exclude(state=A.REPLIED).exists():
            t.set(state=S.ANSWERED, answered_at=now)
            # The deputy rates once the suggestion is answered: a unit that replied early must
            # not see its reply's rating window run out before the deputy could rate it.
            s.replies.filter(
                state=Reply.State.SENT, rating__isnull=True, rating_due__lt=reply.rating_due
            ).update(rating_due=reply.rating_due, rating_due_uncertain=reply.rating_due_uncertain)
        late = bool(s.reply_due and today > s.reply_due)
        t.log(
            data={"reply": reply.pk, "category": reply.category, "round": s.round, "late": late},
            part=a,
        )
        for hook in REPLY_SIGNED:
            t.after(functools.partial(hook, reply, by))
        return reply

    result: Reply = _run("sign_reply", suggestion, by, change, expected_version, assignment_id)
    return result


# --- rating, re-handling, closing --------------------------------------------------------------


def rate(
    suggestion: Suggestion,
    *,
    by: User,
    overall: str,
    reasons: str = "",
    process: str = "",
    result: str = "",
    reply_id: int | None = None,
    expected_version: int | None = None,
) -> Rating:
    """The lead deputy rates one sent reply: the one named by `reply_id`, else the first the
    declaration's chooser offers (the page offers the same choice)."""

    def change(t: Try) -> Rating:
        s, reply = t.obj, t.subject
        rating = Rating.objects.create(
            reply=reply,
            suggestion=s,
            round=reply.round,
            overall=overall,
            process=process,
            result=result,
            reasons=reasons.strip(),
            rated_by=by,
        )
        t.log(
            note=reasons.strip(),
            data={"overall": overall, "reply": reply.pk, "process": process, "result": result},
            part=reply.assignment,
        )
        if overall == Rating.Overall.UNSATISFIED:
            t.after(
                lambda: _open_rehandling(
                    s, by, units=[reply.assignment], note=reasons.strip(), cause="rating"
                )
            )
        return rating

    inputs = {"overall": overall, "process": process, "result": result, "reasons": reasons}
    rating: Rating = _run("rate", suggestion, by, change, expected_version, reply_id, inputs)
    return rating


def _reopen(a: Assignment) -> None:
    """The unit's reply is not the last word: its assignment is open again for a new round."""
    fresh = Assignment.objects.select_for_update().get(pk=a.pk)
    ASSIGNMENT_STATES.move(fresh, A.SIGNED, replied_at=None)


def _reopen_unit(
    s: Suggestion, by: User | None, a: Assignment, note: str, cause: str = "staff"
) -> None:
    """Another unit's reply was found unsatisfying while re-handling is already under way: that
    unit joins the current round (same round number and due date)."""
    _reopen(a)
    _record(
        s,
        "rehandle",
        by,
        from_state=s.state,
        to_state=s.state,
        note=note,
        data={"round": s.round, "units": [str(a.unit)], "cause": cause},
    )


def _next_round(
    s: Suggestion, units: Sequence[Assignment], cause: str
) -> tuple[list[str], dict[str, Any]]:
    """Open the next round on `s` in memory: the fields to save and the event's data."""
    today = _today()
    s.round += 1
    s.state = S.REHANDLING
    s.answered_at = None
    update = ["state", "round", "answered_at", *_set_reply_due(s, today, rehandling=True)]
    for a in units:
        _reopen(a)
    data = {
        "round": s.round,
        "units": [str(a.unit) for a in units],
        "opened_on": today.isoformat(),
        "cause": cause,
    }
    return update, data


def _open_rehandling(
    s: Suggestion, by: User | None, *, units: Sequence[Assignment], note: str, cause: str = "staff"
) -> None:
    if s.state == S.REHANDLING:
        for a in units:
            _reopen_unit(s, by, a, note, cause)
        return
    before = s.state
    update, data = _next_round(s, units, cause)
    _record(
        s,
        "rehandle",
        by,
        from_state=before,
        to_state=s.state,
        note=note,
        data=data,
        update_fields=update,
    )


def rehandle(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    """Staff re-open handling (e.g. on a look-back); normally an unsatisfied rating does it."""

    def change(t: Try) -> Suggestion:
        s = t.obj
        units = list(s.assignments.filter(state=A.REPLIED).exclude(mode=Assignment.Mode.JOINT))
        update, data = _next_round(s, units, "staff")
        t.update_fields.extend(update)
        t.log(note=note.strip(), data=data)
        return s

    result: Suggestion = _run(
        "rehandle", suggestion, by, change, expected_version, inputs={"note": note}
    )
    return result


def close(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    """Staff close a suggestion with a note: answered and rated (or the rating window passed),
    or in re-handling when the deputy has come to understand."""

    def change(t: Try) -> Suggestion:
        s = t.obj
        # Windows that passed before the daily job ran, and replies of a round closed before
        # it was answered, still end as "not rated", never silently.
        for reply in _unrated_replies(s):
            _record_not_rated(s, reply)
        t.set(closed_at=timezone.now(), state_note=note.strip())
        t.log(note=note.strip())
        return s

    result: Suggestion = _run(
        "close", suggestion, by, change, expected_version, inputs={"note": note}
    )
    return result


class TermEndRule:
    CARRY_OVER = "carry_over"
    CLOSE = "close"


def end_of_term(
    suggestion: Suggestion,
    *,
    by: User,
    rule: str,
    note: str,
    expected_version: int | None = None,
) -> Suggestion:
    """At the end of a term an open item is carried over into the next term (it stays open and
    keeps its number and clock) or closed, by an explicit rule, with a note. The term's record
    stays browsable as an archive either way."""

    def change(t: Try) -> Suggestion:
        s = t.obj
        if rule == TermEndRule.CLOSE:
            for reply in _unrated_replies(s):
                _record_not_rated(s, reply)
            t.set(state=S.CLOSED, closed_at=timezone.now(), state_note=note.strip())
        t.log(note=note.strip(), data={"rule": rule, "term": s.session.term_id})
        return s

    inputs = {"rule": rule, "note": note}
    result: Suggestion = _run(
        "end_of_term", suggestion, by, change, expected_version, inputs=inputs
    )
    return result


# --- system actions (commands) -----------------------------------------------------------------


def expire_ratings(today: datetime.date | None = None) -> int:
    """Record 'not rated' for replies whose rating window has passed. Never 'satisfied'.
    Idempotent: a reply is claimed by creating its one Rating row."""
    today = today or _today()
    count = 0
    due = Reply.objects.filter(
        state=Reply.State.SENT,
        rating__isnull=True,
        rating_due__lt=today,
        suggestion__state__in=[S.ANSWERED, S.REHANDLING],
    ).values_list("pk", "suggestion_id")
    for reply_pk, suggestion_pk in due:
        with transaction.atomic():
            s = _lock(suggestion_pk)
            reply = Reply.objects.select_for_update().get(pk=reply_pk)
            if Rating.objects.filter(reply=reply).exists():
                continue
            _record_not_rated(s, reply)
            count += 1
    return count


def _record_not_rated(s: Suggestion, reply: Reply) -> None:
    Rating.objects.create(
        reply=reply, suggestion=s, round=reply.round, overall=Rating.Overall.NOT_RATED
    )
    _record(
        s,
        "not_rated",
        None,
        from_state=s.state,
        to_state=s.state,
        data={
            "reply": reply.pk,
            "window_ended": reply.rating_due.isoformat() if reply.rating_due else None,
        },
    )


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _due_changes(
    s: Suggestion, rules: deadlines.Rules, cal: Any
) -> dict[str, list[tuple[Any, str, Any, Any]]]:
    """Every stored due date of an open suggestion, recomputed: (row, field, old, new)."""
    found: list[tuple[Any, str, Any, Any]] = []

    def check(row: Any, field: str, new: Any) -> None:
        old = getattr(row, field)
        if old != new:
            found.append((row, field, old, new))

    if s.state == S.SUBMITTED and s.source == Suggestion.Source.BETWEEN_SESSIONS:
        received = _local_date(s.submitted_at)
        if received:
            assign_due = deadlines.between_session_assign_due(received, rules, cal)
            check(s, "assign_due", assign_due.date)
            check(s, "assign_due_uncertain", assign_due.uncertain)
    if s.state in IN_HANDLING and s.assigned_on:
        if s.extended_to:
            due = deadlines.Due(s.extended_to, False)
        elif s.state == S.REHANDLING:
            due = deadlines.rehandling_due(_round_opened_on(s) or s.assigned_on, rules, cal)
        else:
            due = deadlines.reply_due(s.assigned_on, rules, cal)
        yellow = deadlines.yellow_from(due.date, rules, cal)
        check(s, "reply_due", due.date)
        check(s, "warn_from", yellow.date)
        check(s, "reply_due_uncertain", due.uncertain or yellow.uncertain)
    for a in s.assignments.exclude(state__in=[A.CANCELLED, A.REPLIED]):
        window = deadlines.adjustment_window_end(a.assigned_on, rules, cal)
        sign = deadlines.sign_due(a.assigned_on, rules, cal)
        check(a, "sign_due", sign.date)
        check(a, "sign_due_uncertain", sign.uncertain)
        check(a, "adjustment_until", window.date)
        check(a, "adjustment_until_uncertain", window.uncertain)
        if a.mode == Assignment.Mode.JOINT:
            joint = deadlines.joint_opinion_due(a.assigned_on, rules, cal)
            check(a, "joint_opinion_due", joint.date)
            check(a, "joint_opinion_due_uncertain", joint.uncertain)
    answered_on = _local_date(s.answered_at)
    for r in s.replies.filter(state=Reply.State.SENT, rating__isnull=True):
        sent_on = _local_date(r.sent_at)
        if sent_on is None:
            continue
        rating_from = max(sent_on, answered_on) if answered_on else sent_on
        window = deadlines.rating_window_end(rating_from, rules, cal)
        check(r, "rating_due", window.date)
        check(r, "rating_due_uncertain", window.uncertain)
        publication = deadlines.publication_due(sent_on, rules, cal)
        check(r, "publication_due", publication.date)
        check(r, "publication_due_uncertain", publication.uncertain)
    grouped: dict[str, list[tuple[Any, str, Any, Any]]] = {}
    for item in found:
        grouped.setdefault(f"{type(item[0]).__name__}:{item[0].pk}", []).append(item)
    return grouped


def recompute_due_dates(jurisdiction_id: int | None = None, *, by: User | None = None) -> int:
    """After the calendar or a rule set changes: recompute open items' stored due dates (reply,
    warning, assignment windows, rating and publication windows, between-session assignment)
    from their stored start dates, and log each change on the suggestion. Returns how many
    suggestions changed."""
    cal = work_calendar()
    qs = Suggestion.objects.filter(state__in=[S.SUBMITTED, *IN_HANDLING, S.ANSWERED])
    if jurisdiction_id is not None:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    changed = 0
    rules_cache: dict[int, deadlines.Rules] = {}
    for pk in qs.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            s = _lock(pk)
            rules = rules_cache.setdefault(s.jurisdiction_id, RuleSet.rules_for(s.jurisdiction_id))
            grouped = _due_changes(s, rules, cal)
            if not grouped:
                continue
            log: list[list[str]] = []
            own_fields: list[str] = []
            summary = ("reply_due", "warn_from", "reply_due_uncertain")
            before = [str(getattr(s, f)) for f in summary]
            for items in grouped.values():
                row = items[0][0]
                for _row, field, old, new in items:
                    setattr(row, field, new)
                    log.append([f"{type(row).__name__.lower()}.{field}", str(old), str(new)])
                if row is s:
                    own_fields = [field for _r, field, _o, _n in items]
                else:
                    row.save(update_fields=[field for _r, field, _o, _n in items])
            _record(
                s,
                "recompute_due",
                by,
                from_state=s.state,
                to_state=s.state,
                data={
                    "before": before,
                    "after": [str(getattr(s, f)) for f in summary],
                    "changes": log,
                },
                update_fields=own_fields,
            )
            changed += 1
    return changed


# The typed function behind each declared action (same name), for the API and generic views.
ACTIONS: dict[str, Callable[..., Any]] = {name: globals()[name] for name in REGISTRY.actions}
