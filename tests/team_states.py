"""Supervision teams and rectifications reached through the real workflow functions."""

from __future__ import annotations

import datetime

from minsheng.ledger import workflow, workflow_teams
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import Rectification, Team

START = datetime.date(2026, 3, 2)  # a Monday


def item(cast, **kw) -> LedgerItem:
    values = {
        "kind": "inspection",
        "title": "执法检查：大气污染防治法",
        "year": START.year,
        "starts_on": START,
        "responsible_unit": cast.unit_a,
    }
    values.update(kw)
    return workflow.create_item(by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, **values)


def team(cast, items=(), **kw) -> Team:
    """A team led by the supervisor with the committee member in it."""
    values = {
        "name": kw.pop("name", "第一督查组"),
        "year": START.year,
        "leader": cast.supervisor,
        "members": [cast.committee],
    }
    values.update(kw)
    return workflow_teams.create_team(
        by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, items=list(items), **values
    )


def inspected(cast, the_team, the_item, *, on=START, due=None, units=None, by=None):
    units = units or [cast.unit_a]
    due = due or on + datetime.timedelta(days=30)
    return workflow_teams.record_inspection(
        the_team,
        by=by or cast.committee,
        item=the_item,
        on=on,
        place="青川市",
        participants="督查组全体",
        notes="现场查看",
        findings=[
            workflow_teams.Finding(f"问题{n}", unit, due, "张科长") for n, unit in enumerate(units)
        ],
    )


def rectification(cast, **kw) -> Rectification:
    """An open rectification of unit_a on a fresh item and team."""
    the_item = item(cast)
    the_team = team(cast, [the_item])
    return inspected(cast, the_team, the_item, **kw).rectifications.get()
