"""The Word reply letter (答复函) in the official layout, and who may download it."""

import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from minsheng.lib import letters as layout
from minsheng.people.models import Organisation
from minsheng.suggestions import letters, workflow
from minsheng.suggestions.models import JointOpinion, Reply
from tests import states

pytestmark = pytest.mark.django_db

SENT_AT = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def texts(doc) -> list[str]:
    found = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            found += [cell.text for cell in row.cells]
    return found


def full_text(doc) -> str:
    return "\n".join(texts(doc))


def sent_reply(cast, **kw) -> Reply:
    with mock.patch("django.utils.timezone.now", return_value=SENT_AT):
        s = states.answered(cast, **kw)
    return s.replies.get(round=1, assignment__unit=cast.unit_a)


def draft_reply(cast, **kw) -> Reply:
    s = states.handling(cast, **kw)
    states.contact(cast, s)
    return workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)


def test_title_names_the_congress_session_and_number(cast):
    reply = sent_reply(cast)
    doc = open_docx(letters.reply_letter(reply))
    assert "关于测试省第十四届人民代表大会第四次会议第0001号建议的答复" in texts(doc)


def test_result_category_is_at_the_top_right_of_page_one(cast):
    doc = open_docx(letters.reply_letter(sent_reply(cast, category_code="C")))
    first = doc.paragraphs[0]
    assert first.text == "C"
    assert first.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_letter_is_addressed_to_the_deputy_and_cites_number_and_title(cast):
    reply = sent_reply(cast)
    doc = open_docx(letters.reply_letter(reply))
    name = cast.deputy.display_name
    assert f"{name}代表：" in texts(doc)
    assert "您提出的《关于改善农村公路安全设施的建议》（第0001号）收悉。现答复如下：" in texts(doc)
    assert reply.text in texts(doc)


