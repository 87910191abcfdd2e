"""The default template of an evaluation campaign: the 14 working steps a congress goes
through ("通过14个具体工作步骤", DOMAIN.md §6). Data, loaded once per congress into
`StepTemplate` rows that staff then edit, reorder or remove in the admin; a campaign copies
the rows it is created from, and its own steps are edited on the campaign page.

Each step: code (the opinions step is found by its code), title and description (stored in
Chinese like every name of the congress's own records), the kind of organisation that owns it
(the congress's first active one of that kind), and its planned start and length in days
from the campaign's start."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from minsheng.evaluation.models_campaign import OPINIONS_STEP, StepTemplate
from minsheng.people.models import Jurisdiction, Organisation

K = Organisation.Kind


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    description: str
    owner_kind: str
    offset_days: int
    duration_days: int


DEFAULT_STEPS: tuple[Step, ...] = (
    Step(
        "plan",
        "制定评估工作方案",
        "明确评估范围、评价办法、时间安排和分工。",
        K.CONGRESS_OFFICE,
        0,
        10,
    ),
    Step(
        OPINIONS_STEP,
        "征求代表意见",
        "向本年度收到答复的代表发送征求意见表，汇总代表对办理工作和沟通联系的评价。",
        K.CONGRESS_OFFICE,
        10,
        30,
    ),
    Step(
        "self_assessment",
        "承办单位自评",
        "各承办单位对照评价办法总结办理工作并提交自评报告。",
        K.GOVERNMENT,
        10,
        30,
    ),
    Step(
        "committee_assessment",
        "专门委员会评估",
        "各专门委员会对口评估承办单位的办理工作。",
        K.SPECIAL_COMMITTEE,
        40,
        20,
    ),
    Step(
        "office_review",
        "办事机构审核",
        "常委会办事机构审核自评报告、代表意见和专委会评估意见。",
        K.CONGRESS_OFFICE,
        60,
        10,
    ),
    Step("scoring", "综合评分", "按评价办法计算各承办单位得分并排名。", K.CONGRESS_OFFICE, 70, 10),
    Step(
        "feedback",
        "向承办单位反馈",
        "将评估结果和存在问题反馈各承办单位。",
        K.CONGRESS_OFFICE,
        80,
        7,
    ),
    Step("chair_council", "报告主任会议", "向主任会议报告评估情况。", K.CONGRESS_OFFICE, 87, 7),
    Step(
        "standing_committee",
        "报告常委会并审议",
        "向常委会会议报告代表建议办理情况，常委会审议。",
        K.STANDING_COMMITTEE,
        94,
        14,
    ),
    Step(
        "satisfaction",
        "满意度测评",
        "常委会组成人员对承办单位办理工作进行满意度测评。",
        K.STANDING_COMMITTEE,
        108,
        10,
    ),
    Step(
        "publication",
        "公开评估结果和答复",
        "向社会公开评估结果和承办单位的答复。",
        K.CONGRESS_OFFICE,
        118,
        10,
    ),
    Step(
        "press_conference",
        "召开新闻发布会",
        "通报代表建议办理和评估情况。",
        K.CONGRESS_OFFICE,
        128,
        7,
    ),
    Step(
        "rectification",
        "督促整改",
        "督促评估中发现问题的承办单位整改落实。",
        K.CONGRESS_OFFICE,
        135,
        30,
    ),
    Step("archive", "资料归档", "评估材料整理归档。", K.CONGRESS_OFFICE, 165, 10),
)


def owner_for(jurisdiction_id: int, kind: str) -> Organisation | None:
    return (
        Organisation.objects.filter(jurisdiction_id=jurisdiction_id, kind=kind, is_active=True)
        .order_by("sort_order", "name")
        .first()
    )


def load_default(jurisdiction: Jurisdiction) -> int:
    """Write the default template for a congress that has none (idempotent); the number of
    rows written."""
    with transaction.atomic():
        if StepTemplate.objects.filter(jurisdiction=jurisdiction).exists():
            return 0
        owners = {
            kind: owner_for(jurisdiction.pk, kind) for kind in {s.owner_kind for s in DEFAULT_STEPS}
        }
        StepTemplate.objects.bulk_create(
            StepTemplate(
                jurisdiction=jurisdiction,
                position=index,
                code=step.code,
                title=step.title,
                description=step.description,
                owner_organisation=owners[step.owner_kind],
                offset_days=step.offset_days,
                duration_days=step.duration_days,
            )
            for index, step in enumerate(DEFAULT_STEPS, start=1)
        )
    return len(DEFAULT_STEPS)


def template_for(jurisdiction: Jurisdiction) -> list[StepTemplate]:
    load_default(jurisdiction)
    return list(StepTemplate.objects.filter(jurisdiction=jurisdiction).order_by("position", "pk"))
