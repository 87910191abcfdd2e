"""Read a generated .docx and check it against GB/T 9704-2012, the layout every Word document
of Minsheng shares (`minsheng.lib.letters`): used by the tests of each document."""

import io
import math

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from minsheng.lib import letters as layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def text_block(section) -> tuple[float, float]:
    """The text block (版心) in points: width, height."""
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    return width.pt, height.pt


def lines_and_chars(doc) -> tuple[int, int]:
    """Lines a page (from the document grid and the body's exact line) and characters a line
    (三号 characters tightened by the Normal style's character spacing)."""
    section = doc.sections[0]
    width, height = text_block(section)
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch"))) / 20
    normal = doc.styles["Normal"]
    line = normal.paragraph_format.line_spacing.pt
    assert line <= pitch  # one body line takes one grid line
    rpr = normal.element.rPr
    spacing = rpr.find(qn("w:spacing"))
    tighten = int(spacing.get(qn("w:val"))) / 20 if spacing is not None else 0
    char = normal.font.size.pt + tighten
    return math.floor(height / pitch), math.floor(width / char)


def page_number_paragraphs(doc):
    section = doc.sections[0]
    return section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]


def assert_official_layout(doc) -> None:
    """GB/T 9704-2012: A4; margins 37/35/28/26 mm (a 156 × 225 mm text block); 22 lines of 28
    characters; the body in 仿宋_GB2312 三号 with declared fallbacks; page numbers in 宋体 四号
    "— 1 —" on the outer side, 7 mm below the text block."""
    section = doc.sections[0]
    mm = [
        round(x.mm, 1)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0], mm
    width, height = text_block(section)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (156, 225)
    assert lines_and_chars(doc) == (22, 28)
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)  # 三号
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    table = next(
        r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")
    ).blob.decode()
    for name, alternative in (
        ("仿宋_GB2312", "仿宋"),
        ("方正小标宋简体", "宋体"),
        ("宋体", "SimSun"),
    ):
        assert f'w:name="{name}"><w:altName w:val="{alternative}"/>' in table
    # Page numbers: odd pages right, even pages left, one 四号 character in.
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = page_number_paragraphs(doc)
    for p, alignment in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        assert p.alignment == alignment
        assert p.text == "—  —" and "PAGE" in p._p.xml  # "— " + the field + " —"
        for r in p.runs:
            assert r.font.size == Pt(14)
            assert {r._r.rPr.rFonts.get(qn(f"w:{a}")) for a in ("ascii", "eastAsia")} == {"宋体"}
    assert odd.paragraph_format.right_indent == Pt(14)
    assert even.paragraph_format.left_indent == Pt(14)
    # The number's line ends at the footer distance; its top is 7 mm under the text block.
    top = section.footer_distance + odd.paragraph_format.line_spacing
    assert round(Emu(section.bottom_margin - top).mm, 1) == 7.0
    # No page break held by a paragraph of its own (it leaves a blank line or page).
    assert doc.element.body.findall(f".//{W}br[@{W}type='page']") == []


def assert_title(p, text: str) -> None:
    assert p.text == text
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert p.runs[0].font.size == Pt(22)  # 二号
    assert p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == layout.TITLE_FONT


def copy_block(doc):
    """The 版记: the last table, floating at the foot of the text block."""
    table = doc.tables[-1]
    floating = table._tbl.tblPr.find(qn("w:tblpPr"))
    return table, floating


def assert_copy_block_at_the_foot(doc, names: list[str], *, rules: bool = True) -> None:
    body = list(doc.element.body.iterchildren())
    table, floating = copy_block(doc)
    assert table._tbl is [e for e in body if e.tag == f"{W}tbl"][-1]
    # After it only the paragraph that holds its anchor.
    after = body[body.index(table._tbl) + 1 :]
    assert [e.tag for e in after] == [f"{W}p", f"{W}sectPr"]
    assert floating is not None
    assert floating.get(qn("w:vertAnchor")) == "margin"
    assert floating.get(qn("w:tblpYSpec")) == "bottom"
    # Horizontally at the left margin, the width of the text block: rules not indented.
    section = doc.sections[0]
    assert int(floating.get(qn("w:tblpX"))) == round(section.left_margin.twips)
    width = table._tbl.tblPr.find(qn("w:tblW"))
    assert int(width.get(qn("w:w"))) == round(text_block(section)[0] * 20)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    kinds = {side: borders.find(qn(f"w:{side}")).get(qn("w:val")) for side in ("top", "bottom")}
    assert kinds == (
        {"top": "single", "bottom": "single"} if rules else {"top": "nil", "bottom": "nil"}
    )
    p = table.cell(0, 0).paragraphs[0]
    assert p.text == "抄送：" + "，".join(names) + "。"
    assert "w:pBdr" not in p._p.xml
    fmt = p.paragraph_format
    # One character in from each side, wrapped lines start after "抄送：".
    assert fmt.left_indent == Pt(14 * 4) and fmt.first_line_indent == Pt(-14 * 3)
    assert fmt.right_indent == Pt(14)
    assert p.runs[0].font.size == Pt(14)
