"""The official letter layout (GB/T 9704 as units use it for letters), for any app's Word documents.

GB/T 9704-2012 as it applies to a letter, checked by `tests/test_official_layout.py` reading the
generated files:

- A4 (210 × 297 mm), margins top 37, bottom 35, left 28, right 26 mm: a 156 × 225 mm text block
  (版心) of 22 lines × 28 characters (5.2.2). The lines: a document grid (``w:docGrid`` of 22
  lines, 225 mm / 22 a line) and an exact 28 pt line, which snaps one line to one grid line in
  Word, WPS and LibreOffice alike. The characters: a 三号 character is 16 pt and 28 of them are
  448 pt, wider than the 442 pt block (27 fitted); each character is tightened by a quarter point
  (15.75 pt, 28 = 441 pt). Word's character grid (linesAndChars with a negative charSpace) does
  the same in Word, but LibreOffice 7.4 gives any character wider than its grid cell two cells
  (14 characters a line, checked by rendering), so the tightening is what makes 28;
- the title in 小标宋 二号, headings in 黑体, the body in 仿宋_GB2312 三号, first lines indented
  two characters;
- page numbers in 4号 半角 宋体 Arabic digits between em dashes ("— 1 —"), 7 mm below the text
  block, on the outer side: odd pages right, even pages left, one character in (7.5);
- the signature block: the unit centred above the date, the date four characters from the right
  (7.3.5.1), kept on one page with the last paragraph and the attachment line (``keep_with_next``
  and ``keep_together``), so the signature never stands alone on a page;
- an enclosure starts its page by ``pageBreakBefore`` on its first paragraph (a break inside an
  empty paragraph leaves an empty line, or a blank page when the text ends at the foot);
- the copy line (版记, 7.4) last, at the foot of the last page: a table anchored to the bottom of
  the text block, its rules the width of the text block (not indented with the text), the text one
  character in from each side, wrapped lines aligned after "抄送：" (a hanging indent);
- optionally the 函 letterhead (信函格式, 10.1): the organ's name in red 小标宋 on page one with a
  red double rule under it and another at the foot, the document number (文号) flush right under
  the rule, no page number on page one and no rules in the copy block.

Numbers in a letter are written the way `minsheng.suggestions.numbers` writes them everywhere.

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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Emu, Length, Mm, Pt, RGBColor, Twips
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
    "attachment_note",
    "chinese_date",
    "chinese_number",
    "copies",
    "document_number",
    "docx_response",
    "draft_mark",
    "grid_table",
    "labelled",
    "letterhead",
    "new_document",
    "new_page",
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
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Declared in the font table: (name, the alternative Word uses when it is missing, family).
FONT_FALLBACKS: tuple[tuple[str, str, str], ...] = (
    (TITLE_FONT, "宋体", "script"),
    (BODY_FONT, "仿宋", "modern"),
    (HEADING_FONT, "SimHei", "modern"),
    (PAGE_NUMBER_FONT, "SimSun", "auto"),
)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
SMALL_SIZE = Pt(14)  # 四号, the foot of the letter and the page numbers
INDENT = Pt(32)  # two characters of 三号
RED = RGBColor(0xE6, 0x00, 0x12)  # the red of the letterhead

# The page (GB/T 9704-2012 5.2.1, 5.2.2): A4, the text block 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# Word stores the page in twips; the grid is worked out from the stored values, rounded down,
# so 22 lines and 28 characters always fit.
_TEXT_WIDTH_TW = (
    round(Emu(PAGE_WIDTH).twips)
    - round(Emu(MARGINS["left"]).twips)
    - round(Emu(MARGINS["right"]).twips)
)
_TEXT_HEIGHT_TW = (
    round(Emu(PAGE_HEIGHT).twips)
    - round(Emu(MARGINS["top"]).twips)
    - round(Emu(MARGINS["bottom"]).twips)
)
LINE_PITCH_TW = _TEXT_HEIGHT_TW // LINES_PER_PAGE  # 579 twips = 28.95 pt
LINE = Pt(28)  # exact, not above the grid's pitch, so one line takes one grid line
TEXT_WIDTH = Twips(_TEXT_WIDTH_TW)
TEXT_HEIGHT = Twips(_TEXT_HEIGHT_TW)
# Each character tightened (w:spacing, in twentieths of a point) so 28 fit a line.
TIGHTEN_TW = -5
# The page number's em dashes sit 7 mm below the text block (7.5): the footer's one exact
# 14 pt line ends this far above the paper's edge.
FOOTER_LINE = Pt(14)
FOOTER_DISTANCE = Emu(MARGINS["bottom"] - Mm(7) - FOOTER_LINE)

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


def _document_grid(section: Section) -> None:
    """22 lines a page (w:docGrid of type lines), replacing the template's grid."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TW))
    sect_pr.append(grid)


