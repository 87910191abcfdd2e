"""Demo data for the people app: a fictional province, its bodies, units, deputies and the
demo cast. Deterministic for a seed and idempotent (every row is found by a natural key)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from minsheng.people.models import (
    Deputy,
    Jurisdiction,
    Organisation,
    Role,
    Session,
    Term,
    User,
)

DEMO_PASSWORD = "minsheng-demo"  # noqa: S105 - the published demo password

SIZES = {"small": 40, "province": 400, "large": 400}
CITY_DEPUTIES = {"small": 0, "province": 0, "large": 150}

K = Organisation.Kind

SPECIAL_COMMITTEES = [
    "法制委员会",
    "监察和司法委员会",
    "财政经济委员会",
    "教育科学文化卫生委员会",
    "环境与资源保护委员会",
    "农业与农村委员会",
    "民族宗教侨务外事委员会",
    "社会建设委员会",
    "人事代表选举委员会",
]
CONGRESS_OFFICES = [
    "办公厅",
    "研究室",
    "代表人事选举工作委员会",
    "预算工作委员会",
    "法制工作委员会",
]
DELEGATIONS = [
    "青川市",
    "白河市",
    "云岭市",
    "石门市",
    "安平市",
    "东湖市",
    "南江市",
    "北原市",
    "西陵市",
    "长宁市",
    "金沙市",
    "临泉市",
    "松岗市",
    "梅溪市",
    "鹤山市",
    "驻军",
]
# Each unit's duties in key words (职责, shortened from the usual official lists): what the
# routing recommender reads for a unit with no history yet (docs/insight.md).
DUTIES: dict[str, str] = {
    "发展和改革委员会": (
        "国民经济和社会发展规划，重大项目，价格管理，铁路、机场等基础设施布局，区域协调发展"
    ),
    "教育厅": (
        "学前教育、义务教育、高中教育、职业教育和高等教育，学校建设，教师队伍，学生资助，校园安全"
    ),
    "科学技术厅": "科技创新，科研项目和经费，高新技术企业，科技成果转化，科技人才",
    "工业和信息化厅": "工业经济运行，制造业，中小企业，产业园区，信息化和工业互联网",
    "民族宗教事务委员会": "民族团结进步，少数民族地区发展，民族语言文字，宗教事务管理",
    "公安厅": "社会治安，交通安全管理，道路交通秩序，户籍和身份证，出入境，打击违法犯罪",
    "民政厅": (
        "养老服务，社会救助，低保，残疾人福利，儿童福利，婚姻登记，社会组织，殡葬管理，社区治理"
    ),
    "司法厅": "法治宣传，法律援助，人民调解，律师和公证管理，社区矫正",
    "财政厅": "财政预算，转移支付，专项资金，政府债务，财政补助，政府采购",
    "人力资源和社会保障厅": (
        "就业创业，职业技能培训，养老保险，失业保险，工伤保险，工资支付，劳动关系，人才引进"
    ),
    "自然资源厅": "国土空间规划，耕地保护，土地征收，不动产登记，矿产资源，地质灾害防治",
    "生态环境厅": (
        "大气、水、土壤污染防治，环境监测，环境影响评价，噪声和固体废物，生态保护，环保督察"
    ),
    "住房和城乡建设厅": (
        "住房保障，房地产市场，物业管理，老旧小区改造，城市建设，市政设施，建筑施工，供水燃气"
    ),
    "交通运输厅": "公路和农村公路建设养护，城乡公交和道路客运，水路运输，物流，交通基础设施",
    "水利厅": "水资源管理，防汛抗旱，水库和河道，农田水利，农村饮水安全，水土保持",
    "农业农村厅": "农业生产，粮食和种业，畜牧兽医，农村改革，高标准农田，农产品质量安全，农民增收",
    "商务厅": "商贸流通，消费促进，对外贸易，招商引资，电子商务，市场体系建设",
    "文化和旅游厅": "文化事业，公共文化服务，文物保护，非物质文化遗产，旅游景区，旅游市场",
    "卫生健康委员会": (
        "医疗卫生服务，医院管理，公共卫生，疾病预防控制，疫苗接种，妇幼健康，基层医疗，计划生育"
    ),
    "退役军人事务厅": "退役军人安置，优抚，就业创业，权益维护，烈士纪念",
    "应急管理厅": "安全生产，应急救援，防灾减灾，消防救援，危险化学品",
    "审计厅": "财政资金审计，经济责任审计，国有企业审计",
    "国有资产监督管理委员会": "国有企业改革，国有资产监管，国企经营",
    "市场监督管理局": "市场主体登记，食品安全，产品质量，价格和收费监管，消费者权益保护，特种设备",
    "体育局": "全民健身，体育场馆，竞技体育，体育产业",
    "医疗保障局": "医疗保险，医保报销，医保目录，药品和耗材集中采购，医疗救助，异地就医",
    "林业和草原局": "森林和草原保护，国土绿化，自然保护地，野生动植物，森林防火",
    "乡村振兴局": "巩固脱贫成果，乡村振兴，帮扶产业，易地搬迁后续扶持",
    "能源局": "电力、煤炭、油气，新能源，电网建设，农村电网",
    "药品监督管理局": "药品、医疗器械和化妆品监管",
    "数据局": "数据资源，数字政府，政务服务平台，数字经济",
    "通信管理局": "电信和互联网行业管理，网络覆盖，通信基站，电信资费",
    "税务局": "税收征管，减税降费，纳税服务，社保费征收",
    "邮政管理局": "邮政和快递业管理，农村寄递物流",
}

# (unit, kind, index of the counterpart special committee or None)
UNITS: list[tuple[str, str, int | None]] = [
    ("发展和改革委员会", K.DEPARTMENT, 2),
    ("教育厅", K.DEPARTMENT, 3),
    ("科学技术厅", K.DEPARTMENT, 3),
    ("工业和信息化厅", K.DEPARTMENT, 2),
    ("民族宗教事务委员会", K.DEPARTMENT, 6),
    ("公安厅", K.DEPARTMENT, 1),
    ("民政厅", K.DEPARTMENT, 7),
    ("司法厅", K.DEPARTMENT, 0),
    ("财政厅", K.DEPARTMENT, 2),
    ("人力资源和社会保障厅", K.DEPARTMENT, 7),
    ("自然资源厅", K.DEPARTMENT, 4),
    ("生态环境厅", K.DEPARTMENT, 4),
    ("住房和城乡建设厅", K.DEPARTMENT, 7),
    ("交通运输厅", K.DEPARTMENT, 2),
    ("水利厅", K.DEPARTMENT, 5),
    ("农业农村厅", K.DEPARTMENT, 5),
    ("商务厅", K.DEPARTMENT, 2),
    ("文化和旅游厅", K.DEPARTMENT, 3),
    ("卫生健康委员会", K.DEPARTMENT, 3),
    ("退役军人事务厅", K.DEPARTMENT, 7),
    ("应急管理厅", K.DEPARTMENT, 7),
    ("审计厅", K.DEPARTMENT, 2),
    ("外事办公室", K.DEPARTMENT, 6),
    ("国有资产监督管理委员会", K.DEPARTMENT, 2),
    ("市场监督管理局", K.DEPARTMENT, 2),
    ("广播电视局", K.DEPARTMENT, 3),
    ("体育局", K.DEPARTMENT, 3),
    ("统计局", K.DEPARTMENT, 2),
    ("医疗保障局", K.DEPARTMENT, 3),
    ("林业和草原局", K.DEPARTMENT, 4),
    ("乡村振兴局", K.DEPARTMENT, 5),
    ("机关事务管理局", K.DEPARTMENT, 7),
    ("信访局", K.DEPARTMENT, 0),
    ("粮食和物资储备局", K.DEPARTMENT, 5),
    ("能源局", K.DEPARTMENT, 2),
    ("药品监督管理局", K.DEPARTMENT, 3),
    ("知识产权局", K.DEPARTMENT, 3),
    ("地方金融管理局", K.DEPARTMENT, 2),
    ("数据局", K.DEPARTMENT, 2),
    ("人民防空办公室", K.DEPARTMENT, 7),
    ("地震局", K.DEPARTMENT, 4),
    ("气象局", K.DEPARTMENT, 5),
    ("档案局", K.DEPARTMENT, 3),
    ("侨务办公室", K.DEPARTMENT, 6),
    ("住房公积金管理中心", K.DEPARTMENT, 7),
    ("通信管理局", K.OTHER_UNIT, 2),
    ("税务局", K.OTHER_UNIT, 2),
    ("邮政管理局", K.OTHER_UNIT, 2),
    ("电力公司", K.OTHER_UNIT, 2),
    ("消防救援总队", K.OTHER_UNIT, 7),
    ("残疾人联合会", K.OTHER_UNIT, 7),
    ("妇女联合会", K.OTHER_UNIT, 7),
    ("总工会", K.OTHER_UNIT, 7),
    ("团委", K.OTHER_UNIT, 7),
    ("科学技术协会", K.OTHER_UNIT, 3),
    ("供销合作社", K.OTHER_UNIT, 5),
    ("高级人民法院", K.COURT, 1),
    ("人民检察院", K.PROCURATORATE, 1),
    ("人民政府办公厅", K.GOVERNMENT, None),
    ("通信发展办公室", K.DEPARTMENT, 2),
]
CITY_UNITS = UNITS[:20]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯晨琳欣怡雪梅海燕志宏永春晓东立新丹阳健林波岩峰亮光丽君慧颖佳倩蕾莉琴晶婷思远博文泽瑞宁安康乐"
)
OCCUPATIONS = [
    "村党支部书记",
    "社区居委会主任",
    "中学教师",
    "乡村医生",
    "企业董事长",
    "公司职工",
    "农业合作社理事长",
    "县人民医院院长",
    "大学教授",
    "律师事务所主任",
    "环卫工人",
    "科技企业研发工程师",
    "乡镇党委书记",
    "市场监管所所长",
    "养老院院长",
    "快递员",
    "出租车驾驶员",
    "民营企业家",
    "幼儿园园长",
    "农民",
]


@dataclass
class DemoContext:
    """What each app's demo step receives and adds to."""

    seed: int
    size: str
    rng: random.Random
    province: Jurisdiction
    jurisdictions: list[Jurisdiction] = field(default_factory=list)
    cast: dict[str, User] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


