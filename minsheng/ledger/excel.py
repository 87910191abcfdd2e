"""The ledger in Excel, in the usual 台账 layout: one row per item with its responsibility
chain, milestones and latest progress (`spreadsheets.write_table`: a write-only workbook, every
text cell kept as text)."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from minsheng.engine.errors import WorkflowError
from minsheng.ledger import progress
from minsheng.ledger.models import LedgerItem, Milestone, ProgressUpdate, Status
from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column
from minsheng.people.models import Organisation
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


# --- import: the same layout, checked row by row, then all at once -----------------------------

IMPORT_COLUMNS = [c.header for c in COLUMNS]
REQUIRED = ("项目名称", "类别", "年度", "开始日期")
# Figures the ledger derives itself: read back from an export, but never imported.
DERIVED = ("序号", "进度（%）", "状态", "预警", "下一节点日期", "最新进展", "最新进展日期")
SCHEMA = spreadsheets.SheetSchema(
    columns=[c for c in IMPORT_COLUMNS if c not in DERIVED],
    required=REQUIRED,
    ignored=DERIVED,
    max_rows=2000,
    marker="项目名称",
)
SPLIT = re.compile(r"[、,，;；\n]+")
DONE_MARK = re.compile(r"\s*✓\s*$")


@dataclass
class ImportRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    parent_title: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.values.get("title", ""))


def _labels(choices: Any) -> dict[str, str]:
    """Choice values by their code and by their label in either language (an export is
    written in the language of whoever downloaded it)."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[str(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(label)] = value
    return found


def _day(text: str, name: str, problems: list[str], required: bool = False) -> Any:
    if not text:
        if required:
            problems.append(_("“%(column)s” is required.") % {"column": name})
        return None
    try:
        return datetime.date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        problems.append(
            _("“%(column)s” is not a date (write it as 2027-03-31): %(text)s")
            % {"column": name, "text": text}
        )
        return None


