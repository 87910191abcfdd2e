"""Excel in and out: the ledger export (台账) of any filtered list, and a session's batch import.

The column names of both files, and the yes/no (是/否) and warning (绿/黄/红) cell values, are fixed
Chinese words, not translated strings: they are the file format staff exchange with delegations
and units, and an import must read what an export or the template wrote whatever language the
page was shown in. Free-text cells (states, modes, ratings) use the translated labels.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import (
    ENCRYPTION_MARK,
    OLE_MAGIC,
    CellValue,
    Column,
    ImportFileError,
    RawRow,
    SheetSchema,
)
from minsheng.people.models import Deputy, Session, User
from minsheng.suggestions import workflow
from minsheng.suggestions.filters import session_label
from minsheng.suggestions.models import (
    Assignment,
    Category,
    CoSigner,
    Rating,
    Reply,
    Suggestion,
)

__all__ = [
    "ENCRYPTION_MARK",
    "EXPORT_HEADERS",
    "OLE_MAGIC",
    "TEMPLATE_COLUMNS",
    "ImportFailed",
    "ImportFileError",
    "ImportRow",
    "check_rows",
    "export_queryset",
    "import_rows",
    "iterate",
    "read_rows",
    "template_workbook",
    "write_export",
]

# --- export -------------------------------------------------------------------------------------

# Kind "date" cells are real Excel dates.
EXPORT_COLUMNS: list[Column] = [
    Column("编号", 12),
    Column("届次会议", 18),
    Column("标题", 44),
    Column("领衔代表", 10),
    Column("代表团", 14),
    Column("附议代表", 24),
    Column("分类", 16),
    Column("来源", 12),
    Column("状态", 10),
    Column("重点督办", 9),
    Column("涉密", 6),
    Column("复杂", 6),
    Column("并入", 12),
    Column("承办单位", 34),
    Column("提出日期", 14, "date"),
    Column("立案日期", 14, "date"),
    Column("交办日期", 14, "date"),
    Column("签收情况", 34),
    Column("答复情况", 40),
    Column("最近答复日期", 14, "date"),
    Column("答复完成日期", 14, "date"),
    Column("办结日期", 14, "date"),
    Column("答复期限", 14, "date"),
    Column("延期至", 14, "date"),
    Column("预警", 8),
    Column("答复类别", 10),
    Column("满意度", 28),
    Column("办理轮次", 9, "number"),
]
EXPORT_HEADERS = [c.header for c in EXPORT_COLUMNS]


def _local_date(value: datetime.datetime | datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _day(value: datetime.datetime | datetime.date | None) -> str:
    day = _local_date(value)
    return date_format(day, "Y年n月j日") if day else ""


def export_queryset(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Add what the ledger needs beyond a list row, so 10,000 rows are a few queries per chunk."""
    sent = Reply.objects.filter(state=Reply.State.SENT).select_related("assignment__unit", "rating")
    return qs.select_related("merged_into").prefetch_related(
        Prefetch(
            "cosigners",
            queryset=CoSigner.objects.exclude(state=CoSigner.State.REFUSED).select_related(
                "deputy__user"
            ),
            to_attr="listed_cosigners",
        ),
        Prefetch("replies", queryset=sent.order_by("round", "sent_at"), to_attr="sent_replies"),
    )


WARNING_WORDS = {"green": "绿", "yellow": "黄", "red": "红"}


class Labels:
    """Choice labels translated once per export: get_FOO_display() per cell is slow."""

    def __init__(self) -> None:
        def table(choices: Any) -> dict[str, str]:
            return {value: str(label) for value, label in choices}

        self.state_label = table(Suggestion.State.choices)
        self.source = table(Suggestion.Source.choices)
        self.mode = table(Assignment.Mode.choices)
        self.rating = table(Rating.Overall.choices)
        self.not_signed = _("not signed for yet")
        self.reply = _("Round %(round)s %(unit)s %(category)s %(date)s")
        self.rated = _("Round %(round)s %(unit)s: %(rating)s")
        self.unit_mode = _("%(unit)s (%(mode)s)")
        self.separator = pgettext("list separator", ", ")