# The demo cast: username → (real name, description). Shown by `make run`.
CAST = {
    "admin": ("系统管理员", "administrator"),
    "staff": ("周晓梅", "congress office staff"),
    "deputy": ("林建国", "deputy"),
    "cosigner": ("陈思远", "deputy (co-signer)"),
    "clerk": ("赵敏", "clerk, 省交通运输厅"),
    "head": ("孙立新", "head, 省交通运输厅"),
    "clerk2": ("吴雪", "clerk, 省教育厅"),
    "supervisor": ("郑宏", "supervisor, vice-chair of the standing committee"),
    "committee": ("何静", "member, 财政经济委员会"),
    "community": ("李春燕", "community worker, 江岭省幸福里社区 (micro-wishes)"),
}


def generated_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def build(seed: int, size: str) -> DemoContext:
    rng = random.Random(seed)
    province, _ = Jurisdiction.objects.get_or_create(
        code="demo-province", defaults={"name": "江岭省", "level": Jurisdiction.Level.PROVINCE}
    )
    ctx = DemoContext(seed=seed, size=size, rng=rng, province=province)
    ctx.jurisdictions.append(province)
    _build_jurisdiction(
        ctx,
        province,
        prefix="省",
        units=UNITS,
        deputies=SIZES[size],
        delegations=DELEGATIONS,
        username_prefix="d",
    )
    if size == "large":
        for code, name in (("demo-qingchuan", "青川市"), ("demo-baihe", "白河市")):
            city, _ = Jurisdiction.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"江岭省{name}",
                    "level": Jurisdiction.Level.CITY,
                    "parent": province,
                },
            )
            ctx.jurisdictions.append(city)
            districts = [f"{name[:-1]}{d}区代表团" for d in "东西南北中"]
            _build_jurisdiction(
                ctx,
                city,
                prefix="市",
                units=CITY_UNITS,
                deputies=CITY_DEPUTIES[size],
                delegations=districts,
                username_prefix=f"{code.split('-')[1]}-d",
            )
    _build_cast(ctx)
    return ctx


