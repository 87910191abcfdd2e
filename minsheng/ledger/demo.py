"""Demo ledger: a year of 30 practical-matter projects under the year's list (民生实事), with
milestones and progress (most on track, some lagging, some done, one stopped), items of the
four duties modelled on the kinds the seed names, and change requests (one approved, one
waiting)."""

from __future__ import annotations

import datetime
import decimal

from django.utils import timezone

from minsheng.ledger import workflow
from minsheng.ledger.models import LedgerItem
from minsheng.people.demo import DemoContext
from minsheng.people.models import Jurisdiction, Organisation, Role, User

# (title, unit, budget in 10,000 yuan, location)
PROJECTS = [
    ("新建和改扩建城乡社区养老服务中心100个", "民政厅", 12000, "全省"),
    ("为10万名困难失能老年人提供居家照护服务", "民政厅", 3500, "全省"),
    ("新建改建农村公路2000公里", "交通运输厅", 86000, "全省农村地区"),
    ("完成农村公路危桥改造200座", "交通运输厅", 24000, "全省"),
    ("新建中小学校舍50所", "教育厅", 45000, "各市县"),
    ("新增公办幼儿园学位2万个", "教育厅", 18000, "各市县"),
    ("为农村义务教育学生提供营养改善午餐", "教育厅", 9800, "全省农村学校"),
    ("建设县域医共体远程会诊中心30个", "卫生健康委员会", 6000, "30个县"),
    ("开展适龄妇女“两癌”免费筛查20万人", "卫生健康委员会", 2400, "全省"),
    ("为65岁以上老年人免费体检100万人次", "卫生健康委员会", 5200, "全省"),
    ("改造城镇老旧小区300个", "住房和城乡建设厅", 60000, "各设区市"),
    ("新增城市公共停车泊位1万个", "住房和城乡建设厅", 15000, "各设区市"),
    ("实施农村饮水安全巩固提升工程", "水利厅", 32000, "全省农村地区"),
    ("完成中小河流治理300公里", "水利厅", 28000, "重点流域"),
    ("新增城镇就业岗位5万个", "人力资源和社会保障厅", 3000, "全省"),
    ("开展职业技能培训10万人次", "人力资源和社会保障厅", 4500, "全省"),
    ("建设农贸市场标准化改造项目100个", "商务厅", 8000, "各市县"),
    ("建设城乡一体化智慧便民服务点500个", "商务厅", 2500, "全省"),
    ("实施食品安全“守护”行动", "市场监督管理局", 1500, "全省"),
    ("新建全民健身中心20个", "体育局", 12000, "20个县"),
    ("新建社区健身步道500公里", "体育局", 3000, "各市县"),
    ("推进城乡公共文化服务阵地提档升级", "文化和旅游厅", 5000, "全省"),
    ("为退役军人提供就业创业服务1万人次", "退役军人事务厅", 800, "全省"),
    ("建设应急避难场所100处", "应急管理厅", 9000, "各设区市"),
    ("推进医疗保障经办服务“一站式”办理", "医疗保障局", 1200, "全省"),
    ("实施农村人居环境整治提升村庄1000个", "农业农村厅", 40000, "全省农村地区"),
    ("建设高标准农田50万亩", "农业农村厅", 75000, "粮食主产区"),
    ("新增造林绿化面积30万亩", "林业和草原局", 20000, "全省"),
    ("完成城镇生活污水处理设施提标改造50座", "生态环境厅", 26000, "各市县"),
    ("推进政务服务“跨省通办”事项扩面", "发展和改革委员会", 600, "全省"),
]