def export_row(
    s: Suggestion, today: datetime.date, labels: Labels | None = None
) -> list[CellValue]:
    labels = labels or Labels()
    assignments = getattr(s, "active_assignments", None)
    if assignments is None:
        assignments = list(s.assignments.exclude(state="cancelled").select_related("unit"))
    replies: list[Reply] = getattr(s, "sent_replies", [])
    cosigners: list[CoSigner] = getattr(s, "listed_cosigners", [])
    units = labels.separator.join(
        labels.unit_mode % {"unit": a.unit, "mode": labels.mode.get(a.mode, a.mode)}
        for a in assignments
    )
    signed = "；".join(
        f"{a.unit} {_day(a.signed_at) if a.signed_at else labels.not_signed}" for a in assignments
    )
    answered = "；".join(
        labels.reply
        % {
            "round": r.round,
            "unit": r.assignment.unit,
            "category": r.category,
            "date": _day(r.sent_at),
        }
        for r in replies
    )
    ratings = "；".join(
        labels.rated
        % {
            "round": r.round,
            "unit": r.assignment.unit,
            "rating": labels.rating.get(r.rating.overall, r.rating.overall),
        }
        for r in replies
        if getattr(r, "rating", None) is not None
    )
    last_reply = max((r.sent_at for r in replies if r.sent_at), default=None)
    categories = "、".join(dict.fromkeys(r.category for r in replies if r.round == s.round))
    warning = s.warning(today)
    return [
        s.display_number,
        session_label(s.session),
        s.title,
        str(s.lead_deputy),
        str(s.lead_deputy.delegation),
        "、".join(str(c.deputy) for c in cosigners),
        str(s.category or ""),
        labels.source.get(s.source, s.source),
        labels.state_label.get(s.state, s.state),
        _yes(s.is_key),
        _yes(s.is_confidential),
        _yes(s.is_complex),
        s.merged_into.display_number if s.merged_into_id and s.merged_into else "",
        units,
        _local_date(s.submitted_at),
        _local_date(s.registered_at),
        s.assigned_on,
        signed,
        answered,
        _local_date(last_reply),
        _local_date(s.answered_at),
        _local_date(s.closed_at),
        s.reply_due,
        s.extended_to,
        WARNING_WORDS.get(warning, ""),
        categories,
        ratings,
        s.round,
    ]


def write_export(
    suggestions: Iterable[Suggestion], out: IO[bytes], *, today: datetime.date | None = None
) -> int:
    """Write the ledger to `out`, row by row (`spreadsheets.write_table`: a write-only workbook,
    every text cell cleaned and kept as text). Returns the number of rows."""
    today = today or timezone.localdate()
    labels = Labels()
    return spreadsheets.write_table(
        out,
        title="建议台账",
        columns=EXPORT_COLUMNS,
        rows=(export_row(s, today, labels) for s in suggestions),
    )


def iterate(qs: QuerySet[Suggestion], chunk_size: int = 500) -> Iterator[Suggestion]:
    """Stream the rows in chunks; each chunk runs the prefetches once."""
    return qs.select_related("session__term").iterator(chunk_size=chunk_size)


# --- import ------------------------------------------------------------------------------------

