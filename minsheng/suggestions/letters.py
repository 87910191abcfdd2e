"""Word letters in the official layout (DOMAIN.md §3): the reply letter (答复函) to the deputy and
a joint unit's opinion (会办意见) to the lead unit.

The layout follows the national document format GB/T 9704 as units use it for replies: A4 with
37/35/28/26 mm margins, the title in 小标宋 二号, the body in 仿宋 三号 on a fixed 28 pt line, first
lines indented two characters, the signature block right-aligned and the copy line (抄送) between
rules at the foot. The letter's wording is Chinese by nature (it is an official document), so it
is not translated.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from minsheng.people.models import Organisation
from minsheng.suggestions.models import Assignment, JointOpinion, Reply, Suggestion

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
SMALL_SIZE = Pt(14)  # 四号, the foot of the letter
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Units answering for the government copy the government general office (DOMAIN.md §3).
GOVERNMENT_KINDS = (Organisation.Kind.GOVERNMENT, Organisation.Kind.DEPARTMENT)

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 14 → 十四, 20 → 二十, 104 → 一百零四 (terms and sessions)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    if rest < 10:
        return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
    tens, ones = divmod(rest, 10)
    return _DIGITS[hundreds] + "百" + _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: datetime.date | None) -> str:
    if day is None:
        return "　　年　月　日"  # a draft: the date is written when it is signed
    return f"{day.year}年{day.month}月{day.day}日"


def session_name(s: Suggestion) -> str:
    """江岭省第十四届人民代表大会第四次会议."""
    session = s.session
    if "人民代表大会" in session.name:
        return session.name
    term = session.term
    return (
        f"{s.jurisdiction.name}第{chinese_number(term.number)}届人民代表大会"
        f"第{chinese_number(session.number)}次会议"
    )


def number_phrase(s: Suggestion) -> str:
    """第0012号, or 闭会期间第0003号 for the between-sessions series."""
    if s.number is None:
        return ""
    between = "闭会期间" if s.series == "B" else ""
    return f"{between}第{s.number:04d}号"


def letter_title(s: Suggestion, kind: str = "答复") -> str:
    return f"关于{session_name(s)}{number_phrase(s)}建议的{kind}"


def _quoted_title(s: Suggestion) -> str:
    title = s.title.strip().strip("《》")
    return f"《{title}》"


def reply_letter_filename(reply: Reply) -> str:
    s = reply.suggestion
    extra = f"，第{reply.round}轮" if reply.round > 1 else ""
    return f"{s.display_number or '未编号'}建议的答复（{reply.assignment.unit}{extra}）.docx"


def joint_opinion_filename(opinion: JointOpinion) -> str:
    s = opinion.assignment.suggestion
    return f"{s.display_number or '未编号'}建议的会办意见（{opinion.assignment.unit}）.docx"


# --- the low-level layout ----------------------------------------------------------------------


def _set_fonts(element: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Word picks the Chinese font from w:eastAsia; python-docx only sets the Latin ones."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _set_fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    doc.core_properties.language = "zh-CN"
    _page_numbers(section)
    return doc


def _page_numbers(section: object) -> None:
    """ "— 1 —" centred in the footer, as official documents number their pages."""
    footer = section.footer  # type: ignore[attr-defined]
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=SMALL_SIZE, font=LATIN_FONT)
    run = _run(p, "", size=SMALL_SIZE, font=LATIN_FONT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    _run(p, " —", size=SMALL_SIZE, font=LATIN_FONT)


def _run(
    p: Paragraph, text: str, *, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False
) -> Run:
    run = p.add_run(text)
    run.font.size = size
    run.font.bold = bold
    run.font.name = LATIN_FONT
    _set_fonts(run._r, font)
    return run


def _para(
    doc: DocxDocument | _Cell,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    right_indent: Pt | None = None,
) -> Paragraph:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = INDENT
        # Also in characters, so the indent stays two characters if the size changes.
        ind = p._p.get_or_add_pPr().find(qn("w:ind"))
        if ind is not None:
            ind.set(qn("w:firstLineChars"), "200")
    if right_indent is not None:
        p.paragraph_format.right_indent = right_indent
    if text:
        _run(p, text, font=font, size=size, bold=bold)
    return p


def _paragraphs(doc: DocxDocument, text: str) -> None:
    """The unit's own text: one indented paragraph per line, blank lines dropped."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            _para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _labelled(doc: DocxDocument, label: str, text: str) -> None:
    """A paragraph opening with a bold label (会办意见, 办理计划…); later lines indented."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    p = _para(doc, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _run(p, label, font=HEADING_FONT)
    _run(p, lines[0])
    for line in lines[1:]:
        _para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _rule(p: Paragraph, *, top: bool = False, bottom: bool = False) -> None:
    """The thin rules around the copy line (版记)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, wanted in (("top", top), ("bottom", bottom)):
        if not wanted:
            continue
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "6")
        edge.set(qn("w:space"), "1")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    ppr.append(borders)


