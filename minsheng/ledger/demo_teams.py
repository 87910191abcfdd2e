"""Demo supervision teams: two teams inspecting some of the year's practical-matter projects,
with findings that became rectifications in every state (to rectify, due soon, overdue,
reported and waiting for the leader, sent back, closed)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from minsheng.ledger import workflow_teams as wt
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import Team
from minsheng.people.demo import DemoContext
from minsheng.people.models import Organisation, Role, User

D = datetime.timedelta


def _clerk_of(unit: Organisation) -> User | None:
    role = (
        Role.objects.filter(
            organisation=unit, kind__in=[Role.Kind.CLERK, Role.Kind.HEAD], is_active=True
        )
        .select_related("user")
        .order_by("kind", "pk")
        .first()
    )
    return role.user if role else None


def _projects(ctx: DemoContext, unit_names: list[str]) -> list[LedgerItem]:
    return list(
        LedgerItem.objects.filter(
            jurisdiction=ctx.province,
            kind=LedgerItem.Kind.PRACTICAL,
            parent__isnull=False,
            state=LedgerItem.State.ACTIVE,
            responsible_unit__name__in=unit_names,
        ).order_by("pk")
    )


def build(ctx: DemoContext) -> None:
    j = ctx.province
    if Team.objects.filter(jurisdiction=j).exists():
        return
    cast = ctx.cast
    staff = cast["staff"]
    today = timezone.localdate()
    first_items = _projects(ctx, ["省交通运输厅", "省民政厅"])[:4]
    second_items = _projects(ctx, ["省教育厅", "省住房和城乡建设厅"])[:3]
    if not first_items or not second_items:
        return
    first = wt.create_team(
        by=staff,
        jurisdiction_id=j.pk,
        name="省人大常委会民生实事第一督查组",
        year=first_items[0].year,
        leader=cast["supervisor"],
        members=[cast["committee"], cast["deputy"]],
        items=first_items,
    )
    second = wt.create_team(
        by=staff,
        jurisdiction_id=j.pk,
        name="省人大常委会民生实事第二督查组",
        year=second_items[0].year,
        leader=cast["committee"],
        members=[cast["cosigner"], staff],
        items=second_items,
    )
    # (team, item, days ago, findings: (problem, due in days from today, what happens))
    plan = [
        (
            first,
            first_items[0],
            60,
            [
                ("部分路段未按设计标准铺设排水沟，雨季存在积水隐患。", -20, "overdue"),
                ("施工台账记录不完整，缺少隐蔽工程验收记录。", -30, "closed"),
            ],
        ),
        (
            first,
            first_items[1 % len(first_items)],
            25,
            [
                ("危桥改造公示牌信息未及时更新。", 3, "open"),
                ("群众反映施工期间临时便道照明不足。", 20, "reported"),
            ],
        ),
        (
            second,
            second_items[0],
            40,
            [
                ("新建校舍消防通道被建材占用。", 10, "reopened"),
                ("项目资金拨付进度慢于计划。", 30, "open"),
            ],
        ),
    ]
    for team, item, ago, findings in plan:
        on = today - D(days=ago)
        rows = [
            wt.Finding(problem, item.responsible_unit, today + D(days=due), "项目负责人")
            for problem, due, _fate in findings
            if item.responsible_unit is not None
        ]
        inspection = wt.record_inspection(
            team,
            by=team.leader,
            item=item,
            on=on,
            place=item.location or "项目现场",
            participants=f"{team.name}成员、{item.responsible_unit}有关负责同志",
            notes="实地查看项目进展，听取责任单位汇报，随机走访群众。",
            findings=rows,
        )
        rects = list(inspection.rectifications.order_by("pk"))
        for rect, (_problem, _due, fate) in zip(rects, findings, strict=False):
            _play(rect, fate, team.leader, on, today)
    ctx.log.append(f"supervision teams: 2 teams, {len(plan)} inspections")


def _play(rect, fate: str, leader: User, on: datetime.date, today: datetime.date) -> None:
    clerk = _clerk_of(rect.owner_unit)
    if fate in ("open", "overdue") or clerk is None:
        return
    fixed_on = min(on + D(days=7), today)
    wt.report(rect, by=clerk, on=fixed_on, report="已完成整改，整改前后照片及验收记录已上传。")
    if fate == "closed":
        wt.close(rect, by=leader, note="经现场复核，整改到位，同意销号。")
    elif fate == "reopened":
        wt.reopen(rect, by=leader, reason="复查发现通道仍有部分堆放物，请彻底清理并建立长效机制。")
