"""Every Word document in the official layout (GB/T 9704-2012), read back from the generated
file: the reply letter, the joint opinion, the second reply and the layout's own parts; the
meeting packs and the reports check the same in their own tests (`tests/official_layout.py`)."""

import datetime
import re
import shutil
import subprocess
from unittest import mock

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from minsheng.ledger import commitments
from minsheng.ledger.commitment_letters import follow_up_letter
from minsheng.ledger.models import LedgerItem
from minsheng.lib import letters as layout
from minsheng.suggestions import letters, workflow
from tests import states
from tests.official_layout import (
    assert_copy_block_at_the_foot,
    assert_official_layout,
    assert_title,
    open_docx,
)

pytestmark = pytest.mark.django_db

SENT_AT = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
COPIES = ["测试省人大常委会办公厅", "测试省人民政府办公厅"]


def sent_reply(cast, **kw):
    with mock.patch("django.utils.timezone.now", return_value=SENT_AT):
        s = states.answered(cast, **kw)
    return s.replies.get(round=1, assignment__unit=cast.unit_a)


def by_text(doc, text):
    return next(p for p in doc.paragraphs if p.text == text)


def test_the_reply_letter_is_in_the_official_layout(cast):
    reply = sent_reply(cast)
    doc = open_docx(letters.reply_letter(reply))
    assert_official_layout(doc)
    title = letters.letter_title(reply.suggestion)
    assert_title(by_text(doc, title), title)
    assert_copy_block_at_the_foot(doc, COPIES)


def test_the_joint_opinion_and_the_second_reply_share_the_layout(cast):
    s = states.handling(cast, joint=True)
    opinion = workflow.submit_joint_opinion(s, by=cast.clerk_b, text="建议将护栏纳入年度计划。")
    doc = open_docx(letters.joint_opinion_letter(opinion))
    assert_official_layout(doc)
    assert_copy_block_at_the_foot(doc, ["测试省人大常委会办公厅"])

    promised = states.answered(cast, category_code="B", title="第二件建议")
    item = LedgerItem.objects.get(source_suggestion=promised)
    row = commitments.draft_follow_up(
        item,
        by=cast.clerk_a,
        category="A",
        text="护栏已全部安装完毕。",
        contacted_on=datetime.date.today(),
        contact_method="phone",
        contact_leader="孙立新",
        contact_leader_phone="0871-1234567",
        case_officer="赵敏",
        case_officer_phone="0871-7654321",
        document_number="测交函〔2026〕30号",
    )
    doc = open_docx(follow_up_letter(row))
    assert_official_layout(doc)
    assert doc.paragraphs[0].text == "测交函〔2026〕30号"
    assert doc.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert_copy_block_at_the_foot(doc, COPIES)
    form = by_text(doc, "附件")
    assert form.paragraph_format.page_break_before


def test_the_enclosure_starts_its_page_without_an_empty_break_paragraph(cast):
    """A break inside an empty paragraph left a blank page when the letter ended at a page's
    foot (second-round letters); the enclosure's first paragraph now starts the page."""
    s = states.rehandling(cast)
    states.contact(cast, s)
    reply = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    doc = open_docx(letters.reply_letter(reply))
    form = by_text(doc, "附件")
    assert form.paragraph_format.page_break_before
    body = [p._p for p in doc.paragraphs]
    previous = doc.paragraphs[body.index(form._p) - 1]
    assert previous.text.startswith("经 办 人：")  # no empty paragraph between
    assert doc.element.body.findall(".//" + qn("w:br")) == []


def test_the_signature_never_stands_alone_on_a_page(cast):
    """The last paragraph, the attachment note, the unit and the date stay together."""
    reply = sent_reply(cast)
    doc = open_docx(letters.reply_letter(reply))
    body = doc.paragraphs
    last = by_text(doc, "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。")
    date = by_text(doc, "2026年11月26日")
    ps = [p._p for p in body]
    block = body[ps.index(last._p) : ps.index(date._p) + 1]
    texts = [p.text for p in block]
    assert texts == [
        last.text,
        "",
        "附件：代表建议办理情况征询意见表",
        "",
        str(cast.unit_a),
        date.text,
    ]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert last.paragraph_format.keep_together and date.paragraph_format.keep_together
    # The date four characters from the right, the unit centred over it (7.3.5.1).
    unit = block[-2]
    assert date.paragraph_format.right_indent == Pt(64)
    date_width = 4 * 0.5 + 4 * 1 + 2 * 0.5  # 2026 年 11 月 26 日
    offset = 4 + (date_width - len(str(cast.unit_a))) / 2
    assert unit.paragraph_format.right_indent == Pt(16 * offset)