def _signature(doc: DocxDocument, unit: str, day: datetime.date | None) -> None:
    _para(doc)
    _para(doc, unit, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(64))
    _para(doc, chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(48))


def _draft_mark(doc: DocxDocument) -> None:
    header = doc.sections[0].header
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(p, "草稿（未签发）", font=HEADING_FONT, size=SMALL_SIZE)


def _copies(doc: DocxDocument, names: Iterable[str]) -> None:
    names = [n for n in names if n]
    if not names:
        return
    _para(doc)
    p = _para(doc, size=SMALL_SIZE)
    p.paragraph_format.left_indent = Pt(14)
    p.paragraph_format.right_indent = Pt(14)
    _run(p, "抄送：", size=SMALL_SIZE)
    _run(p, "，".join(names) + "。", size=SMALL_SIZE)
    _rule(p, top=True, bottom=True)


def _to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- who gets copies ---------------------------------------------------------------------------


def congress_office_name(s: Suggestion) -> str:
    """The congress body that handles deputies' suggestions: the deputies' affairs committee
    where one exists, else the standing committee's general office."""
    offices = Organisation.objects.filter(
        jurisdiction_id=s.jurisdiction_id, kind=Organisation.Kind.CONGRESS_OFFICE, is_active=True
    ).order_by("sort_order", "name")
    names = list(offices.values_list("name", flat=True))
    for wanted in ("代表人事选举", "选举联络", "代表工作", "代表"):
        for name in names:
            if wanted in name:
                return name
    for name in names:
        if name.endswith("办公厅") or name.endswith("办公室"):
            return name
    return f"{s.jurisdiction.name}人大常委会办公厅"


def government_office_name(s: Suggestion) -> str:
    found = (
        Organisation.objects.filter(
            jurisdiction_id=s.jurisdiction_id, name__endswith="人民政府办公厅"
        )
        .values_list("name", flat=True)
        .first()
    )
    return found or f"{s.jurisdiction.name}人民政府办公厅"


def copy_to(s: Suggestion, unit: Organisation) -> list[str]:
    names = [congress_office_name(s)]
    if unit.kind in GOVERNMENT_KINDS:
        names.append(government_office_name(s))
    return names


# --- the reply letter --------------------------------------------------------------------------


def _joint_opinions(reply: Reply) -> list[tuple[str, str]]:
    if reply.assignment.mode != Assignment.Mode.LEAD:
        return []
    opinions = (
        JointOpinion.objects.filter(assignment__suggestion_id=reply.suggestion_id)
        .exclude(assignment__state=Assignment.State.CANCELLED)
        .select_related("assignment__unit")
        .order_by("assignment__id")
    )
    return [(str(o.assignment.unit), o.text) for o in opinions]


def _opening(s: Suggestion, reply: Reply) -> str:
    cited = f"您提出的{_quoted_title(s)}（{s.display_number}）"
    merged = [m.display_number for m in s.merged_suggestions.order_by("number") if m.number]
    together = "该建议与" + "、".join(merged) + "建议并案办理，" if merged else ""
    if reply.round > 1:
        return f"{cited}及您对前次答复的意见收悉。{together}经重新办理，现答复如下："
    return f"{cited}收悉。{together}现答复如下："


