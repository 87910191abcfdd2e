"""The suggestion state machine (DOMAIN.md §2). Every state change goes through one function here.

The transition table at the top is data: action → allowed suggestion states, target state, and
the capacities (permissions.py) that may act. Views, the API, admin actions, imports and
commands all call these functions; each one runs the same steps: lock the row, check the table
and the action's own rule, change, save, append one Event, notify on commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.engine.errors import Conflict, Invalid, NotAllowed, WorkflowError
from minsheng.people.models import Deputy, Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    CoSigner,
    DeclineReason,
    Event,
    ExtensionRequest,
    JointOpinion,
    NumberSeries,
    Rating,
    Reply,
    RuleSet,
    Suggestion,
)
from minsheng.workcalendar import work_calendar

S = Suggestion.State
A = Assignment.State

# Sent after a transition commits: receivers (notifications) get the suggestion and the event.
suggestion_changed = Signal()


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the suggestion's state is unchanged or decided by the action
    who: frozenset[str]
    label: Any  # lazy translated label for buttons


def _t(sources: Iterable[str], target: str | None, who: Iterable[str], label: Any) -> Transition:
    return Transition(frozenset(sources), target, frozenset(who), label)


LEAD, COSIGNER, STAFF = perms.LEAD_DEPUTY, perms.COSIGNER, perms.STAFF
CLERK, HEAD = perms.CLERK, perms.HEAD
UNIT = (CLERK, HEAD)
IN_HANDLING = Suggestion.IN_HANDLING

TRANSITIONS: dict[str, Transition] = {
    # Staff submit only the paper entries they typed in themselves (imports).
    "submit": _t([S.DRAFT, S.RETURNED], S.SUBMITTED, [LEAD, STAFF], gettext_lazy("Submit")),
    "confirm_cosign": _t(
        [S.DRAFT, S.RETURNED], None, [COSIGNER], gettext_lazy("Confirm co-signing")
    ),
    "withdraw": _t(
        [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REGISTERED, S.ASSIGNED, S.HANDLING],
        S.WITHDRAWN,
        [LEAD],
        gettext_lazy("Withdraw"),
    ),
    "register": _t([S.SUBMITTED], S.REGISTERED, [STAFF], gettext_lazy("Register")),
    "decline": _t([S.SUBMITTED], S.DECLINED, [STAFF], gettext_lazy("Decline")),
    "return_for_revision": _t(
        [S.SUBMITTED], S.RETURNED, [STAFF], gettext_lazy("Return for revision")
    ),
    "merge": _t([S.SUBMITTED, S.REGISTERED], S.MERGED, [STAFF], gettext_lazy("Merge into another")),
    "assign": _t([S.REGISTERED], S.ASSIGNED, [STAFF], gettext_lazy("Assign")),
    "sign": _t(IN_HANDLING, None, UNIT, gettext_lazy("Sign for")),
    "request_adjustment": _t(
        [S.ASSIGNED, S.HANDLING], None, UNIT, gettext_lazy("Request adjustment")
    ),
    "decide_adjustment": _t(
        [S.ASSIGNED, S.HANDLING], None, [STAFF], gettext_lazy("Decide adjustment")
    ),
    # 办后问效: a unit may also log the follow-up talk after answering.
    "log_contact": _t(
        [S.HANDLING, S.REHANDLING, S.ANSWERED], None, UNIT, gettext_lazy("Log contact")
    ),
    "submit_joint_opinion": _t(
        [S.HANDLING, S.REHANDLING], None, UNIT, gettext_lazy("Submit joint opinion")
    ),
    # DOMAIN §4: overdue items need a written explanation from the unit that is late.
    "explain_overdue": _t(IN_HANDLING, None, UNIT, gettext_lazy("Explain the delay")),
    "request_extension": _t([S.HANDLING], None, UNIT, gettext_lazy("Request extension")),
    "decide_extension": _t([S.HANDLING], None, [STAFF], gettext_lazy("Decide extension")),
    "draft_reply": _t([S.HANDLING, S.REHANDLING], None, UNIT, gettext_lazy("Draft reply")),
    "sign_reply": _t([S.HANDLING, S.REHANDLING], None, [HEAD], gettext_lazy("Sign and send reply")),
    # Rating stays open in re-handling for the other units' replies (分办).
    "rate": _t([S.ANSWERED, S.REHANDLING], None, [LEAD], gettext_lazy("Rate the reply")),
    "rehandle": _t([S.ANSWERED], S.REHANDLING, [STAFF], gettext_lazy("Re-handle")),
    "close": _t([S.ANSWERED, S.REHANDLING], S.CLOSED, [STAFF], gettext_lazy("Close")),
    "end_of_term": _t(
        [S.SUBMITTED, S.REGISTERED, *IN_HANDLING, S.ANSWERED],
        None,
        [STAFF],
        gettext_lazy("Carry over or close at the end of the term"),
    ),
}

# --- the common steps --------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _d(day: datetime.date) -> str:
    """A date in the reader's language (2026年12月26日 in Chinese)."""
    return str(date_format(day, "DATE_FORMAT"))


