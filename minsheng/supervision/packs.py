"""Meeting packs (会议材料, DOMAIN.md §2–§5): what the office hands out at the two meetings of
supervision, as Excel and as a Word document in the official layout.

- The **assignment meeting pack** (交办会材料): per unit, the suggestions assigned to it in a
  session or a period, with the mode (主办 / 会办 / 分办), the sign-for due date and the reply
  (or joint opinion) due date.
- The **progress meeting pack** (推进会材料): per unit, its open suggestions with their state
  and warning light, the key items it leads or handles, and the instructions (批示) it has not
  answered yet, with their due dates and lights.

Who gets which units (`audience_for`): congress staff and the congress's leaders (supervisors
of tier 1–2) every handling unit of their congress; a special-committee member the committee's
counterpart units; a unit's clerk or head their own unit. Only the office's packs hold
confidential (涉密) suggestions and the instructions about them. Every row is also one the
person may see (`Suggestion.objects.visible_to`, `KeyItem.objects.visible_to`,
`instructions_visible_to`), so a pack never shows more than the pages do.

The packs are official documents: their wording, column names and the words for modes, states
and lights are Chinese by nature (as the reply letter's), not translated strings. Gathering is a
fixed number of queries whatever the number of rows; the workbook is written row by row in a
write-only workbook (`minsheng.lib.spreadsheets`), the document with `minsheng.lib.letters`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from minsheng.lib import letters as layout
from minsheng.lib.letters import HEADING_FONT, chinese_date, chinese_number
from minsheng.lib.spreadsheets import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    CellValue,
    fill_cell,
    sheet_title,
)
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, Organisation, Session, User
from minsheng.suggestions.filters import session_label
from minsheng.suggestions.models import Assignment, Suggestion, SuggestionQuerySet, WarningColour
from minsheng.supervision import permissions as perms
from minsheng.supervision.models import Instruction, KeyItem, Supervisor

__all__ = [
    "KINDS",
    "Audience",
    "Pack",
    "Period",
    "assignment_pack",
    "audience_for",
    "candidate_jurisdictions",
    "pack_filename",
    "progress_pack",
    "write_docx",
    "write_xlsx",
]

ASSIGNMENT = "assignment"
PROGRESS = "progress"
KINDS = (ASSIGNMENT, PROGRESS)
TITLES = {ASSIGNMENT: "代表建议交办会材料", PROGRESS: "代表建议办理推进会材料"}
MODE_WORDS: dict[str, str] = {
    Assignment.Mode.LEAD: "主办",
    Assignment.Mode.JOINT: "会办",
    Assignment.Mode.SEPARATE: "分办",
}
LIGHT_WORDS: dict[str, str] = {
    WarningColour.GREEN: "绿灯",
    WarningColour.YELLOW: "黄灯",
    WarningColour.RED: "红灯",
    WarningColour.NONE: "",
}
KIND_WORDS: dict[str, str] = {
    KeyItem.Kind.SUGGESTION: "重点督办建议",
    KeyItem.Kind.TOPIC: "督办专题",
    KeyItem.Kind.INTERNAL: "单位内部重点",
}


# --- who gets which units ----------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """The units a person's packs cover in one congress, and whether confidential rows go in."""

    jurisdiction: Jurisdiction
    units: QuerySet[Organisation]
    confidential: bool
    whole_congress: bool


def candidate_jurisdictions(user: User) -> set[int]:
    """The congresses whose packs this person may download."""
    found: set[int] = set()
    jurisdictions = people.jurisdiction_ids(user)
    found |= {j for j in jurisdictions if people.is_staff_of(user, j)}
    if people.supervisor_tiers(user) & perms.LEADER_TIERS:
        found |= jurisdictions
    # The roles come with their organisation (`people.active_roles`): no query here, so a
    # template may ask whether to show the link.
    for role in people.active_roles(user):
        if role.kind in ("committee", "clerk", "head") and role.organisation is not None:
            found.add(role.organisation.jurisdiction_id)
    return found