TEMPLATE_COLUMNS = ["标题", "内容", "领衔代表", "代表团", "附议代表", "分类", "来源", "是否涉密"]
REQUIRED_COLUMNS = ("标题", "内容", "领衔代表")
IGNORED_COLUMNS = ("序号", "备注")
TEMPLATE_WIDTHS = [36, 60, 12, 14, 24, 18, 12, 10]
SOURCE_WORDS = {
    "会议期间": Suggestion.Source.IN_SESSION,
    "大会期间": Suggestion.Source.IN_SESSION,
    "会期": Suggestion.Source.IN_SESSION,
    "闭会期间": Suggestion.Source.BETWEEN_SESSIONS,
    "闭会": Suggestion.Source.BETWEEN_SESSIONS,
    "议案转建议": Suggestion.Source.FROM_PROPOSAL,
    "议案转": Suggestion.Source.FROM_PROPOSAL,
    "由议案转": Suggestion.Source.FROM_PROPOSAL,
}
TEMPLATE_SOURCES = ["会议期间", "闭会期间", "议案转建议"]
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "涉密"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0", "×", "不涉密"}
NAME_SPLIT = re.compile(r"[、，,；;\s]+")
NAME_WITH_DELEGATION = re.compile(r"^(?P<name>[^（(]+)[（(](?P<delegation>[^）)]+)[）)]$")
CATEGORY_SPLIT = re.compile(r"\s*[/／›>＞]\s*")
TITLE_MAX = Suggestion._meta.get_field("title").max_length or 200
MAX_ROWS = 5000
SCHEMA = SheetSchema(
    columns=TEMPLATE_COLUMNS,
    required=REQUIRED_COLUMNS,
    ignored=IGNORED_COLUMNS,
    max_rows=MAX_ROWS,
    marker="标题",
)


@dataclass
class ImportRow:
    line: int
    title: str
    body: str
    lead_name: str
    delegation: str
    cosigner_text: str
    category_text: str
    source_text: str
    confidential_text: str
    lead: Deputy | None = None
    cosigners: list[Deputy] = field(default_factory=list)
    category: Category | None = None
    source: str = Suggestion.Source.IN_SESSION
    is_confidential: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template_workbook() -> bytes:
    """The downloadable import template: the columns, an example row and the allowed values."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "建议"
    spreadsheets.append_row(ws, TEMPLATE_COLUMNS)
    spreadsheets.style_header(ws, TEMPLATE_WIDTHS)
    example = spreadsheets.append_row(
        ws,
        [
            "关于改善农村公路安全设施的建议",
            "我市农村公路普遍缺少护栏和警示标志，建议加大投入，分年度完成安全设施改造。",
            "林建国",
            "青川市代表团",
            "陈思远、王芳",
            "交通运输",
            "会议期间",
            "否",
        ],
    )
    spreadsheets.wrap_row(ws, example)
    sources = DataValidation(
        type="list", formula1=f'"{",".join(TEMPLATE_SOURCES)}"', allow_blank=True
    )
    secret = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(sources)
    ws.add_data_validation(secret)
    sources.add(f"G2:G{MAX_ROWS + 1}")
    secret.add(f"H2:H{MAX_ROWS + 1}")
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    for row in [
        ("列", "说明"),
        ("标题", f"必填，不超过{TITLE_MAX}字；同一文件内不得重复。"),
        ("内容", "必填。"),
        ("领衔代表", "必填，代表姓名；同名代表请填写代表团。"),
        ("代表团", "领衔代表所在代表团，如“青川市代表团”或“青川市”。"),
        ("附议代表", "姓名之间用顿号“、”分隔；同名代表可写成“王芳（青川市）”。"),
        ("分类", "系统中的分类名称；子分类可写成“交通运输/农村公路”。可不填。"),
        ("来源", "会议期间、闭会期间或议案转建议；不填为会议期间。"),
        ("是否涉密", "是或否；不填为否。"),
        ("注意", "第一行为列名，请勿修改；示例行导入前请删除。"),
    ]:
        spreadsheets.append_row(notes, row)
    return spreadsheets.workbook_bytes(wb)


def read_rows(data: bytes) -> list[RawRow]:
    """The data rows of the first sheet, keyed by column name, every cell as cleaned text
    (`spreadsheets.cell_to_text`). Raises ImportFileError when the file is not a readable
    workbook or its columns are not the template's."""
    return spreadsheets.read_sheet(data, SCHEMA)


def _bare_delegation(name: str) -> str:
    name = name.strip()
    return name[: -len("代表团")] if name.endswith("代表团") else name