def _lock(suggestion: Suggestion | int) -> Suggestion:
    pk = suggestion if isinstance(suggestion, int) else suggestion.pk
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("lead_deputy", "jurisdiction", "session__term")
        .get(pk=pk)
    )


def _check(action: str, suggestion: Suggestion, by: User, expected_version: int | None) -> set[str]:
    """The table's checks; returns the actor's capacities."""
    rule = TRANSITIONS[action]
    caps = perms.capacities(by, suggestion)
    if not caps & rule.who:
        raise NotAllowed(_("You may not do this on this suggestion."))
    if expected_version is not None and expected_version != suggestion.version:
        raise Conflict(
            _(
                "Someone else changed this suggestion while you were looking at it. "
                "Reload the page and try again."
            )
        )
    if suggestion.state not in rule.sources:
        raise Conflict(
            _("This cannot be done while the suggestion is “%(state)s”.")
            % {"state": suggestion.get_state_display()}
        )
    return caps


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
    suggestion.version += 1
    suggestion.save(update_fields=["version", *update_fields])
    event = Event.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        actor=by,
        at=timezone.now(),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
    transaction.on_commit(
        lambda: suggestion_changed.send(sender=Suggestion, suggestion=suggestion, event=event)
    )
    return event


def _set_state(suggestion: Suggestion, state: str) -> tuple[str, str]:
    before = suggestion.state
    suggestion.state = state
    return before, state


def allowed_actions(user: User, suggestion: Suggestion) -> list[str]:
    """Actions the table lets this person take now (the buttons a page shows). The action's own
    finer rules (windows, contact logged…) are checked when it runs."""
    caps = perms.capacities(user, suggestion)
    return [
        name
        for name, rule in TRANSITIONS.items()
        if suggestion.state in rule.sources
        and caps & rule.who
        and _applicable(name, user, suggestion)
    ]


def _applicable(action: str, user: User, suggestion: Suggestion) -> bool:
    """Cheap per-object conditions so pages do not offer buttons that would certainly fail."""
    mine = perms.user_assignments(user, suggestion)
    if action == "submit":
        return suggestion.lead_deputy.user_id == user.pk or suggestion.created_by_id == user.pk
    if action == "confirm_cosign":
        return suggestion.cosigners.filter(deputy__user_id=user.pk, state="invited").exists()
    if action == "sign":
        return any(a.state == A.AWAITING_SIGNATURE for a in mine)
    if action == "request_adjustment":
        return any(
            a.state in (A.AWAITING_SIGNATURE, A.SIGNED)
            and not deadlines.is_late(_today(), a.adjustment_until)
            for a in mine
        )
    if action == "close":
        return not (
            suggestion.state == S.ANSWERED
            and _rateable_replies(suggestion).filter(rating_due__gte=_today()).exists()
        )
    if action == "decide_adjustment":
        return AdjustmentRequest.objects.filter(
            assignment__suggestion=suggestion, decision="pending"
        ).exists()
    if action in ("log_contact",):
        return any(a.state in (A.SIGNED, A.REPLIED) for a in mine)
    if action == "submit_joint_opinion":
        return any(
            a.mode == Assignment.Mode.JOINT
            and a.state == A.SIGNED
            and not JointOpinion.objects.filter(assignment=a).exists()
            for a in mine
        )
    if action == "explain_overdue":
        return _is_overdue(suggestion) and any(
            a.mode in (Assignment.Mode.LEAD, Assignment.Mode.SEPARATE)
            and a.state in (A.SIGNED, A.AWAITING_SIGNATURE)
            for a in mine
        )
    if action in ("draft_reply", "request_extension"):
        return any(a.mode != Assignment.Mode.JOINT and a.state == A.SIGNED for a in mine)
    if action == "sign_reply":
        return Reply.objects.filter(
            assignment__in=[a for a in mine if a.state == A.SIGNED],
            round=suggestion.round,
            state=Reply.State.DRAFT,
        ).exists()
    if action == "decide_extension":
        return suggestion.extension_requests.filter(decision="pending").exists()
    if action == "rate":
        return bool(_rateable_replies(suggestion).exists())
    return True


def why_not(action: str, user: User, suggestion: Suggestion) -> str | None:
    """The reason the table allows an action here but this object's own rule does not (None
    when it is offered), in the same words the action itself would use."""
    if _applicable(action, user, suggestion):
        return None
    if action == "request_adjustment":
        late = [
            a
            for a in perms.user_assignments(user, suggestion)
            if a.state in (A.AWAITING_SIGNATURE, A.SIGNED)
        ]
        if late:
            return str(
                _("The adjustment window ended on %(date)s; a late request is not adjusted.")
                % {"date": _d(late[0].adjustment_until)}
            )
    if action == "explain_overdue" and not _is_overdue(suggestion):
        return _not_overdue_message(suggestion)
    if action == "close":
        return str(
            _(
                "The deputy can still rate the reply; close it after the rating or when the "
                "rating window has passed."
            )
        )
    return str(_("This cannot be done on this suggestion now."))