def _org(
    jurisdiction: Jurisdiction, name: str, kind: str, order: int, **extra: object
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=name,
        defaults={"kind": kind, "sort_order": order, **extra},
    )
    return org


def _build_jurisdiction(
    ctx: DemoContext,
    j: Jurisdiction,
    *,
    prefix: str,
    units: list[tuple[str, str, int | None]],
    deputies: int,
    delegations: list[str],
    username_prefix: str,
) -> None:
    rng = random.Random(f"{ctx.seed}-{j.code}")
    level = "省" if prefix == "省" else ""
    standing = _org(j, f"{j.name}人大常委会", K.STANDING_COMMITTEE, 0)
    for i, name in enumerate(CONGRESS_OFFICES):
        _org(j, f"{j.name}人大常委会{name}", K.CONGRESS_OFFICE, 10 + i, parent=standing)
    committees = [
        _org(
            j, f"{j.name}人大{name}", K.SPECIAL_COMMITTEE, 20 + i, parent=standing, short_name=name
        )
        for i, name in enumerate(SPECIAL_COMMITTEES)
    ]
    government = _org(j, f"{j.name}人民政府", K.GOVERNMENT, 100, is_handling_unit=True)
    for i, (name, kind, committee) in enumerate(units):
        if kind == K.GOVERNMENT:
            continue
        full = f"{level}{name}" if prefix == "省" else f"{j.name}{name}"
        _org(
            j,
            full,
            kind,
            200 + i,
            parent=government if kind in (K.DEPARTMENT,) else None,
            short_name=name,
            is_handling_unit=True,
            counterpart_committee=committees[committee] if committee is not None else None,
            duties=DUTIES.get(name, ""),
        )
    delegation_orgs = [
        _org(j, name if name.endswith("代表团") else f"{name}代表团", K.DELEGATION, 500 + i)
        for i, name in enumerate(delegations)
    ]
    for i, name in enumerate(["幸福里社区", "光明社区", "和平社区"]):
        _org(j, f"{j.name}{name}", K.COMMUNITY, 800 + i)

    term, _ = Term.objects.get_or_create(
        jurisdiction=j,
        number=14,
        defaults={
            "name": f"{j.name}第十四届人民代表大会",
            "start_date": datetime.date(2023, 1, 16),
            "is_current": True,
        },
    )
    for number, (start, end) in enumerate(
        [
            ((2023, 1, 16), (2023, 1, 20)),
            ((2024, 1, 22), (2024, 1, 26)),
            ((2025, 1, 13), (2025, 1, 17)),
            ((2026, 1, 19), (2026, 1, 23)),
        ],
        start=1,
    ):
        Session.objects.get_or_create(
            term=term,
            number=number,
            defaults={
                "name": f"{j.name}第十四届人民代表大会第{'一二三四'[number - 1]}次会议",
                "start_date": datetime.date(*start),
                "end_date": datetime.date(*end),
            },
        )
    existing = set(
        User.objects.filter(username__startswith=username_prefix).values_list("username", flat=True)
    )
    for n in range(1, deputies + 1):
        username = f"{username_prefix}{n:04d}"
        name = generated_name(rng)
        delegation = delegation_orgs[(n - 1) % len(delegation_orgs)]
        occupation = rng.choice(OCCUPATIONS)
        phone = f"139{rng.randrange(10**8):08d}"
        if username in existing:
            continue
        user = User.objects.create(
            username=username, real_name=name, jurisdiction=j, password=make_password(None)
        )
        Deputy.objects.create(
            user=user,
            jurisdiction=j,
            term=term,
            delegation=delegation,
            constituency=delegation.name.removesuffix("代表团"),
            occupation=occupation,
            contact_phone=phone,
        )
        Role.objects.create(user=user, kind=Role.Kind.DEPUTY, jurisdiction=j)
    ctx.log.append(f"{j.name}: {deputies} deputies, {len(units)} handling units")