# (kind, title, unit, pace, description)
DUTIES = [
    (
        LedgerItem.Kind.LEGISLATION,
        "《江岭省养老服务条例》起草",
        "民政厅",
        LedgerItem.Pace.YEAR,
        "列入年度立法计划的正式项目：开展立法调研，形成草案，提请常委会会议审议。",
    ),
    (
        LedgerItem.Kind.LEGISLATION,
        "农村公路管理立法调研",
        "交通运输厅",
        LedgerItem.Pace.COMPLEX,
        "调研农村公路建设、管理和养护中的突出问题，形成立法调研报告。",
    ),
    (
        LedgerItem.Kind.INSPECTION,
        "《中华人民共和国义务教育法》执法检查",
        "教育厅",
        LedgerItem.Pace.YEAR,
        "常委会组成人员带队赴各市检查法律实施情况，形成执法检查报告。",
    ),
    (
        LedgerItem.Kind.INVESTIGATION,
        "基层医疗卫生服务能力建设专题调研",
        "卫生健康委员会",
        LedgerItem.Pace.COMPLEX,
        "听取专项工作报告前开展专题调研，提出意见建议。",
    ),
    (
        LedgerItem.Kind.DECISION,
        "关于加强城乡社区养老服务的决定",
        "民政厅",
        LedgerItem.Pace.YEAR,
        "常委会就养老服务作出决定，跟踪决定贯彻落实情况。",
    ),
    (
        LedgerItem.Kind.APPOINTMENT,
        "拟任命人员任前调研",
        "",
        LedgerItem.Pace.ORDINARY,
        "对提请任命的人员开展任前调研、法律知识考试和供职发言安排。",
    ),
    (
        LedgerItem.Kind.APPOINTMENT,
        "任命人员履职情况监督（年度述职评议）",
        "",
        LedgerItem.Pace.YEAR,
        "组织部分由常委会任命的人员向常委会书面述职，开展满意度测评。",
    ),
]

LEADERS = ["王立民", "刘卫东", "陈静宜", "张海峰", "李文华"]
PERSONS = ["王强", "刘芳", "陈刚", "杨丽", "赵磊", "黄敏", "周军", "吴婷"]


def _plan(start: datetime.date, end: datetime.date) -> str:
    span = (end - start).days
    steps = [
        ("制定实施方案", 10, 0.15),
        ("完成前期手续", 20, 0.35),
        ("主体建设过半", 30, 0.6),
        ("全面完工", 25, 0.85),
        ("验收评估", 15, 1.0),
    ]
    lines = []
    for title, weight, share in steps:
        due = start + datetime.timedelta(days=round(span * share))
        lines.append(f"{due.isoformat()} | {title} | {weight}")
    return "\n".join(lines)


def _owner(ctx: DemoContext) -> User:
    return ctx.cast["staff"]


def _report_along(
    item: LedgerItem, by: User, today: datetime.date, behind: bool, finish: bool = False
) -> None:
    """Report each milestone that is due before today (all but one for a lagging item, every
    one for an item finished early)."""
    milestones = list(item.milestones.order_by("position"))
    due = milestones if finish else [m for m in milestones if m.due <= today]
    if behind and due:
        due = due[:-1]
    percent = 0
    for m in due:
        percent = min(percent + m.weight, 100)
        on = min(m.due, today)
        workflow.report(
            item,
            by=by,
            on=on,
            percent=percent,
            narrative=f"完成“{m.title}”。{_NARRATIVES[percent % len(_NARRATIVES)]}",
            milestones_done=[m],
        )
    if not behind and due and len(due) < len(milestones):
        nxt = milestones[len(due)]
        extra = nxt.weight // 2
        if extra:
            workflow.report(
                item,
                by=by,
                on=today,
                percent=min(percent + extra, 99),
                narrative=f"“{nxt.title}”正在推进，已完成约一半。",
            )


_NARRATIVES = [
    "资金已拨付到位，施工有序推进。",
    "组织现场督导，问题已整改。",
    "已召开推进会，明确时间节点。",
    "第三方评估进场，群众反映良好。",
    "代表视察后提出的意见已落实。",
]


