"""The ledger in Excel, in the usual 台账 layout: one row per item with its responsibility
chain, milestones and latest progress (`spreadsheets.write_table`: a write-only workbook, every
text cell kept as text)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from minsheng.ledger.models import LedgerItem, Milestone, ProgressUpdate, Status
from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column
from minsheng.suggestions.models import WarningColour

COLUMNS = [
    Column("序号", 6),
    Column("类别", 14),
    Column("年度", 6),
    Column("项目名称", 36),
    Column("上级项目", 24),
    Column("牵头领导", 10),
    Column("分管领导", 10),
    Column("责任单位", 18),
    Column("责任人", 10),
    Column("协办单位", 24),
    Column("预算（万元）", 10),
    Column("地点", 16),
    Column("开始日期", 12, "date"),
    Column("计划完成", 12, "date"),
    Column("710分类", 14),
    Column("节点", 40),
    Column("进度（%）", 8),
    Column("状态", 8),
    Column("预警", 8),
    Column("下一节点日期", 12, "date"),
    Column("最新进展", 48),
    Column("最新进展日期", 12, "date"),
]


def export_queryset(rows: QuerySet[LedgerItem]) -> QuerySet[LedgerItem]:
    latest = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by("-on", "-pk")
    return (
        rows.select_related("responsible_unit", "parent")
        .prefetch_related(
            "co_units",
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due", "pk")),
        )
        .annotate(
            latest_text=Subquery(latest.values("narrative")[:1]),
            latest_on=Subquery(latest.values("on")[:1]),
        )
    )


def _milestones(item: LedgerItem) -> str:
    lines = []
    for m in item.milestones.all():
        mark = " ✓" if m.done_on else ""
        lines.append(f"{m.due.isoformat()} | {m.title} | {m.weight}{mark}")
    return "\n".join(lines)


def export_row(n: int, item: Any, today: datetime.date) -> list[Any]:
    status = item.status(today)
    light = item.warning(today)
    return [
        n,
        item.get_kind_display(),
        item.year,
        item.title,
        item.parent.title if item.parent else "",
        item.lead_leader,
        item.leader_in_charge,
        item.responsible_unit.name if item.responsible_unit else "",
        item.responsible_person,
        "、".join(u.name for u in item.co_units.all()),
        float(item.budget) if item.budget is not None else None,
        item.location,
        item.starts_on,
        item.ends_on,
        item.get_pace_display(),
        _milestones(item),
        item.progress,
        str(dict(Status.choices)[status]),
        str(dict(WarningColour.choices)[light]) if light != WarningColour.NONE else "",
        item.due,
        item.latest_text or "",
        item.latest_on,
    ]


def iterate(rows: QuerySet[LedgerItem]) -> Iterator[LedgerItem]:
    return export_queryset(rows).iterator(chunk_size=500)


def write_export(items: Iterable[LedgerItem], out: IO[bytes], today: datetime.date) -> int:
    return spreadsheets.write_table(
        out,
        title="清单台账",
        columns=COLUMNS,
        rows=(export_row(n, item, today) for n, item in enumerate(items, start=1)),
    )


def export_response(rows: QuerySet[LedgerItem], today: datetime.date) -> Any:
    return spreadsheets.xlsx_response(
        lambda out: write_export(iterate(rows), out, today),
        f"清单台账-{today.isoformat()}.xlsx",
    )