def test_reply_text_paragraphs_are_indented_two_characters(cast):
    reply = sent_reply(cast)
    doc = open_docx(letters.reply_letter(reply))
    body = next(p for p in doc.paragraphs if p.text == reply.text)
    assert body.paragraph_format.first_line_indent == layout.INDENT
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_signature_block_has_unit_and_chinese_date_right_aligned(cast):
    doc = open_docx(letters.reply_letter(sent_reply(cast)))
    paragraphs = {p.text: p for p in doc.paragraphs}
    assert paragraphs[str(cast.unit_a)].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs["2026年11月26日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_contacts_of_leader_and_case_officer_with_phones(cast):
    text = full_text(open_docx(letters.reply_letter(sent_reply(cast))))
    assert "责任领导：孙立新　　联系电话：0871-1234567" in text
    assert "经 办 人：赵敏　　联系电话：0871-7654321" in text


def test_government_unit_copies_congress_office_and_government_office(cast):
    Organisation.objects.create(
        jurisdiction=cast.jurisdiction,
        name="测试省人大常委会代表人事选举工作委员会",
        kind=Organisation.Kind.CONGRESS_OFFICE,
    )
    text = full_text(open_docx(letters.reply_letter(sent_reply(cast))))
    assert "抄送：测试省人大常委会代表人事选举工作委员会，测试省人民政府办公厅。" in text


def test_court_copies_only_the_congress_office(cast):
    cast.unit_a.kind = Organisation.Kind.COURT
    cast.unit_a.save()
    text = full_text(open_docx(letters.reply_letter(sent_reply(cast))))
    assert "抄送：测试省人大常委会办公厅。" in text
    assert "人民政府办公厅" not in text


def test_b_reply_gives_plan_and_target_date(cast):
    text = full_text(open_docx(letters.reply_letter(sent_reply(cast, category_code="B"))))
    assert "办理计划和措施：分三年实施：第一年完成勘察……" in text
    assert "计划完成时间：2027年12月31日。" in text


def test_lead_reply_states_who_was_consulted_without_pasting_their_opinions(cast):
    reply = sent_reply(cast, joint=True)
    text = full_text(open_docx(letters.reply_letter(reply)))
    assert f"（第0001号）收悉。经商{cast.unit_b}，现答复如下：" in text
    # The opinion was written to the lead unit; its own words are not the deputy's letter.
    assert "同意主办单位意见" not in text and "会办单位意见" not in text


def test_letter_without_joint_units_has_no_opinion_section(cast):
    assert "会办单位意见" not in full_text(open_docx(letters.reply_letter(sent_reply(cast))))


def test_page_is_a4_with_official_margins_and_cjk_fonts(cast):
    doc = open_docx(letters.reply_letter(sent_reply(cast)))
    section = doc.sections[0]
    # Word stores twips, so millimetres come back rounded.
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == layout.BODY_FONT


def test_satisfaction_form_is_enclosed(cast):
    text = full_text(open_docx(letters.reply_letter(sent_reply(cast))))
    assert "附件：代表建议办理情况征询意见表" in text
    assert "代表建议办理情况征询意见表" in text
    assert "□满意　□基本满意　□不满意" in text


def test_draft_letter_is_marked_and_undated(cast):
    doc = open_docx(letters.reply_letter(draft_reply(cast)))
    assert "草稿（未签发）" in doc.sections[0].header.paragraphs[0].text
    assert "　　年　月　日" in texts(doc)


def test_second_round_letter_says_it_was_handled_again(cast):
    s = states.rehandling(cast)
    states.contact(cast, s)
    reply = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    text = full_text(open_docx(letters.reply_letter(reply)))
    assert "及您对前次答复的意见收悉。" in text and "经重新办理" in text
    assert letters.reply_letter_filename(reply).endswith("第2轮）.docx")


def test_between_sessions_number_in_title(cast):
    with mock.patch("django.utils.timezone.now", return_value=SENT_AT):
        s = states.answered(cast, source="between_sessions")
    doc = open_docx(letters.reply_letter(s.replies.get()))
    assert "关于测试省第十四届人民代表大会第四次会议闭会期间第0001号建议的答复" in texts(doc)


def test_joint_opinion_letter(cast):
    s = states.handling(cast, joint=True)
    opinion = workflow.submit_joint_opinion(s, by=cast.clerk_b, text="建议将护栏纳入年度计划。")
    doc = open_docx(letters.joint_opinion_letter(opinion))
    text = full_text(doc)
    assert "关于测试省第十四届人民代表大会第四次会议第0001号建议的会办意见" in text
    assert f"{cast.unit_a}：" in texts(doc)
    assert "建议将护栏纳入年度计划。" in text
    assert f"{timezone.localdate():%Y}年" in text


def test_chinese_numbers():
    assert [letters.chinese_number(n) for n in (1, 4, 10, 14, 20, 21, 100, 105, 110)] == [
        "一",
        "四",
        "十",
        "十四",
        "二十",
        "二十一",
        "一百",
        "一百零五",
        "一百一十",
    ]


# --- the download ------------------------------------------------------------------------------


def url(reply: Reply) -> str:
    return reverse("suggestions:reply_letter", args=[reply.suggestion_id, reply.pk])


def status(client, user, reply) -> int:
    client.force_login(user)
    return client.get(url(reply)).status_code


def test_download_is_a_docx_attachment_with_utf8_filename(client, cast):
    reply = sent_reply(cast)
    client.force_login(cast.deputy)
    response = client.get(url(reply))
    assert response.status_code == 200
    assert response["Content-Type"] == letters.DOCX_MIME
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert "%E7%AC%AC0001%E5%8F%B7" in disposition  # 第0001号
    assert open_docx(response.content).paragraphs[0].text == "A"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("deputy", 200),
        ("staff", 200),
        ("clerk_a", 200),
        ("head_a", 200),
        ("supervisor", 200),
        ("committee", 200),
        ("admin", 200),
        ("clerk_b", 404),
        ("head_b", 404),
        ("outsider", 404),
    ],
)
def test_sent_reply_letter_goes_to_everyone_who_sees_the_suggestion(
    client, cast, persona, expected
):
    assert status(client, getattr(cast, persona), sent_reply(cast)) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk_a", 200),
        ("head_a", 200),
        ("staff", 200),
        ("admin", 200),
        ("deputy", 404),
        ("supervisor", 404),
        ("committee", 404),
        ("clerk_b", 404),
        ("head_b", 404),
        ("outsider", 404),
    ],
)
def test_draft_reply_letter_only_for_its_unit_and_staff(client, cast, persona, expected):
    assert status(client, getattr(cast, persona), draft_reply(cast, joint=True)) == expected


def test_separate_unit_sees_the_other_units_sent_reply_but_not_its_draft(client, cast):
    s = states.handling(cast, separate=True)
    states.contact(cast, s)
    states.contact(cast, s, cast.clerk_b)
    sent = workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    draft = workflow.draft_reply(s, by=cast.clerk_b, **states.REPLY)
    assert status(client, cast.clerk_a, draft) == 404
    workflow.sign_reply(s, by=cast.head_a)
    assert status(client, cast.clerk_b, sent) == 200


def test_cosigner_reads_the_sent_letter(client, cast):
    assert status(client, cast.cosigner, sent_reply(cast, cosign=True)) == 200


def test_reply_of_another_suggestion_is_not_found(client, cast):
    reply = sent_reply(cast)
    other = states.registered(cast, title="关于另一件事的建议")
    client.force_login(cast.staff)
    response = client.get(reverse("suggestions:reply_letter", args=[other.pk, reply.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(url(sent_reply(cast)))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_post_is_not_allowed(client, cast):
    reply = sent_reply(cast)
    client.force_login(cast.staff)
    assert client.post(url(reply)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk_a", 200),
        ("head_a", 200),
        ("clerk_b", 200),
        ("staff", 200),
        ("deputy", 404),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
def test_joint_opinion_letter_for_lead_unit_joint_unit_and_staff(client, cast, persona, expected):
    s = states.handling(cast, joint=True)
    opinion = workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意。")
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("suggestions:joint_opinion_letter", args=[s.pk, opinion.pk]))
    assert response.status_code == expected
    assert JointOpinion.objects.count() == 1
