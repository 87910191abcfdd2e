"""Demo supervision: key topics decided by the chair's council with supervisors of every tier,
records and instructions (one answered, one open, one overdue), a proposal waiting for the
council, a unit's internal key item and a committee's counterpart supervision."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from minsheng.people.demo import DEMO_PASSWORD, DemoContext
from minsheng.people.models import Organisation, Role, User
from minsheng.suggestions.models import Assignment, Suggestion
from minsheng.supervision import workflow
from minsheng.supervision.models import KeyItem, Record, Tier

LEADERS = (
    ("leader1", "王立民", 1, "省委副书记、省长"),
    ("leader3", "刘卫东", 3, "副省长"),
    ("leader5", "陈静宜", 5, "省人大常委会委员"),
)


def _leaders(ctx: DemoContext) -> dict[int, User]:
    password = make_password(DEMO_PASSWORD)
    found = {}
    for username, name, tier, title in LEADERS:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"real_name": name, "jurisdiction": ctx.province, "password": password},
        )
        Role.objects.get_or_create(
            user=user,
            kind=Role.Kind.SUPERVISOR,
            jurisdiction=ctx.province,
            defaults={"supervisor_tier": tier, "title": title},
        )
        found[tier] = user
    return found


def _handled_by(unit: Organisation, n: int) -> list[Suggestion]:
    lead = Assignment.objects.filter(unit=unit, mode=Assignment.Mode.LEAD).exclude(
        state="cancelled"
    )
    return list(
        Suggestion.objects.filter(
            pk__in=lead.values("suggestion_id"),
            state__in=Suggestion.IN_HANDLING,
            is_confidential=False,
        ).order_by("reply_due", "pk")[:n]
    )


def build(ctx: DemoContext) -> None:
    j = ctx.province
    if KeyItem.objects.filter(jurisdiction=j).exists():
        return
    cast = ctx.cast
    staff = cast["staff"]
    today = timezone.localdate()
    tiers = {t.number: t for t in Tier.objects.all()}
    leaders = _leaders(ctx)
    org = {o.name: o for o in Organisation.objects.filter(jurisdiction=j)}
    transport, education = org["省交通运输厅"], org["省教育厅"]

    roads = _handled_by(transport, 4)
    schools = _handled_by(education, 3)
    if not roads or not schools:
        return
    year = today.year
    topic = workflow.propose(
        by=staff,
        jurisdiction_id=j.pk,
        title="农村公路建设与养护",
        year=year,
        description="代表们集中反映农村公路窄、断头路多、养护资金不足。主任会议确定为重点督办专题。",
        lead_unit=transport,
        suggestions=roads,
        is_complex=True,
    )
    topic = workflow.decide(
        topic,
        by=staff,
        decided_on=today - datetime.timedelta(days=40),
        decision_number=f"常办字〔{year}〕12号",
    )
    duties = {
        1: "lead",
        2: "supervise",
        3: "lead_handling",
        4: "supervise",
        5: "supervise",
        6: "take_part",
        7: "supervise",
    }
    people: dict[int, Any] = {
        1: leaders[1],
        2: cast["supervisor"],
        3: leaders[3],
        4: cast["committee"],
        5: leaders[5],
        6: cast["deputy"],
        7: cast["head"],
    }
    for number, user in people.items():
        workflow.add_supervisor(topic, by=staff, user=user, tier=tiers[number], duty=duties[number])
    workflow.supervise(
        topic,
        by=cast["supervisor"],
        kind=Record.Kind.VISIT,
        happened_on=today - datetime.timedelta(days=30),
        participants="郑宏、刘卫东、孙立新及省交通运输厅相关处室",
        notes="实地察看青川市两条断头路，听取省交通运输厅办理情况汇报，要求年内完成打通方案。",
        unit=transport,
        suggestion=roads[0],
    )
    answered = workflow.instruct(
        topic,
        by=leaders[3],
        unit=transport,
        text="请省交通运输厅一周内报送断头路打通计划。",
        on=today - datetime.timedelta(days=25),
        suggestion=roads[0],
    )
    workflow.respond(
        answered, by=cast["clerk"], response="已报送断头路打通计划，明确年内完成3条、明年完成5条。"
    )
    workflow.supervise(
        topic,
        by=staff,
        kind=Record.Kind.REMINDER,
        channel=Record.Channel.PHONE,
        happened_on=today - datetime.timedelta(days=6),
        participants="周晓梅、赵敏",
        notes="电话催办，提醒在答复前与领衔代表当面沟通。",
        unit=transport,
    )
    workflow.instruct(
        topic,
        by=cast["supervisor"],
        unit=transport,
        text="请对养护资金缺口作专题说明，并提出多渠道筹资方案。",
        is_complex=True,
        on=today - datetime.timedelta(days=3),
    )

    schools_topic = workflow.propose(
        by=staff,
        jurisdiction_id=j.pk,
        title="义务教育优质均衡发展",
        year=year,
        description="围绕县域义务教育优质均衡、教师队伍建设的建议。",
        lead_unit=education,
        suggestions=schools,
    )
    schools_topic = workflow.decide(
        schools_topic,
        by=staff,
        decided_on=today - datetime.timedelta(days=35),
        decision_number=f"常办字〔{year}〕12号",
    )
    for number, user in ((2, cast["supervisor"]), (5, leaders[5]), (6, cast["deputy"])):
        workflow.add_supervisor(
            schools_topic, by=staff, user=user, tier=tiers[number], duty=duties[number]
        )
    # Given a fortnight ago and not answered: red on the warning board.
    workflow.instruct(
        schools_topic,
        by=cast["supervisor"],
        unit=education,
        text="请省教育厅说明乡村教师周转宿舍建设进度。",
        on=today - datetime.timedelta(days=14),
    )

    more = _handled_by(transport, 8)[4:6]
    if more:
        workflow.propose(
            by=staff,
            jurisdiction_id=j.pk,
            title="城乡客运一体化",
            year=year,
            description="待主任会议研究。",
            lead_unit=transport,
            suggestions=more,
        )
    workflow.propose(
        by=cast["head"],
        jurisdiction_id=j.pk,
        title="本厅内部督办：建议答复质量提升",
        year=year,
        kind=KeyItem.Kind.INTERNAL,
        owner_unit=transport,
        description="厅领导每周听取建议办理进度。",
    )
    # A special committee's counterpart supervision on a suggestion outside the key items.
    committee = cast["committee"]
    counterparts = Organisation.objects.filter(
        counterpart_committee__in=Role.objects.filter(user=committee).values("organisation")
    )
    active = Assignment.objects.filter(unit__in=counterparts).exclude(state="cancelled")
    target = (
        Suggestion.objects.filter(
            state__in=Suggestion.IN_HANDLING,
            is_confidential=False,
            pk__in=active.values("suggestion_id"),
        )
        .exclude(key_memberships__isnull=False)
        .order_by("reply_due", "pk")
        .first()
    )
    if target is not None:
        workflow.supervise(
            target,
            by=committee,
            kind=Record.Kind.INQUIRY,
            happened_on=today - datetime.timedelta(days=2),
            participants="何静",
            notes="当面询问办理进度，请承办单位在答复前与代表沟通。",
        )
    ctx.log.append(
        f"{j.name}: {KeyItem.objects.filter(jurisdiction=j).count()} key items with supervisors "
        "of every tier, records and instructions"
    )
