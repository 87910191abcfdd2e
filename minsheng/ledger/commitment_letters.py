"""The second reply's letter (二次答复) in the layout of the first reply letter (DOMAIN.md §3):
the result category at the top right, the title citing the suggestion's number, addressed to the
deputy, the opening citing the first reply and its promise, the text, the unit's signature and
date, the responsible leader and the case officer with their phones, the copies, and the
enclosed satisfaction form. The page layout is `minsheng.lib.letters`; the phrases shared with
the first letter come from `minsheng.suggestions.letters`. Chinese by nature (an official
document), so not translated."""

from __future__ import annotations

from django.utils import timezone
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng.ledger.models import FollowUpReply
from minsheng.lib import letters as layout
from minsheng.lib.letters import HEADING_FONT, SMALL_SIZE, chinese_date, para
from minsheng.suggestions import letters as first

KIND = "二次答复"
RESULT: dict[str, str] = {
    FollowUpReply.Category.A: "问题已解决或基本解决",
    FollowUpReply.Category.C: "因条件限制暂时无法解决",
}
METHODS = {
    "face_to_face": "当面",
    "phone": "电话",
    "letter": "信函",
    "site_visit": "实地调研",
    "meeting": "座谈会",
    "online": "网络",
}


def filename(row: FollowUpReply) -> str:
    s = row.item.source_suggestion
    number = s.display_number if s is not None else "未编号"
    extra = f"，第{row.round}次" if row.round > 1 else ""
    return f"{number}建议的二次答复（{row.item.responsible_unit}{extra}）.docx"


def follow_up_letter(row: FollowUpReply) -> bytes:
    """The second reply to the deputy, as .docx bytes (a draft is marked as one)."""
    row = FollowUpReply.objects.select_related(
        "item__responsible_unit",
        "item__source_reply",
        "item__source_suggestion__jurisdiction",
        "item__source_suggestion__session__term",
        "item__source_suggestion__lead_deputy__user",
    ).get(pk=row.pk)
    item, reply = row.item, row.item.source_reply
    s = item.source_suggestion
    assert s is not None and reply is not None and item.responsible_unit is not None
    unit = item.responsible_unit
    doc = layout.new_document()
    if row.state == FollowUpReply.State.DRAFT:
        layout.draft_mark(doc)
    layout.document_number(doc, row.document_number)
    para(doc, row.category, align=WD_ALIGN_PARAGRAPH.RIGHT, font=HEADING_FONT, bold=True)
    para(doc)
    layout.title(doc, first.letter_title(s, KIND))
    para(doc)
    para(doc, f"{s.lead_deputy}代表：")
    first_sent = chinese_date(timezone.localtime(reply.sent_at).date()) if reply.sent_at else ""
    target = chinese_date(reply.target_date) if reply.target_date else "计划时间"
    para(
        doc,
        f"您提出的《{s.title.strip().strip('《》')}》（{s.display_number}），我单位已于"
        f"{first_sent}答复，承诺于{target}前解决。现将办理结果答复如下：",
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    layout.paragraphs(doc, row.text)
    layout.labelled(doc, "原答复承诺：", reply.plan)
    layout.labelled(doc, "办理结果：", RESULT.get(row.category, "") + "。")
    method = METHODS.get(row.contact_method, row.contact_method)
    layout.labelled(
        doc, "沟通联系：", f"已于{chinese_date(row.contacted_on)}以{method}方式与您沟通。"
    )
    para(doc, "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。", indent=True)
    layout.attachment_note(doc, [first.FORM_NAME])
    sent_on = timezone.localtime(row.sent_at).date() if row.sent_at else None
    layout.signature(doc, str(unit), sent_on)
    para(doc)
    para(
        doc,
        f"责任领导：{row.contact_leader}　　联系电话：{row.contact_leader_phone}",
        size=SMALL_SIZE,
    )
    para(
        doc, f"经 办 人：{row.case_officer}　　联系电话：{row.case_officer_phone}", size=SMALL_SIZE
    )
    _feedback_form(doc, row)
    # 版记 last, at the foot of the last page, after the enclosure (GB/T 9704 7.3.7, 7.4).
    layout.copies(doc, first.copy_to(s, unit))
    return layout.to_bytes(doc)


def _feedback_form(doc: DocxDocument, row: FollowUpReply) -> None:
    s = row.item.source_suggestion
    assert s is not None
    # The enclosure starts its page from its first paragraph: no empty paragraph holding a
    # break, which left a blank page when the letter ended at the foot of a page.
    para(doc, "附件", font=HEADING_FONT, page_break_before=True)
    para(doc)
    layout.title(doc, first.FORM_NAME)
    para(doc)
    layout.two_column_table(
        doc,
        [
            ("建议编号", s.display_number),
            ("建议标题", s.title),
            ("领衔代表", str(s.lead_deputy)),
            ("承办单位", str(row.item.responsible_unit)),
            ("答复类别", f"二次答复 {row.category}"),
            ("办理结果评价", "□满意　□基本满意　□不满意"),
            ("意见和建议", "\n\n"),
            ("代表签名", "\n　　　　　　　　　　年　　月　　日"),
        ],
    )
