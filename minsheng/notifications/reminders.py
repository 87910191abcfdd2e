"""The reminder engine: every reminder kind, declared once, and the run that sends them.

A kind is a `Reminder`: its words (a `Kind`), and `rows(window)`, ONE query that finds every
(recipient, subject, trigger day) it applies to on the days of the window and turns them into
drafts keyed `kind:subject:day`. Adding a kind (supervision instructions, ledger items) is
declaring one more `Reminder` at the bottom of this file.

`run(now)` works kind by kind, each in its own transaction that first claims the kind's lock row
(`FOR UPDATE SKIP LOCKED` on PostgreSQL: a second server skips the kind the first is working;
SQLite's `BEGIN IMMEDIATE` makes the second wait and then find everything recorded). The
unique (recipient, key) is the guarantee underneath: a second run at the same moment, or a
run restarted after being killed half-way, records nothing twice.

The window is today and the REMINDER_CATCH_UP_DAYS before it, so a day the server was down is
caught up with the key of the day the reminder was due, and never sent twice.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.ledger.commitments import commitments_q
from minsheng.ledger.models import LedgerItem, running_q
from minsheng.lib.workdays import WorkCalendar
from minsheng.notifications import delivery
from minsheng.notifications.delivery import Draft
from minsheng.notifications.kinds import Kind, declare
from minsheng.notifications.models import ReminderLock
from minsheng.people.models import Role
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import Assignment, ContactLog, Reply, Suggestion
from minsheng.suggestions.numbers import format_number
from minsheng.supervision.models import Instruction
from minsheng.workcalendar import work_calendar

log = logging.getLogger(__name__)
A = Assignment.State
S = Suggestion.State
ANSWERING = (Assignment.Mode.LEAD, Assignment.Mode.SEPARATE)
NOT_REPLIED = (A.AWAITING_SIGNATURE, A.SIGNED, A.ADJUSTMENT_REQUESTED)
UNIT_PEOPLE = (Role.Kind.CLERK, Role.Kind.HEAD)
# Weekly reminders (overdue, a draft still unsigned) repeat for at most this many weeks.
MAX_WEEKS = 104


@dataclass(frozen=True)
class Window:
    """The run's moment and the trigger days it covers (oldest first, today last)."""

    now: datetime.datetime
    today: datetime.date
    days: tuple[datetime.date, ...]
    cal: WorkCalendar

    @classmethod
    def at(cls, now: datetime.datetime, cal: WorkCalendar | None = None) -> Window:
        today = timezone.localdate(now)
        back = max(0, settings.REMINDER_CATCH_UP_DAYS)
        days = tuple(today - datetime.timedelta(days=n) for n in range(back, -1, -1))
        return cls(now, today, days, cal or work_calendar())

    def shifted(self, offset: int) -> list[datetime.date]:
        """Column values whose trigger day (value - offset days) is in the window."""
        return [day + datetime.timedelta(days=offset) for day in self.days]

    def weekly(self, offset: int) -> list[datetime.date]:
        """Column values whose trigger (value + offset, then every 7 days) is in the window."""
        return [
            day - datetime.timedelta(days=offset + 7 * week)
            for day in self.days
            for week in range(MAX_WEEKS + 1)
        ]

    def weekly_trigger(self, value: datetime.date, offset: int) -> datetime.date:
        """The latest trigger day of `value` (value + offset + 7k) on or before today."""
        first = value + datetime.timedelta(days=offset)
        return first + datetime.timedelta(days=7 * ((self.today - first).days // 7))

    def workdays_before(self, n: int) -> list[datetime.date]:
        """Due dates whose n-th working day before them is a day of the window."""
        found: list[datetime.date] = []
        for day in self.days:
            if not self.cal.is_workday(day):
                continue
            low = self.cal.add_workdays(day, n - 1).date if n > 1 else day
            high = self.cal.add_workdays(day, n).date
            current = low + datetime.timedelta(days=1)
            while current <= high:
                found.append(current)
                current += datetime.timedelta(days=1)
        return found

    def trigger_before(self, due: datetime.date, n: int) -> datetime.date:
        return self.cal.subtract_workdays(due, n).date


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    rows: Callable[[Window], list[Draft]]


REMINDERS: list[Reminder] = []


def reminder(kind: Kind) -> Callable[[Callable[[Window], list[Draft]]], Reminder]:
    """Declare a reminder kind: its words and its one query."""

    def wrap(rows: Callable[[Window], list[Draft]]) -> Reminder:
        declared = Reminder(declare(kind), rows)
        REMINDERS.append(declared)
        return declared

    return wrap


# --- building blocks for the queries -----------------------------------------------------------

SUGGESTION_FIELDS = (
    "suggestion_id",
    "suggestion__series",
    "suggestion__number",
    "suggestion__title",
)


def _per_unit_person(qs: QuerySet[Any], roles: Iterable[str], *fields: str) -> list[dict[str, Any]]:
    """Each row of `qs` (assignments) once per clerk/head of its unit: one query with a join."""
    return list(
        qs.filter(unit__roles__kind__in=list(roles), unit__roles__is_active=True)
        .values("pk", "unit__name", "unit__roles__user_id", *SUGGESTION_FIELDS, *fields)
        .order_by("suggestion_id", "pk", "unit__roles__user_id")
    )


def _params(row: dict[str, Any], **more: Any) -> dict[str, Any]:
    number = format_number(row["suggestion__series"], row["suggestion__number"])
    params = {"number": number, "title": row["suggestion__title"], **more}
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()}


def _draft(
    kind: Kind, recipient: int, subject: str, day: datetime.date, row: dict[str, Any], **more: Any
) -> Draft:
    return Draft(
        recipient_id=recipient,
        kind=kind.name,
        key=f"{kind.name}:{subject}:{day.isoformat()}",
        params=_params(row, **more),
        link=reverse("suggestions:detail", args=[row["suggestion_id"]]),
        suggestion_id=row["suggestion_id"],
    )


def _assignments(
    *, modes: Iterable[str] | None = None, states: Iterable[str] = NOT_REPLIED
) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(
        state__in=list(states), suggestion__state__in=Suggestion.IN_HANDLING
    )
    if modes is not None:
        qs = qs.filter(mode__in=list(modes))
    return qs


# --- the kinds ---------------------------------------------------------------------------------


@reminder(
    Kind(
        "sign_due",
        _("Sign-for due"),
        _("Sign for %(number)s by %(sign_date)s"),
        _("“%(title)s” waits for %(unit)s to sign for it, by %(sign_date)s."),
        _("clerks and heads of a unit that has not signed for an assignment"),
        reminder=True,
    )
)
def sign_due(w: Window) -> list[Draft]:
    before = settings.REMINDER_SIGN_DAYS_BEFORE
    qs = _assignments(states=[A.AWAITING_SIGNATURE]).filter(sign_due__in=w.shifted(before))
    return [
        _draft(
            sign_due.kind,
            row["unit__roles__user_id"],
            f"a{row['pk']}",
            row["sign_due"] - datetime.timedelta(days=before),
            row,
            unit=row["unit__name"],
            sign_date=row["sign_due"],
        )
        for row in _per_unit_person(qs, UNIT_PEOPLE, "sign_due")
    ]


@reminder(
    Kind(
        "no_contact",
        _("No contact logged"),
        _("Contact the deputy: %(number)s"),
        _(
            "No contact with the deputy is logged for “%(title)s”; the reply is due on "
            "%(due_date)s and cannot be sent without one."
        ),
        _("clerks and heads of an answering unit, N working days before the reply is due"),
        reminder=True,
    )
)
def no_contact(w: Window) -> list[Draft]:
    n = settings.REMINDER_NO_CONTACT_WORKDAYS
    logged = ContactLog.objects.filter(
        assignment=OuterRef("pk"), round=OuterRef("suggestion__round")
    )
    qs = (
        _assignments(modes=ANSWERING, states=[A.SIGNED])
        .filter(suggestion__reply_due__in=w.workdays_before(n))
        .filter(~Exists(logged))
    )
    return [
        _draft(
            no_contact.kind,
            row["unit__roles__user_id"],
            f"a{row['pk']}:r{row['suggestion__round']}",
            w.trigger_before(row["suggestion__reply_due"], n),
            row,
            unit=row["unit__name"],
            due_date=row["suggestion__reply_due"],
        )
        for row in _per_unit_person(qs, UNIT_PEOPLE, "suggestion__reply_due", "suggestion__round")
    ]


@reminder(
    Kind(
        "due_soon",
        _("Reply due soon"),
        _("Reply due soon: %(number)s"),
        _("The reply to “%(title)s” is due on %(due_date)s (yellow warning)."),
        _("clerks and heads of an answering unit, when the warning turns yellow"),
        reminder=True,
    )
)
def due_soon(w: Window) -> list[Draft]:
    qs = _assignments(modes=ANSWERING).filter(suggestion__warn_from__in=w.days)
    return [
        _draft(
            due_soon.kind,
            row["unit__roles__user_id"],
            f"a{row['pk']}",
            row["suggestion__warn_from"],
            row,
            unit=row["unit__name"],
            due_date=row["suggestion__reply_due"],
        )
        for row in _per_unit_person(
            qs, UNIT_PEOPLE, "suggestion__warn_from", "suggestion__reply_due"
        )
    ]


@reminder(
    Kind(
        "overdue",
        _("Reply overdue"),
        _("Overdue: %(number)s"),
        _(
            "The reply to “%(title)s” was due on %(due_date)s and is %(days)s days late. "
            "Reply, or explain the delay in writing."
        ),
        _("clerks and heads of an answering unit, the day after the due date and then weekly"),
        reminder=True,
    )
)
def overdue(w: Window) -> list[Draft]:
    qs = _assignments(modes=ANSWERING).filter(suggestion__reply_due__in=w.weekly(1))
    drafts = []
    for row in _per_unit_person(qs, UNIT_PEOPLE, "suggestion__reply_due"):
        due = row["suggestion__reply_due"]
        day = w.weekly_trigger(due, 1)
        drafts.append(
            _draft(
                overdue.kind,
                row["unit__roles__user_id"],
                f"a{row['pk']}",
                day,
                row,
                unit=row["unit__name"],
                due_date=due,
                days=(day - due).days,
            )
        )
    return drafts


@reminder(
    Kind(
        "joint_opinion_due",
        _("Joint opinion due"),
        _("Joint opinion due: %(number)s"),
        _("%(unit)s owes the lead unit its joint opinion on “%(title)s” by %(due_date)s."),
        _("clerks and heads of a joint unit that has not sent its opinion"),
        reminder=True,
    )
)
def joint_opinion_due(w: Window) -> list[Draft]:
    before = settings.REMINDER_JOINT_OPINION_DAYS_BEFORE
    qs = _assignments(
        modes=[Assignment.Mode.JOINT], states=[A.AWAITING_SIGNATURE, A.SIGNED]
    ).filter(joint_opinion__isnull=True, joint_opinion_due__in=w.shifted(before))
    return [
        _draft(
            joint_opinion_due.kind,
            row["unit__roles__user_id"],
            f"a{row['pk']}",
            row["joint_opinion_due"] - datetime.timedelta(days=before),
            row,
            unit=row["unit__name"],
            due_date=row["joint_opinion_due"],
        )
        for row in _per_unit_person(qs, UNIT_PEOPLE, "joint_opinion_due")
    ]


@reminder(
    Kind(
        "draft_waiting",
        _("Draft reply waiting"),
        _("Still to sign: %(number)s"),
        _(
            "The draft reply of %(unit)s to “%(title)s” has waited since %(drafted_date)s "
            "for your signature."
        ),
        _("heads of the unit, when a draft has waited N days, then weekly"),
        reminder=True,
    )
)
def draft_waiting(w: Window) -> list[Draft]:
    wait = settings.REMINDER_DRAFT_WAITING_DAYS
    qs = (
        Reply.objects.filter(
            state=Reply.State.DRAFT,
            round=F("suggestion__round"),
            assignment__state=A.SIGNED,
            suggestion__state__in=[S.HANDLING, S.REHANDLING],
            drafted_at__date__in=w.weekly(wait),
            assignment__unit__roles__kind=Role.Kind.HEAD,
            assignment__unit__roles__is_active=True,
        )
        .values(
            "pk",
            "drafted_at",
            "assignment__unit__name",
            "assignment__unit__roles__user_id",
            *SUGGESTION_FIELDS,
        )
        .order_by("suggestion_id", "pk", "assignment__unit__roles__user_id")
    )
    drafts = []
    for row in qs:
        drafted = timezone.localdate(row["drafted_at"])
        drafts.append(
            _draft(
                draft_waiting.kind,
                row["assignment__unit__roles__user_id"],
                f"r{row['pk']}",
                w.weekly_trigger(drafted, wait),
                row,
                unit=row["assignment__unit__name"],
                drafted_date=drafted,
            )
        )
    return drafts


def _rateable() -> QuerySet[Reply]:
    # Rated once the suggestion is answered; in re-handling, the earlier rounds' replies.
    return Reply.objects.filter(state=Reply.State.SENT, rating__isnull=True).filter(
        Q(suggestion__state=S.ANSWERED)
        | Q(suggestion__state=S.REHANDLING, round__lt=F("suggestion__round"))
    )


def _rating_rows(w: Window, kind: Kind, n: int) -> list[Draft]:
    qs = (
        _rateable()
        .filter(rating_due__in=w.workdays_before(n))
        .values(
            "pk",
            "rating_due",
            "assignment__unit__name",
            "suggestion__lead_deputy__user_id",
            *SUGGESTION_FIELDS,
        )
        .order_by("suggestion_id", "pk")
    )
    return [
        _draft(
            kind,
            row["suggestion__lead_deputy__user_id"],
            f"r{row['pk']}",
            w.trigger_before(row["rating_due"], n),
            row,
            unit=row["assignment__unit__name"],
            due_date=row["rating_due"],
        )
        for row in qs
    ]


@reminder(
    Kind(
        "rating_due",
        _("Rating due"),
        _("Please rate the reply: %(number)s"),
        _("Please rate the reply of %(unit)s to “%(title)s” by %(due_date)s."),
        _("the lead deputy, N working days before the rating window ends"),
        reminder=True,
    )
)
def rating_due(w: Window) -> list[Draft]:
    return _rating_rows(w, rating_due.kind, settings.REMINDER_RATING_WORKDAYS)


@reminder(
    Kind(
        "rating_last_call",
        _("Rating: last call"),
        _("Last call to rate: %(number)s"),
        _(
            "The rating window for the reply of %(unit)s to “%(title)s” ends on %(due_date)s; "
            "after that it is recorded as not rated."
        ),
        _("the lead deputy, just before the rating window ends"),
        reminder=True,
    )
)
def rating_last_call(w: Window) -> list[Draft]:
    return _rating_rows(w, rating_last_call.kind, settings.REMINDER_RATING_LAST_CALL_WORKDAYS)


# --- supervision (督办): instructions and the year's clearance day -------------------------------

INSTRUCTION_FIELDS = (
    "pk",
    "due",
    "unit__name",
    "unit__roles__user_id",
    "key_item_id",
    "key_item__title",
    "suggestion_id",
    "suggestion__title",
)


def _per_instruction_person(qs: QuerySet[Instruction], *fields: str) -> list[dict[str, Any]]:
    """Each instruction of `qs` once per clerk/head of its unit: one query with a join."""
    return list(
        qs.filter(unit__roles__kind__in=list(UNIT_PEOPLE), unit__roles__is_active=True)
        .values(*INSTRUCTION_FIELDS, *fields)
        .order_by("due", "pk", "unit__roles__user_id")
    )


def _instruction_draft(kind: Kind, row: dict[str, Any], day: datetime.date, **more: Any) -> Draft:
    if row["key_item_id"]:
        link = reverse("supervision:detail", args=[row["key_item_id"]])
    else:
        link = reverse("suggestions:detail", args=[row["suggestion_id"]]) + "#supervision"
    params = {
        "unit": row["unit__name"],
        "about": row["key_item__title"] or row["suggestion__title"] or "",
        "due_date": row["due"],
        **more,
    }
    return Draft(
        recipient_id=row["unit__roles__user_id"],
        kind=kind.name,
        key=f"{kind.name}:i{row['pk']}:{day.isoformat()}",
        params={
            k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()
        },
        link=link,
        suggestion_id=row["suggestion_id"],
        subject=(ContentType.objects.get_for_model(Instruction).pk, row["pk"]),
    )


@reminder(
    Kind(
        "instruction_due_soon",
        _("Instruction response due soon"),
        _("Respond by %(due_date)s: %(about)s"),
        _(
            "%(unit)s is to respond to the instruction on “%(about)s” by %(due_date)s "
            "(yellow warning)."
        ),
        _(
            "clerks and heads of the unit, when an open instruction's warning turns yellow "
            "(not on the day it was given)"
        ),
        reminder=True,
    )
)
def instruction_due_soon(w: Window) -> list[Draft]:
    # An ordinary instruction is yellow from the day it is given: its "received" message
    # already names the date.
    qs = Instruction.objects.open().filter(warn_from__in=w.days, warn_from__gt=F("issued_on"))
    return [
        _instruction_draft(instruction_due_soon.kind, row, row["warn_from"])
        for row in _per_instruction_person(qs, "warn_from")
    ]


@reminder(
    Kind(
        "instruction_overdue",
        _("Instruction overdue"),
        _("Instruction overdue: %(about)s"),
        _(
            "The response of %(unit)s to the instruction on “%(about)s” was due on "
            "%(due_date)s and is %(days)s days late."
        ),
        _("clerks and heads of the unit, the day after the due date and then weekly"),
        reminder=True,
    )
)
def instruction_overdue(w: Window) -> list[Draft]:
    qs = Instruction.objects.open().filter(due__in=w.weekly(1))
    drafts = []
    for row in _per_instruction_person(qs):
        day = w.weekly_trigger(row["due"], 1)
        drafts.append(
            _instruction_draft(instruction_overdue.kind, row, day, days=(day - row["due"]).days)
        )
    return drafts


def _clearance_on(days: Iterable[datetime.date]) -> Q:
    """Instructions of a year whose congress clears it (清零销号) on one of these days: the
    rule set's clearance day, the default's for a congress without one, and 29 February
    falling back to the 28th."""
    default = deadlines.Rules()
    q = Q(pk__in=[])
    for day in sorted(set(days)):
        rule = "jurisdiction__rule_set__"
        match = Q(**{f"{rule}clearance_month": day.month, f"{rule}clearance_day": day.day})
        if (day.month, day.day) == (default.clearance_month, default.clearance_day):
            match |= Q(jurisdiction__rule_set__isnull=True)
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            match |= Q(**{f"{rule}clearance_month": 2, f"{rule}clearance_day": 29})
        q |= Q(issued_on__year=day.year) & match
    return q


@reminder(
    Kind(
        "instructions_year_end",
        _("Instructions open near the clearance day"),
        _("Instructions of %(year)s still open: %(count)s"),
        _(
            "%(count)s instructions of %(year)s still wait for the units' responses; "
            "everything of the year is to be cleared (清零销号) by %(due_date)s."
        ),
        _("congress staff, N working days before the year's clearance day"),
        reminder=True,
    )
)
def instructions_year_end(w: Window) -> list[Draft]:
    n = settings.REMINDER_CLEARANCE_WORKDAYS
    rows = (
        Instruction.objects.open()
        .filter(_clearance_on(w.workdays_before(n)))
        .filter(jurisdiction__roles__kind=Role.Kind.STAFF, jurisdiction__roles__is_active=True)
        .values(
            "jurisdiction_id",
            "jurisdiction__roles__user_id",
            "jurisdiction__rule_set__clearance_month",
            "jurisdiction__rule_set__clearance_day",
            year=ExtractYear("issued_on"),
        )
        .annotate(count=Count("pk", distinct=True))
        .order_by("jurisdiction_id", "year", "jurisdiction__roles__user_id")
    )
    drafts = []
    for row in rows:
        default = deadlines.Rules()
        clearance = deadlines.Rules(
            clearance_month=row["jurisdiction__rule_set__clearance_month"]
            or default.clearance_month,
            clearance_day=row["jurisdiction__rule_set__clearance_day"] or default.clearance_day,
        ).clearance(row["year"])
        day = w.trigger_before(clearance, n)
        drafts.append(
            Draft(
                recipient_id=row["jurisdiction__roles__user_id"],
                kind=instructions_year_end.kind.name,
                key=f"{instructions_year_end.kind.name}:j{row['jurisdiction_id']}:"
                f"{row['year']}:{day.isoformat()}",
                params={
                    "count": row["count"],
                    "year": row["year"],
                    "due_date": clearance.isoformat(),
                },
                link=reverse("supervision:warnings"),
            )
        )
    return drafts


# --- B commitments (ledger): the target date a B reply promised ---------------------------------

COMMITMENT_FIELDS = (
    "pk",
    "due",
    "responsible_unit__name",
    "responsible_unit__roles__user_id",
    "source_suggestion_id",
    "source_suggestion__series",
    "source_suggestion__number",
    "source_suggestion__title",
)


def _per_commitment_person(qs: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    """Each running commitment of `qs` once per clerk/head of its unit: one query with a join."""
    return list(
        qs.filter(commitments_q(), running_q())
        .filter(
            responsible_unit__roles__kind__in=list(UNIT_PEOPLE),
            responsible_unit__roles__is_active=True,
        )
        .values(*COMMITMENT_FIELDS, *fields)
        .order_by("due", "pk", "responsible_unit__roles__user_id")
    )


def _commitment_draft(kind: Kind, row: dict[str, Any], day: datetime.date, **more: Any) -> Draft:
    number = format_number(row["source_suggestion__series"], row["source_suggestion__number"])
    params = {
        "number": number,
        "title": row["source_suggestion__title"] or "",
        "unit": row["responsible_unit__name"],
        "due_date": row["due"],
        **more,
    }
    return Draft(
        recipient_id=row["responsible_unit__roles__user_id"],
        kind=kind.name,
        key=f"{kind.name}:l{row['pk']}:{day.isoformat()}",
        params={
            k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()
        },
        link=reverse("commitments:detail", args=[row["pk"]]),
        suggestion_id=row["source_suggestion_id"],
        subject=(ContentType.objects.get_for_model(LedgerItem).pk, row["pk"]),
    )


@reminder(
    Kind(
        "commitment_due_soon",
        _("Commitment due soon"),
        _("Commitment due soon: %(number)s"),
        _(
            "%(unit)s promised in its B reply on “%(title)s” to solve it by %(due_date)s "
            "(yellow warning). Report the progress, or send the second reply once solved."
        ),
        _("clerks and heads of the responsible unit, when a commitment's warning turns yellow"),
        reminder=True,
    )
)
def commitment_due_soon(w: Window) -> list[Draft]:
    qs = LedgerItem.objects.filter(warn_from__in=w.days)
    return [
        _commitment_draft(commitment_due_soon.kind, row, row["warn_from"])
        for row in _per_commitment_person(qs, "warn_from")
    ]


@reminder(
    Kind(
        "commitment_overdue",
        _("Commitment overdue"),
        _("Commitment overdue: %(number)s"),
        _(
            "The commitment of %(unit)s on “%(title)s” was due on %(due_date)s and is "
            "%(days)s days late."
        ),
        _("clerks and heads of the responsible unit, the day after the due date and then weekly"),
        reminder=True,
    )
)
def commitment_overdue(w: Window) -> list[Draft]:
    qs = LedgerItem.objects.filter(due__in=w.weekly(1))
    drafts = []
    for row in _per_commitment_person(qs):
        day = w.weekly_trigger(row["due"], 1)
        drafts.append(
            _commitment_draft(commitment_overdue.kind, row, day, days=(day - row["due"]).days)
        )
    return drafts


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Planned:
    """One line of a dry run."""

    kind: str
    draft: Draft
    status: str  # "new", "already sent", "muted"


@dataclass
class Summary:
    sent: int = 0
    already: int = 0
    failed: int = 0
    skipped_kinds: list[str] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.sent} sent, {self.already} already sent, {self.failed} failed"


def _claim(name: str) -> bool:
    lock = ReminderLock.objects.select_for_update(skip_locked=True).filter(name=name).first()
    if lock is None:
        return False
    lock.last_run_at = timezone.now()
    lock.save(update_fields=["last_run_at"])
    return True


def plan(now: datetime.datetime) -> Summary:
    """What a run at `now` would send, changing nothing."""
    window = Window.at(now)
    summary = Summary()
    for item in REMINDERS:
        drafts = item.rows(window)
        seen = delivery.existing_keys(drafts)
        prefs = delivery.preferences(d.recipient_id for d in drafts)
        for draft in drafts:
            if (draft.recipient_id, draft.key) in seen:
                status = "already sent"
                summary.already += 1
            elif delivery.is_muted(prefs.get(draft.recipient_id), draft.kind):
                status = "muted"
            else:
                status = "new"
                summary.sent += 1
            summary.planned.append(Planned(item.kind.name, draft, status))
    return summary


def run(now: datetime.datetime | None = None) -> Summary:
    """Record every reminder due at `now` (and the catch-up days), kind by kind; then queue
    again what was lost and send the daily digests."""
    now = now or timezone.now()
    window = Window.at(now)
    summary = Summary()
    ReminderLock.objects.bulk_create(
        [ReminderLock(name=item.kind.name) for item in REMINDERS], ignore_conflicts=True
    )
    for item in REMINDERS:
        name = item.kind.name
        drafts: list[Draft] = []
        try:
            with transaction.atomic():
                if not _claim(name):
                    summary.skipped_kinds.append(name)
                    continue
                drafts = item.rows(window)
                outcome = delivery.record(drafts, now=now)
        except Exception as exc:  # noqa: BLE001 - one broken kind must not stop the others
            log.exception("reminder kind %s failed", name)
            summary.failed += max(1, len(drafts))
            summary.errors.append(f"{name}: {exc}")
            continue
        summary.sent += len(outcome.created)
        summary.already += outcome.existing
    try:
        delivery.sweep(now)
        digests = delivery.send_digests(now)
        summary.failed += digests.get(delivery.Status.FAILED, 0)
    except Exception as exc:  # noqa: BLE001
        log.exception("delivery sweep or digest failed")
        summary.errors.append(f"deliveries: {exc}")
    return summary
