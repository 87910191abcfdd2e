"""The typed functions of supervision teams and rectification. Entering a team and recording
an inspection create records (staff and team members, checked here, logged in the event log);
every change of a rectification's state goes through the one runner with its declaration in
`actions_teams.py`.

A rectification's `warn_from` is its due date minus the rule set's yellow working days, as a
ledger item's is (`workflow._apply_derived`), stored so "what is due" is one indexed query."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit import log as audit_log
from minsheng.engine import actions as engine
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.ledger import permissions_teams as perms
from minsheng.ledger.actions_teams import RECTIFICATIONS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import (
    Inspection,
    Rectification,
    Team,
    TeamEvidence,
    TeamMember,
)
from minsheng.people.models import Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions.attachments import save_upload
from minsheng.suggestions.models import RuleSet
from minsheng.workcalendar import work_calendar

Try = engine.Attempt[Any]


def _today() -> datetime.date:
    return timezone.localdate()


def warning_date(jurisdiction_id: int, due: datetime.date) -> deadlines.Due:
    """The first yellow day of a rectification due on `due`."""
    rules = RuleSet.rules_for(jurisdiction_id)
    return deadlines.yellow_from(due, rules, work_calendar())


def _set_due(rect: Rectification, due: datetime.date) -> None:
    yellow = warning_date(rect.team.jurisdiction_id, due)
    rect.due, rect.warn_from, rect.due_uncertain = due, yellow.date, yellow.uncertain


# --- teams -------------------------------------------------------------------------------------


def _check_team(jurisdiction_id: int, name: str, leader: User, items: Sequence[LedgerItem]) -> None:
    if not name.strip():
        raise Invalid(_("A team needs a name."))
    if not leader.is_active:
        raise Invalid(_("The team leader's account is not active."))
    for item in items:
        if item.jurisdiction_id != jurisdiction_id:
            raise Invalid(_("A team covers ledger items of its own congress only."))


def _set_members(team: Team, leader: User, members: Iterable[User]) -> list[str]:
    wanted = {u.pk: u for u in members if u.pk != leader.pk}
    TeamMember.objects.filter(team=team).delete()
    rows = [TeamMember(team=team, user=leader, role=TeamMember.Role.LEADER)]
    rows += [TeamMember(team=team, user=u, role=TeamMember.Role.MEMBER) for u in wanted.values()]
    TeamMember.objects.bulk_create(rows)
    return [leader.display_name, *(u.display_name for u in wanted.values())]


def create_team(
    *,
    by: User,
    jurisdiction_id: int,
    name: str,
    year: int,
    leader: User,
    members: Iterable[User] = (),
    items: Iterable[LedgerItem] = (),
) -> Team:
    """Staff enter a supervision team with its leader, members and the items it covers."""
    if not perms.can_manage(by, jurisdiction_id):
        raise NotAllowed(_("Only congress staff manage supervision teams."))
    covered = list(items)
    _check_team(jurisdiction_id, name, leader, covered)
    if Team.objects.filter(jurisdiction_id=jurisdiction_id, year=year, name=name.strip()):
        raise Invalid(_("There is already a team of that name this year."))
    with transaction.atomic():
        team = Team.objects.create(
            jurisdiction_id=jurisdiction_id,
            name=name.strip(),
            year=year,
            leader=leader,
            created_by=by,
        )
        names = _set_members(team, leader, members)
        team.items.set(covered)
        audit_log.append(
            team,
            actor=by,
            action="create",
            note=team.name,
            data={"members": names, "items": [i.pk for i in covered]},
        )
    return team


def change_team(
    team: Team,
    *,
    by: User,
    name: str,
    leader: User,
    members: Iterable[User] = (),
    items: Iterable[LedgerItem] = (),
) -> Team:
    """Staff change a team's name, leader, members or items (logged with what it became)."""
    if not perms.can_manage(by, team.jurisdiction_id):
        raise NotAllowed(_("Only congress staff manage supervision teams."))
    covered = list(items)
    _check_team(team.jurisdiction_id, name, leader, covered)
    clash = Team.objects.filter(
        jurisdiction_id=team.jurisdiction_id, year=team.year, name=name.strip()
    ).exclude(pk=team.pk)
    if clash.exists():
        raise Invalid(_("There is already a team of that name this year."))
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        team.name, team.leader = name.strip(), leader
        team.save(update_fields=["name", "leader"])
        names = _set_members(team, leader, members)
        team.items.set(covered)
        audit_log.append(
            team,
            actor=by,
            action="change",
            note=team.name,
            data={"members": names, "items": [i.pk for i in covered]},
        )
    return team


# --- inspections and their findings ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem found: what, which unit fixes it (and who there), by when."""

    problem: str
    owner_unit: Organisation
    due: datetime.date
    owner_person: str = ""


