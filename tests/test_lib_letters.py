"""minsheng.lib.letters: the official layout, and any text written into it safely."""

import datetime
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.lib import letters
from minsheng.lib.text import clean_text

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80)


def reopen(doc):
    return Document(io.BytesIO(letters.to_bytes(doc)))


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_any_text_goes_into_a_letter_and_reads_back_cleaned(heading, body):
    doc = letters.new_document()
    letters.title(doc, heading)
    letters.para(doc, body)
    letters.paragraphs(doc, body)
    letters.labelled(doc, "意见：", body)
    letters.two_column_table(doc, [("标题", heading)])
    letters.signature(doc, heading, None)
    letters.copies(doc, [heading, body])
    back = reopen(doc)
    assert back.paragraphs[0].text == clean_text(heading)
    assert back.paragraphs[1].text == clean_text(body)
    lines = [line.strip() for line in clean_text(body).split("\n") if line.strip()]
    assert [p.text for p in back.paragraphs[2 : 2 + len(lines)]] == lines
    assert back.tables[0].cell(0, 1).text == clean_text(heading)


def test_the_page_is_a4_with_official_margins_and_numbered_pages():
    doc = reopen(letters.new_document())
    section = doc.sections[0]
    sizes = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert sizes == [210, 297, 37, 35, 28, 26]
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and "PAGE" in footer._p.xml


def test_fonts_are_declared_with_their_fallbacks():
    doc = letters.new_document()
    table = next(
        r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")
    ).blob.decode()
    for name, alternative, _family in letters.FONT_FALLBACKS:
        assert f'w:name="{name}"' in table and f'w:val="{alternative}"' in table
    back = reopen(doc)  # still a valid document
    fonts = back.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == letters.BODY_FONT


def test_headings_signature_and_copy_line():
    doc = letters.new_document()
    letters.title(doc, "关于某事的答复")
    letters.signature(doc, "交通运输厅", datetime.date(2026, 11, 26))
    letters.copies(doc, ["省人大常委会办公厅", "", "省人民政府办公厅"])
    back = reopen(doc)
    title, _blank, unit, day, _anchor = back.paragraphs
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == letters.TITLE_SIZE
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == letters.TITLE_FONT
    assert (unit.text, unit.alignment) == ("交通运输厅", WD_ALIGN_PARAGRAPH.RIGHT)
    assert day.text == "2026年11月26日"
    copy = back.tables[-1].cell(0, 0).paragraphs[0]
    assert copy.text == "抄送：省人大常委会办公厅，省人民政府办公厅。"
    assert "w:tblBorders" in back.tables[-1]._tbl.xml


def test_the_layout_passes_the_gbt_9704_checks():
    from tests.official_layout import assert_official_layout

    assert_official_layout(reopen(letters.new_document()))


def test_a_draft_is_marked_and_undated():
    doc = letters.new_document()
    letters.draft_mark(doc)
    letters.signature(doc, "某单位", None)
    back = reopen(doc)
    assert back.sections[0].header.paragraphs[0].text == "草稿（未签发）"
    assert back.paragraphs[-1].text == "　　年　月　日"


def test_attachment_filenames_are_always_valid_headers():
    from django.http import HttpResponse

    response = letters.docx_response(b"x", "第0001号\n建议（交通/运输厅\x0b）.docx")
    disposition = response["Content-Disposition"]
    assert "\n" not in disposition and "%2F" not in disposition
    assert disposition.endswith(".docx")
    assert response["Cache-Control"] == "private, no-store"
    assert isinstance(response, HttpResponse)