def audience_for(user: User, jurisdiction_id: int) -> Audience | None:
    """The units of `jurisdiction_id` this person's packs cover; None when they get no pack."""
    units = Organisation.objects.handling_units().filter(jurisdiction_id=jurisdiction_id)
    staff = people.is_staff_of(user, jurisdiction_id)
    leader = bool(people.supervisor_tiers(user) & perms.LEADER_TIERS) and (
        jurisdiction_id in people.jurisdiction_ids(user)
    )
    jurisdiction = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        return None
    if staff or leader:
        return Audience(jurisdiction, units, confidential=staff, whole_congress=True)
    q = Q(pk__in=[])
    committees = people.committee_ids(user)
    if committees:
        q |= Q(counterpart_committee_id__in=committees)
    own = people.unit_ids(user)
    if own:
        q |= Q(pk__in=own)
    if not (committees or own):
        return None
    return Audience(jurisdiction, units.filter(q), confidential=False, whole_congress=False)


# --- what a pack holds -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The suggestions a pack is about: one session, assignment dates, or both."""

    session: Session | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    def describe(self) -> str:
        parts = []
        if self.session is not None:
            parts.append(session_label(self.session))
        if self.start and self.end:
            parts.append(f"{chinese_date(self.start)}至{chinese_date(self.end)}交办")
        elif self.start:
            parts.append(f"{chinese_date(self.start)}以来交办")
        elif self.end:
            parts.append(f"{chinese_date(self.end)}以前交办")
        return "，".join(parts)