class DeputyIndex:
    """The session's deputies by real name, to match names typed in a sheet."""

    def __init__(self, session: Session) -> None:
        self.by_name: dict[str, list[Deputy]] = defaultdict(list)
        deputies = Deputy.objects.filter(
            term_id=session.term_id, jurisdiction_id=session.term.jurisdiction_id
        ).select_related("user", "delegation")
        for deputy in deputies:
            self.by_name[deputy.user.display_name.strip()].append(deputy)

    def find(self, name: str, delegation: str = "") -> tuple[Deputy | None, str]:
        """(deputy, "") or (None, the problem)."""
        candidates = self.by_name.get(name.strip(), [])
        if delegation:
            wanted = _bare_delegation(delegation)
            candidates = [d for d in candidates if _bare_delegation(d.delegation.name) == wanted]
            if not candidates:
                return None, _("No deputy %(name)s in the delegation %(delegation)s.") % {
                    "name": name,
                    "delegation": delegation,
                }
        if not candidates:
            return None, _("No deputy named %(name)s in this term.") % {"name": name}
        active = [d for d in candidates if d.is_active]
        if len(active) == 1:
            return active[0], ""
        if len(candidates) == 1:
            return candidates[0], ""
        return None, _(
            "Several deputies are named %(name)s (%(delegations)s): give the delegation."
        ) % {"name": name, "delegations": "、".join(d.delegation.name for d in candidates)}


class CategoryIndex:
    def __init__(self, jurisdiction_id: int) -> None:
        self.by_name: dict[str, list[Category]] = defaultdict(list)
        self.by_path: dict[tuple[str, str], Category] = {}
        for c in Category.objects.filter(
            jurisdiction_id=jurisdiction_id, is_active=True
        ).select_related("parent"):
            self.by_name[c.name].append(c)
            if c.parent is not None:
                self.by_path[(c.parent.name, c.name)] = c

    def find(self, text: str) -> tuple[Category | None, str]:
        parts = [p for p in CATEGORY_SPLIT.split(text.strip()) if p]
        if len(parts) == 2 and tuple(parts) in self.by_path:
            return self.by_path[(parts[0], parts[1])], ""
        found = self.by_name.get(parts[-1] if parts else "", [])
        if len(found) == 1 and len(parts) == 1:
            return found[0], ""
        if len(found) > 1 and len(parts) == 1:
            return None, _(
                "The category %(name)s exists under several parents: write it as parent/%(name)s."
            ) % {"name": text}
        return None, _("Unknown category %(name)s.") % {"name": text}


def _source(text: str) -> str | None:
    text = text.strip()
    if not text:
        return Suggestion.Source.IN_SESSION
    if text in SOURCE_WORDS:
        return SOURCE_WORDS[text]
    for value, label in Suggestion.Source.choices:
        if text in (value, str(label)):
            return value
    return None


def check_rows(raw: list[RawRow], session: Session) -> list[ImportRow]:
    """The dry run: every row with every problem found; nothing is written."""
    deputies = DeputyIndex(session)
    categories = CategoryIndex(session.term.jurisdiction_id)
    rows = [
        ImportRow(
            line=r.line,
            title=r.values.get("标题", ""),
            body=r.values.get("内容", ""),
            lead_name=r.values.get("领衔代表", ""),
            delegation=r.values.get("代表团", ""),
            cosigner_text=r.values.get("附议代表", ""),
            category_text=r.values.get("分类", ""),
            source_text=r.values.get("来源", ""),
            confidential_text=r.values.get("是否涉密", ""),
        )
        for r in raw
    ]
    first_line: dict[str, int] = {}
    for row in rows:
        _check_row(row, deputies, categories)
        if row.title:
            if row.title in first_line:
                row.problems.append(
                    _("The same title as row %(row)s.") % {"row": first_line[row.title]}
                )
            else:
                first_line[row.title] = row.line
    _check_already_imported(rows, session)
    return rows