def new_document() -> DocxDocument:
    """An empty A4 letter: margins, 22 lines × 28 characters, Normal style in 仿宋 三号, page
    numbers on the outer side."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance, section.footer_distance = Mm(15), FOOTER_DISTANCE
    _document_grid(section)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE  # type: ignore[attr-defined]
    normal.font.name = LATIN_FONT  # type: ignore[attr-defined]
    _set_fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format  # type: ignore[attr-defined]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    # 28 characters a line: each 三号 character a quarter point narrower (see the module's
    # docstring); w:spacing comes before w:sz in a run's properties.
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(TIGHTEN_TW))
    normal_rpr = normal.element.get_or_add_rPr()
    size = normal_rpr.find(qn("w:sz"))
    if size is not None:
        size.addprevious(spacing)
    else:
        normal_rpr.append(spacing)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    doc.core_properties.language = "zh-CN"
    _declare_fonts(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_numbers(section)
    return doc


def _number_run(p: Paragraph, text: str) -> Run:
    """A page-number run: 宋体 for the digits too (半角宋体), 四号."""
    r = run(p, text, font=PAGE_NUMBER_FONT, size=SMALL_SIZE)
    _set_fonts(r._r, PAGE_NUMBER_FONT, latin=PAGE_NUMBER_FONT)
    return r


def _page_number(p: Paragraph, *, odd: bool) -> None:
    """ "— 1 —": odd pages on the right, even pages on the left, one character in (7.5)."""
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = FOOTER_LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if odd:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = SMALL_SIZE
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = SMALL_SIZE
    # The paragraph is not on the body's grid, so the dashes and digits keep their own width.
    _off_grid(p)
    _number_run(p, "— ")
    field = _number_run(p, "")
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
    _number_run(p, " —")


def _page_numbers(section: Section) -> None:
    _page_number(section.footer.paragraphs[0], odd=True)
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


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
    page_break_before: bool = False,
) -> Paragraph:
    p = doc.add_paragraph()
    if page_break_before:
        new_page(p)
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


# The order ECMA-376 gives a paragraph's properties: Word refuses a file that mixes it up.
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_PPR_RANK = {qn(f"w:{name}"): i for i, name in enumerate(_PPR_ORDER)}


def _set_ppr(p: Paragraph, element: Any) -> None:
    """Put `element` in the paragraph's properties at its place in the schema's order,
    replacing one of the same name."""
    ppr = p._p.get_or_add_pPr()
    for old in ppr.findall(element.tag):
        ppr.remove(old)
    rank = _PPR_RANK[element.tag]
    for child in ppr:
        if _PPR_RANK.get(child.tag, len(_PPR_RANK)) > rank:
            child.addprevious(element)
            return
    ppr.append(element)


def _border(
    parent: Any,
    side: str,
    *,
    kind: str = "single",
    eighths: int = 8,
    space: int = 0,
    color: str = "000000",
) -> None:
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), kind)
    edge.set(qn("w:sz"), str(eighths))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), color)
    parent.append(edge)


def _off_grid(p: Paragraph) -> None:
    """Text in another size (the copy line, the letterhead) keeps its own character width."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    _set_ppr(p, snap)


def _keep(p: Paragraph) -> None:
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.keep_together = True


def _keep_with_what_precedes(doc: DocxDocument) -> None:
    """Chain the paragraphs at the end of the body (blank lines, the attachment note) and the
    last paragraph of text to what comes next, so a signature never starts a page alone."""
    body = doc.element.body
    for element in reversed(list(body.iterchildren())):
        if element.tag == qn("w:sectPr"):
            continue
        if element.tag != qn("w:p"):
            return  # a table ends the text: nothing to chain
        p = Paragraph(element, doc._body)  # type: ignore[arg-type]
        already = p.paragraph_format.keep_with_next
        _keep(p)
        if p.text.strip() and not already:
            return  # the last paragraph of text