def reply_letter(reply: Reply) -> bytes:
    """The reply letter to the deputy for one unit's reply in one round (答复函), as .docx bytes."""
    reply = Reply.objects.select_related(
        "assignment__unit",
        "suggestion__jurisdiction",
        "suggestion__session__term",
        "suggestion__lead_deputy__user",
    ).get(pk=reply.pk)
    s = reply.suggestion
    unit = reply.assignment.unit
    doc = _new_document()
    if reply.state == Reply.State.DRAFT:
        _draft_mark(doc)

    # The result category sits at the top right of page one.
    _para(doc, reply.category, align=WD_ALIGN_PARAGRAPH.RIGHT, font=HEADING_FONT, bold=True)
    _para(doc)
    _para(doc, letter_title(s), align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)
    _para(doc)
    _para(doc, f"{s.lead_deputy}代表：")
    _para(doc, _opening(s, reply), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraphs(doc, reply.text)
    opinions = _joint_opinions(reply)
    if opinions:
        _para(doc, "会办单位意见", indent=True, font=HEADING_FONT)
        for name, text in opinions:
            _labelled(doc, f"{name}：", text)
    if reply.category == Reply.Category.B:
        _labelled(doc, "办理计划和措施：", reply.plan)
        if reply.target_date:
            _labelled(doc, "计划完成时间：", chinese_date(reply.target_date) + "。")
    _para(doc, "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。", indent=True)
    _para(doc)
    _para(doc, "附件：代表建议办理情况征询意见表", indent=True)
    sent_on = timezone.localtime(reply.sent_at).date() if reply.sent_at else None
    _signature(doc, str(unit), sent_on)
    _para(doc)
    _para(
        doc,
        f"责任领导：{reply.contact_leader}　　联系电话：{reply.contact_leader_phone}",
        size=SMALL_SIZE,
    )
    _para(
        doc,
        f"经 办 人：{reply.case_officer}　　联系电话：{reply.case_officer_phone}",
        size=SMALL_SIZE,
    )
    _copies(doc, copy_to(s, unit))
    _feedback_form(doc, s, reply)
    return _to_bytes(doc)


def _feedback_form(doc: DocxDocument, s: Suggestion, reply: Reply) -> None:
    """The enclosed satisfaction form (征询意见表) the deputy returns."""
    p = _para(doc)
    p.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "附件", font=HEADING_FONT)
    _para(doc)
    _para(
        doc,
        "代表建议办理情况征询意见表",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font=TITLE_FONT,
        size=TITLE_SIZE,
    )
    _para(doc)
    rows = [
        ("建议编号", s.display_number),
        ("建议标题", s.title),
        ("领衔代表", str(s.lead_deputy)),
        ("承办单位", str(reply.assignment.unit)),
        ("答复类别", reply.category),
        ("沟通联系方式", "□当面　□电话　□信函　□实地调研　□座谈会　□其他"),
        ("办理过程评价", "□满意　□基本满意　□不满意"),
        ("办理结果评价", "□满意　□基本满意　□不满意"),
        ("意见和建议", "\n\n\n"),
        ("代表签名", "\n　　　　　　　　　　年　　月　　日"),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cell widths, LibreOffice the grid: set both.
    for column, width in zip(table.columns, (Mm(38), Mm(118)), strict=True):
        column.width = width
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = Mm(38), Mm(118)
        for cell, text, font in (
            (row.cells[0], label, HEADING_FONT),
            (row.cells[1], value, BODY_FONT),
        ):
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(24)
            lines = text.split("\n")
            _run(cell.paragraphs[0], lines[0], font=font, size=SMALL_SIZE)
            for line in lines[1:]:
                extra = cell.add_paragraph()
                _run(extra, line, font=font, size=SMALL_SIZE)
    _para(doc)
    _para(
        doc,
        "请在收到答复后20个工作日内填写并反馈；逾期未反馈的，记为“未评价”。",
        size=SMALL_SIZE,
        indent=True,
    )


# --- the joint opinion -------------------------------------------------------------------------


def joint_opinion_letter(opinion: JointOpinion) -> bytes:
    """A joint unit's written opinion to the lead unit (会办意见), as .docx bytes."""
    opinion = JointOpinion.objects.select_related(
        "assignment__unit",
        "assignment__suggestion__jurisdiction",
        "assignment__suggestion__session__term",
        "submitted_by",
    ).get(pk=opinion.pk)
    a = opinion.assignment
    s = a.suggestion
    lead = (
        s.assignments.filter(mode=Assignment.Mode.LEAD)
        .exclude(state=Assignment.State.CANCELLED)
        .select_related("unit")
        .first()
    )
    doc = _new_document()
    _para(doc)
    _para(
        doc,
        letter_title(s, "会办意见"),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font=TITLE_FONT,
        size=TITLE_SIZE,
    )
    _para(doc)
    _para(doc, f"{lead.unit if lead else '主办单位'}：")
    _para(
        doc,
        f"{s.lead_deputy}代表提出的{_quoted_title(s)}（{s.display_number}）收悉。"
        "经研究，现将我单位会办意见函告如下：",
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    _paragraphs(doc, opinion.text)
    _para(doc, "请在答复代表时一并研究吸纳。", indent=True)
    _signature(doc, str(a.unit), timezone.localtime(opinion.submitted_at).date())
    _para(doc)
    person = opinion.submitted_by
    phone = f"　　联系电话：{person.phone}" if person.phone else ""
    _para(doc, f"联 系 人：{person.display_name}{phone}", size=SMALL_SIZE)
    _copies(doc, [congress_office_name(s)])
    return _to_bytes(doc)