def _check_row(row: ImportRow, deputies: DeputyIndex, categories: CategoryIndex) -> None:
    p = row.problems
    if not row.title:
        p.append(_("The title is empty."))
    elif len(row.title) > TITLE_MAX:
        p.append(
            _("The title is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(row.title), "max": TITLE_MAX}
        )
    if not row.body:
        p.append(_("The content is empty."))
    if not row.lead_name:
        p.append(_("The lead deputy is empty."))
    else:
        row.lead, problem = deputies.find(row.lead_name, row.delegation)
        if problem:
            p.append(problem)
    seen: set[int] = set()
    for name in (n for n in NAME_SPLIT.split(row.cosigner_text) if n):
        match = NAME_WITH_DELEGATION.match(name)
        bare, delegation = (match["name"], match["delegation"]) if match else (name, "")
        deputy, problem = deputies.find(bare, delegation)
        if problem:
            p.append(_("Co-signer: %(problem)s") % {"problem": problem})
        elif deputy is not None:
            if row.lead is not None and deputy.pk == row.lead.pk:
                p.append(
                    _("The lead deputy %(name)s is also listed as a co-signer.") % {"name": bare}
                )
            elif deputy.pk not in seen:
                seen.add(deputy.pk)
                row.cosigners.append(deputy)
    if row.category_text:
        row.category, problem = categories.find(row.category_text)
        if problem:
            p.append(problem)
    source = _source(row.source_text)
    if source is None:
        p.append(
            _("Unknown source %(value)s: write 会议期间, 闭会期间 or 议案转建议.")
            % {"value": row.source_text}
        )
    else:
        row.source = source
    flag = row.confidential_text.strip().lower()
    if flag in TRUE_WORDS:
        row.is_confidential = True
    elif flag not in FALSE_WORDS:
        p.append(
            _("Write 是 or 否 in the column 是否涉密, not %(value)s.")
            % {"value": row.confidential_text}
        )


def _check_already_imported(rows: list[ImportRow], session: Session) -> None:
    """A file uploaded twice must not create every suggestion twice."""
    titles = [r.title for r in rows if r.title]
    existing = set(
        Suggestion.objects.filter(session=session, title__in=titles)
        .exclude(state=Suggestion.State.WITHDRAWN)
        .values_list("title", "lead_deputy_id")
    )
    for row in rows:
        if row.lead is not None and (row.title, row.lead.pk) in existing:
            row.problems.append(
                _(
                    "This deputy already has a suggestion with this title in this session "
                    "(imported before?)."
                )
            )


@dataclass
class ImportResult:
    created: list[Suggestion] = field(default_factory=list)
    submitted: int = 0
    registered: int = 0
    left_as_draft: list[tuple[int, str]] = field(default_factory=list)  # (row, why)


ImportFailed = spreadsheets.CommitFailed


def import_rows(
    rows: Iterable[ImportRow], *, by: User, session: Session, register: bool = False
) -> ImportResult:
    """Create the rows through the workflow, in file order (so numbers follow the file), all in
    one transaction (`spreadsheets.commit`): a row the workflow refuses undoes the whole import."""
    result = ImportResult()

    def create(row: ImportRow) -> Suggestion:
        if row.lead is None:
            raise ImportFailed(row.line, " ".join(row.problems))
        try:
            s = workflow.create_draft(
                by=by,
                lead_deputy=row.lead,
                title=row.title,
                body=row.body,
                session=session,
                category=row.category,
                source=row.source,
                cosigners=row.cosigners,
                is_confidential=row.is_confidential,
                cosigned_on_paper=True,
            )
        except workflow.WorkflowError as error:
            raise ImportFailed(row.line, error.message) from None
        result.created.append(s)
        try:
            s = workflow.submit(s, by=by)
        except workflow.WorkflowError as error:
            # Kept as a draft the deputy can submit; the import itself still stands.
            result.left_as_draft.append((row.line, error.message))
            return s
        result.submitted += 1
        if register:
            try:
                workflow.register(s, by=by)
            except workflow.WorkflowError as error:
                raise ImportFailed(row.line, error.message) from None
            result.registered += 1
        return s

    spreadsheets.commit(rows, create)
    return result