def _width(text: str) -> float:
    """Width in characters: ASCII digits and letters are half a character (半角)."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def attachment_note(doc: DocxDocument, names: Sequence[str]) -> list[Paragraph]:
    """附件说明 (7.3.4): one blank line below the text, two characters in, "附件：" and the name;
    several are numbered (1. 2.); a wrapped name lines up under its own first character; no
    closing punctuation. Kept on the page of the signature that follows."""
    names = [clean_text(n).strip().rstrip("。；;，,.") for n in names if n and n.strip()]
    if not names:
        return []
    blank = para(doc)
    _keep(blank)
    found = [blank]
    label_chars = 3  # 附件：
    for i, name in enumerate(names):
        number = f"{i + 1}." if len(names) > 1 else ""
        hanging = _width(number) + (label_chars if i == 0 else 0)
        p = para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.left_indent = Pt(16 * (2 + label_chars + _width(number)))
        p.paragraph_format.first_line_indent = Pt(-16 * hanging)
        run(p, ("附件：" if i == 0 else "") + number + name)
        _keep(p)
        found.append(p)
    return found


def signature(doc: DocxDocument, sender: str, day: datetime.date | None) -> None:
    """The sender and the date (7.3.5.1): one blank line below the text (or the attachment
    note), the date four characters from the right edge, the sender centred over the date.
    The last paragraph of text, the attachment note, the sender and the date stay together."""
    _keep_with_what_precedes(doc)
    _keep(para(doc))
    date_text = chinese_date(day)
    # Centre the sender over the date; a sender longer than the date ends at the right edge.
    offset = max(0.0, 4 + (_width(date_text) - _width(sender)) / 2)
    unit = para(doc, sender, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(16 * offset))
    _keep(unit)
    date = para(doc, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(16 * 4))
    date.paragraph_format.keep_together = True


def draft_mark(doc: DocxDocument, text: str = "草稿（未签发）") -> None:
    """The mark at the top of every page of an unsigned draft (odd, even and first pages)."""
    section = doc.sections[0]
    headers = [section.header, section.even_page_header, section.first_page_header]
    for header in headers:
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run(p, text, font=HEADING_FONT, size=SMALL_SIZE)


def document_number(doc: DocxDocument, number: str) -> Paragraph | None:
    """The document number (发文字号, e.g. 江交函〔2026〕12号), flush with the right edge of the
    text block (10.2.1: under the letterhead's rule when there is one)."""
    number = clean_text(number).strip()
    if not number:
        return None
    return para(doc, number, align=WD_ALIGN_PARAGRAPH.RIGHT)


LETTERHEAD_WIDTH = Mm(170)  # the red rules (10.1): 170 mm, centred on the 156 mm text block


def letterhead(doc: DocxDocument, organ: str) -> None:
    """The 函 letterhead (信函格式, 10.1) on page one: the organ's name in red 小标宋, its top
    about 30 mm from the paper's top, a red double rule (thick over thin) 4 mm under it, a red
    double rule (thin over thick) at the foot; page one shows no page number."""
    organ = clean_text(organ).strip()
    if not organ:
        return
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    overhang = Emu((LETTERHEAD_WIDTH - (PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])) // 2)
    header = section.first_page_header
    header.is_linked_to_previous = False
    p = header.paragraphs[0] if not header.paragraphs[0].text else header.add_paragraph()
    size = Pt(min(36, int(LETTERHEAD_WIDTH.pt / max(_width(organ), 1))))
    fmt = p.paragraph_format
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.left_indent = fmt.right_indent = Emu(-overhang)
    # The header starts 15 mm down; the name's top is 15 mm further, 30 mm from the top.
    fmt.space_before = Mm(15) if p is header.paragraphs[0] else Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size.pt * 1.2)
    _off_grid(p)
    r = run(p, organ, font=TITLE_FONT, size=size)
    r.font.color.rgb = RED
    borders = OxmlElement("w:pBdr")
    _border(borders, "bottom", kind="thickThinSmallGap", eighths=24, space=11, color=str(RED))
    _set_ppr(p, borders)
    foot = section.first_page_footer
    foot.is_linked_to_previous = False
    rule = foot.paragraphs[0]
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Emu(-overhang)
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(2)
    rule.paragraph_format.space_before = rule.paragraph_format.space_after = Pt(0)
    _off_grid(rule)
    borders = OxmlElement("w:pBdr")
    _border(borders, "bottom", kind="thinThickSmallGap", eighths=24, space=0, color=str(RED))
    _set_ppr(rule, borders)


