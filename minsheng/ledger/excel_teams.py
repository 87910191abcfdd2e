"""The rectification list as a sheet (整改台账): every filtered row, in the page's order."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from minsheng.ledger.models_teams import Rectification
from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column
from minsheng.suggestions.models import WarningColour

COLUMNS = [
    Column("序号", 6),
    Column("台账事项", 32),
    Column("督查组", 16),
    Column("发现问题", 40),
    Column("责任单位", 18),
    Column("责任人", 10),
    Column("整改期限", 12, "date"),
    Column("状态", 10),
    Column("预警", 8),
    Column("整改情况", 40),
    Column("报告日期", 12, "date"),
    Column("销号日期", 12, "date"),
    Column("退回原因", 30),
]


def row(n: int, r: Rectification, today: datetime.date) -> list[Any]:
    light = r.warning(today)
    return [
        n,
        r.item.title,
        r.team.name,
        r.problem,
        r.owner_unit.name,
        r.owner_person,
        r.due,
        str(dict(Rectification.State.choices)[r.state]),
        str(dict(WarningColour.choices)[light]) if light != WarningColour.NONE else "",
        r.report,
        r.reported_on,
        r.closed_on,
        r.reopen_reason,
    ]


def rectifications_response(rows: QuerySet[Rectification], today: datetime.date) -> Any:
    items = rows.select_related("item", "team", "owner_unit").iterator(chunk_size=500)
    return spreadsheets.xlsx_response(
        lambda out: spreadsheets.write_table(
            out,
            title="整改台账",
            columns=COLUMNS,
            rows=(row(n, r, today) for n, r in enumerate(items, start=1)),
        ),
        f"整改台账-{today.isoformat()}.xlsx",
    )
