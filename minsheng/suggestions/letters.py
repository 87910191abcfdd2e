"""Word letters in the official layout (DOMAIN.md §3): the reply letter (答复函) to the deputy and
a joint unit's opinion (会办意见) to the lead unit.

The layout (GB/T 9704: page, fonts, headings, signature block, copy line) is
`minsheng.lib.letters`, shared with the other apps' documents, and it cleans every text it writes
for XML; this module holds the wording. The letter's wording is Chinese by nature (it is an
official document), so it is not translated.
"""

from __future__ import annotations

from django.utils import timezone
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng.lib import letters as layout
from minsheng.lib.letters import (
    DOCX_MIME,
    HEADING_FONT,
    SMALL_SIZE,
    chinese_date,
    chinese_number,
    para,
)
from minsheng.people.models import Jurisdiction, Organisation
from minsheng.suggestions.models import Assignment, JointOpinion, Reply, Suggestion
from minsheng.suggestions.numbers import format_number

__all__ = [
    "DOCX_MIME",
    "chinese_date",
    "chinese_number",
    "consulted_units",
    "joint_opinion_filename",
    "joint_opinion_letter",
    "letter_title",
    "reply_letter",
    "reply_letter_filename",
]

# Units answering for the government copy the government general office (DOMAIN.md §3).
GOVERNMENT_KINDS = (Organisation.Kind.GOVERNMENT, Organisation.Kind.DEPARTMENT)


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
    """第0012号, or 闭会期间第0003号 for the between-sessions series: the one way numbers are
    written everywhere (`suggestions.numbers`), so the title and the opening agree."""
    return format_number(s.series, s.number)


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


# --- who gets copies ---------------------------------------------------------------------------


def congress_office_name(s: Suggestion) -> str:
    return congress_office_for(s.jurisdiction)


def congress_office_for(jurisdiction: Jurisdiction) -> str:
    """The congress body that handles deputies' suggestions: the deputies' affairs committee
    where one exists, else the standing committee's general office."""
    offices = Organisation.objects.filter(
        jurisdiction_id=jurisdiction.pk, kind=Organisation.Kind.CONGRESS_OFFICE, is_active=True
    ).order_by("sort_order", "name")
    names = list(offices.values_list("name", flat=True))
    for wanted in ("代表人事选举", "选举联络", "代表工作", "代表"):
        for name in names:
            if wanted in name:
                return name
    for name in names:
        if name.endswith("办公厅") or name.endswith("办公室"):
            return name
    return f"{jurisdiction.name}人大常委会办公厅"


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


def consulted_units(reply: Reply) -> list[str]:
    """The joint units whose opinions the lead unit's reply states (会办单位): those who sent
    one, in the order they were assigned. Their opinions are not pasted into the letter (they
    are written to the lead unit); the lead's reply text states them, and the opening says
    who was consulted: 经商……，现答复如下."""
    if reply.assignment.mode != Assignment.Mode.LEAD:
        return []
    opinions = (
        JointOpinion.objects.filter(assignment__suggestion_id=reply.suggestion_id)
        .exclude(assignment__state=Assignment.State.CANCELLED)
        .select_related("assignment__unit")
        .order_by("assignment__id")
    )
    return [str(o.assignment.unit) for o in opinions]


def _opening(s: Suggestion, reply: Reply) -> str:
    cited = f"您提出的{_quoted_title(s)}（{s.display_number}）"
    merged = [m.display_number for m in s.merged_suggestions.order_by("number") if m.number]
    together = "该建议与" + "、".join(merged) + "建议并案办理，" if merged else ""
    consulted = "、".join(consulted_units(reply))
    if reply.round > 1:
        again = f"经重新办理并商{consulted}，" if consulted else "经重新办理，"
        return f"{cited}及您对前次答复的意见收悉。{together}{again}现答复如下："
    with_them = f"经商{consulted}，" if consulted else ""
    return f"{cited}收悉。{together}{with_them}现答复如下："


FORM_NAME = "代表建议办理情况征询意见表"


