"""B commitments (文字答复 → 解决问题, DOMAIN.md §2 step 7 and §7).

A category-B reply promises a plan and a target date. When the unit head **signs** it (signing
is sending: `suggestions.workflow.sign_reply` moves the reply from draft to "signed and sent"
in one step, so the moment it is signed is the moment it becomes official and reaches the
deputy), the promise is entered in the ledger as a commitment: a `LedgerItem` of kind
COMMITMENT, source SUGGESTION, linked to the suggestion and to the reply (`source_reply`,
unique: signing again, or two requests at once, never make a second one), the replying unit
responsible, the plan as its description and the target date as its planned end, which drives
its due date through the ledger's `refresh` (`workflow.pace_due`).

Its owner at the congress is the staff member who registered the suggestion (they know it and
followed it from the start); when that person is no longer active congress staff of the
jurisdiction, the jurisdiction's first active staff member (by the role's id), so every
commitment has someone at the office who decides its change requests.

The unit reports progress through the ledger's own `report` action (up to 99 %: the commitment
is closed by the **second reply**, 二次答复). The second reply is drafted by a clerk and signed
by the unit head of the responsible unit, as the first reply was, with the same reply norms
(the text, the responsible leader and the case officer with their phones, the contact with the
deputy logged: how and when), and goes out in the same Word letter layout
(`commitment_letters.py`). Category A (solved) closes the commitment as solved; category C
(conditions do not allow) stops it, unsolved. The deputy is told (`notifications.events`).
The suggestion's own reply rounds are not reused: they belong to its handling (the rating
window, re-handling, the answered state), and the suggestion may long be closed.

**Closed is not solved**: the suggestion may be closed while its commitment stays open; only a
commitment whose second reply said "solved" counts as solved (`solved_q`).

Staff may **reopen** a solved or stopped commitment (the yearly look-back, 回头看): it is back
on the rolling ledger with a new target date and the progress really made, logged on the item
and on the suggestion's timeline; the next second reply is its next round. The suggestion
itself is not reopened: its handling record (rounds, ratings, closing note) stays as it was.

The actions are declared on a registry of their own (`COMMITMENTS`, over the same `LedgerItem`
rows, versioned with the ledger's own actions), so the ledger's pages and API keep their table
and the commitment pages add these.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.audit.models import Event
from minsheng.engine import actions as engine
from minsheng.engine.actions import Action, Registry, Rule
from minsheng.engine.inputs import Check, Choice, Day, Line, Number, Text
from minsheng.insight import similar
from minsheng.ledger import permissions as perms
from minsheng.ledger.actions import ITEMS, _lock_item, _notify
from minsheng.ledger.models import (
    FollowUpReply,
    LedgerItem,
    Milestone,
    ProgressUpdate,
    running_q,
    stopped_q,
)
from minsheng.people import permissions as people
from minsheng.people.models import Role, User
from minsheng.suggestions.actions import REGISTRY as SUGGESTIONS
from minsheng.suggestions.models import ContactLog, Reply, Suggestion

K = LedgerItem.Kind
S = LedgerItem.State
STAFF, RESPONSIBLE = perms.STAFF, perms.RESPONSIBLE
HEAD = "responsible_head"  # the head of the responsible unit: signs the second reply
Try = engine.Attempt[Any]

# A unit is asked to report on a running commitment it has not reported on for this long
# (the home worklist; a monthly rhythm, as ledgers are reviewed monthly).
REPORT_EVERY_DAYS = 30
# Two titles of one category are "the same topic" from this share of shared character pairs.
SIMILAR_FROM = 0.4


def today() -> datetime.date:
    return timezone.localdate()


# --- which items are commitments, and which are solved -----------------------------------------


def commitments_q() -> Q:
    return Q(kind=K.COMMITMENT, source_reply__isnull=False)


def solved_q() -> Q:
    """Solved: the second reply said so (only it takes a commitment to 100 %) and it was not
    stopped since. A closed suggestion says nothing here."""
    return ~stopped_q() & Q(progress__gte=100)


def is_solved(item: LedgerItem) -> bool:
    return not item.is_stopped and item.progress >= 100


def commitments_for(user: Any) -> QuerySet[LedgerItem]:
    """The commitments this person may see (the ledger's own visibility rule)."""
    return LedgerItem.objects.visible_to(user).filter(commitments_q())


def get_commitment_for_user(user: Any, pk: Any) -> LedgerItem:
    item = perms.get_item_for_user(user, pk)
    if item.kind != K.COMMITMENT or item.source_reply_id is None:
        from django.http import Http404

        raise Http404("No such commitment.")
    return item


# --- capacities: the ledger's, and the head of the responsible unit -----------------------------


def capacities(user: Any, item: LedgerItem) -> set[str]:
    found = perms.capacities(user, item)
    if RESPONSIBLE in found and item.responsible_unit_id in people.unit_ids(user, ("head",)):
        found.add(HEAD)
    return found


COMMITMENTS: Registry[LedgerItem] = Registry(
    model=LedgerItem,
    capacities=capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_item,
    words=ITEMS.words,
)

# The item's timeline (read through the ledger's registry) and the suggestion's name these.
ITEMS.other_events.update(
    {
        "draft_follow_up": gettext_lazy("Drafted the second reply"),
        "sign_follow_up": gettext_lazy("Signed and sent the second reply"),
        "reopen": gettext_lazy("Reopened (look-back)"),
    }
)
SUGGESTIONS.other_events.update(
    {
        "commitment": gettext_lazy("B commitment entered in the ledger"),
        "commitment_follow_up": gettext_lazy("Second reply on the commitment sent"),
        "commitment_reopened": gettext_lazy("Commitment reopened (look-back)"),
    }
)


# --- rules ------------------------------------------------------------------------------------


def _is_commitment(attempt: Try) -> str | None:
    item = attempt.obj
    if item.kind != K.COMMITMENT or item.source_reply_id is None:
        return str(_("This is not a B commitment."))
    return None


def _not_solved(attempt: Try) -> str | None:
    if attempt.obj.progress >= 100:
        return str(_("This commitment is solved; staff may reopen it."))
    return None


def _draft(item: LedgerItem) -> FollowUpReply | None:
    return item.follow_ups.filter(state=FollowUpReply.State.DRAFT).first()


def _has_draft(attempt: Try) -> str | None:
    if attempt.cached("follow_up_draft", lambda: _draft(attempt.obj)) is None:
        return str(_("There is no draft second reply to sign."))
    return None


def _solved_or_stopped(attempt: Try) -> str | None:
    if attempt.obj.is_stopped or attempt.obj.progress >= 100:
        return None
    return str(
        _(
            "Only a solved or stopped commitment can be reopened; an open one changes through "
            "a change request."
        )
    )


# --- inputs -----------------------------------------------------------------------------------


def _from_reply(name: str) -> Callable[[Try], Any]:
    """The page's first value: the draft being revised, else the first reply's people."""

    def initial(attempt: Try) -> Any:
        draft = attempt.cached("follow_up_draft", lambda: _draft(attempt.obj))
        if draft is not None:
            return getattr(draft, name)
        reply = attempt.obj.source_reply
        return getattr(reply, name, "") if reply is not None else ""

    return initial


def _draft_value(name: str, default: Any = None) -> Callable[[Try], Any]:
    def initial(attempt: Try) -> Any:
        draft = attempt.cached("follow_up_draft", lambda: _draft(attempt.obj))
        return getattr(draft, name) if draft is not None else default

    return initial


def _contact_day(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("contacted_on")
    if day is None:
        return None
    if day > today():
        return str(_("The contact date cannot be in the future."))
    if day < attempt.obj.starts_on:
        return str(
            _("The contact must be after the first reply (%(date)s).")
            % {"date": attempt.obj.starts_on.isoformat()}
        )
    return None


def _new_target(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("ends_on")
    if day is not None and day <= today():
        return str(_("The new target date must be after today."))
    return None


PEOPLE = gettext_lazy(
    "The second reply needs the text and the names and phones of the responsible leader and "
    "the case officer."
)

COMMITMENTS.declare(
    Action(
        "draft_follow_up",
        sources=frozenset({S.ACTIVE}),
        target=None,
        who=frozenset({RESPONSIBLE}),
        label=gettext_lazy("Draft the second reply"),
        done=gettext_lazy("Drafted the second reply"),
        summary="Write or revise the second reply (二次答复) to the deputy",
        rules=(Rule(_is_commitment), Rule(_not_solved)),
        inputs=(
            Choice(
                "category",
                label=gettext_lazy("Result"),
                choices=FollowUpReply.Category.choices,
                radio=True,
                blank=gettext_lazy("Choose the result: solved (A) or cannot be solved now (C)."),
                initial=_draft_value("category", FollowUpReply.Category.A),
                doc="A: solved (closes the commitment as solved); C: cannot be solved now "
                "(stops it, unsolved).",
            ),
            Text(
                "text",
                label=gettext_lazy("Reply text"),
                rows=8,
                help=gettext_lazy("What was done against the plan, point by point."),
                blank=PEOPLE,
                initial=_draft_value("text", ""),
            ),
            Choice(
                "contact_method",
                label=gettext_lazy("How the deputy was contacted"),
                choices=ContactLog.Method.choices,
                blank=gettext_lazy("Say how the deputy was contacted about the result."),
                initial=_draft_value("contact_method"),
            ),
            Day(
                "contacted_on",
                label=gettext_lazy("Contacted on"),
                blank=gettext_lazy("Give the date the deputy was contacted."),
                initial=lambda t: _draft_value("contacted_on")(t) or today(),
            ),
            Line(
                "contact_leader",
                label=gettext_lazy("Responsible leader"),
                max_length=50,
                blank=PEOPLE,
                initial=_from_reply("contact_leader"),
            ),
            Line(
                "contact_leader_phone",
                label=gettext_lazy("Leader's phone"),
                max_length=30,
                blank=PEOPLE,
                initial=_from_reply("contact_leader_phone"),
            ),
            Line(
                "case_officer",
                label=gettext_lazy("Case officer"),
                max_length=50,
                blank=PEOPLE,
                initial=_from_reply("case_officer"),
            ),
            Line(
                "case_officer_phone",
                label=gettext_lazy("Case officer's phone"),
                max_length=30,
                blank=PEOPLE,
                initial=_from_reply("case_officer_phone"),
            ),
            Line(
                "document_number",
                label=gettext_lazy("Document number"),
                max_length=40,
                required=False,
                help=gettext_lazy("Printed on the letter (文号), such as 江交函〔2026〕12号."),
                doc="The unit's document number (文号) printed on the letter; optional.",
                initial=_draft_value("document_number", ""),
            ),
        ),
        checks=(Check("contacted_on", _contact_day),),
    ),
    Action(
        "sign_follow_up",
        sources=frozenset({S.ACTIVE}),
        target=None,  # solved: still active at 100 %; category C: stopped
        who=frozenset({HEAD}),
        label=gettext_lazy("Sign and send the second reply"),
        done=gettext_lazy("Signed and sent the second reply"),
        summary="Sign and send the second reply (unit head); A closes the commitment as solved",
        rules=(Rule(_is_commitment), Rule(_not_solved), Rule(_has_draft)),
        confirm=gettext_lazy(
            "Sign and send the second reply to the deputy? It cannot be changed afterwards."
        ),
    ),
    Action(
        "reopen",
        sources=frozenset({S.ACTIVE, S.STOPPED}),
        target=S.ACTIVE,
        who=frozenset({STAFF}),
        label=gettext_lazy("Reopen the commitment"),
        done=gettext_lazy("Reopened (look-back)"),
        summary="Reopen a solved or stopped commitment with a new target date (look-back)",
        rules=(Rule(_is_commitment), Rule(_solved_or_stopped)),
        inputs=(
            Day(
                "ends_on",
                label=gettext_lazy("New target date"),
                blank=gettext_lazy("Give the new target date."),
            ),
            Number(
                "percent",
                label=gettext_lazy("Progress really made (%)"),
                minimum=0,
                maximum=99,
                bounds=gettext_lazy(
                    "Give a progress between %(min)s and %(max)s: a reopened commitment is not "
                    "solved yet."
                ),
                initial=lambda t: 0,
                blank=gettext_lazy("Give the progress really made, as a percent."),
            ),
            Text(
                "note",
                label=gettext_lazy("What the look-back found"),
                rows=3,
                blank=gettext_lazy("Say why the commitment is reopened."),
            ),
        ),
        checks=(Check("ends_on", _new_target),),
        danger=True,
    ),
)


# --- entering a commitment when a B reply is signed ---------------------------------------------


def owner_for(s: Suggestion) -> User:
    """The suggestion's registering staff member while they are active staff of its congress;
    else the congress's first active staff member; else (nobody left) still the registrant."""
    registrant_id = (
        Event.objects.filter(suggestion=s, action="register")
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    registrant = User.objects.filter(pk=registrant_id).first() if registrant_id else None
    if (
        registrant is not None
        and registrant.is_active
        and people.is_staff_of(registrant, s.jurisdiction_id)
    ):
        return registrant
    role = (
        Role.objects.filter(
            kind=Role.Kind.STAFF,
            jurisdiction_id=s.jurisdiction_id,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is not None:
        return role.user
    if registrant is not None:
        return registrant
    return User.objects.get(pk=s.created_by_id)


def _local_day(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localtime(moment).date() if moment else today()


def _site_words(text: Any, **values: Any) -> str:
    """Stored words in the site's language (as the other apps store unit names)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % values


def commitment_from_reply(reply: Reply, by: User) -> LedgerItem | None:
    """Enter the commitment of a signed B reply (the hook of `sign_reply`, run inside its
    transaction). Idempotent: the reply's existing commitment is returned, never a second."""
    from minsheng.ledger import workflow

    if reply.category != Reply.Category.B or reply.state != Reply.State.SENT:
        return None
    existing = LedgerItem.objects.filter(source_reply=reply).first()
    if existing is not None:
        return existing
    reply = Reply.objects.select_related("suggestion", "assignment__unit").get(pk=reply.pk)
    s, unit = reply.suggestion, reply.assignment.unit
    sent_on = _local_day(reply.sent_at)
    target = reply.target_date or sent_on
    try:
        with transaction.atomic():
            item = workflow.enter_item(
                by=by,
                jurisdiction_id=s.jurisdiction_id,
                kind=K.COMMITMENT,
                title=s.title,
                description=reply.plan,
                year=sent_on.year,
                # A target already past when promised is overdue from the first day.
                starts_on=min(sent_on, target),
                ends_on=target,
                owner=owner_for(s),
                source=LedgerItem.Source.SUGGESTION,
                source_suggestion=s,
                source_reply=reply,
                source_note=_site_words(
                    gettext_lazy("%(number)s, category B reply of %(unit)s"),
                    number=s.display_number,
                    unit=str(unit),
                ),
                responsible_unit=unit,
                responsible_person=reply.case_officer,
                leader_in_charge=reply.contact_leader,
            )
    except IntegrityError:
        # Someone else's signing entered it first (the unique reply): that one stands.
        return LedgerItem.objects.get(source_reply=reply)
    # Part of the signing (the same transaction): one more event of the suggestion's own, so
    # its version keeps counting its events.
    SUGGESTIONS.record(
        Suggestion.objects.get(pk=s.pk),
        "commitment",
        by,
        from_state=s.state,
        to_state=s.state,
        part=reply.assignment,
        data={"item": item.pk, "reply": reply.pk, "target": target.isoformat()},
    )
    return item


# Logged later on the suggestion's timeline without bumping its version, as supervision is.
SUGGESTION_NOTES = frozenset({"commitment_follow_up", "commitment_reopened"})


def _on_suggestion(
    s: Suggestion, action: str, by: User, *, note: str = "", part: Any = None, data: Any = None
) -> None:
    """Log on the suggestion's timeline without bumping its version (the deputy's and the
    unit's open forms stay valid: the suggestion itself did not change)."""
    audit_log.append(
        s,
        action=action,
        actor=by,
        from_state=s.state,
        to_state=s.state,
        note=note,
        data=dict(data or {}),
        part=part,
    )


def backfill(replies: Iterable[Reply] | None = None) -> int:
    """Enter the commitments of B replies signed before this hook existed (`manage.py
    commitments --backfill`); the signer enters it, as the hook would have. Returns how many."""
    rows = (
        replies
        if replies is not None
        else Reply.objects.filter(
            category=Reply.Category.B, state=Reply.State.SENT, commitments__isnull=True
        ).select_related("signed_by")
    )
    made = 0
    for reply in rows:
        if reply.signed_by is None or LedgerItem.objects.filter(source_reply=reply).exists():
            continue
        with transaction.atomic():
            commitment_from_reply(reply, reply.signed_by)
        made += 1
    return made


# --- the actions ------------------------------------------------------------------------------


def _run(
    action: str,
    item: LedgerItem | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
) -> Any:
    return engine.run(
        COMMITMENTS,
        action,
        item,
        by=by,
        change=change,
        expected_version=expected_version,
        inputs=inputs,
    )


FOLLOW_UP_FIELDS = (
    "category",
    "text",
    "contact_method",
    "contacted_on",
    "contact_leader",
    "contact_leader_phone",
    "case_officer",
    "case_officer_phone",
    "document_number",
)


def _next_round(item: LedgerItem) -> int:
    return item.follow_ups.filter(state=FollowUpReply.State.SENT).count() + 1


def draft_follow_up(
    item: LedgerItem | int,
    *,
    by: User,
    category: str,
    text: str,
    contact_method: str,
    contacted_on: datetime.date,
    contact_leader: str,
    contact_leader_phone: str,
    case_officer: str,
    case_officer_phone: str,
    document_number: str | None = "",
    expected_version: int | None = None,
) -> FollowUpReply:
    """Write or revise the commitment's draft second reply (a clerk or head of its unit)."""
    values = {
        "category": category,
        "text": text,
        "contact_method": contact_method,
        "contacted_on": contacted_on,
        "contact_leader": contact_leader,
        "contact_leader_phone": contact_leader_phone,
        "case_officer": case_officer,
        "case_officer_phone": case_officer_phone,
        "document_number": document_number or "",
    }

    def change(t: Try) -> FollowUpReply:
        row = _draft(t.obj)
        clean = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        if row is None:
            row = FollowUpReply.objects.create(
                item=t.obj, round=_next_round(t.obj), drafted_by=by, **clean
            )
            new = True
        else:
            for name, value in clean.items():
                setattr(row, name, value)
            row.drafted_by = by
            row.save()
            new = False
        t.log(data={"follow_up": row.pk, "category": row.category, "new": new}, part=row)
        return row

    result: FollowUpReply = _run("draft_follow_up", item, by, change, expected_version, values)
    return result


def sign_follow_up(
    item: LedgerItem | int, *, by: User, expected_version: int | None = None
) -> FollowUpReply:
    """The unit head signs and sends the second reply. A (solved): the commitment is done (a
    100 % report in the reply's words, every open milestone done); C: it is stopped, unsolved.
    Logged on the item and on the suggestion; the deputy is told."""
    from minsheng.ledger import workflow

    def change(t: Try) -> FollowUpReply:
        row = FollowUpReply.objects.select_for_update().get(
            item=t.obj, state=FollowUpReply.State.DRAFT
        )
        on = today()
        row.state, row.signed_by, row.sent_at = FollowUpReply.State.SENT, by, timezone.now()
        row.save(update_fields=["state", "signed_by", "sent_at"])
        if row.category == FollowUpReply.Category.A:
            update = ProgressUpdate.objects.create(
                item=t.obj, on=on, percent=100, narrative=row.text, by=by
            )
            Milestone.objects.filter(item=t.obj, done_on__isnull=True).update(
                done_on=on, done_in=update
            )
            t.set(done_on=on)
        else:
            t.set(state=S.STOPPED)
        workflow.refresh(t.obj, t)
        t.log(
            note=row.text,
            data={"follow_up": row.pk, "category": row.category, "round": row.round},
            part=row,
        )
        s = t.obj.source_suggestion
        if s is not None:
            t.after(
                lambda: _on_suggestion(
                    s,
                    "commitment_follow_up",
                    by,
                    note=row.text,
                    data={"item": t.obj.pk, "follow_up": row.pk, "category": row.category},
                )
            )
        return row

    result: FollowUpReply = _run("sign_follow_up", item, by, change, expected_version, {})
    return result


def reopen(
    item: LedgerItem | int,
    *,
    by: User,
    ends_on: datetime.date,
    percent: int,
    note: str,
    expected_version: int | None = None,
) -> LedgerItem:
    """Staff put a solved or stopped commitment back on the ledger: a new target date, the
    progress really made (a report in staff's words), active again; its next second reply is
    a new round."""
    from minsheng.ledger import workflow

    def change(t: Try) -> LedgerItem:
        before = {"ends_on": t.obj.ends_on.isoformat() if t.obj.ends_on else None}
        was_solved = is_solved(t.obj)
        ProgressUpdate.objects.create(
            item=t.obj, on=today(), percent=percent, narrative=note.strip(), by=by
        )
        t.set(state=S.ACTIVE, ends_on=ends_on, done_on=None)
        workflow.refresh(t.obj, t)
        data = {
            **before,
            "new_ends_on": ends_on.isoformat(),
            "percent": percent,
            "was": "solved" if was_solved else "stopped",
        }
        t.log(note=note.strip(), data=data)
        s = t.obj.source_suggestion
        if s is not None:
            t.after(
                lambda: _on_suggestion(
                    s, "commitment_reopened", by, note=note.strip(), data={"item": t.obj.pk, **data}
                )
            )
        return t.obj

    inputs = {"ends_on": ends_on, "percent": percent, "note": note}
    result: LedgerItem = _run("reopen", item, by, change, expected_version, inputs)
    return result


ACTIONS: dict[str, Callable[..., Any]] = {
    "draft_follow_up": draft_follow_up,
    "sign_follow_up": sign_follow_up,
    "reopen": reopen,
}


# --- the resolution rate ------------------------------------------------------------------------

DIMENSIONS = ("unit", "year", "category")


@dataclass
class Rate:
    """Written promises (B commitments) and how many became solved problems, in one group."""

    unit_id: int | None = None
    unit: str = ""
    year: int | None = None
    category_id: int | None = None
    category: str = ""
    promised: int = 0
    solved: int = 0
    open: int = 0  # still running (not solved, not stopped)
    overdue: int = 0  # running past their target date
    stopped: int = 0  # stopped or answered "cannot be solved now"

    @property
    def rate(self) -> float | None:
        """Solved / promised, in percent (one decimal); None for no promise."""
        return round(100 * self.solved / self.promised, 1) if self.promised else None


def resolution_rates(
    items: QuerySet[LedgerItem],
    *,
    by: Sequence[str] = DIMENSIONS,
    on: datetime.date | None = None,
) -> tuple[list[Rate], Rate]:
    """The share of written promises that became solved problems, per group of `by` (unit,
    year — the year the promise was made — and the suggestion's category), and the total.
    One grouped query; "closed" suggestions count for nothing, only solved commitments do."""
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {sorted(unknown)}")
    on = on or today()
    columns = {
        "unit": ("responsible_unit_id", "responsible_unit__name"),
        "year": ("year",),
        "category": ("source_suggestion__category_id", "source_suggestion__category__name"),
    }
    names = [c for d in by for c in columns[d]]
    from django.db.models import Count

    rows = (
        items.filter(commitments_q())
        .order_by()
        .values(*names)
        .annotate(
            promised=Count("pk"),
            solved=Count("pk", filter=solved_q()),
            running=Count("pk", filter=running_q()),
            overdue=Count("pk", filter=running_q() & Q(due__lt=on)),
            stopped=Count("pk", filter=stopped_q()),
        )
    )
    found: list[Rate] = []
    total = Rate()
    for row in rows:
        rate = Rate(
            unit_id=row.get("responsible_unit_id"),
            unit=row.get("responsible_unit__name") or "",
            year=row.get("year"),
            category_id=row.get("source_suggestion__category_id"),
            category=row.get("source_suggestion__category__name") or "",
            promised=row["promised"],
            solved=row["solved"],
            open=row["running"],
            overdue=row["overdue"],
            stopped=row["stopped"],
        )
        found.append(rate)
        for name in ("promised", "solved", "open", "overdue", "stopped"):
            setattr(total, name, getattr(total, name) + getattr(rate, name))
    found.sort(key=lambda r: (-(r.year or 0), r.unit, r.category))
    return found, total


# --- the look-back (回头看) ---------------------------------------------------------------------


@dataclass
class Repeat:
    """A suggestion of the year whose topic was raised in earlier years: `earlier` holds
    (suggestion, score) best first; `method` is "index" (the similarity index over title and
    body, with the words each pair shares in `shared`) or "titles" (the titles' character
    pairs within a category)."""

    suggestion: Suggestion
    earlier: list[tuple[Suggestion, float]] = field(default_factory=list)
    method: str = "titles"
    shared: dict[int, list[str]] = field(default_factory=dict)


def unresolved(items: QuerySet[LedgerItem], year: int) -> QuerySet[LedgerItem]:
    """Commitments promised in `year` or before that are not solved (running or stopped)."""
    return (
        items.filter(commitments_q(), year__lte=year)
        .exclude(solved_q())
        .select_related("responsible_unit", "source_suggestion", "source_reply")
        .order_by("due", "pk")
    )


def _year_of(s: Suggestion) -> int:
    moment = s.registered_at or s.submitted_at or s.created_at
    return timezone.localtime(moment).year


# (this year's suggestions, the year) → for each repeat: (the suggestion, [(an earlier one, its
# score, the words they share)]), best first; None when the finder cannot answer now.
FoundRepeat = tuple[Suggestion, list[tuple[Suggestion, float, tuple[str, ...]]]]
RepeatFinder = Callable[[QuerySet[Suggestion], int], list[FoundRepeat] | None]
_repeat_finder: list[tuple[RepeatFinder, float]] = []


def register_repeat_finder(finder: RepeatFinder, *, threshold: float) -> None:
    """How repeated topics are found: the insight app registers its similarity index (the
    words of title and body, explained by the words they share; `threshold` is its score
    from which two suggestions are one topic); without it, or while it is not ready, the
    titles' character pairs are compared within a category."""
    _repeat_finder[:] = [(finder, threshold)]


def repeat_method() -> str:
    """How repeated topics are found here: "index" with the insight app, else "titles"."""
    return "index" if _repeat_finder else "titles"


def repeat_threshold(method: str) -> float:
    """The similarity from which two suggestions are one topic, by method."""
    if method == "index" and _repeat_finder:
        return _repeat_finder[0][1]
    return SIMILAR_FROM


def repeated_topics(
    suggestions: QuerySet[Suggestion], year: int, *, threshold: float = SIMILAR_FROM
) -> list[Repeat]:
    """This year's registered suggestions on a topic raised in an earlier year: by the
    registered finder (the insight app's similarity index) when it answers, else by the titles'
    character pairs (`title_repeats`)."""
    for finder, _threshold in _repeat_finder:
        found = finder(suggestions, year)
        if found is not None:
            return [
                Repeat(
                    s,
                    [(old, score) for old, score, _w in earlier],
                    method="index",
                    shared={old.pk: list(words) for old, _score, words in earlier},
                )
                for s, earlier in found
            ]
    return title_repeats(suggestions, year, threshold=threshold)


def title_repeats(
    suggestions: QuerySet[Suggestion], year: int, *, threshold: float = SIMILAR_FROM
) -> list[Repeat]:
    """This year's registered suggestions whose title shares at least `threshold` of its
    character pairs (Jaccard over title bigrams, `insight.similar`) with a suggestion of an
    earlier year in the same category. Explainable: the page shows the two titles and the
    share."""
    registered = suggestions.filter(registered_at__isnull=False, category__isnull=False).only(
        "pk", "title", "category_id", "series", "number", "registered_at", "state"
    )
    this_year: list[Suggestion] = []
    earlier: dict[int, list[Suggestion]] = defaultdict(list)
    for s in registered.filter(registered_at__year__lte=year).order_by("pk"):
        y = _year_of(s)
        if y == year:
            this_year.append(s)
        elif y < year:
            earlier[s.category_id or 0].append(s)
    found = []
    for s in this_year:
        pool = earlier.get(s.category_id or 0, [])
        matches = [
            (old, score)
            for old, score in similar.ranked(
                s.title, [(old, old.title) for old in pool], threshold=threshold
            )
        ]
        if matches:
            found.append(Repeat(s, matches[:3]))
    return found


# --- the home worklist --------------------------------------------------------------------------


def to_report(units: Iterable[int], on: datetime.date) -> QuerySet[LedgerItem]:
    """Running commitments of these units with no progress report for REPORT_EVERY_DAYS."""
    since = on - datetime.timedelta(days=REPORT_EVERY_DAYS)
    return LedgerItem.objects.filter(
        commitments_q(), running_q(), responsible_unit_id__in=units
    ).filter(Q(reported_on__isnull=True) | Q(reported_on__lt=since))


def overdue(jurisdictions: Iterable[int], on: datetime.date) -> QuerySet[LedgerItem]:
    return LedgerItem.objects.filter(
        commitments_q(), running_q(), jurisdiction_id__in=list(jurisdictions), due__lt=on
    )


def sent_follow_ups(item: LedgerItem) -> list[FollowUpReply]:
    return list(item.follow_ups.filter(state=FollowUpReply.State.SENT).order_by("round"))