# --- deputy actions ---------------------------------------------------------------------------


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
            suggestion.cosigners.update(state=CoSigner.State.CONFIRMED, answered_at=timezone.now())
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
    with transaction.atomic():
        s = _lock(suggestion)
        caps = _check("submit", s, by, expected_version)
        if LEAD not in caps and s.created_by_id != by.pk:
            raise NotAllowed(_("Only the lead deputy can submit this suggestion."))
        pending = s.cosigners.filter(state=CoSigner.State.INVITED)
        if pending.exists():
            names = "、".join(str(c.deputy) for c in pending.select_related("deputy__user"))
            raise Conflict(
                _("Every co-signer must confirm first. Still waiting for: %(names)s")
                % {"names": names}
            )
        today = _today()
        s.submitted_at = timezone.now()
        update = ["state", "submitted_at"]
        if s.source == Suggestion.Source.BETWEEN_SESSIONS:
            rules = RuleSet.rules_for(s.jurisdiction_id)
            due = deadlines.between_session_assign_due(today, rules, work_calendar())
            s.assign_due, s.assign_due_uncertain = due.date, due.uncertain
            update += ["assign_due", "assign_due_uncertain"]
        before, after = _set_state(s, S.SUBMITTED)
        _record(s, "submit", by, from_state=before, to_state=after, update_fields=update)
    return s


def confirm_cosign(
    suggestion: Suggestion, *, by: User, accept: bool = True, expected_version: int | None = None
) -> Suggestion:
    with transaction.atomic():
        s = _lock(suggestion)
        _check("confirm_cosign", s, by, expected_version)
        row = s.cosigners.filter(deputy__user_id=by.pk).first()
        if row is None or row.state != CoSigner.State.INVITED:
            raise Conflict(_("You have already answered this invitation."))
        row.state = CoSigner.State.CONFIRMED if accept else CoSigner.State.REFUSED
        row.answered_at = timezone.now()
        row.save(update_fields=["state", "answered_at"])
        _record(
            s, "confirm_cosign", by, from_state=s.state, to_state=s.state, data={"accepted": accept}
        )
    return s