def reply_letter(reply: Reply, *, letterhead: bool = False) -> bytes:
    """The reply letter to the deputy for one unit's reply in one round (答复函), as .docx bytes;
    `letterhead` gives the 函 format (the unit's red letterhead on page one)."""
    reply = Reply.objects.select_related(
        "assignment__unit",
        "suggestion__jurisdiction",
        "suggestion__session__term",
        "suggestion__lead_deputy__user",
    ).get(pk=reply.pk)
    s = reply.suggestion
    unit = reply.assignment.unit
    doc = layout.new_document()
    if reply.state == Reply.State.DRAFT:
        layout.draft_mark(doc)
    if letterhead:
        layout.letterhead(doc, str(unit))
    layout.document_number(doc, reply.document_number)
    # The result category sits at the top right of page one.
    para(doc, reply.category, align=WD_ALIGN_PARAGRAPH.RIGHT, font=HEADING_FONT, bold=True)
    para(doc)
    layout.title(doc, letter_title(s))
    para(doc)
    para(doc, f"{s.lead_deputy}代表：")
    para(doc, _opening(s, reply), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    layout.paragraphs(doc, reply.text)
    if reply.category == Reply.Category.B:
        layout.labelled(doc, "办理计划和措施：", reply.plan)
        if reply.target_date:
            layout.labelled(doc, "计划完成时间：", chinese_date(reply.target_date) + "。")
    para(doc, "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。", indent=True)
    layout.attachment_note(doc, [FORM_NAME])
    sent_on = timezone.localtime(reply.sent_at).date() if reply.sent_at else None
    layout.signature(doc, str(unit), sent_on)
    para(doc)
    para(
        doc,
        f"责任领导：{reply.contact_leader}　　联系电话：{reply.contact_leader_phone}",
        size=SMALL_SIZE,
    )
    para(
        doc,
        f"经 办 人：{reply.case_officer}　　联系电话：{reply.case_officer_phone}",
        size=SMALL_SIZE,
    )
    _feedback_form(doc, s, reply)
    # 版记 last, at the foot of the last page (the enclosure comes before it: GB/T 9704 7.3.7, 7.4).
    layout.copies(doc, copy_to(s, unit), rules=not letterhead)
    return layout.to_bytes(doc)


def _feedback_form(doc: DocxDocument, s: Suggestion, reply: Reply) -> None:
    """The enclosed satisfaction form (征询意见表) the deputy returns, on a page of its own."""
    para(doc, "附件", font=HEADING_FONT, page_break_before=True)
    para(doc)
    layout.title(doc, FORM_NAME)
    para(doc)
    layout.two_column_table(
        doc,
        [
            ("建议编号", s.display_number),
            ("建议标题", s.title),
            ("领衔代表", str(s.lead_deputy)),
            ("承办单位", str(reply.assignment.unit)),
            ("答复类别", reply.category),
            ("沟通联系方式", "□当面　□电话　□信函　□实地调研　□座谈会　□其他"),
            ("办理过程评价", "□满意　□基本满意　□不满意"),
            ("办理结果评价", "□满意　□基本满意　□不满意"),
            ("意见和建议", "\n\n"),
            ("代表签名", "\n　　　　　　　　　　年　　月　　日"),
        ],
    )
    para(
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
    doc = layout.new_document()
    para(doc)
    layout.title(doc, letter_title(s, "会办意见"))
    para(doc)
    para(doc, f"{lead.unit if lead else '主办单位'}：")
    para(
        doc,
        f"{s.lead_deputy}代表提出的{_quoted_title(s)}（{s.display_number}）收悉。"
        "经研究，现将我单位会办意见函告如下：",
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    layout.paragraphs(doc, opinion.text)
    para(doc, "请在答复代表时一并研究吸纳。", indent=True)
    layout.signature(doc, str(a.unit), timezone.localtime(opinion.submitted_at).date())
    para(doc)
    person = opinion.submitted_by
    phone = f"　　联系电话：{person.phone}" if person.phone else ""
    para(doc, f"联 系 人：{person.display_name}{phone}", size=SMALL_SIZE)
    layout.copies(doc, [congress_office_name(s)])
    return layout.to_bytes(doc)