def build(ctx: DemoContext) -> None:
    from minsheng.ledger import demo_vote

    demo_vote.build(ctx)
    j = ctx.province
    if LedgerItem.objects.filter(jurisdiction=j).exists():
        return
    today = timezone.localdate()
    rng = ctx.rng
    staff = _owner(ctx)
    org = {o.name: o for o in Organisation.objects.filter(jurisdiction=j)}
    clerks = _unit_people(j)
    start = today - datetime.timedelta(days=320)
    end = start + datetime.timedelta(days=340)
    year = start.year
    parent = workflow.create_item(
        by=staff,
        jurisdiction_id=j.pk,
        kind=LedgerItem.Kind.PRACTICAL,
        title=f"{year}年省政府民生实事",
        description="省人民代表大会票决确定的年度民生实事项目，由省政府组织实施，省人大常委会监督。",
        year=year,
        source=LedgerItem.Source.VOTE,
        source_note=f"省第十四届人民代表大会第{year - 2023}次会议票决",
        starts_on=start,
        ends_on=end,
        lead_leader="王立民",
        owner=staff,
    )
    for n, (title, unit_name, budget, place) in enumerate(PROJECTS):
        unit = org.get(f"省{unit_name}")
        item = workflow.create_item(
            by=staff,
            jurisdiction_id=j.pk,
            parent=parent,
            kind=LedgerItem.Kind.PRACTICAL,
            title=title,
            year=year,
            source=LedgerItem.Source.VOTE,
            starts_on=start,
            ends_on=end,
            responsible_unit=unit,
            responsible_person=PERSONS[n % len(PERSONS)],
            lead_leader="王立民",
            leader_in_charge=LEADERS[1 + n % (len(LEADERS) - 1)],
            budget=decimal.Decimal(budget),
            location=place,
            weight=1 + rng.randrange(3),
            milestones=_plan(start, end),
        )
        by = clerks.get(unit.pk if unit else 0, staff)
        if n == 7:
            workflow.stop(item, by=staff, note="项目并入县域医共体建设统一推进，本年度不再单列。")
            continue
        _report_along(item, by, today, behind=n % 6 == 2, finish=n % 5 == 4)
    _duties(ctx, org, clerks, start, end, year)
    _changes(ctx, parent, clerks)


def _duties(
    ctx: DemoContext,
    org: dict[str, Organisation],
    clerks: dict[int, User],
    start: datetime.date,
    end: datetime.date,
    year: int,
) -> None:
    staff = _owner(ctx)
    today = timezone.localdate()
    for n, (kind, title, unit_name, pace, description) in enumerate(DUTIES):
        unit = org.get(f"省{unit_name}") if unit_name else None
        item_start = start if pace == LedgerItem.Pace.YEAR else today - datetime.timedelta(days=5)
        item = workflow.create_item(
            by=staff,
            jurisdiction_id=ctx.province.pk,
            kind=kind,
            title=title,
            description=description,
            year=year if pace == LedgerItem.Pace.YEAR else item_start.year,
            source=LedgerItem.Source.PLAN,
            source_note="省人大常委会年度工作要点",
            starts_on=item_start,
            ends_on=end if pace == LedgerItem.Pace.YEAR else None,
            pace=pace,
            responsible_unit=unit,
            responsible_person=PERSONS[(n + 3) % len(PERSONS)] if unit else "",
            lead_leader=LEADERS[(n + 2) % len(LEADERS)],
            leader_in_charge=LEADERS[(n + 1) % len(LEADERS)],
            milestones=_plan(start, end) if pace == LedgerItem.Pace.YEAR else "",
        )
        if pace == LedgerItem.Pace.YEAR:
            _report_along(item, clerks.get(unit.pk if unit else 0, staff), today, behind=n == 2)


def _changes(ctx: DemoContext, parent: LedgerItem, clerks: dict[int, User]) -> None:
    """One change approved (a later planned end, with the before and after in the history) and
    one waiting for the owner."""
    staff = _owner(ctx)
    rows = list(parent.children.filter(state="active", progress__lt=100).order_by("pk")[:2])
    if len(rows) < 2:
        return
    first, second = rows
    by = clerks.get(first.responsible_unit_id or 0, staff)
    assert first.ends_on is not None
    workflow.request_change(
        first,
        by=by,
        reason="受雨季影响，部分工程延后开工，申请将计划完成时间顺延十五天。",
        ends_on=first.ends_on + datetime.timedelta(days=15),
    )
    workflow.approve_change(first, by=staff, note="同意顺延，请加快后续进度。")
    by = clerks.get(second.responsible_unit_id or 0, staff)
    workflow.request_change(
        second,
        by=by,
        reason="根据代表意见，增加协办单位并调整责任人。",
        responsible_person="李建华",
        co_units=list(
            Organisation.objects.filter(jurisdiction_id=second.jurisdiction_id, name="省财政厅")
        ),
    )


def _unit_people(j: Jurisdiction) -> dict[int, User]:
    """A clerk per unit to report progress (the demo's clerks where they exist)."""
    found: dict[int, User] = {}
    for role in Role.objects.filter(
        jurisdiction=j, kind__in=[Role.Kind.CLERK, Role.Kind.HEAD], is_active=True
    ).select_related("user"):
        if role.organisation_id is not None:
            found.setdefault(role.organisation_id, role.user)
    return found