def record_inspection(
    team: Team,
    *,
    by: User,
    item: LedgerItem,
    on: datetime.date,
    place: str = "",
    participants: str = "",
    notes: str = "",
    findings: Sequence[Finding] = (),
    files: Iterable[Any] = (),
) -> Inspection:
    """A team member (or staff) records an inspection of one of the team's items; each finding
    becomes a rectification assigned to its owner unit (who hears of it)."""
    if not perms.can_inspect(by, team):
        raise NotAllowed(_("Only the team's members record its inspections."))
    if not team.items.filter(pk=item.pk).exists():
        raise Invalid(_("This team does not cover that ledger item."))
    today = _today()
    if on > today:
        raise Invalid(_("The date cannot be in the future."))
    for n, f in enumerate(findings, start=1):
        if not f.problem.strip():
            raise Invalid(_("Finding %(n)s: say what the problem is.") % {"n": n})
        if f.owner_unit.jurisdiction_id != team.jurisdiction_id:
            raise Invalid(
                _("Finding %(n)s: the owner unit must be a unit of this congress.") % {"n": n}
            )
        if f.due < on:
            raise Invalid(
                _("Finding %(n)s: the due date cannot be before the inspection.") % {"n": n}
            )
    with transaction.atomic():
        inspection = Inspection.objects.create(
            team=team,
            item=item,
            on=on,
            place=place.strip(),
            participants=participants.strip(),
            notes=notes.strip(),
            recorded_by=by,
        )
        audit_log.append(
            inspection, actor=by, action="create", note=notes.strip(), data={"team": team.pk}
        )
        rects = []
        for f in findings:
            rect = Rectification(
                item=item,
                inspection=inspection,
                team=team,
                problem=f.problem.strip(),
                owner_unit=f.owner_unit,
                owner_person=f.owner_person.strip(),
                created_by=by,
            )
            _set_due(rect, f.due)
            rect.save()
            RECTIFICATIONS.record(
                rect,
                "create",
                by,
                from_state="",
                to_state=rect.state,
                note=rect.problem,
                data={"due": f.due.isoformat(), "unit": f.owner_unit.name},
                part=inspection,
            )
            rects.append(rect)
        audit_log.append(
            item,
            actor=by,
            action="team_inspection",
            from_state=item.state,
            to_state=item.state,
            note=notes.strip() or team.name,
            data={
                "inspection": inspection.pk,
                "team": team.name,
                "findings": [
                    {"problem": r.problem, "unit": r.owner_unit.name, "due": r.due.isoformat()}
                    for r in rects
                ],
            },
            part=inspection,
        )
        attach_evidence(files, by=by, inspection=inspection)
    return inspection


def attach_evidence(
    files: Iterable[Any],
    *,
    by: User,
    inspection: Inspection | None = None,
    rectification: Rectification | None = None,
) -> list[TeamEvidence]:
    """Store accepted uploads (`(upload, kind)` pairs) behind an inspection or a report."""
    owner = inspection or rectification
    assert owner is not None
    return [
        save_upload(
            TeamEvidence(
                item_id=owner.item_id,
                inspection=inspection,
                rectification=rectification,
                uploaded_by=by,
            ),
            upload,
            kind,
        )
        for upload, kind in files
    ]


# --- the rectification's actions ---------------------------------------------------------------


def _run(
    action: str,
    rect: Rectification | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
) -> Rectification:
    result: Rectification = engine.run(
        RECTIFICATIONS,
        action,
        rect,
        by=by,
        change=change,
        expected_version=expected_version,
        inputs=inputs,
    )
    return result


def _on_item(rect: Rectification, by: User, action: str, note: str) -> None:
    """The same act on the ledger item's own history (its version is not bumped)."""
    item = rect.item
    audit_log.append(
        item,
        actor=by,
        action=action,
        from_state=item.state,
        to_state=item.state,
        note=note,
        data={"rectification": rect.pk, "problem": rect.problem[:200]},
        part=rect.inspection,
    )


def report(
    rect: Rectification | int,
    *,
    by: User,
    on: datetime.date,
    report: str,
    expected_version: int | None = None,
) -> Rectification:
    def change(t: Try) -> Rectification:
        t.set(report=report.strip(), reported_on=on)
        t.log(note=report.strip(), data={"on": on.isoformat()})
        return t.obj

    return _run("report", rect, by, change, expected_version, {"on": on, "report": report})


def close(
    rect: Rectification | int, *, by: User, note: str = "", expected_version: int | None = None
) -> Rectification:
    def change(t: Try) -> Rectification:
        t.set(closed_on=_today())
        t.log(note=note.strip())
        t.after(lambda: _on_item(t.obj, by, "rectification_closed", t.obj.problem[:200]))
        return t.obj

    return _run("close", rect, by, change, expected_version, {"note": note})


def reopen(
    rect: Rectification | int,
    *,
    by: User,
    reason: str,
    due: datetime.date | None = None,
    expected_version: int | None = None,
) -> Rectification:
    def change(t: Try) -> Rectification:
        t.set(reopen_reason=reason.strip(), closed_on=None)
        data: dict[str, Any] = {}
        if due is not None and due != t.obj.due:
            data["due"] = {"before": t.obj.due.isoformat(), "after": due.isoformat()}
            _set_due(t.obj, due)
            t.set(due=t.obj.due, warn_from=t.obj.warn_from, due_uncertain=t.obj.due_uncertain)
        t.log(note=reason.strip(), data=data)
        t.after(lambda: _on_item(t.obj, by, "rectification_reopened", reason.strip()))
        return t.obj

    return _run("reopen", rect, by, change, expected_version, {"reason": reason, "due": due})


ACTIONS: dict[str, Callable[..., Any]] = {"report": report, "close": close, "reopen": reopen}


def refresh_all() -> int:
    """Recompute every open rectification's warning date (after the rule set or the calendar
    changed). Returns how many rows changed."""
    moved = 0
    rows = Rectification.objects.exclude(state=Rectification.State.CLOSED)
    for rect in rows.select_related("team"):
        before = (rect.warn_from, rect.due_uncertain)
        _set_due(rect, rect.due)
        if (rect.warn_from, rect.due_uncertain) != before:
            rect.save(update_fields=["warn_from", "due_uncertain"])
            moved += 1
    return moved