@dataclass
class Table:
    """One titled table of a unit's section."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]  # Excel column widths (characters); Word scales them
    rows: list[list[CellValue]] = field(default_factory=list)
    empty: str = "无。"


@dataclass
class UnitSection:
    unit: Organisation
    tables: list[Table]
    total: str


@dataclass
class Pack:
    kind: str
    title: str
    congress: str
    period: str
    today: datetime.date
    sections: list[UnitSection]
    total: str

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for s in self.sections for t in s.tables)


def _visible_suggestions(user: User, audience: Audience) -> SuggestionQuerySet:
    seen = Suggestion.objects.visible_to(user).filter(jurisdiction=audience.jurisdiction)
    if not audience.confidential:
        seen = seen.filter(is_confidential=False)
    return seen


def _deputy_name(s: Suggestion) -> str:
    return s.lead_deputy.user.display_name


ASSIGNMENT_HEADERS = ("序号", "编号", "建议标题", "领衔代表", "办理方式", "签收期限", "答复期限")
ASSIGNMENT_WIDTHS = (6, 12, 44, 12, 9, 15, 15)


def assignment_pack(
    user: User,
    audience: Audience,
    period: Period,
    *,
    unit: Organisation | None = None,
    today: datetime.date | None = None,
) -> Pack:
    """交办会材料: per unit, the suggestions assigned to it in the period."""
    today = today or timezone.localdate()
    units = audience.units if unit is None else audience.units.filter(pk=unit.pk)
    rows = (
        Assignment.objects.filter(unit__in=units)
        .exclude(state=Assignment.State.CANCELLED)
        .filter(suggestion__in=_visible_suggestions(user, audience).values("pk"))
        .select_related("unit", "suggestion__lead_deputy__user")
    )
    if period.session is not None:
        rows = rows.filter(suggestion__session=period.session)
    if period.start is not None:
        rows = rows.filter(assigned_on__gte=period.start)
    if period.end is not None:
        rows = rows.filter(assigned_on__lte=period.end)
    rows = rows.order_by(
        "unit__sort_order", "unit__name", "unit_id", "suggestion__series", "suggestion__number"
    )
    by_unit: dict[int, list[Assignment]] = defaultdict(list)
    unit_of: dict[int, Organisation] = {}
    for a in rows:
        by_unit[a.unit_id].append(a)
        unit_of[a.unit_id] = a.unit
    sections = []
    modes_total: dict[str, int] = defaultdict(int)
    for unit_id, assignments in by_unit.items():
        table = Table("", ASSIGNMENT_HEADERS, ASSIGNMENT_WIDTHS)
        modes: dict[str, int] = defaultdict(int)
        for n, a in enumerate(assignments, start=1):
            s = a.suggestion
            modes[a.mode] += 1
            due = a.joint_opinion_due if a.mode == Assignment.Mode.JOINT else s.reply_due
            table.rows.append(
                [
                    n,
                    s.display_number,
                    s.title,
                    _deputy_name(s),
                    MODE_WORDS.get(a.mode, a.mode),
                    a.sign_due,
                    due,
                ]
            )
        for mode, count in modes.items():
            modes_total[mode] += count
        sections.append(
            UnitSection(
                unit_of[unit_id],
                [table],
                f"小计：{len(assignments)}件（{_modes_phrase(modes)}）",
            )
        )
    count = sum(modes_total.values())
    total = f"合计：{len(sections)}个承办单位，{count}件（{_modes_phrase(modes_total)}）"
    return Pack(
        kind=ASSIGNMENT,
        title=TITLES[ASSIGNMENT],
        congress=_congress(audience),
        period=period.describe(),
        today=today,
        sections=sections,
        total=total,
    )


def _modes_phrase(modes: dict[str, int]) -> str:
    return "，".join(
        f"{MODE_WORDS[m]}{modes.get(m, 0)}件"
        for m in (Assignment.Mode.LEAD, Assignment.Mode.JOINT, Assignment.Mode.SEPARATE)
    )


def _congress(audience: Audience) -> str:
    return f"{audience.jurisdiction.name}人大常委会"


OPEN_HEADERS = ("序号", "编号", "建议标题", "办理方式", "办理状态", "答复期限", "预警")
OPEN_WIDTHS = (6, 12, 44, 9, 14, 15, 8)
ITEM_HEADERS = ("序号", "督办事项", "类型", "督办人", "办结期限", "预警", "建议红/黄灯")
ITEM_WIDTHS = (6, 36, 13, 24, 15, 8, 12)
INSTRUCTION_HEADERS = ("序号", "批示内容", "批示人", "批示日期", "回复期限", "预警", "涉及事项")
INSTRUCTION_WIDTHS = (6, 44, 12, 15, 15, 8, 24)


def _state_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Suggestion.State.choices}


def progress_pack(
    user: User,
    audience: Audience,
    period: Period,
    *,
    unit: Organisation | None = None,
    today: datetime.date | None = None,
) -> Pack:
    """推进会材料: per unit, its open suggestions, key items and open instructions."""
    from minsheng.supervision.views import key_items_with_counts

    today = today or timezone.localdate()
    units = list(audience.units if unit is None else audience.units.filter(pk=unit.pk))
    unit_ids = [u.pk for u in units]
    seen = _visible_suggestions(user, audience)
    if period.session is not None:
        seen = seen.filter(session=period.session)
    states = _state_labels()

    open_rows = (
        Assignment.objects.filter(unit_id__in=unit_ids)
        .exclude(state=Assignment.State.CANCELLED)
        .filter(suggestion__in=seen.in_handling().values("pk"))
        .select_related("suggestion")
        .order_by("suggestion__reply_due", "suggestion__series", "suggestion__number", "pk")
    )
    suggestions: dict[int, list[Assignment]] = defaultdict(list)
    for a in open_rows:
        suggestions[a.unit_id].append(a)

    # Key items under supervision this person sees, with the units each involves.
    items = {
        item.pk: item
        for item in key_items_with_counts(user, today)
        .filter(state=KeyItem.State.SUPERVISING, jurisdiction=audience.jurisdiction)
        .prefetch_related(
            Prefetch(
                "supervisors",
                queryset=Supervisor.objects.select_related("user", "tier"),
                to_attr="listed_supervisors",
            )
        )
        .order_by("due", "pk")
    }
    items_of: dict[int, list[KeyItem]] = defaultdict(list)
    for item in items.values():
        for u in {item.lead_unit_id, item.owner_unit_id} & set(unit_ids):
            items_of[u].append(item)
    linked = (
        Assignment.objects.filter(
            unit_id__in=unit_ids, suggestion__key_memberships__key_item__in=list(items)
        )
        .exclude(state=Assignment.State.CANCELLED)
        .values_list("unit_id", "suggestion__key_memberships__key_item_id")
        .distinct()
    )
    for unit_id, item_id in linked:
        if items[item_id] not in items_of[unit_id]:
            items_of[unit_id].append(items[item_id])

    instructions: dict[int, list[Instruction]] = defaultdict(list)
    open_instructions = (
        perms.instructions_visible_to(user)
        .open()
        .filter(unit_id__in=unit_ids)
        .select_related("issued_by", "key_item", "suggestion")
        .order_by("due", "pk")
    )
    if not audience.confidential:
        hidden = Suggestion.objects.filter(pk=OuterRef("suggestion_id"), is_confidential=True)
        open_instructions = open_instructions.exclude(Exists(hidden))
    for row in open_instructions:
        instructions[row.unit_id].append(row)

    sections = []
    totals: dict[str, int] = defaultdict(int)
    for u in units:
        mine, its_items, its_orders = suggestions[u.pk], items_of[u.pk], instructions[u.pk]
        if not (mine or its_items or its_orders):
            continue
        open_table = Table("在办建议", OPEN_HEADERS, OPEN_WIDTHS)
        lights: dict[str, int] = defaultdict(int)
        for n, a in enumerate(mine, start=1):
            s = a.suggestion
            light = s.warning(today)
            lights[light] += 1
            state = states.get(s.state, s.state)
            if a.state == Assignment.State.AWAITING_SIGNATURE:
                state += "（未签收）"
            open_table.rows.append(
                [
                    n,
                    s.display_number,
                    s.title,
                    MODE_WORDS.get(a.mode, a.mode),
                    state,
                    s.reply_due,
                    LIGHT_WORDS[light],
                ]
            )
        item_table = Table("重点督办事项", ITEM_HEADERS, ITEM_WIDTHS)
        for n, item in enumerate(sorted(its_items, key=lambda i: (i.due or today, i.pk)), 1):
            listed: list[Supervisor] = item.listed_supervisors  # type: ignore[attr-defined]
            names = "、".join(dict.fromkeys(p.user.display_name for p in listed))
            counts = f"{item.n_red}/{item.n_yellow}"  # type: ignore[attr-defined]
            item_table.rows.append(
                [
                    n,
                    item.title,
                    KIND_WORDS.get(item.kind, item.kind),
                    names,
                    item.due,
                    LIGHT_WORDS[item.warning(today)],
                    counts,
                ]
            )
        order_table = Table("未办结批示", INSTRUCTION_HEADERS, INSTRUCTION_WIDTHS)
        late = 0
        for n, row in enumerate(its_orders, start=1):
            light = row.warning(today)
            late += light == WarningColour.RED
            about = (
                row.key_item.title
                if row.key_item_id and row.key_item
                else (row.suggestion.display_number if row.suggestion else "")
            )
            order_table.rows.append(
                [
                    n,
                    row.text,
                    row.issued_by.display_name,
                    row.issued_on,
                    row.due,
                    LIGHT_WORDS[light],
                    about,
                ]
            )
        red, yellow = lights[WarningColour.RED], lights[WarningColour.YELLOW]
        totals["open"] += len(mine)
        totals["red"] += red
        totals["yellow"] += yellow
        totals["orders"] += len(its_orders)
        totals["late"] += late
        sections.append(
            UnitSection(
                u,
                [open_table, item_table, order_table],
                f"小计：在办建议{len(mine)}件（红灯{red}件，黄灯{yellow}件）；"
                f"重点督办事项{len(its_items)}项；未办结批示{len(its_orders)}件（逾期{late}件）",
            )
        )
    total = (
        f"合计：{len(sections)}个承办单位，在办建议{totals['open']}件（红灯{totals['red']}件，"
        f"黄灯{totals['yellow']}件）；未办结批示{totals['orders']}件（逾期{totals['late']}件）"
    )
    return Pack(
        kind=PROGRESS,
        title=TITLES[PROGRESS],
        congress=_congress(audience),
        period=period.describe() or "截至" + chinese_date(today),
        today=today,
        sections=sections,
        total=total,
    )


def pack_filename(pack: Pack, extension: str) -> str:
    return f"{pack.congress}{pack.title}（{chinese_date(pack.today)}）.{extension}"


# --- Excel -------------------------------------------------------------------------------------

TITLE_FONT = Font(bold=True, size=16)
UNIT_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _xlsx_rows(ws: Any, pack: Pack) -> Iterator[list[WriteOnlyCell]]:
    def cell(value: CellValue, font: Font | None = None, fill: Any = None) -> WriteOnlyCell:
        c = WriteOnlyCell(ws)
        fill_cell(c, value)
        if isinstance(value, datetime.date):
            c.number_format = DATE_FORMAT
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if isinstance(value, str) and len(value) > 20:
            c.alignment = WRAP
        return c

    yield [cell(pack.title, TITLE_FONT)]
    yield [cell(pack.congress)]
    if pack.period:
        yield [cell(pack.period)]
    yield [cell("制表日期：" + chinese_date(pack.today))]
    yield [cell(pack.total, BOLD)]
    for number, section in enumerate(pack.sections, start=1):
        yield []
        yield [cell(f"{chinese_number(number)}、{section.unit.name}", UNIT_FONT)]
        for table in section.tables:
            if table.title:
                yield [cell(table.title, BOLD)]
            yield [cell(h, HEADER_FONT, HEADER_FILL) for h in table.headers]
            if not table.rows:
                yield [cell(table.empty)]
            for values in table.rows:
                yield [cell(v) for v in values]
        yield [cell(section.total, BOLD)]


def write_xlsx(out: IO[bytes], pack: Pack) -> int:
    """The pack as one sheet: a header block, then each unit with its tables and its totals
    row; every cell through `fill_cell`. Returns the number of data rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(pack.title))
    widths = _column_widths(t for s in pack.sections for t in s.tables) or list(ASSIGNMENT_WIDTHS)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in _xlsx_rows(ws, pack):
        ws.append(row)
    wb.save(out)
    return pack.row_count


