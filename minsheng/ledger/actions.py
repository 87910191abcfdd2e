"""The ledger's actions, each declared once on the shared engine (as the suggestions' and
supervision's are): reporting progress, asking for a change and deciding it, stopping and
resuming an item. The typed functions are in `workflow.py`; creating an item is
`workflow.create_item` (there is no record to act on yet)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.engine.actions import Action, Attempt, Registry, Rule, Subject, Words
from minsheng.engine.errors import Conflict, NotAllowed
from minsheng.engine.inputs import Check, Choice, Day, Files, Line, Number, Ref, Refs, Text
from minsheng.ledger import permissions as perms
from minsheng.ledger import progress
from minsheng.ledger.models import ChangeRequest, LedgerItem, Milestone
from minsheng.people.models import Organisation

S = LedgerItem.State
STAFF, OWNER, RESPONSIBLE = perms.STAFF, perms.OWNER, perms.RESPONSIBLE

Try = Attempt[Any]

# Sent after a ledger action commits: receivers (notifications) get the item and the event.
ledger_changed = Signal()


def today() -> datetime.date:
    return timezone.localdate()


def _notify(obj: Any, event: Any) -> None:
    ledger_changed.send(sender=type(obj), obj=obj, event=event)


def _lock_item(pk: int) -> LedgerItem:
    return (
        LedgerItem.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "responsible_unit", "owner")
        .get(pk=pk)
    )


ITEMS: Registry[LedgerItem] = Registry(
    model=LedgerItem,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_item,
    other_events={
        "create": gettext_lazy("Entered in the ledger"),
        "child_added": gettext_lazy("A sub-item was added"),
        "evidence": gettext_lazy("Added evidence"),
    },
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this ledger item."),
        stale=gettext_lazy(
            "Someone else changed this ledger item while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the ledger item is “%(state)s”."),
    ),
)


# --- rules -------------------------------------------------------------------------------------


def _children(attempt: Try) -> int:
    return attempt.cached("children", lambda: attempt.obj.children.count())


def _is_leaf(attempt: Try) -> str | None:
    n = _children(attempt)
    if n:
        return str(
            _("This item's progress comes from its %(n)s sub-items: report on them.") % {"n": n}
        )
    return None


def _not_done(attempt: Try) -> str | None:
    if attempt.obj.progress >= 100:
        return str(_("This item is done: it is closed to changes and reports."))
    return None


def _not_a_commitment(attempt: Try) -> str | None:
    if attempt.obj.kind == LedgerItem.Kind.COMMITMENT:
        # Its promise needs a new target date: the look-back's reopen asks for one.
        return str(_("A commitment is reopened from the look-back, with a new target date."))
    return None


def _no_pending_change(attempt: Try) -> str | None:
    if attempt.cached(
        "pending", lambda: attempt.obj.change_requests.filter(state="pending")
    ).exists():
        return str(_("A change of this item already waits for approval."))
    return None


# --- inputs ------------------------------------------------------------------------------------


def _open_milestones(attempt: Try) -> QuerySet[Milestone]:
    return attempt.obj.milestones.filter(done_on__isnull=True).order_by("position", "due", "pk")


def _steps(item: LedgerItem, done_now: set[int] = frozenset()) -> list[progress.Step]:  # type: ignore[assignment]
    return [
        progress.Step(m.title, m.due, m.weight, m.done_on is not None or m.pk in done_now)
        for m in item.milestones.all()
    ]


def _report_percent(values: Mapping[str, Any], attempt: Try) -> str | None:
    percent = values.get("percent")
    if percent is None:
        return None
    if percent >= 100 and attempt.obj.kind == LedgerItem.Kind.COMMITMENT:
        # "Solved" is what the unit tells the deputy in its second reply (commitments.py).
        return str(
            _(
                "A commitment is closed by the unit's second reply to the deputy: report up to "
                "99 %%, then send the second reply."
            )
            % {}
        )
    done_now = {getattr(m, "pk", m) for m in values.get("milestones_done") or ()}
    steps = _steps(attempt.obj, done_now)
    share = progress.done_share(steps)
    if percent < share:
        return str(
            _("The milestones done weigh %(share)s %%: report at least %(share)s %%.")
            % {"share": share}
        )
    open_ = [s.title for s in steps if not s.done]
    if percent >= 100 and open_:
        return str(
            _("100 %% means every milestone is done; still open: %(titles)s.")
            % {"titles": "、".join(open_)}
        )
    return None


def _report_day(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("on")
    if day is None:
        return None
    if day > today():
        return str(_("The date cannot be in the future."))
    if day < attempt.obj.starts_on:
        return str(
            _("The item starts on %(start)s; a report cannot be dated before it.")
            % {"start": attempt.obj.starts_on.isoformat()}
        )
    return None


def _attachments() -> Any:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField()


EVIDENCE = Files("evidence", field=_attachments, label=gettext_lazy("Evidence (photos, papers)"))


def _units(attempt: Try) -> QuerySet[Organisation]:
    return Organisation.objects.handling_units().filter(jurisdiction_id=attempt.obj.jurisdiction_id)


def _unit_name(unit: Any) -> str:
    return str(unit.name)


def _current(name: str) -> Any:
    def initial(attempt: Try) -> Any:
        item = attempt.obj
        if name == "milestones":
            return progress.format_milestones(_steps(item))
        if name == "co_units":
            return list(item.co_units.all())
        if name == "responsible_unit":
            return item.responsible_unit
        return getattr(item, name)

    return initial


# What a change request may change, in the order the form shows it. The same inputs describe
# a new item's plan (`forms.ItemForm` reuses their labels).
CHANGE_INPUTS = (
    Line("title", label=gettext_lazy("Title"), api_default=None, initial=_current("title")),
    Text(
        "description",
        label=gettext_lazy("Description"),
        required=False,
        rows=3,
        api_default=None,
        initial=_current("description"),
    ),
    Day(
        "starts_on",
        label=gettext_lazy("Starts on"),
        api_default=None,
        initial=_current("starts_on"),
    ),
    Day(
        "ends_on",
        label=gettext_lazy("Planned end"),
        required=False,
        api_default=None,
        initial=_current("ends_on"),
    ),
    Choice(
        "pace",
        label=gettext_lazy("710 class"),
        choices=LedgerItem.Pace.choices,
        api_default=None,
        initial=_current("pace"),
    ),
    Ref(
        "responsible_unit",
        label=gettext_lazy("Responsible unit"),
        required=False,
        options=_units,
        describe=_unit_name,
        unknown=gettext_lazy("Unit %(id)s is not a handling unit of this congress."),
        api_default=None,
        initial=_current("responsible_unit"),
    ),
    Line(
        "responsible_person",
        label=gettext_lazy("Responsible person"),
        required=False,
        max_length=60,
        api_default=None,
        initial=_current("responsible_person"),
    ),
    Line(
        "lead_leader",
        label=gettext_lazy("Lead leader"),
        required=False,
        max_length=60,
        api_default=None,
        initial=_current("lead_leader"),
    ),
    Line(
        "leader_in_charge",
        label=gettext_lazy("Leader in charge"),
        required=False,
        max_length=60,
        api_default=None,
        initial=_current("leader_in_charge"),
    ),
    Refs(
        "co_units",
        label=gettext_lazy("Co-units"),
        options=_units,
        describe=_unit_name,
        unknown=gettext_lazy("Unit %(id)s is not a handling unit of this congress."),
        api_default=None,
        initial=_current("co_units"),
    ),
    Number(
        "budget",
        label=gettext_lazy("Budget (10,000 yuan)"),
        required=False,
        minimum=0,
        decimal_places=2,
        api_default=None,
        initial=_current("budget"),
    ),
    Line(
        "location",
        label=gettext_lazy("Location"),
        required=False,
        api_default=None,
        initial=_current("location"),
    ),
    Text(
        "milestones",
        label=gettext_lazy("Milestones"),
        required=False,
        rows=5,
        max_length=5000,
        help=gettext_lazy(
            "One per line: date | title | weight, such as “2027-03-31 | 完成选址 | 20”; "
            "the weights add up to 100."
        ),
        doc="One milestone per line: `YYYY-MM-DD | title | weight`; weights add up to 100.",
        api_default=None,
        initial=_current("milestones"),
    ),
)
CHANGEABLE = tuple(i.name for i in CHANGE_INPUTS)
LABELS: dict[str, Any] = {i.name: i.label for i in CHANGE_INPUTS}


def _plan_errors(values: Mapping[str, Any], attempt: Try) -> list[progress.PlanError]:
    try:
        steps = progress.parse_milestones(values.get("milestones") or "")
    except progress.PlanError as error:
        return [error]
    found = progress.check_plan(
        starts_on=values.get("starts_on"), ends_on=values.get("ends_on"), steps=steps
    )
    done = {m.title for m in attempt.obj.milestones.all() if m.done_on is not None}
    gone = sorted(done - {s.title for s in steps})
    if gone:
        found.append(
            progress.PlanError(
                "milestones",
                _("A milestone already done cannot be removed or renamed: %(titles)s.")
                % {"titles": "、".join(gone)},
            )
        )
    return found


def _plan_check(field: str) -> Check:
    def test(values: Mapping[str, Any], attempt: Try) -> str | None:
        for error in _plan_errors(values, attempt):
            if error.field == field:
                return error.message
        return None

    return Check(field, test)


def _something_changes(values: Mapping[str, Any], attempt: Try) -> str | None:
    from minsheng.ledger.changes import diff

    if not diff(attempt.obj, values):
        return str(_("Nothing is changed: change at least one thing, then say why."))
    return None


def _budget_not_negative(values: Mapping[str, Any], attempt: Try) -> str | None:
    budget = values.get("budget")
    if isinstance(budget, decimal.Decimal) and budget < 0:
        return str(_("The budget cannot be negative."))
    return None


# --- the sub-object of a decision: the pending change request ----------------------------------


def _pending(attempt: Try) -> list[ChangeRequest]:
    return list(attempt.obj.change_requests.filter(state=ChangeRequest.State.PENDING))


def _no_request(attempt: Try) -> NotAllowed | Conflict:
    return Conflict(_("No change of this item waits for a decision."))


PENDING_CHANGE = Subject(
    "change",
    "change_id",
    gettext_lazy("Change request"),
    mine=_pending,
    describe=lambda c: str(c.reason)[:60],
    missing=_no_request,
    description="The pending change request (id); the item has at most one.",
)


def _own_request(attempt: Try) -> list[ChangeRequest]:
    return [c for c in _pending(attempt) if c.requested_by_id == attempt.by.pk]


OWN_CHANGE = Subject(
    "change",
    "change_id",
    gettext_lazy("Change request"),
    mine=_own_request,
    missing=lambda attempt: NotAllowed(_("Only who asked for a change may withdraw it.")),
    description="Your pending change request (id).",
)

# Who decides a change: the item's owner at the congress (staff stand in when the owner has
# left: `capacities` gives them OWNER then, see `permissions`).
DECIDES = frozenset({OWNER})

ITEMS.declare(
    Action(
        "report",
        sources=frozenset({S.ACTIVE}),
        target=None,
        who=frozenset({RESPONSIBLE, STAFF}),
        label=gettext_lazy("Report progress"),
        done=gettext_lazy("Progress reported"),
        summary="Report progress: date, percent, narrative, milestones done",
        rules=(Rule(_is_leaf), Rule(_not_done)),
        inputs=(
            Day("on", label=gettext_lazy("As of"), initial=lambda t: today()),
            Number(
                "percent",
                label=gettext_lazy("Progress (%)"),
                minimum=0,
                maximum=100,
                bounds=gettext_lazy("Progress is a percent between 0 and 100."),
                initial=lambda t: t.obj.progress,
                blank=gettext_lazy("Give the progress as a percent."),
            ),
            Text(
                "narrative",
                label=gettext_lazy("What was done"),
                rows=4,
                blank=gettext_lazy("Say what was done since the last report."),
            ),
            Refs(
                "milestones_done",
                label=gettext_lazy("Milestones now done"),
                options=_open_milestones,
                describe=lambda m: f"{m.due.isoformat()} {m.title}（{m.weight}%）",
                unknown=gettext_lazy("Milestone %(id)s is not an open milestone of this item."),
                doc="Ids of open milestones this report marks done.",
            ),
            EVIDENCE,
        ),
        checks=(Check("on", _report_day), Check("percent", _report_percent)),
    ),
    Action(
        "request_change",
        sources=frozenset({S.ACTIVE}),
        target=None,
        who=frozenset({RESPONSIBLE, STAFF, OWNER}),
        label=gettext_lazy("Ask for a change"),
        done=gettext_lazy("A change was asked for"),
        summary="Ask to change scope, dates, owners or milestones (the owner approves)",
        rules=(Rule(_not_done), Rule(_no_pending_change)),
        inputs=(
            *CHANGE_INPUTS,
            Text(
                "reason",
                label=gettext_lazy("Why the change"),
                rows=3,
                blank=gettext_lazy("Say why the item must change."),
            ),
        ),
        checks=(
            _plan_check("ends_on"),
            _plan_check("milestones"),
            Check("budget", _budget_not_negative),
            Check("reason", _something_changes),
        ),
    ),
    Action(
        "approve_change",
        sources=frozenset({S.ACTIVE}),
        target=None,
        who=DECIDES,
        label=gettext_lazy("Approve the change"),
        done=gettext_lazy("Change approved"),
        summary="Approve the pending change: it is applied and kept in the history",
        subject=PENDING_CHANGE,
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
    Action(
        "reject_change",
        sources=frozenset({S.ACTIVE}),
        target=None,
        who=DECIDES,
        label=gettext_lazy("Reject the change"),
        done=gettext_lazy("Change rejected"),
        summary="Reject the pending change, with a reason",
        subject=PENDING_CHANGE,
        inputs=(
            Text(
                "note",
                label=gettext_lazy("Why not"),
                rows=2,
                blank=gettext_lazy("Say why the change is rejected."),
            ),
        ),
        danger=True,
    ),
    Action(
        "withdraw_change",
        sources=frozenset({S.ACTIVE, S.STOPPED}),
        target=None,
        who=frozenset({RESPONSIBLE, STAFF, OWNER}),
        label=gettext_lazy("Withdraw my change request"),
        done=gettext_lazy("Change request withdrawn"),
        summary="Withdraw your own pending change request",
        subject=OWN_CHANGE,
    ),
    Action(
        "stop",
        sources=frozenset({S.ACTIVE}),
        target=S.STOPPED,
        who=frozenset({OWNER, STAFF}),
        label=gettext_lazy("Stop the item"),
        done=gettext_lazy("Item stopped"),
        summary="Stop the item (it no longer counts as lagging), with a reason",
        rules=(Rule(_not_done),),
        inputs=(Text("note", label=gettext_lazy("Why"), rows=2, blank=gettext_lazy("Say why.")),),
        confirm=gettext_lazy("Stop this item? Its deadlines stop running."),
        danger=True,
    ),
    Action(
        "resume",
        sources=frozenset({S.STOPPED}),
        target=S.ACTIVE,
        who=frozenset({OWNER, STAFF}),
        label=gettext_lazy("Resume the item"),
        done=gettext_lazy("Item resumed"),
        summary="Resume a stopped item",
        rules=(Rule(_not_a_commitment),),
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
)