def check_rows(raw: list[spreadsheets.RawRow], jurisdiction_id: int) -> list[ImportRow]:
    """Every row checked against the ledger's rules (the same plan checks as the page), nothing
    written. A parent is named by the title of an item already in the ledger or of a row above."""
    kinds = _labels(LedgerItem.Kind.choices)
    paces = _labels(LedgerItem.Pace.choices)
    units: dict[str, Organisation] = {}
    for known in Organisation.objects.handling_units().filter(jurisdiction_id=jurisdiction_id):
        units[known.name] = known
        if known.short_name:
            units.setdefault(known.short_name, known)
    existing = {
        (title, year): pk
        for pk, title, year in LedgerItem.objects.filter(
            jurisdiction_id=jurisdiction_id
        ).values_list("pk", "title", "year")
    }
    existing_titles = {title for title, _year in existing}
    seen: set[str] = set()
    rows: list[ImportRow] = []
    for raw_row in raw:
        v = raw_row.values
        row = ImportRow(raw_row.line)
        p = row.problems
        title = v.get("项目名称", "").strip()
        if not title:
            p.append(_("“项目名称” is required."))
        elif len(title) > 200:
            p.append(_("The title is longer than 200 characters."))
        elif title in seen:
            p.append(_("The title “%(title)s” is in the file twice.") % {"title": title})
        seen.add(title)
        kind = kinds.get(v.get("类别", "").strip())
        if kind is None:
            p.append(
                _("Unknown kind “%(text)s”; use one of: %(kinds)s.")
                % {"text": v.get("类别", ""), "kinds": "、".join(_zh(LedgerItem.Kind.choices))}
            )
        year_text = v.get("年度", "").strip()
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        if year is None:
            p.append(_("“年度” must be a year such as 2027: %(text)s") % {"text": year_text})
        elif (title, year) in existing:
            p.append(
                _("“%(title)s” of %(year)s is already in the ledger.")
                % {"title": title, "year": year}
            )
        starts_on = _day(v.get("开始日期", "").strip(), "开始日期", p, required=True)
        ends_on = _day(v.get("计划完成", "").strip(), "计划完成", p)
        pace_text = v.get("710分类", "").strip()
        pace = paces.get(pace_text) if pace_text else LedgerItem.Pace.YEAR
        if pace is None:
            p.append(
                _("Unknown 710 class “%(text)s”; use one of: %(paces)s.")
                % {"text": pace_text, "paces": "、".join(_zh(LedgerItem.Pace.choices))}
            )
        unit_name = v.get("责任单位", "").strip()
        unit: Organisation | None = units.get(unit_name) if unit_name else None
        if unit_name and unit is None:
            p.append(_("No handling unit named “%(name)s”.") % {"name": unit_name})
        co_units: list[Organisation] = []
        for name in [n.strip() for n in SPLIT.split(v.get("协办单位", "")) if n.strip()]:
            found = units.get(name)
            if found is None:
                p.append(_("No handling unit named “%(name)s”.") % {"name": name})
            elif found not in co_units:
                co_units.append(found)
        budget = None
        budget_text = v.get("预算（万元）", "").replace(",", "").strip()
        if budget_text:
            try:
                budget = decimal.Decimal(budget_text)
                if budget < 0 or not budget.is_finite():
                    raise decimal.InvalidOperation
            except decimal.InvalidOperation:
                p.append(
                    _("“预算（万元）” must be a number of 0 or more: %(text)s")
                    % {"text": budget_text}
                )
                budget = None
        milestones = "\n".join(DONE_MARK.sub("", line) for line in v.get("节点", "").splitlines())
        try:
            steps = progress.parse_milestones(milestones)
        except progress.PlanError as error:
            p.append(error.message)
            steps = []
        if starts_on is not None:
            p.extend(
                e.message
                for e in progress.check_plan(starts_on=starts_on, ends_on=ends_on, steps=steps)
            )
        parent_title = v.get("上级项目", "").strip()
        if (
            parent_title
            and parent_title not in existing_titles
            and parent_title not in seen - {title}
        ):
            p.append(
                _("The parent “%(title)s” is neither in the ledger nor in a row above.")
                % {"title": parent_title}
            )
        for column, limit in (("牵头领导", 60), ("分管领导", 60), ("责任人", 60), ("地点", 200)):
            if len(v.get(column, "")) > limit:
                p.append(
                    _("“%(column)s” is longer than %(n)s characters.")
                    % {"column": column, "n": limit}
                )
        row.parent_title = parent_title
        row.values = {
            "kind": kind,
            "title": title,
            "year": year,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "pace": pace,
            "responsible_unit": unit,
            "responsible_person": v.get("责任人", "")[:60],
            "lead_leader": v.get("牵头领导", "")[:60],
            "leader_in_charge": v.get("分管领导", "")[:60],
            "co_units": co_units,
            "budget": budget,
            "location": v.get("地点", "")[:200],
            "milestones": steps,
        }
        rows.append(row)
    return rows


def _zh(choices: Any) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for _value, label in choices]


def import_rows(rows: list[ImportRow], *, by: Any, jurisdiction_id: int) -> list[LedgerItem]:
    """Enter the rows in file order, all or none (`spreadsheets.commit`)."""
    from minsheng.ledger import workflow

    made: dict[str, LedgerItem] = {}

    def create(row: ImportRow) -> LedgerItem:
        parent = None
        if row.parent_title:
            parent = made.get(row.parent_title) or (
                LedgerItem.objects.filter(jurisdiction_id=jurisdiction_id, title=row.parent_title)
                .order_by("-year", "-pk")
                .first()
            )
        try:
            item = workflow.create_item(
                by=by, jurisdiction_id=jurisdiction_id, parent=parent, **row.values
            )
        except WorkflowError as error:
            raise spreadsheets.CommitFailed(row.line, error.message) from None
        made[item.title] = item
        return item

    return spreadsheets.commit(rows, create)


