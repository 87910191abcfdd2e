"""Realistic synthetic citizen messages for tests and benchmarks (no real data is shipped).

Shaped like the public 2020 "智慧政务" message data: columns 留言编号, 留言用户, 留言主题, 留言时间,
留言详情, 一级分类, seven classes of unequal size. Like the real messages, classes share words
(a 小区 can be about building, noise or a school), bodies wander off topic, and a share of
the rows carry scrape debris (HTML tags, entities, runs of whitespace, tabs). Deterministic for
a seed.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CLASSES", "COLUMNS", "Message", "messages"]

COLUMNS = ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类")

PLACES = (
    "A市",
    "A市西湖区",
    "A市开福区",
    "B县",
    "C市经开区",
    "K8县",
    "A7县东城镇",
    "L市高新区",
    "M市",
    "A市雨花区",
    "B县城关镇",
    "西地省",
)
SITES = ("小区", "村", "街道", "社区", "镇上", "路口", "学校附近", "工业园", "城中村", "新区")

# class → (weight, topics, details). Weights follow the real data's proportions roughly.
CLASSES: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "城乡建设": (
        20,
        (
            "小区物业不作为",
            "房屋漏水无人维修",
            "拆迁补偿不合理",
            "安置房迟迟不交房",
            "开发商延期交房",
            "小区停车位乱收费",
            "违章建筑",
            "老旧小区改造",
            "自来水停水",
            "路灯不亮",
            "燃气管道安装",
            "房产证办不下来",
            "公租房申请",
            "棚户区改造",
        ),
        (
            "物业公司收了物业费却不管事",
            "开发商承诺的配套设施至今没有建设",
            "住建局多次投诉没有回音",
            "房屋墙体开裂存在安全隐患",
            "拆迁办给出的补偿标准远低于市场价",
            "业主委员会成立受到阻挠",
            "规划部门审批的方案与实际不符",
            "小区电梯经常故障困人",
            "自来水公司停水不提前通知",
            "不动产登记中心要求补交材料",
        ),
    ),
    "劳动和社会保障": (
        19,
        (
            "拖欠工资",
            "社保缴费基数",
            "养老保险转移",
            "失业保险金领取",
            "医保报销比例",
            "工伤认定",
            "退休待遇",
            "劳动合同纠纷",
            "农民工工资",
            "灵活就业人员参保",
            "人才引进补贴",
            "事业单位招聘",
        ),
        (
            "公司已经拖欠我们三个月的工资",
            "单位没有按规定给员工缴纳社保",
            "人社局说要等通知",
            "养老保险关系转移手续复杂",
            "劳动仲裁委迟迟不立案",
            "退休后养老金计算有误",
            "工伤认定需要单位盖章但单位拒绝",
            "医保卡在异地无法使用",
            "招聘公告的条件前后不一致",
            "社保局窗口排队时间太长",
        ),
    ),
    "教育文体": (
        15,
        (
            "学校乱收费",
            "学位分配",
            "校车安全",
            "幼儿园入园难",
            "教师待遇",
            "课后托管",
            "体育场馆开放",
            "义务教育划片",
            "补课班",
            "图书馆开放时间",
            "民办学校收费",
            "学生午餐",
        ),
        (
            "学校以各种名义向家长收取费用",
            "孩子上学要走很远的路",
            "教育局划片不合理",
            "老师在校外开办补习班",
            "幼儿园学位严重不足",
            "学校食堂饭菜质量差",
            "公共体育场馆不对市民开放",
            "代课教师工资多年没有调整",
            "孩子在学校受到体罚",
            "文化馆的活动很少",
        ),
    ),
    "商贸旅游": (
        12,
        (
            "商家虚假宣传",
            "预付卡退费",
            "景区门票",
            "旅行社强制购物",
            "超市食品过期",
            "传销",
            "网购纠纷",
            "农贸市场管理",
            "健身房跑路",
            "酒店收费",
            "出租车拒载",
            "菜市场搬迁",
        ),
        (
            "办了会员卡后商家关门跑路",
            "景区内商品价格远高于外面",
            "导游强制游客购物",
            "市场监管局投诉电话打不通",
            "商家拒绝退款",
            "超市出售过期食品",
            "有人以投资为名拉人入会",
            "农贸市场摊位费上涨",
            "旅游团行程与合同不符",
            "网上购买的商品与描述不符",
        ),
    ),
    "环境保护": (
        9,
        (
            "噪音扰民",
            "工厂排放废气",
            "河道污染",
            "垃圾焚烧",
            "油烟污染",
            "养猪场臭味",
            "施工夜间噪音",
            "污水直排",
            "砂石厂粉尘",
            "垃圾站选址",
            "化工厂异味",
            "非法采砂",
        ),
        (
            "工地晚上十二点还在施工严重影响休息",
            "工厂烟囱每天排放刺鼻气体",
            "河水发黑发臭鱼都死了",
            "环保局来查看后没有下文",
            "餐馆油烟直接排向居民楼",
            "养殖场粪便直接排入水塘",
            "砂石厂粉尘漫天",
            "垃圾堆放点蚊蝇滋生",
            "生态环境部门监测数据不公开",
            "企业偷排污水到农田",
        ),
    ),
    "卫生计生": (
        9,
        (
            "医院乱收费",
            "医疗事故",
            "二胎生育登记",
            "疫苗接种",
            "乡村医生待遇",
            "社区卫生服务中心",
            "看病难",
            "独生子女补贴",
            "药品价格",
            "急救车收费",
            "计划生育奖励",
            "医生态度恶劣",
        ),
        (
            "医院检查项目重复收费",
            "手术后出现并发症医院推卸责任",
            "生育服务证办理需要跑很多部门",
            "卫健委说正在调查",
            "疫苗接种点排队时间过长",
            "村卫生室缺医少药",
            "独生子女父母奖励金没有发放",
            "医生开大处方",
            "急救车到达时间太慢",
            "计生办要求提供证明材料",
        ),
    ),
    "交通运输": (
        7,
        (
            "公交线路调整",
            "道路坑洼",
            "出租车乱收费",
            "高速收费",
            "网约车",
            "公交站台设置",
            "客运班车",
            "路口红绿灯",
            "共享单车",
            "驾校收费",
            "货车超载",
            "地铁施工",
        ),
        (
            "公交车班次太少等车要一个小时",
            "这条路坑坑洼洼下雨天无法通行",
            "出租车司机不打表乱要价",
            "客运站取消了到乡镇的班车",
            "交通局说道路维修没有资金",
            "路口没有红绿灯经常发生事故",
            "网约车平台随意加价",
            "大货车超载把路压坏了",
            "公交站台离小区太远",
            "驾校收费后迟迟不安排练车",
        ),
    ),
}

OPENINGS = (
    "尊敬的领导：您好！",
    "您好，",
    "领导好，",
    "",
    "",
    "我是{place}的居民，",
    "本人家住{place}{site}，",
)
# Off-topic sentences that any message may carry (the real ones wander).
SHARED = (
    "希望相关部门尽快处理",
    "多次反映问题一直没有得到解决",
    "群众意见很大",
    "恳请领导重视",
    "打市长热线也没有用",
    "请给我们一个说法",
    "周边居民生活受到很大影响",
    "我们小区很多老人和小孩",
    "附近学校的学生每天经过",
    "路上车辆很多",
    "这个问题已经存在好几年了",
)
CLOSINGS = ("谢谢！", "望回复。", "盼复！", "", "此致敬礼", "急盼解决！！！")
DEBRIS = ("&nbsp;", "<br>", "<p>", "</p>", "\t", "\n\n", "   ", "\u3000\u3000")


@dataclass(frozen=True)
class Message:
    number: int
    user: str
    title: str
    time: str
    body: str
    label: str


def _weighted(rng: random.Random) -> str:
    names = list(CLASSES)
    return rng.choices(names, weights=[CLASSES[n][0] for n in names])[0]


def messages(n: int, *, seed: int = 0, debris: float = 0.2) -> Iterator[Message]:
    """n messages; a class's vocabulary leaks into another's body now and then, as in life."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    for i in range(n):
        label = _weighted(rng)
        _, topics, details = CLASSES[label]
        place, site = rng.choice(PLACES), rng.choice(SITES)
        topic = rng.choice(topics)
        title = rng.choice(
            (
                f"{place}{site}{topic}",
                f"关于{place}{topic}的问题",
                f"反映{place}{site}{topic}",
                f"{topic}问题",
                f"{place}{topic}何时解决",
                f"投诉{place}{topic}",
            )
        )
        sentences = [rng.choice(OPENINGS).format(place=place, site=site)]
        picked = rng.sample(details, k=rng.randint(1, 3))
        sentences += [f"{d}，" for d in picked]
        sentences += [f"{s}，" for s in rng.sample(SHARED, k=rng.randint(1, 3))]
        if rng.random() < 0.25:  # a detail of another class: the confusable part
            other = rng.choice([c for c in CLASSES if c != label])
            sentences.append(rng.choice(CLASSES[other][2]) + "，")
        if rng.random() < 0.5:
            sentences.append(f"{topic}的问题希望得到重视。")
        sentences.append(rng.choice(CLOSINGS))
        body = "".join(sentences)
        if rng.random() < debris:
            cut = rng.randrange(len(body) + 1)
            body = body[:cut] + rng.choice(DEBRIS) + body[cut:] + rng.choice(DEBRIS)
            title = rng.choice(("", " ", "\t")) + title + rng.choice(("", " ", "\u3000"))
        if rng.random() < 0.03:  # the real labels are not all right either
            label = _weighted(rng)
        day = 1 + i % 28
        yield Message(
            number=10000 + i,
            user=f"A{rng.randrange(10**8):08d}",
            title=title,
            time=f"2019/{1 + i % 12}/{day} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            body=body,
            label=label,
        )