# The order ECMA-376 gives a table's properties.
_TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]
_TBL_PR_RANK = {qn(f"w:{name}"): i for i, name in enumerate(_TBL_PR_ORDER)}


def _set_tbl_pr(tbl_pr: Any, element: Any) -> None:
    for old in tbl_pr.findall(element.tag):
        tbl_pr.remove(old)
    rank = _TBL_PR_RANK[element.tag]
    for child in tbl_pr:
        if _TBL_PR_RANK.get(child.tag, len(_TBL_PR_RANK)) > rank:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


COPY_RULE = 8  # eighths of a point: 1 pt ≈ 0.35 mm, the thick rule of 7.4.1


def copies(doc: DocxDocument, names: Iterable[str], *, rules: bool = True) -> Table | None:
    """The copy line (版记, 7.4): 抄送：甲，乙。 in 仿宋 四号, one character in from each side,
    wrapped lines aligned after the colon (a hanging indent), between rules the width of the
    text block (1 pt ≈ 0.35 mm; the borders of a one-cell table, so the text's indents do not
    shorten them), the last rule on the text block's bottom edge.

    Call it last: the table floats, anchored to the foot of the text block (``w:tblpPr``
    vertAnchor margin, tblpYSpec bottom), so it sits at the foot of whichever page the letter
    ends on, after any enclosure. Horizontally it is placed from the paper's edge at the left
    margin: LibreOffice 7.4 keeps a floating table in the text flow when it is nearly as wide
    as the text area it is anchored to, but floats it when measured against the page.
    `rules=False` for the 函 format, whose copy block has none (10.1). Nothing when there is
    nobody to copy."""
    names = [clean_text(n).strip() for n in names if n and n.strip()]
    if not names:
        return None
    width = TEXT_WIDTH
    table: Table = doc.add_table(rows=1, cols=1)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    _set_tbl_pr(
        tbl_pr,
        _element(
            "w:tblpPr",
            vertAnchor="margin",
            horzAnchor="page",
            tblpX=str(round(Emu(MARGINS["left"]).twips)),
            tblpYSpec="bottom",
        ),
    )
    _set_tbl_pr(tbl_pr, _element("w:tblOverlap", val="never"))
    _set_tbl_pr(tbl_pr, _element("w:tblW", w=str(_TEXT_WIDTH_TW), type="dxa"))
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if rules and side in ("top", "bottom"):
            _border(borders, side, eighths=COPY_RULE)
        else:
            _border(borders, side, kind="nil", eighths=0)
    _set_tbl_pr(tbl_pr, borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w="0", type="dxa"))
    _set_tbl_pr(tbl_pr, margins)
    table.columns[0].width = width
    cell = table.cell(0, 0)
    cell.width = width
    p = cell.paragraphs[0]
    label = "抄送："
    fmt = p.paragraph_format
    fmt.left_indent = Pt(SMALL_SIZE.pt * (1 + len(label)))
    fmt.first_line_indent = Pt(-SMALL_SIZE.pt * len(label))
    fmt.right_indent = SMALL_SIZE
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(SMALL_SIZE.pt * 1.5)
    fmt.space_before = fmt.space_after = Pt(SMALL_SIZE.pt * 0.25)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _off_grid(p)
    run(p, label, size=SMALL_SIZE)
    run(p, "，".join(names) + "。", size=SMALL_SIZE)
    # A document ends with a paragraph; this one holds the table's anchor and takes no room.
    end = para(doc)
    end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end.paragraph_format.line_spacing = Pt(1)
    _off_grid(end)
    return table


def new_page(p: Paragraph) -> Paragraph:
    """Start a page with this paragraph (w:pageBreakBefore): an enclosure, an annex."""
    p.paragraph_format.page_break_before = True
    return p


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