def withdraw(
    suggestion: Suggestion, *, by: User, reason: str, expected_version: int | None = None
) -> Suggestion:
    if not reason.strip():
        raise Invalid(_("A withdrawal must be made in writing: give the reason."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("withdraw", s, by, expected_version)
        before, after = _set_state(s, S.WITHDRAWN)
        s.closed_at = timezone.now()
        s.state_note = reason.strip()
        _record(
            s,
            "withdraw",
            by,
            from_state=before,
            to_state=after,
            note=reason.strip(),
            update_fields=["state", "closed_at", "state_note"],
        )
    return s


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


# --- review -----------------------------------------------------------------------------------


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
    with transaction.atomic():
        s = _lock(suggestion)
        _check("register", s, by, expected_version)
        s.number = _next_number(s)
        s.registered_at = timezone.now()
        update = ["state", "number", "registered_at"]
        if is_complex is not None:
            s.is_complex = is_complex
            update.append("is_complex")
        if category is not None:
            _check_category(s.jurisdiction_id, category)
            s.category = category
            update.append("category")
        before, after = _set_state(s, S.REGISTERED)
        _record(
            s,
            "register",
            by,
            from_state=before,
            to_state=after,
            data={"number": s.number, "series": s.series},
            update_fields=update,
        )
    return s


def decline(
    suggestion: Suggestion,
    *,
    by: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    if reason not in DeclineReason.values:
        raise Invalid(_("Choose a reason from the list."))
    if reason == DeclineReason.OTHER and not note.strip():
        raise Invalid(_("Explain the reason in the note."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("decline", s, by, expected_version)
        s.decline_reason, s.state_note, s.closed_at = reason, note.strip(), timezone.now()
        before, after = _set_state(s, S.DECLINED)
        _record(
            s,
            "decline",
            by,
            from_state=before,
            to_state=after,
            note=note.strip(),
            data={"reason": reason},
            update_fields=["state", "decline_reason", "state_note", "closed_at"],
        )
    return s


def return_for_revision(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    if not note.strip():
        raise Invalid(_("Tell the deputy what to revise."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("return_for_revision", s, by, expected_version)
        s.state_note = note.strip()
        before, after = _set_state(s, S.RETURNED)
        _record(
            s,
            "return_for_revision",
            by,
            from_state=before,
            to_state=after,
            note=note.strip(),
            update_fields=["state", "state_note"],
        )
    return s


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
        # Both rows are locked in one query in id order, so crossed merges cannot deadlock.
        locked = {
            row.pk: row
            for row in Suggestion.objects.select_for_update(of=("self",))
            .select_related("lead_deputy", "jurisdiction", "session__term")
            .filter(pk__in=[suggestion.pk, into.pk])
            .order_by("pk")
        }
        s, target = locked[suggestion.pk], locked[into.pk]
        _check("merge", s, by, expected_version)
        if target.jurisdiction_id != s.jurisdiction_id:
            raise Invalid(_("Choose another suggestion of the same congress."))
        if target.state not in (S.REGISTERED, *IN_HANDLING):
            raise Conflict(_("The suggestion merged into must be registered and still open."))
        s.merged_into = target
        s.state_note = note.strip()
        before, after = _set_state(s, S.MERGED)
        _record(
            s,
            "merge",
            by,
            from_state=before,
            to_state=after,
            note=note.strip(),
            data={"into": target.pk},
            update_fields=["state", "merged_into", "state_note"],
        )
        _record(
            target,
            "merged_in",
            by,
            from_state=target.state,
            to_state=target.state,
            data={"from": s.pk},
        )
    return s


# --- assignment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    unit: Organisation
    mode: str


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
    return Assignment.objects.create(
        suggestion=s,
        unit=unit,
        mode=mode,
        assigned_on=on,
        assigned_by=by,
        sign_due=deadlines.sign_due(on, rules, cal).date,
        adjustment_until=window.date,
        adjustment_until_uncertain=window.uncertain,
        joint_opinion_due=(
            deadlines.joint_opinion_due(on, rules, cal).date
            if mode == Assignment.Mode.JOINT
            else None
        ),
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
    with transaction.atomic():
        s = _lock(suggestion)
        _check("assign", s, by, expected_version)
        on = on or _today()
        # A meeting may be entered afterwards (a past date), never ahead of time.
        if on > _today() or on < s.session.term.start_date:
            raise Invalid(_("The assignment date must be within the term and not in the future."))
        rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
        for item in plan:
            _new_assignment(s, item.unit, item.mode, by, on, rules, cal)
        s.assigned_on = on
        update = ["state", "assigned_on", *_set_reply_due(s, on)]
        before, after = _set_state(s, S.ASSIGNED)
        _record(
            s,
            "assign",
            by,
            from_state=before,
            to_state=after,
            note=note,
            data={"units": [[p.unit.pk, str(p.unit), p.mode] for p in plan]},
            update_fields=update,
        )
    return s


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


def _my_assignment(
    s: Suggestion,
    by: User,
    states: Iterable[str],
    *,
    assignment_id: int | None = None,
    modes: Iterable[str] | None = None,
    kinds: tuple[str, ...] = ("clerk", "head"),
) -> Assignment:
    candidates = [
        a
        for a in perms.user_assignments(by, s, kinds)
        if (assignment_id is None or a.pk == assignment_id) and (modes is None or a.mode in modes)
    ]
    if not candidates:
        raise NotAllowed(_("Your unit has no part in this suggestion."))
    wanted = set(states)
    for a in candidates:
        if a.state in wanted:
            return Assignment.objects.select_for_update().get(pk=a.pk)
    raise Conflict(
        _("Your unit's assignment is “%(state)s”; this cannot be done now.")
        % {"state": candidates[0].get_state_display()}
    )


def sign(
    suggestion: Suggestion,
    *,
    by: User,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    with transaction.atomic():
        s = _lock(suggestion)
        _check("sign", s, by, expected_version)
        a = _my_assignment(s, by, [A.AWAITING_SIGNATURE], assignment_id=assignment_id)
        a.state, a.signed_at, a.signed_by = A.SIGNED, timezone.now(), by
        a.save(update_fields=["state", "signed_at", "signed_by"])
        before = s.state
        update = []
        if s.state == S.ASSIGNED:
            s.state = S.HANDLING
            update.append("state")
        late = _today() > a.sign_due
        _record(
            s,
            "sign",
            by,
            from_state=before,
            to_state=s.state,
            assignment=a,
            data={"unit": str(a.unit), "late": late},
            update_fields=update,
        )
    return s


def request_adjustment(
    suggestion: Suggestion,
    *,
    by: User,
    reason: str,
    proposed_unit: Organisation | None = None,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> AdjustmentRequest:
    if not reason.strip():
        raise Invalid(_("Give the reasons for the adjustment."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("request_adjustment", s, by, expected_version)
        a = _my_assignment(s, by, [A.AWAITING_SIGNATURE, A.SIGNED], assignment_id=assignment_id)
        if deadlines.is_late(_today(), a.adjustment_until):
            raise Conflict(
                _("The adjustment window ended on %(date)s; a late request is not adjusted.")
                % {"date": _d(a.adjustment_until)}
            )
        if proposed_unit is not None:
            _check_unit(s, proposed_unit)
            if proposed_unit.pk == a.unit_id:
                raise Invalid(_("Propose a unit other than your own."))
        request = AdjustmentRequest.objects.create(
            assignment=a, reason=reason.strip(), proposed_unit=proposed_unit, requested_by=by
        )
        data = {"previous": a.state, "proposed_unit": str(proposed_unit or "")}
        a.state = A.ADJUSTMENT_REQUESTED
        a.save(update_fields=["state"])
        _record(
            s,
            "request_adjustment",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=reason.strip(),
            data={**data, "request": request.pk},
        )
    return request


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
    with transaction.atomic():
        s = _lock(suggestion)
        _check("decide_adjustment", s, by, expected_version)
        try:
            request = AdjustmentRequest.objects.select_for_update().get(
                pk=request_id, assignment__suggestion=s
            )
        except AdjustmentRequest.DoesNotExist:
            raise Invalid(_("No such adjustment request.")) from None
        if request.decision != AdjustmentRequest.Decision.PENDING:
            raise Conflict(_("This request has already been decided."))
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
        request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
        data: dict[str, Any] = {"request": request.pk}
        if move_to is None:
            request.decision = AdjustmentRequest.Decision.KEPT
            a.state = previous
            a.save(update_fields=["state"])
        else:
            if move_to.pk == a.unit_id:
                raise Invalid(_("Choose a different unit to move it to."))
            if s.assignments.filter(unit=move_to).exclude(state=A.CANCELLED).exists():
                raise Invalid(_("That unit already has a part in this suggestion."))
            request.decision = AdjustmentRequest.Decision.MOVED
            rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
            a.state = A.CANCELLED
            a.save(update_fields=["state"])
            new = _new_assignment(s, move_to, a.mode, by, _today(), rules, cal)
            a.replaced_by = new
            a.save(update_fields=["replaced_by"])
            data.update({"moved_to": str(move_to), "new_assignment": new.pk})
        request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        _record(
            s,
            "decide_adjustment",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=note,
            data={**data, "decision": request.decision},
        )
    return s


# --- handling ---------------------------------------------------------------------------------


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
    if method not in ContactLog.Method.values or stage not in ContactLog.Stage.values:
        raise Invalid(_("Choose how and when the deputy was contacted."))
    if not people.strip() or not summary.strip():
        raise Invalid(_("Say who took part and what was discussed."))
    if contacted_on > _today():
        raise Invalid(_("The contact date cannot be in the future."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("log_contact", s, by, expected_version)
        a = _my_assignment(s, by, [A.SIGNED, A.REPLIED], assignment_id=assignment_id)
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
        _record(
            s,
            "log_contact",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=summary.strip(),
            data={"method": method, "date": contacted_on.isoformat(), "stage": stage},
        )
    return log


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
    if not text.strip():
        raise Invalid(_("Write the joint opinion."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("submit_joint_opinion", s, by, expected_version)
        a = _my_assignment(
            s, by, [A.SIGNED], assignment_id=assignment_id, modes=[Assignment.Mode.JOINT]
        )
        if JointOpinion.objects.filter(assignment=a).exists():
            raise Conflict(_("Your unit has already sent its joint opinion."))
        opinion = JointOpinion.objects.create(assignment=a, text=text.strip(), submitted_by=by)
        a.state, a.replied_at = A.REPLIED, timezone.now()
        a.save(update_fields=["state", "replied_at"])
        _record(
            s,
            "submit_joint_opinion",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=text.strip(),
        )
    return opinion


def _is_overdue(s: Suggestion) -> bool:
    return bool(s.reply_due and _today() > s.reply_due)


def _not_overdue_message(s: Suggestion) -> str:
    if s.reply_due is None:
        return str(_("The suggestion has no reply due date yet; nothing is overdue."))
    return str(
        _(
            "The reply is due on %(date)s and is not overdue; a written explanation is needed "
            "only after that day."
        )
        % {"date": _d(s.reply_due)}
    )


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
    if not text.strip():
        raise Invalid(_("Write why the reply is late."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("explain_overdue", s, by, expected_version)
        a = _my_assignment(
            s,
            by,
            [A.AWAITING_SIGNATURE, A.SIGNED],
            assignment_id=assignment_id,
            modes=[Assignment.Mode.LEAD, Assignment.Mode.SEPARATE],
        )
        if not _is_overdue(s):
            raise Conflict(_not_overdue_message(s))
        assert s.reply_due is not None
        event = _record(
            s,
            "explain_overdue",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=text.strip(),
            data={
                "reply_due": s.reply_due.isoformat(),
                "days_late": (_today() - s.reply_due).days,
            },
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
    if not reason.strip():
        raise Invalid(_("Give the reason for the extension."))
    if not deputy_told:
        raise Invalid(_("Tell the deputy why before asking for an extension."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("request_extension", s, by, expected_version)
        a = _my_assignment(
            s,
            by,
            [A.SIGNED],
            assignment_id=assignment_id,
            modes=[Assignment.Mode.LEAD, Assignment.Mode.SEPARATE],
        )
        _check_extension_date(s, until)
        if s.extension_requests.filter(decision="pending").exists():
            raise Conflict(_("An extension request is already waiting for a decision."))
        request = ExtensionRequest.objects.create(
            suggestion=s,
            assignment=a,
            requested_until=until,
            reason=reason.strip(),
            deputy_told=deputy_told,
            requested_by=by,
        )
        _record(
            s,
            "request_extension",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            note=reason.strip(),
            data={"until": until.isoformat(), "request": request.pk},
        )
    return request


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
    with transaction.atomic():
        s = _lock(suggestion)
        _check("decide_extension", s, by, expected_version)
        try:
            request = s.extension_requests.select_for_update().get(pk=request_id)
        except ExtensionRequest.DoesNotExist:
            raise Invalid(_("No such extension request.")) from None
        if request.decision != ExtensionRequest.Decision.PENDING:
            raise Conflict(_("This request has already been decided."))
        request.decision = (
            ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REJECTED
        )
        request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
        request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        update: list[str] = []
        if approve:
            _check_extension_date(s, request.requested_until)
            rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
            s.extended_to = s.reply_due = request.requested_until
            yellow = deadlines.yellow_from(request.requested_until, rules, cal)
            s.warn_from, s.reply_due_uncertain = yellow.date, yellow.uncertain
            s.is_complex = True
            update = ["extended_to", "reply_due", "warn_from", "reply_due_uncertain", "is_complex"]
        _record(
            s,
            "decide_extension",
            by,
            from_state=s.state,
            to_state=s.state,
            note=note,
            data={
                "request": request.pk,
                "approved": approve,
                "until": request.requested_until.isoformat(),
            },
            update_fields=update,
        )
    return s


REPLY_FIELDS = (
    "category",
    "text",
    "plan",
    "target_date",
    "contact_leader",
    "contact_leader_phone",
    "case_officer",
    "case_officer_phone",
)


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
    if fields.get("category") not in Reply.Category.values:
        raise Invalid(_("Choose the result category (A, B, C or D)."))
    for name in (
        "text",
        "contact_leader",
        "contact_leader_phone",
        "case_officer",
        "case_officer_phone",
    ):
        if not str(fields.get(name) or "").strip():
            raise Invalid(
                _(
                    "The reply needs the text and the names and phones of the responsible "
                    "leader and the case officer."
                )
            )
    if fields["category"] == Reply.Category.B and (
        not str(fields.get("plan") or "").strip() or not fields.get("target_date")
    ):
        raise Invalid(_("A B reply must give the plan, its steps and a target date."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("draft_reply", s, by, expected_version)
        a = _my_assignment(
            s,
            by,
            [A.SIGNED],
            assignment_id=assignment_id,
            modes=[Assignment.Mode.LEAD, Assignment.Mode.SEPARATE],
        )
        values = {name: fields.get(name) for name in REPLY_FIELDS}
        values["plan"] = values["plan"] or ""
        reply, created = Reply.objects.update_or_create(
            assignment=a,
            round=s.round,
            defaults={**values, "suggestion": s, "drafted_by": by},
        )
        if reply.state != Reply.State.DRAFT:
            raise Conflict(_("This round's reply has already been sent."))
        _record(
            s,
            "draft_reply",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=a,
            data={"reply": reply.pk, "category": reply.category, "new": created},
        )
    return reply


def reply_problems(s: Suggestion, a: Assignment) -> list[str]:
    """What stops this unit's reply from being sent now (empty when it may be sent)."""
    problems = []
    if not ContactLog.objects.filter(assignment=a, round=s.round).exists():
        problems.append(_("No contact with the deputy has been logged in this round."))
    if a.mode == Assignment.Mode.LEAD:
        today = _today()
        for joint in s.assignments.filter(mode=Assignment.Mode.JOINT).exclude(state=A.CANCELLED):
            waiting = not JointOpinion.objects.filter(assignment=joint).exists()
            if waiting and joint.joint_opinion_due and today <= joint.joint_opinion_due:
                problems.append(
                    _("Waiting for the joint opinion of %(unit)s (due %(date)s).")
                    % {"unit": joint.unit, "date": _d(joint.joint_opinion_due)}
                )
    return problems


def sign_reply(
    suggestion: Suggestion,
    *,
    by: User,
    assignment_id: int | None = None,
    expected_version: int | None = None,
) -> Reply:
    """The unit head signs and sends this round's reply. When every lead/separate unit has
    replied in this round, the suggestion is answered and the rating window opens."""
    with transaction.atomic():
        s = _lock(suggestion)
        _check("sign_reply", s, by, expected_version)
        a = _my_assignment(
            s,
            by,
            [A.SIGNED],
            assignment_id=assignment_id,
            modes=[Assignment.Mode.LEAD, Assignment.Mode.SEPARATE],
            kinds=("head",),
        )
        reply = Reply.objects.select_for_update().filter(assignment=a, round=s.round).first()
        if reply is None or reply.state != Reply.State.DRAFT:
            raise Conflict(_("There is no draft reply to sign."))
        problems = reply_problems(s, a)
        if problems:
            raise Conflict(" ".join(problems))
        now, today = timezone.now(), _today()
        rules, cal = RuleSet.rules_for(s.jurisdiction_id), work_calendar()
        reply.state, reply.signed_by, reply.sent_at = Reply.State.SENT, by, now
        window = deadlines.rating_window_end(today, rules, cal)
        reply.rating_due, reply.rating_due_uncertain = window.date, window.uncertain
        publication = deadlines.publication_due(today, rules, cal)
        reply.publication_due, reply.publication_due_uncertain = (
            publication.date,
            publication.uncertain,
        )
        reply.save(
            update_fields=[
                "state",
                "signed_by",
                "sent_at",
                "rating_due",
                "rating_due_uncertain",
                "publication_due",
                "publication_due_uncertain",
            ]
        )
        a.state, a.replied_at = A.REPLIED, now
        a.save(update_fields=["state", "replied_at"])
        before = s.state
        update: list[str] = []
        answering = s.assignments.exclude(state=A.CANCELLED).exclude(mode=Assignment.Mode.JOINT)
        if not answering.exclude(state=A.REPLIED).exists():
            s.state, s.answered_at = S.ANSWERED, now
            update = ["state", "answered_at"]
            # The deputy rates once the suggestion is answered: a unit that replied early must
            # not see its reply's rating window run out before the deputy could rate it.
            s.replies.filter(
                state=Reply.State.SENT, rating__isnull=True, rating_due__lt=reply.rating_due
            ).update(rating_due=reply.rating_due, rating_due_uncertain=reply.rating_due_uncertain)
        late = bool(s.reply_due and today > s.reply_due)
        _record(
            s,
            "sign_reply",
            by,
            from_state=before,
            to_state=s.state,
            assignment=a,
            data={"reply": reply.pk, "category": reply.category, "round": s.round, "late": late},
            update_fields=update,
        )
    return reply


# --- rating, re-handling, closing ---------------------------------------------------------------


def _unrated_replies(s: Suggestion) -> Any:
    """Sent replies still waiting for the deputy's rating (any round: in separate handling one
    unit may be re-handling while another unit's reply is still to be rated)."""
    return s.replies.filter(state=Reply.State.SENT, rating__isnull=True)


def _rateable_replies(s: Suggestion) -> Any:
    """What the deputy may rate now: in re-handling, only earlier rounds' replies (the current
    round is rated once it is answered as a whole)."""
    pending = _unrated_replies(s)
    if s.state == S.REHANDLING:
        pending = pending.filter(round__lt=s.round)
    return pending


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
    if overall not in (
        Rating.Overall.SATISFIED,
        Rating.Overall.BASICALLY,
        Rating.Overall.UNSATISFIED,
    ):
        raise Invalid(_("Choose satisfied, basically satisfied or unsatisfied."))
    allowed_parts = {"", *Rating.RATED}
    if process not in allowed_parts or result not in allowed_parts:
        raise Invalid(_("Unknown rating value."))
    if overall == Rating.Overall.UNSATISFIED and not reasons.strip():
        raise Invalid(_("Say why you are not satisfied: the unit must handle it again."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("rate", s, by, expected_version)
        pending = _rateable_replies(s)
        if reply_id is not None:
            pending = pending.filter(pk=reply_id)
        reply = pending.select_related("assignment__unit").first()
        if reply is None:
            raise Conflict(_("There is no reply waiting for your rating."))
        if reply.rating_due and _today() > reply.rating_due:
            raise Conflict(
                _("The rating window ended on %(date)s; the reply is recorded as not rated.")
                % {"date": _d(reply.rating_due)}
            )
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
        _record(
            s,
            "rate",
            by,
            from_state=s.state,
            to_state=s.state,
            assignment=reply.assignment,
            note=reasons.strip(),
            data={"overall": overall, "reply": reply.pk, "process": process, "result": result},
        )
        if overall == Rating.Overall.UNSATISFIED:
            _open_rehandling(s, by, units=[reply.assignment], note=reasons.strip(), cause="rating")
    return rating


def _reopen_unit(
    s: Suggestion, by: User | None, a: Assignment, note: str, cause: str = "staff"
) -> None:
    """Another unit's reply was found unsatisfying while re-handling is already under way: that
    unit joins the current round (same round number and due date)."""
    Assignment.objects.filter(pk=a.pk).update(state=A.SIGNED, replied_at=None)
    _record(
        s,
        "rehandle",
        by,
        from_state=s.state,
        to_state=s.state,
        note=note,
        data={"round": s.round, "units": [str(a.unit)], "cause": cause},
    )


def _open_rehandling(
    s: Suggestion, by: User | None, *, units: Sequence[Assignment], note: str, cause: str = "staff"
) -> None:
    if s.state == S.REHANDLING:
        for a in units:
            _reopen_unit(s, by, a, note, cause)
        return
    today = _today()
    before = s.state
    s.round += 1
    s.state = S.REHANDLING
    s.answered_at = None
    update = ["state", "round", "answered_at", *_set_reply_due(s, today, rehandling=True)]
    for a in units:
        Assignment.objects.filter(pk=a.pk).update(state=A.SIGNED, replied_at=None)
    _record(
        s,
        "rehandle",
        by,
        from_state=before,
        to_state=s.state,
        note=note,
        data={
            "round": s.round,
            "units": [str(a.unit) for a in units],
            "opened_on": today.isoformat(),
            "cause": cause,
        },
        update_fields=update,
    )


def rehandle(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    """Staff re-open handling (e.g. on a look-back); normally an unsatisfied rating does it."""
    if not note.strip():
        raise Invalid(_("Say why the suggestion is handled again."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("rehandle", s, by, expected_version)
        units = list(s.assignments.filter(state=A.REPLIED).exclude(mode=Assignment.Mode.JOINT))
        _open_rehandling(s, by, units=units, note=note.strip())
    return s


def close(
    suggestion: Suggestion, *, by: User, note: str, expected_version: int | None = None
) -> Suggestion:
    """Staff close a suggestion with a note: answered and rated (or the rating window passed),
    or in re-handling when the deputy has come to understand."""
    if not note.strip():
        raise Invalid(_("Closing needs a note."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("close", s, by, expected_version)
        # In re-handling staff may close with a note (the deputy understands); what is left
        # unrated then is recorded as not rated below.
        if s.state == S.ANSWERED and _rateable_replies(s).filter(rating_due__gte=_today()).exists():
            raise Conflict(
                _(
                    "The deputy can still rate the reply; close it after the rating or when the "
                    "rating window has passed."
                )
            )
        # Windows that passed before the daily job ran, and replies of a round closed before
        # it was answered, still end as "not rated", never silently.
        for reply in _unrated_replies(s):
            _record_not_rated(s, reply)
        s.closed_at, s.state_note = timezone.now(), note.strip()
        before, after = _set_state(s, S.CLOSED)
        _record(
            s,
            "close",
            by,
            from_state=before,
            to_state=after,
            note=note.strip(),
            update_fields=["state", "closed_at", "state_note"],
        )
    return s


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
    if rule not in (TermEndRule.CARRY_OVER, TermEndRule.CLOSE):
        raise Invalid(_("Choose carry over or close."))
    if not note.strip():
        raise Invalid(_("Say under which rule the item is carried over or closed."))
    with transaction.atomic():
        s = _lock(suggestion)
        _check("end_of_term", s, by, expected_version)
        before = s.state
        update: list[str] = []
        if rule == TermEndRule.CLOSE:
            for reply in _unrated_replies(s):
                _record_not_rated(s, reply)
            s.state, s.closed_at, s.state_note = S.CLOSED, timezone.now(), note.strip()
            update = ["state", "closed_at", "state_note"]
        _record(
            s,
            "end_of_term",
            by,
            from_state=before,
            to_state=s.state,
            note=note.strip(),
            data={"rule": rule, "term": s.session.term_id},
            update_fields=update,
        )
    return s


# --- system actions (commands) ------------------------------------------------------------------


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
        check(a, "sign_due", deadlines.sign_due(a.assigned_on, rules, cal).date)
        check(a, "adjustment_until", window.date)
        check(a, "adjustment_until_uncertain", window.uncertain)
        if a.mode == Assignment.Mode.JOINT:
            joint = deadlines.joint_opinion_due(a.assigned_on, rules, cal)
            check(a, "joint_opinion_due", joint.date)
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


# The functions behind each action, for the API and generic views.
ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": submit,
    "confirm_cosign": confirm_cosign,
    "withdraw": withdraw,
    "register": register,
    "decline": decline,
    "return_for_revision": return_for_revision,
    "merge": merge,
    "assign": assign,
    "sign": sign,
    "request_adjustment": request_adjustment,
    "decide_adjustment": decide_adjustment,
    "log_contact": log_contact,
    "submit_joint_opinion": submit_joint_opinion,
    "explain_overdue": explain_overdue,
    "request_extension": request_extension,
    "decide_extension": decide_extension,
    "draft_reply": draft_reply,
    "sign_reply": sign_reply,
    "rate": rate,
    "rehandle": rehandle,
    "close": close,
    "end_of_term": end_of_term,
}
assert set(ACTIONS) == set(TRANSITIONS)
