"""The period's documents from its figures (`figures.compute`): the annual handling report to
the standing committee and the press-conference brief as Word documents in the official layout
(`minsheng.lib.letters`, shared with every Word output), and the statistics workbook.

Official documents: their wording is Chinese by nature (as the letters' and the packs'), not
translated strings. Every number is the figures' own: nothing is counted here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from openpyxl import Workbook
from openpyxl.styles import Font

from minsheng.ledger.commitments import Rate
from minsheng.lib import letters as layout
from minsheng.lib.letters import HEADING_FONT, chinese_date, chinese_number
from minsheng.lib.spreadsheets import HEADER_FILL, HEADER_FONT, append_row, sheet_title
from minsheng.reports import charts
from minsheng.reports.figures import Figures, Group, Item
from minsheng.suggestions.models import Rating, Reply, Suggestion

__all__ = [
    "CATEGORY_WORDS",
    "HEADINGS",
    "annual_filename",
    "annual_report",
    "brief_filename",
    "press_brief",
    "workbook",
    "workbook_filename",
]

CATEGORY_WORDS: dict[str, str] = {
    Reply.Category.A: "已解决或基本解决",
    Reply.Category.B: "正在解决或列入计划逐步解决",
    Reply.Category.C: "因条件限制需待以后解决",
    Reply.Category.D: "留作参考",
}
RATING_WORDS: dict[str, str] = {
    Rating.Overall.SATISFIED: "满意",
    Rating.Overall.BASICALLY: "基本满意",
    Rating.Overall.UNSATISFIED: "不满意",
    Rating.Overall.NOT_RATED: "未评价",
}
STATE_WORDS: dict[str, str] = {
    Suggestion.State.REGISTERED: "已立案",
    Suggestion.State.ASSIGNED: "已交办",
    Suggestion.State.HANDLING: "办理中",
    Suggestion.State.ANSWERED: "已答复",
    Suggestion.State.REHANDLING: "重新办理",
    Suggestion.State.CLOSED: "已办结",
    Suggestion.State.MERGED: "已并案",
    Suggestion.State.WITHDRAWN: "已撤回",
}
HEADINGS = (
    "一、基本情况",
    "二、分类和承办情况",
    "三、答复类别和按时答复情况",
    "四、代表满意度",
    "五、重点督办建议办理成效",
    "六、答复承诺事项落实情况",
    "七、逾期未答复事项",
)
NO_DATA = "无数据"
TABLE_WIDTH = 156  # mm, the text block
MAX_LISTED = 200  # rows of a list table in Word; the workbook has them all


def _pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}%"


def _n(value: int) -> str:
    return f"{value:,}"


def _widths(*mm: float) -> list[Mm]:
    scale = TABLE_WIDTH / sum(mm)
    return [Mm(m * scale) for m in mm]


def _heading(doc: DocxDocument, text: str) -> None:
    p = layout.para(doc, text, indent=True, font=HEADING_FONT)
    p.paragraph_format.keep_with_next = True


def _caption(doc: DocxDocument, text: str) -> None:
    p = layout.para(
        doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT, size=layout.SMALL_SIZE
    )
    p.paragraph_format.keep_with_next = True


def _chart(doc: DocxDocument, png: bytes) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Off the body's exact line, or the picture is cut to one line's height.
    p.paragraph_format.line_spacing = 1.0
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))


def congress_name(figures: Figures) -> str:
    return f"{figures.period.jurisdiction.name}人大常委会"


def office_name(figures: Figures) -> str:
    """The congress body that signs: the one the reply letters copy (`suggestions.letters`)."""
    from minsheng.suggestions.letters import congress_office_for

    return congress_office_for(figures.period.jurisdiction)


def report_title(figures: Figures) -> str:
    return f"关于{figures.period.describe()}代表建议办理工作情况的报告"


def _stem(figures: Figures) -> str:
    return f"{figures.period.jurisdiction.name}{figures.period.describe()}代表建议办理"


def annual_filename(figures: Figures) -> str:
    return f"{_stem(figures)}工作情况报告.docx"


def brief_filename(figures: Figures) -> str:
    return f"{_stem(figures)}新闻发布通稿.docx"


def workbook_filename(figures: Figures) -> str:
    return f"{_stem(figures)}统计.xlsx"


# --- sentences ---------------------------------------------------------------------------------


def _summary(f: Figures) -> str:
    t = f.totals
    if f.empty:
        return f"{f.period.describe()}，未有立案的代表建议。"
    between = f"，其中闭会期间提出{_n(t.between_sessions)}件" if t.between_sessions else ""
    key = f"，确定重点督办建议{_n(t.key)}件" if t.key else ""
    return (
        f"{f.period.describe()}，{congress_name(f)}共立案代表建议{_n(t.registered)}件{between}{key}。"
        f"截至{chinese_date(f.today)}，已答复{_n(t.answered)}件，占{_pct(t.answered_rate)}；"
        f"正在办理{_n(t.in_handling)}件，其中逾期未答复{_n(t.overdue)}件；已办结{_n(t.closed)}件。"
    )


def _categories_sentence(f: Figures) -> str:
    c = f.categories
    if not c.total:
        return "尚无已发出的答复。"
    parts = [
        f"{code}类（{CATEGORY_WORDS[code]}）{_n(c.counts[code])}件，占{_pct(c.share(code))}"
        for code in Reply.Category.values
    ]
    return f"承办单位首轮答复共{_n(c.total)}件，其中" + "；".join(parts) + "。"


def _on_time_sentence(f: Figures) -> str:
    t = f.totals
    if not t.answered:
        return "尚无已答复的建议，按时答复率无数据。"
    return (
        f"已答复的{_n(t.answered)}件建议中，在答复期限内答复{_n(t.answered_on_time)}件，"
        f"按时答复率{_pct(t.on_time_rate)}；经代表不满意后重新办理{_n(t.rehandled)}件。"
    )


def _satisfaction_sentence(f: Figures) -> str:
    s = f.satisfaction
    if not s.total:
        return "尚无代表评价。"
    w = {k: _n(v) for k, v in s.counts.items()}
    return (
        f"代表对{_n(s.rated)}件建议的答复作出评价（以最近一轮为准），其中满意{w['satisfied']}件、"
        f"基本满意{w['basically']}件、不满意{w['unsatisfied']}件，满意和基本满意率"
        f"{_pct(s.satisfied_rate)}；另有{w['not_rated']}件逾期未评价，未计入满意。"
    )


def _commitments_sentence(f: Figures) -> str:
    c = f.commitments_total
    if not c.promised:
        return "本期答复中没有列入计划逐步解决（B类）的承诺事项。"
    return (
        f"B类答复承诺事项{_n(c.promised)}件，已解决{_n(c.solved)}件，解决率{_pct(c.rate)}；"
        f"正在推进{_n(c.open)}件（其中超过计划完成时间{_n(c.overdue)}件），"
        f"因条件限制终止{_n(c.stopped)}件。"
    )


# --- tables ------------------------------------------------------------------------------------


def _group_rows(groups: Sequence[Group], *, joint: bool = False) -> list[list[str]]:
    rows = []
    for i, g in enumerate(groups, start=1):
        row = [str(i), g.name, _n(g.count)]
        if joint:
            row.append(_n(g.extra.get("joint", 0)))
        row += [_n(g.answered), _pct(g.on_time_rate), _n(g.overdue)]
        rows.append(row)
    return rows


def _item_rows(items: Sequence[Item], *, overdue: bool) -> list[list[str]]:
    rows = []
    for i, item in enumerate(items[:MAX_LISTED], start=1):
        if overdue:
            due = chinese_date(item.reply_due) if item.reply_due else ""
            rows.append([str(i), item.number, item.title, item.unit, due, f"{item.days_overdue}天"])
        else:
            rows.append(
                [
                    str(i),
                    item.number,
                    item.title,
                    item.unit,
                    STATE_WORDS.get(item.state, item.state),
                    item.category or "—",
                    RATING_WORDS.get(item.rating, "—"),
                ]
            )
    return rows


def _commitment_rows(rates: Sequence[Rate]) -> list[list[str]]:
    return [
        [str(i), r.unit, _n(r.promised), _n(r.solved), _pct(r.rate), _n(r.open), _n(r.overdue)]
        for i, r in enumerate(rates, start=1)
    ]


def _more(doc: DocxDocument, items: Sequence[Item]) -> None:
    if len(items) > MAX_LISTED:
        layout.para(
            doc, f"另有{len(items) - MAX_LISTED}件，见统计表。", indent=True, size=layout.SMALL_SIZE
        )


# --- the annual report -------------------------------------------------------------------------


def annual_report(f: Figures) -> DocxDocument:
    """The handling report to the standing committee: the figures as text, tables and charts."""
    doc = layout.new_document()
    layout.title(doc, report_title(f))
    layout.para(doc)
    layout.para(doc, f"{congress_name(f)}：")
    layout.para(
        doc,
        f"现将{f.period.describe()}代表建议办理工作情况报告如下（数据截至{chinese_date(f.today)}）：",
        indent=True,
    )
    _heading(doc, HEADINGS[0])
    layout.para(doc, _summary(f), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    t = f.totals
    _caption(doc, "表1　代表建议总体情况")
    layout.grid_table(
        doc,
        ["立案", "闭会期间", "重点督办", "已答复", "办理中", "逾期", "已办结", "按时答复率"],
        [
            [
                _n(t.registered),
                _n(t.between_sessions),
                _n(t.key),
                _n(t.answered),
                _n(t.in_handling),
                _n(t.overdue),
                _n(t.closed),
                _pct(t.on_time_rate),
            ]
        ],
        _widths(*[1] * 8),
    )

    _heading(doc, HEADINGS[1])
    if f.by_category:
        top = f.by_category[0]
        layout.para(
            doc,
            f"按内容分，共涉及{len(f.by_category)}类，其中{top.name}类最多，{_n(top.count)}件。"
            f"建议由{len(f.by_unit)}个承办单位办理。",
            indent=True,
        )
        _caption(doc, "表2　按类别统计")
        layout.grid_table(
            doc,
            ["序号", "类别", "件数", "已答复", "按时答复率", "逾期"],
            _group_rows(f.by_category),
            _widths(10, 40, 14, 14, 18, 12),
        )
        _chart(
            doc,
            charts.bar_chart(
                "按类别统计（件）",
                [g.name for g in f.by_category],
                [g.count for g in f.by_category],
                horizontal=True,
            ),
        )
    else:
        layout.para(doc, "本期无立案建议，无分类和承办数据。", indent=True)
    if f.by_unit:
        _caption(doc, "表3　按承办单位统计（主办、分办件数；会办另计）")
        layout.grid_table(
            doc,
            ["序号", "承办单位", "主办分办", "会办", "已答复", "按时答复率", "逾期"],
            _group_rows(f.by_unit, joint=True),
            _widths(10, 42, 14, 10, 12, 16, 10),
        )

    _heading(doc, HEADINGS[2])
    layout.para(doc, _categories_sentence(f), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    layout.para(doc, _on_time_sentence(f), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    c = f.categories
    _caption(doc, "表4　答复类别")
    layout.grid_table(
        doc,
        ["类别", "含义", "件数", "占比"],
        [
            [code, CATEGORY_WORDS[code], _n(c.counts[code]), _pct(c.share(code))]
            for code in Reply.Category.values
        ],
        _widths(10, 60, 15, 15),
    )
    if c.total:
        _chart(
            doc,
            charts.bar_chart(
                "答复类别占比",
                [f"{code}类" for code in Reply.Category.values],
                [c.share(code) or 0 for code in Reply.Category.values],
                percent=True,
            ),
        )

    _heading(doc, HEADINGS[3])
    layout.para(doc, _satisfaction_sentence(f), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    s = f.satisfaction
    _caption(doc, "表5　代表评价")
    layout.grid_table(
        doc,
        ["满意", "基本满意", "不满意", "未评价", "满意和基本满意率"],
        [[*(_n(s.counts[k]) for k in Rating.Overall.values), _pct(s.satisfied_rate)]],
        _widths(1, 1, 1, 1, 1.6),
    )
    if s.total:
        _chart(
            doc,
            charts.bar_chart(
                "代表评价（件）",
                [RATING_WORDS[k] for k in Rating.Overall.values],
                [s.counts[k] for k in Rating.Overall.values],
            ),
        )

    _heading(doc, HEADINGS[4])
    if f.key:
        solved = sum(1 for i in f.key if i.category == Reply.Category.A)
        layout.para(
            doc,
            f"重点督办建议{_n(len(f.key))}件，首轮答复为A类（已解决或基本解决）的{_n(solved)}件。",
            indent=True,
        )
        _caption(doc, "表6　重点督办建议办理情况")
        layout.grid_table(
            doc,
            ["序号", "编号", "建议标题", "主办单位", "状态", "答复类别", "代表评价"],
            _item_rows(f.key, overdue=False),
            _widths(9, 24, 38, 24, 12, 10, 12),
        )
        _more(doc, f.key)
    else:
        layout.para(doc, "本期没有重点督办建议。", indent=True)

    _heading(doc, HEADINGS[5])
    layout.para(doc, _commitments_sentence(f), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if f.commitments:
        _caption(doc, "表7　答复承诺事项落实情况（按责任单位）")
        layout.grid_table(
            doc,
            ["序号", "责任单位", "承诺", "已解决", "解决率", "推进中", "超期"],
            _commitment_rows(f.commitments),
            _widths(10, 42, 12, 12, 14, 12, 10),
        )

    _heading(doc, HEADINGS[6])
    if f.overdue:
        layout.para(
            doc,
            f"截至{chinese_date(f.today)}，逾期未答复的建议{_n(len(f.overdue))}件，已逐件督促承办单位说明原因、限期答复。",
            indent=True,
        )
        _caption(doc, "表8　逾期未答复建议")
        layout.grid_table(
            doc,
            ["序号", "编号", "建议标题", "主办单位", "答复期限", "逾期"],
            _item_rows(f.overdue, overdue=True),
            _widths(9, 24, 40, 26, 18, 12),
        )
        _more(doc, f.overdue)
    else:
        layout.para(doc, f"截至{chinese_date(f.today)}，没有逾期未答复的建议。", indent=True)

    layout.signature(doc, office_name(f), f.today)
    return doc


# --- the press brief ---------------------------------------------------------------------------


def headline_figures(f: Figures) -> list[str]:
    t, s, c = f.totals, f.satisfaction, f.commitments_total
    lines = [f"立案代表建议{_n(t.registered)}件，已答复{_n(t.answered)}件。"]
    if t.answered:
        lines.append(f"按时答复率{_pct(t.on_time_rate)}。")
    if f.categories.total:
        a, b = f.categories.share(Reply.Category.A), f.categories.share(Reply.Category.B)
        lines.append(f"已解决或基本解决的占{_pct(a)}，正在解决或列入计划的占{_pct(b)}。")
    if s.rated:
        lines.append(f"代表满意和基本满意率{_pct(s.satisfied_rate)}。")
    if c.promised:
        lines.append(
            f"答复承诺事项{_n(c.promised)}件，已解决{_n(c.solved)}件，解决率{_pct(c.rate)}。"
        )
    return lines


def highlighted_cases(f: Figures, limit: int = 5) -> list[Item]:
    """Key suggestions solved (A) whose deputy rated the answer 满意 (first) or 基本满意; never a
    confidential one, never one the deputy was unhappy with or did not rate."""
    good = (Rating.Overall.SATISFIED, Rating.Overall.BASICALLY)
    public = [i for i in f.key if not i.confidential]
    solved = [i for i in public if i.category == Reply.Category.A and i.rating in good]
    solved.sort(key=lambda i: i.rating != Rating.Overall.SATISFIED)
    return solved[:limit]


def press_brief(f: Figures) -> DocxDocument:
    """Headline figures and highlighted cases for the press conference (新闻发布会)."""
    doc = layout.new_document()
    layout.title(doc, f"{f.period.describe()}代表建议办理情况新闻发布通稿")
    layout.para(doc)
    _heading(doc, "一、主要数据")
    if f.empty:
        layout.para(doc, _summary(f), indent=True)
    for n, line in enumerate(headline_figures(f) if not f.empty else [], start=1):
        layout.para(doc, f"{n}．{line}", indent=True)
    _heading(doc, "二、典型案例")
    cases = highlighted_cases(f)
    if not cases:
        layout.para(doc, "本期暂无已解决的重点督办建议可作典型案例。", indent=True)
    for n, item in enumerate(cases, start=1):
        layout.para(
            doc,
            f"（{chinese_number(n)}）{item.title}（{item.number}）。由{item.unit}主办，"
            f"已解决或基本解决，代表评价为“{RATING_WORDS[item.rating]}”。",
            indent=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    layout.signature(doc, office_name(f), f.today)
    return doc


# --- the workbook ------------------------------------------------------------------------------


def _sheet(
    wb: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    ws = wb.create_sheet(sheet_title(title))
    append_row(ws, list(headers))
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in rows:
        append_row(ws, list(row))  # type: ignore[arg-type]
    for i, header in enumerate(headers):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = max(10, 2 * len(header) + 4)


def workbook(f: Figures) -> Workbook:
    """Every figure as a sheet, numbers as numbers (rates in percent, empty for no data)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "总体情况"
    t = f.totals
    append_row(ws, [report_title(f)])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, ["数据截至", f.today])
    ws["B2"].number_format = 'yyyy"年"m"月"d"日"'
    for label, value in (
        ("立案", t.registered),
        ("闭会期间提出", t.between_sessions),
        ("重点督办", t.key),
        ("已答复", t.answered),
        ("办理中", t.in_handling),
        ("逾期未答复", t.overdue),
        ("已办结", t.closed),
        ("已并案", t.merged),
        ("按时答复", t.answered_on_time),
        ("按时答复率（%）", t.on_time_rate),
        ("重新办理", t.rehandled),
        ("满意和基本满意率（%）", f.satisfaction.satisfied_rate),
        ("承诺解决率（%）", f.commitments_total.rate),
    ):
        append_row(ws, [label, value])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 16

    def groups(values: Sequence[Group], joint: bool = False) -> list[list[object]]:
        return [
            [
                g.name,
                g.count,
                *([g.extra.get("joint", 0)] if joint else []),
                g.answered,
                g.on_time,
                g.on_time_rate,
                g.overdue,
            ]
            for g in values
        ]

    _sheet(
        wb,
        "按类别",
        ["类别", "件数", "已答复", "按时答复", "按时答复率（%）", "逾期"],
        groups(f.by_category),
    )
    _sheet(
        wb,
        "按承办单位",
        ["承办单位", "主办分办", "会办", "已答复", "按时答复", "按时答复率（%）", "逾期"],
        groups(f.by_unit, joint=True),
    )
    c = f.categories
    _sheet(
        wb,
        "答复类别",
        ["类别", "含义", "件数", "占比（%）"],
        [
            [code, CATEGORY_WORDS[code], c.counts[code], c.share(code)]
            for code in Reply.Category.values
        ],
    )
    s = f.satisfaction
    _sheet(
        wb,
        "代表评价",
        ["评价", "件数"],
        [[RATING_WORDS[k], s.counts[k]] for k in Rating.Overall.values],
    )
    _sheet(
        wb,
        "重点督办建议",
        ["编号", "建议标题", "主办单位", "状态", "答复类别", "代表评价"],
        [
            [
                i.number,
                i.title,
                i.unit,
                STATE_WORDS.get(i.state, i.state),
                i.category,
                RATING_WORDS.get(i.rating, ""),
            ]
            for i in f.key
        ],
    )
    _sheet(
        wb,
        "答复承诺",
        ["责任单位", "承诺", "已解决", "解决率（%）", "推进中", "超期", "终止"],
        [
            [r.unit, r.promised, r.solved, r.rate, r.open, r.overdue, r.stopped]
            for r in f.commitments
        ],
    )
    _sheet(
        wb,
        "逾期未答复",
        ["编号", "建议标题", "主办单位", "答复期限", "逾期天数"],
        [[i.number, i.title, i.unit, i.reply_due, i.days_overdue] for i in f.overdue],
    )
    for sheet in wb.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "year"):
                    cell.number_format = 'yyyy"年"m"月"d"日"'
    return wb
