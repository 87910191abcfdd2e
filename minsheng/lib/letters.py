"""The official letter layout (GB/T 9704 as units use it for letters), for any app's Word documents.

A4 with 37/35/28/26 mm margins, the title in 小标宋 二号, headings in 黑体, the body in 仿宋 三号
on a fixed 28 pt line, first lines indented two characters, page numbers "— 1 —" in the footer,
the signature block right-aligned and the copy line (抄送) between rules at the foot.

Fonts: Word takes a run's Chinese font from ``w:eastAsia`` (python-docx sets only the Latin
ones), and when the named font is not installed it looks in the document's font table for an
alternative name; each font used here is declared there with the name Windows ships (仿宋, 黑体,
宋体) and the GB2312 character set, so a machine without the 方正/GB2312 fonts still shows the
right kind of type.

Text: every run goes through `clean_text` first, so stored text with a control character (a
vertical tab from Word's Shift+Enter, a NUL) cannot make the XML writer refuse the document; a
line break inside a run is a Word line break, tabs are Word tabs.

The domain wording of each letter (titles, openings, who gets copies) lives with its app, e.g.
`minsheng.suggestions.letters`.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from minsheng.lib.downloads import attachment
from minsheng.lib.text import clean_text

__all__ = [
    "BODY_FONT",
    "BODY_SIZE",
    "DOCX_MIME",
    "HEADING_FONT",
    "SMALL_SIZE",
    "TITLE_FONT",
    "TITLE_SIZE",
    "chinese_date",
    "chinese_number",
    "copies",
    "docx_response",
    "draft_mark",
    "grid_table",
    "labelled",
    "new_document",
    "page_break",
    "para",
    "paragraphs",
    "run",
    "signature",
    "title",
    "to_bytes",
    "two_column_table",
]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
# Declared in the font table: (name, the alternative Word uses when it is missing, family).
FONT_FALLBACKS: tuple[tuple[str, str, str], ...] = (
    (TITLE_FONT, "宋体", "script"),
    (BODY_FONT, "仿宋", "modern"),
    (HEADING_FONT, "SimHei", "modern"),
)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
SMALL_SIZE = Pt(14)  # 四号, the foot of the letter
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号

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


# --- the document ------------------------------------------------------------------------------


def _set_fonts(rpr_owner: etree._Element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Word picks the Chinese font from w:eastAsia; python-docx only sets the Latin ones."""
    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _declare_fonts(doc: DocxDocument) -> None:
    """Add the Chinese fonts to word/fontTable.xml with their alternative names."""
    part = next(
        (r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None
    )
    if part is None:
        return
    table = etree.fromstring(part.blob)  # noqa: S320 - python-docx's own template part
    for name, alternative, family in FONT_FALLBACKS:
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/>'
                '<w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(  # type: ignore[attr-defined]
        table, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def new_document() -> DocxDocument:
    """An empty A4 letter: margins, Normal style in 仿宋 三号 on a 28 pt line, page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE  # type: ignore[attr-defined]
    normal.font.name = LATIN_FONT  # type: ignore[attr-defined]
    _set_fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format  # type: ignore[attr-defined]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    doc.core_properties.language = "zh-CN"
    _declare_fonts(doc)
    _page_numbers(section)
    return doc


def _page_numbers(section: Section) -> None:
    """ "— 1 —" centred in the footer, as official documents number their pages."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(p, "— ", size=SMALL_SIZE, font=LATIN_FONT)
    field = run(p, "", size=SMALL_SIZE, font=LATIN_FONT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            field._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            field._r.append(instr)
    run(p, " —", size=SMALL_SIZE, font=LATIN_FONT)


def run(
    p: Paragraph, text: str, *, font: str = BODY_FONT, size: Length = BODY_SIZE, bold: bool = False
) -> Run:
    """A run of `text` (cleaned for XML) in `font` (the Chinese one; Latin is Times New Roman)."""
    r = p.add_run(clean_text(text))
    r.font.size = size
    r.font.bold = bold
    r.font.name = LATIN_FONT
    _set_fonts(r._r, font)
    return r


def para(
    doc: DocxDocument | _Cell,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    font: str = BODY_FONT,
    size: Length = BODY_SIZE,
    bold: bool = False,
    right_indent: Length | None = None,
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
        run(p, text, font=font, size=size, bold=bold)
    return p


def title(doc: DocxDocument, text: str) -> Paragraph:
    """The letter's title: centred, 小标宋 二号."""
    return para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)


def _lines(text: str) -> list[str]:
    # Cleaned first: Word's vertical tab (a manual line break) becomes a line of its own.
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def paragraphs(doc: DocxDocument, text: str) -> None:
    """Someone's own text: one indented justified paragraph per line, blank lines dropped."""
    for line in _lines(text):
        para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def labelled(doc: DocxDocument, label: str, text: str) -> None:
    """A paragraph opening with a label in 黑体 (会办意见, 办理计划…); later lines indented."""
    lines = _lines(text) or [""]
    p = para(doc, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    run(p, label, font=HEADING_FONT)
    run(p, lines[0])
    for line in lines[1:]:
        para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


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


def signature(doc: DocxDocument, sender: str, day: datetime.date | None) -> None:
    """The sender and the date in Chinese, right-aligned, after one blank line."""
    para(doc)
    para(doc, sender, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(64))
    para(doc, chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(48))


def draft_mark(doc: DocxDocument, text: str = "草稿（未签发）") -> None:
    p = doc.sections[0].header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run(p, text, font=HEADING_FONT, size=SMALL_SIZE)


def copies(doc: DocxDocument, names: Iterable[str]) -> None:
    """The copy line (抄送：甲，乙。) between rules; nothing when there is nobody to copy."""
    names = [clean_text(n) for n in names if n]
    if not names:
        return
    para(doc)
    p = para(doc, size=SMALL_SIZE)
    p.paragraph_format.left_indent = Pt(14)
    p.paragraph_format.right_indent = Pt(14)
    run(p, "抄送：", size=SMALL_SIZE)
    run(p, "，".join(names) + "。", size=SMALL_SIZE)
    _rule(p, top=True, bottom=True)


def page_break(doc: DocxDocument) -> None:
    para(doc).add_run().add_break(WD_BREAK.PAGE)


def two_column_table(
    doc: DocxDocument,
    rows: Sequence[tuple[str, str]],
    widths: tuple[Length, Length] = (Mm(38), Mm(118)),
) -> Table:
    """A ruled form (label in 黑体, value in 仿宋, 四号); a value's lines are paragraphs."""
    table: Table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cell widths, LibreOffice the grid: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = widths
        for cell, text, font in (
            (row.cells[0], label, HEADING_FONT),
            (row.cells[1], value, BODY_FONT),
        ):
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(24)
            lines = clean_text(text).split("\n")
            run(cell.paragraphs[0], lines[0], font=font, size=SMALL_SIZE)
            for line in lines[1:]:
                run(cell.add_paragraph(), line, font=font, size=SMALL_SIZE)
    return table


TABLE_SIZE = Pt(10.5)  # 五号, the size of tables in official documents


def _repeat_as_header(row: Any) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    trpr.append(mark)


def grid_table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[Length],
) -> Table:
    """A ruled table of many rows: the header in 黑体 (repeated on every page), the cells in
    仿宋 五号 on a single line spacing, a cell's lines as paragraphs."""
    table: Table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    def fill(cells: Sequence[_Cell], values: Sequence[str], font: str) -> None:
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            first = cell.paragraphs[0]
            first.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            lines = clean_text(text).split("\n")
            run(first, lines[0], font=font, size=TABLE_SIZE)
            for line in lines[1:]:
                p = cell.add_paragraph()
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                run(p, line, font=font, size=TABLE_SIZE)

    header = table.rows[0]
    _repeat_as_header(header)
    fill(header.cells, headers, HEADING_FONT)
    for values in rows:
        fill(table.add_row().cells, values, BODY_FONT)  # type: ignore[no-untyped-call]
    return table


def to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(content: bytes, filename: str) -> HttpResponse:
    """A .docx attachment, never kept in shared caches."""
    response = HttpResponse(content, content_type=DOCX_MIME)
    attachment(response, filename)
    return response