def test_the_attachment_note_wraps_under_the_name(cast):
    doc = layout.new_document()
    layout.attachment_note(doc, ["甲表。", "一份很长很长的附件名称"])
    first, second = [p for p in doc.paragraphs if p.text]
    assert (first.text, second.text) == ("附件：1.甲表", "2.一份很长很长的附件名称")
    # Two characters in; a wrapped line starts under the name's first character.
    # "1." is two half-width characters: one character.
    for p, hanging in ((first, 4), (second, 1)):
        fmt = p.paragraph_format
        assert fmt.left_indent == Pt(16 * 6)
        assert fmt.first_line_indent == Pt(-16 * hanging)


def test_the_document_number_and_the_letterhead(cast):
    reply = sent_reply(cast)
    reply.document_number = "测交函〔2026〕12号"
    reply.save(update_fields=["document_number"])
    plain = open_docx(letters.reply_letter(reply))
    assert (plain.paragraphs[0].text, plain.paragraphs[0].alignment) == (
        "测交函〔2026〕12号",
        WD_ALIGN_PARAGRAPH.RIGHT,
    )
    assert plain.paragraphs[1].text == "A"
    assert not plain.sections[0].different_first_page_header_footer

    doc = open_docx(letters.reply_letter(reply, letterhead=True))
    assert_official_layout(doc)
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    head = section.first_page_header.paragraphs[0]
    assert head.text == str(cast.unit_a) and head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert str(head.runs[0].font.color.rgb) == str(layout.RED)
    assert head.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == layout.TITLE_FONT
    rule = head._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:val")) == "thickThinSmallGap"  # thick over thin
    # 170 mm: 7 mm beyond each side of the 156 mm text block.
    assert round(head.paragraph_format.left_indent.mm) == -7
    foot = section.first_page_footer.paragraphs[0]
    assert "PAGE" not in foot._p.xml  # no page number on page one
    assert foot._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == (
        "thinThickSmallGap"
    )
    assert doc.paragraphs[0].text == "测交函〔2026〕12号"  # under the rule, flush right
    assert_copy_block_at_the_foot(doc, COPIES, rules=False)


def test_the_document_number_is_drafted_with_the_reply(cast):
    s = states.handling(cast)
    states.contact(cast, s)
    reply = workflow.draft_reply(
        s, by=cast.clerk_a, **{**states.REPLY, "document_number": " 测交函〔2026〕7号 "}
    )
    assert reply.document_number == "测交函〔2026〕7号"
    again = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    assert again.document_number == ""


def test_a_between_sessions_number_is_written_one_way(cast):
    with mock.patch("django.utils.timezone.now", return_value=SENT_AT):
        s = states.answered(cast, source="between_sessions")
    doc = open_docx(letters.reply_letter(s.replies.get()))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "第四次会议闭会期间第0001号建议的答复" in text
    assert "（闭会期间第0001号）收悉" in text
    assert "闭第" not in text
    assert s.display_number == "闭会期间第0001号"


# --- rendered -----------------------------------------------------------------------------------

OFFICE, PDFTOTEXT = shutil.which("libreoffice"), shutil.which("pdftotext")
needs_office = pytest.mark.skipif(
    not (OFFICE and PDFTOTEXT), reason="LibreOffice and poppler-utils are not installed"
)


@needs_office
def test_rendered_the_letter_has_28_characters_a_line_and_the_copies_at_the_foot(cast, tmp_path):
    reply = sent_reply(cast)
    reply.text = "\n".join(["经研究，我厅已安排专项资金完成护栏安装，" * 6] * 9)
    reply.save(update_fields=["text"])
    path = tmp_path / "letter.docx"
    path.write_bytes(letters.reply_letter(reply))
    subprocess.run(
        [OFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "letter.pdf"
    pages = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    # Full body lines: 28 characters (the repeated sentence's lines are all Chinese).
    full = [
        line.strip()
        for line in pages[1].splitlines()
        if line.strip()
        and not line.strip().startswith("—")
        and re.fullmatch(r"[^\x00-\x7f]+", line.strip())
    ]
    assert len(full) == 22, full  # a full page: 22 lines
    # Every line that is not a paragraph's first (26 after the indent) or last is 28 long.
    lengths = [len(line) for line in full]
    assert max(lengths) == 28 and lengths.count(28) >= 12, lengths
    # Every page has text (no blank page), the page numbers run on, the copies are last.
    assert all("—" in page for page in pages)
    last = pages[-1].splitlines()
    copy_line = next(i for i, line in enumerate(last) if "抄送" in line)
    assert "代表建议办理情况征询意见表" in pages[-1]
    assert all(not line.strip() or "—" in line for line in last[copy_line + 1 :])
    bbox = subprocess.run(
        [PDFTOTEXT, "-bbox", "-f", str(len(pages)), "-l", str(len(pages)), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    y_max = float(re.search(r'yMax="([\d.]+)">抄送', bbox).group(1))
    bottom_of_block = (297 - 35) / 25.4 * 72
    assert bottom_of_block - 20 < y_max <= bottom_of_block