def template_workbook() -> bytes:
    """The import template: the columns, an example row and notes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "清单台账"
    headers = SCHEMA.columns
    spreadsheets.append_row(ws, list(headers))
    spreadsheets.style_header(ws, [c.width for c in COLUMNS if c.header in headers])
    example = {
        "类别": _zh([(LedgerItem.Kind.PRACTICAL, LedgerItem.Kind.PRACTICAL.label)])[0],
        "年度": "2027",
        "项目名称": "新建城乡社区养老服务中心100个",
        "上级项目": "",
        "牵头领导": "王立民",
        "分管领导": "刘卫东",
        "责任单位": "省民政厅",
        "责任人": "王强",
        "协办单位": "省财政厅、省住房和城乡建设厅",
        "预算（万元）": "12000",
        "地点": "全省",
        "开始日期": "2027-01-15",
        "计划完成": "2027-12-20",
        "710分类": _zh([(LedgerItem.Pace.YEAR, LedgerItem.Pace.YEAR.label)])[0],
        "节点": "\n".join(
            [
                "2027-03-31 | 制定实施方案 | 20",
                "2027-09-30 | 主体完工 | 50",
                "2027-12-15 | 验收评估 | 30",
            ]
        ),
    }
    row = spreadsheets.append_row(ws, [example.get(h, "") for h in headers])
    spreadsheets.wrap_row(ws, row)
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    kinds = "、".join(_zh(LedgerItem.Kind.choices))
    paces = "、".join(_zh(LedgerItem.Pace.choices))
    for line in [
        ("列", "说明"),
        ("项目名称", "必填，不超过200字；同一文件内不得重复。"),
        ("类别", f"必填：{kinds}。"),
        ("年度", "必填，如2027。"),
        ("开始日期", "必填，如2027-01-15。"),
        (
            "上级项目",
            "可不填；填写台账中已有项目或本文件上方某行的项目名称，进度按权重汇总到上级。",
        ),
        ("责任单位、协办单位", "系统中的承办单位名称；多个协办单位用顿号“、”分隔。"),
        ("710分类", f"{paces}；不填为年底前清零。"),
        ("节点", "每行一个：日期 | 节点名称 | 权重，权重合计为100。"),
        ("进度、状态等", "由系统根据节点和进展报告自动计算，导入时忽略。"),
        ("注意", "第一行为列名，请勿修改；示例行导入前请删除。"),
    ]:
        spreadsheets.append_row(notes, line)
    return spreadsheets.workbook_bytes(wb)


def read_rows(data: bytes) -> list[spreadsheets.RawRow]:
    return spreadsheets.read_sheet(data, SCHEMA)


# --- B commitments: the commitment list as a sheet ------------------------------------------------

COMMITMENT_COLUMNS = [
    Column("序号", 6),
    Column("建议编号", 16),
    Column("承诺事项", 40),
    Column("年度", 6),
    Column("责任单位", 18),
    Column("承诺完成日期", 12, "date"),
    Column("进度（%）", 8),
    Column("状态", 10),
    Column("是否解决", 8),
    Column("预警", 8),
    Column("最新进展", 48),
    Column("最新进展日期", 12, "date"),
]


def commitment_row(n: int, item: LedgerItem, today: datetime.date) -> list[Any]:
    from minsheng.ledger.commitments import is_solved

    solved = is_solved(item)
    light = item.warning(today)
    source = item.source_suggestion
    return [
        n,
        source.display_number if source is not None else "",
        item.title,
        item.year,
        item.responsible_unit.name if item.responsible_unit else "",
        item.ends_on,
        item.progress,
        str(dict(Status.choices)[item.status(today)]),
        "已解决" if solved else "未解决",
        str(dict(WarningColour.choices)[light])
        if light != WarningColour.NONE and not solved
        else "",
        getattr(item, "latest_text", None) or "",
        getattr(item, "latest_on", None),
    ]


def commitments_response(rows: QuerySet[LedgerItem], today: datetime.date) -> Any:
    """The filtered commitment list, every row (not one page), in the order of the page."""
    latest = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by("-on", "-pk")
    items = (
        rows.select_related("responsible_unit", "source_suggestion")
        .annotate(
            latest_text=Subquery(latest.values("narrative")[:1]),
            latest_on=Subquery(latest.values("on")[:1]),
        )
        .iterator(chunk_size=500)
    )
    return spreadsheets.xlsx_response(
        lambda out: spreadsheets.write_table(
            out,
            title="B类答复承诺台账",
            columns=COMMITMENT_COLUMNS,
            rows=(commitment_row(n, item, today) for n, item in enumerate(items, start=1)),
        ),
        f"B类答复承诺-{today.isoformat()}.xlsx",
    )
