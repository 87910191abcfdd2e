"""The practical-matter vote's actions, each declared once on the shared engine (as the ledger
items' are). The typed functions are in `workflow_vote.py`; casting a ballot and rating an
adopted project are functions of their own there (a deputy's row, not a step of the round).

    collecting ──start_vetting──▶ vetting ──open_voting──▶ voting ──close──▶ closed
    closed ──adopt──▶ adopted
    add_candidate: collecting, vetting; vet (one candidate): vetting
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
from minsheng.engine.actions import Action, Attempt, Registry, Rule, Subject, Words
from minsheng.engine.errors import Conflict
from minsheng.engine.inputs import Check, Choice, Day, Line, Number, Ref, Text
from minsheng.ledger import permissions_vote as perms
from minsheng.ledger.models_vote import Candidate, VoteRound
from minsheng.people.models import Organisation

S = VoteRound.State
STAFF = perms.STAFF
Try = Attempt[Any]

# Sent after a vote action commits (receivers get the round and the event).
vote_changed = Signal()


def _notify(obj: Any, event: Any) -> None:
    vote_changed.send(sender=type(obj), obj=obj, event=event)


def _lock_round(pk: int) -> VoteRound:
    return (
        VoteRound.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=pk)
    )


ROUNDS: Registry[VoteRound] = Registry(
    model=VoteRound,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_round,
    other_events={
        "create": gettext_lazy("Vote opened for proposals"),
        "ballot": gettext_lazy("A deputy voted"),
    },
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this vote."),
        stale=gettext_lazy(
            "Someone else changed this vote while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the vote is “%(state)s”."),
    ),
)


def _today() -> datetime.date:
    return timezone.localdate()


# --- rules -------------------------------------------------------------------------------------


def _has_candidates(attempt: Try) -> str | None:
    if not attempt.obj.candidates.exists():
        return str(_("Enter at least one candidate project first."))
    return None


def _all_vetted(attempt: Try) -> str | None:
    pending = attempt.obj.candidates.filter(vetting=Candidate.Vetting.PENDING).count()
    if pending:
        return str(
            _("%(n)s candidate projects are not vetted yet: vet every one first.") % {"n": pending}
        )
    if not attempt.obj.candidates.filter(vetting=Candidate.Vetting.SHORTLISTED).exists():
        return str(_("No candidate is shortlisted: there is nothing to vote on."))
    return None


# --- inputs ------------------------------------------------------------------------------------


def _units(attempt: Try) -> QuerySet[Organisation]:
    return Organisation.objects.handling_units().filter(jurisdiction_id=attempt.obj.jurisdiction_id)


def _reason_if_rejected(values: Mapping[str, Any], attempt: Try) -> str | None:
    if (
        values.get("result") == Candidate.Vetting.REJECTED
        and not (values.get("reason") or "").strip()
    ):
        return str(_("Say why the project is not shortlisted."))
    return None


def _not_past(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("closes_on")
    if day is not None and day < _today():
        return str(_("The closing day cannot be in the past."))
    return None


def _ends_after_start(values: Mapping[str, Any], attempt: Try) -> str | None:
    start, end = values.get("starts_on"), values.get("ends_on")
    if start is not None and end is not None and end < start:
        return str(_("The planned end cannot be before the start."))
    return None


def _candidates(attempt: Try) -> list[Candidate]:
    """Those still to vet first (the form's default), then the vetted ones (to revise)."""
    rows = list(attempt.obj.candidates.order_by("pk"))
    return sorted(rows, key=lambda c: c.vetting != Candidate.Vetting.PENDING)


CANDIDATE = Subject(
    "candidate",
    "candidate_id",
    gettext_lazy("Candidate project"),
    mine=_candidates,
    describe=lambda c: str(c.title),
    missing=lambda attempt: Conflict(_("This vote has no candidate project.")),
    unknown=lambda attempt: Conflict(_("No such candidate project in this vote.")),
    required=True,
    description="The candidate project (id) to vet.",
)


ROUNDS.declare(
    Action(
        "add_candidate",
        sources=frozenset({S.COLLECTING, S.VETTING}),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Enter a candidate project"),
        done=gettext_lazy("A candidate project was entered"),
        summary="Enter a candidate project collected from the public, a deputy or a department",
        inputs=(
            Line("title", label=gettext_lazy("Project"), blank=gettext_lazy("Name the project.")),
            Text("description", label=gettext_lazy("Description"), rows=3, required=False),
            Choice(
                "origin",
                label=gettext_lazy("Proposed by"),
                choices=Candidate.Origin.choices,
                radio=True,
            ),
            Line(
                "source_note",
                label=gettext_lazy("Where it came from"),
                help=gettext_lazy("Such as “网上征集第12号”, “林建国代表建议” or “省民政厅申报”."),
                blank=gettext_lazy("Record where the proposal came from."),
            ),
            Number(
                "budget",
                label=gettext_lazy("Estimated budget (10,000 yuan)"),
                required=False,
                minimum=0,
                decimal_places=2,
                bounds=gettext_lazy("The budget cannot be negative."),
            ),
            Ref(
                "unit",
                label=gettext_lazy("Responsible unit proposed"),
                required=False,
                options=_units,
                describe=lambda u: str(u.name),
                unknown=gettext_lazy("Unit %(id)s is not a handling unit of this congress."),
            ),
        ),
    ),
    Action(
        "start_vetting",
        sources=frozenset({S.COLLECTING}),
        target=S.VETTING,
        who=frozenset({STAFF}),
        label=gettext_lazy("Stop collecting and vet"),
        done=gettext_lazy("Vetting started"),
        summary="Stop collecting proposals and start vetting them",
        rules=(Rule(_has_candidates),),
    ),
    Action(
        "vet",
        sources=frozenset({S.VETTING}),
        target=None,
        who=frozenset({STAFF}),
        label=gettext_lazy("Vet a candidate"),
        done=gettext_lazy("A candidate was vetted"),
        summary="Shortlist a candidate project, or not (with a reason)",
        subject=CANDIDATE,
        inputs=(
            Choice(
                "result",
                label=gettext_lazy("Result"),
                choices=[
                    (Candidate.Vetting.SHORTLISTED, Candidate.Vetting.SHORTLISTED.label),
                    (Candidate.Vetting.REJECTED, Candidate.Vetting.REJECTED.label),
                ],
                radio=True,
            ),
            Text("reason", label=gettext_lazy("Reason"), rows=2, required=False),
        ),
        checks=(Check("reason", _reason_if_rejected),),
    ),
    Action(
        "open_voting",
        sources=frozenset({S.VETTING}),
        target=S.VOTING,
        who=frozenset({STAFF}),
        label=gettext_lazy("Open the voting"),
        done=gettext_lazy("Voting opened"),
        summary="Put the shortlist to the deputies' vote until the closing day",
        rules=(Rule(_all_vetted),),
        inputs=(
            Day(
                "closes_on",
                label=gettext_lazy("Voting closes at the end of"),
                initial=lambda t: _today() + datetime.timedelta(days=2),
            ),
        ),
        checks=(Check("closes_on", _not_past),),
    ),
    Action(
        "close",
        sources=frozenset({S.VOTING}),
        target=S.CLOSED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Close the voting"),
        done=gettext_lazy("Voting closed and counted"),
        summary="Close the voting: the tallies are counted once, locked and published",
        confirm=gettext_lazy("Close the voting? No ballot can be cast or changed afterwards."),
    ),
    Action(
        "adopt",
        sources=frozenset({S.CLOSED}),
        target=S.ADOPTED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Adopt the winners into the ledger"),
        done=gettext_lazy("Winners adopted as ledger items"),
        summary="Enter the elected projects in the ledger as practical-matter projects",
        inputs=(
            Day(
                "starts_on",
                label=gettext_lazy("Projects start on"),
                initial=lambda t: max(_today(), datetime.date(t.obj.year, 1, 1)),
            ),
            Day(
                "ends_on",
                label=gettext_lazy("Planned end"),
                required=False,
                initial=lambda t: datetime.date(t.obj.year, 12, 31),
            ),
        ),
        checks=(Check("ends_on", _ends_after_start),),
        confirm=gettext_lazy("Adopt the elected projects as ledger items?"),
    ),
)