def _column_widths(tables: Iterable[Table]) -> list[int]:
    widths: list[int] = []
    for table in tables:
        for i, w in enumerate(table.widths):
            if i < len(widths):
                widths[i] = max(widths[i], w)
            else:
                widths.append(w)
    return widths


# --- Word --------------------------------------------------------------------------------------

TEXT_WIDTH_MM = 156  # A4 less the official margins (28 + 26 mm)


def _docx_value(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, datetime.date):
        return f"{value.year}.{value.month}.{value.day}"
    return str(value)


def write_docx(pack: Pack) -> DocxDocument:
    """The pack in the official layout: title, the congress and period, the date, then one
    section per unit (一、二、…) with its tables and its totals line."""
    doc = layout.new_document()
    layout.title(doc, pack.title)
    layout.para(doc, pack.congress, align=WD_ALIGN_PARAGRAPH.CENTER, size=layout.SMALL_SIZE)
    if pack.period:
        layout.para(doc, pack.period, align=WD_ALIGN_PARAGRAPH.CENTER, size=layout.SMALL_SIZE)
    layout.para(
        doc,
        f"（{chinese_date(pack.today)}）",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=layout.SMALL_SIZE,
    )
    layout.para(doc)
    layout.para(doc, pack.total, indent=True)
    if not pack.sections:
        layout.para(doc, "本期无相关事项。", indent=True)
    for number, section in enumerate(pack.sections, start=1):
        layout.para(
            doc, f"{chinese_number(number)}、{section.unit.name}", indent=True, font=HEADING_FONT
        )
        for n, table in enumerate(section.tables, start=1):
            if table.title:
                layout.para(doc, f"（{chinese_number(n)}）{table.title}", indent=True)
            if not table.rows:
                layout.para(doc, table.empty, indent=True, size=layout.SMALL_SIZE)
                continue
            scale = TEXT_WIDTH_MM / sum(table.widths)
            layout.grid_table(
                doc,
                table.headers,
                [[_docx_value(v) for v in row] for row in table.rows],
                [Mm(w * scale) for w in table.widths],
            )
        layout.para(doc, section.total, indent=True, size=layout.SMALL_SIZE)
    return doc