def _cast_user(ctx: DemoContext, username: str, password_hash: str, **extra: object) -> User:
    real_name, _desc = CAST[username]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "real_name": real_name,
            "jurisdiction": ctx.province,
            "password": password_hash,
            **extra,
        },
    )
    ctx.cast[username] = user
    return user


def _role(
    user: User, kind: str, j: Jurisdiction, org: Organisation | None = None, **extra: object
) -> None:
    Role.objects.get_or_create(
        user=user, kind=kind, jurisdiction=j, organisation=org, defaults=extra
    )


def _build_cast(ctx: DemoContext) -> None:
    j = ctx.province
    password_hash = make_password(DEMO_PASSWORD)
    term = Term.objects.get(jurisdiction=j, is_current=True)
    org = {o.name: o for o in Organisation.objects.filter(jurisdiction=j)}

    admin = _cast_user(ctx, "admin", password_hash, is_staff=True, is_superuser=True)
    _role(admin, Role.Kind.ADMIN, j, include_descendants=True)
    staff = _cast_user(ctx, "staff", password_hash, mobile="13800000001")
    _role(
        staff,
        Role.Kind.STAFF,
        j,
        org[f"{j.name}人大常委会代表人事选举工作委员会"],
        title="代表工作处处长",
    )
    for username, delegation, occupation in (
        ("deputy", "青川市代表团", "青川市城关镇幸福村党支部书记"),
        ("cosigner", "白河市代表团", "白河市第一中学教师"),
    ):
        user = _cast_user(ctx, username, password_hash)
        Deputy.objects.get_or_create(
            user=user,
            term=term,
            defaults={
                "jurisdiction": j,
                "delegation": org[delegation],
                "occupation": occupation,
                "constituency": delegation.removesuffix("代表团"),
                "contact_phone": "13900000000" if username == "deputy" else "13900000001",
            },
        )
        _role(user, Role.Kind.DEPUTY, j)
    for username, unit, kind, title in (
        ("clerk", "省交通运输厅", Role.Kind.CLERK, "建议办理经办人"),
        ("head", "省交通运输厅", Role.Kind.HEAD, "副厅长"),
        ("clerk2", "省教育厅", Role.Kind.CLERK, "建议办理经办人"),
    ):
        user = _cast_user(ctx, username, password_hash)
        _role(user, kind, j, org[unit], title=title)
    supervisor = _cast_user(ctx, "supervisor", password_hash)
    _role(
        supervisor,
        Role.Kind.SUPERVISOR,
        j,
        supervisor_tier=Role.Tier.CONGRESS_VICE_CHAIR,
        title="省人大常委会副主任",
    )
    committee = _cast_user(ctx, "committee", password_hash)
    _role(committee, Role.Kind.COMMITTEE, j, org[f"{j.name}人大财政经济委员会"], title="委员")
    community = _cast_user(ctx, "community", password_hash)
    _role(community, Role.Kind.COMMUNITY, j, org[f"{j.name}幸福里社区"], title="社区网格员")
