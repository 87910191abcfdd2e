"""Demo suggestions for the fictional province: a category tree, a routing table, the people who
handle suggestions in the units, and ~800 suggestions (80 for `--size small`) spread over every
state, each taken through its life by the real workflow functions.

Each suggestion gets a plan of dated steps (create, co-sign, submit, register, assign, sign for,
contact, joint opinion, reply, rate, re-handle, close…). All plans' steps run in one timeline
ordered by time under a moving clock, from the session's opening to today, with the daily
"not rated" job in between, so numbers follow the registration order and every due date, late
flag and rating window is what the workflow computes. Nothing sets a state field directly.

Deterministic for a seed (on a given day: the timeline ends today) and idempotent: when the
province already has suggestions, only the category tree, routing table and unit people are
completed.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from minsheng.insight.models import RoutingRule, RoutingRuleChange
from minsheng.lib.workdays import add_months
from minsheng.people.demo import DELEGATIONS, DemoContext, generated_name
from minsheng.people.models import Deputy, Organisation, Role, Session, User
from minsheng.suggestions import signals, workflow
from minsheng.suggestions.models import (
    Assignment,
    Category,
    ContactLog,
    DeclineReason,
    Reply,
    RuleSet,
    Suggestion,
)
from minsheng.suggestions.workflow import UnitPlan
from minsheng.workcalendar import work_calendar

SIZES = {"small": 80, "province": 800, "large": 800}

# --- the category tree, with the routing of each leaf and its title templates -------------------


@dataclass(frozen=True)
class Leaf:
    name: str
    lead: str  # unit short name (省 + name is the organisation)
    joint: tuple[str, ...]
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Branch:
    name: str
    lead: str
    leaves: tuple[Leaf, ...]
    situations: tuple[str, ...]
    problems: tuple[str, ...]
    proposals: tuple[str, ...]
    weight: int = 10


def _leaf(name: str, lead: str, joint: tuple[str, ...], *titles: str) -> Leaf:
    return Leaf(name, lead, joint, titles)


TREE: tuple[Branch, ...] = (
    Branch(
        "交通运输",
        "交通运输厅",
        (
            _leaf(
                "农村公路",
                "交通运输厅",
                ("财政厅",),
                "关于加快推进{place}农村公路提质改造的建议",
                "关于完善{place}农村公路安全防护设施的建议",
                "关于建立农村公路管护长效机制的建议",
                "关于将{place}通村公路纳入省级补助范围的建议",
            ),
            _leaf(
                "城乡公交",
                "交通运输厅",
                (),
                "关于推进{place}城乡公交一体化的建议",
                "关于增开{place}至省城客运班线的建议",
                "关于优化{place}公交线路和站点设置的建议",
            ),
            _leaf(
                "交通安全",
                "公安厅",
                ("交通运输厅",),
                "关于加强{place}国省道交通安全隐患治理的建议",
                "关于在{place}中小学校周边增设交通安全设施的建议",
            ),
            _leaf(
                "铁路与航空",
                "发展和改革委员会",
                ("交通运输厅",),
                "关于加快{place}高铁站配套设施建设的建议",
                "关于支持{place}通用机场建设的建议",
            ),
        ),
        (
            "{place}农村公路总里程逐年增加，但部分路段建设标准低、路面窄",
            "近年来{place}城乡客运量持续增长，群众出行需求日益多样",
            "{place}地处山区，临水临崖路段多，冬季易结冰",
        ),
        (
            "部分通村道路年久失修，坑洼不平，雨季通行困难",
            "公交线路覆盖不足，偏远村组群众出行仍需步行数公里",
            "安全防护设施缺失，交通事故时有发生，群众反映强烈",
        ),
        (
            "加大省级补助资金投入，支持路面拓宽和安全防护工程",
            "将相关项目纳入年度交通建设计划，明确建设时限",
            "建立县、乡、村三级路长制，落实日常养护责任",
            "统筹城乡客运资源，推行预约响应式公交服务",
        ),
        weight=16,
    ),
    Branch(
        "教育",
        "教育厅",
        (
            _leaf(
                "学前教育",
                "教育厅",
                ("财政厅",),
                "关于扩大{place}普惠性学前教育资源的建议",
                "关于提高农村幼儿园教师待遇的建议",
            ),
            _leaf(
                "义务教育",
                "教育厅",
                ("财政厅", "人力资源和社会保障厅"),
                "关于推进{place}义务教育优质均衡发展的建议",
                "关于解决{place}城区学校大班额问题的建议",
                "关于加强乡村小规模学校建设的建议",
            ),
            _leaf(
                "职业教育",
                "教育厅",
                ("人力资源和社会保障厅",),
                "关于深化{place}产教融合校企合作的建议",
                "关于支持{place}职业院校实训基地建设的建议",
            ),
            _leaf(
                "高等教育",
                "教育厅",
                ("科学技术厅",),
                "关于支持{place}建设高水平应用型本科高校的建议",
            ),
        ),
        (
            "{place}适龄儿童数量近年来变化明显，城区学位紧张与乡村生源减少并存",
            "{place}职业院校每年为本地输送大量技术技能人才",
            "随着新型城镇化推进，{place}随迁子女入学需求持续增加",
        ),
        (
            "城区学校大班额问题突出，部分班级超过55人",
            "乡村学校教师结构性缺编，音体美教师严重不足",
            "实训设备陈旧，校企合作停留在表面，学生实践机会少",
        ),
        (
            "科学规划学校布局，加快新建和改扩建一批中小学校",
            "完善乡村教师补充机制，落实乡村教师生活补助",
            "设立产教融合专项资金，支持共建共享实训基地",
            "提高生均公用经费标准，保障学校正常运转",
        ),
        weight=14,
    ),
    Branch(
        "医疗卫生",
        "卫生健康委员会",
        (
            _leaf(
                "基层医疗",
                "卫生健康委员会",
                ("财政厅",),
                "关于提升{place}乡镇卫生院服务能力的建议",
                "关于加强村医队伍建设的建议",
            ),
            _leaf(
                "公共卫生",
                "卫生健康委员会",
                (),
                "关于完善{place}疾病预防控制体系的建议",
                "关于加强学生近视和心理健康防控的建议",
            ),
            _leaf(
                "医疗保障",
                "医疗保障局",
                ("卫生健康委员会",),
                "关于扩大异地就医直接结算范围的建议",
                "关于将更多慢性病用药纳入医保报销的建议",
            ),
        ),
        (
            "{place}基层医疗卫生机构承担着大量常见病、多发病的诊疗任务",
            "{place}老龄化程度加深，慢性病患者人数逐年增加",
        ),
        (
            "乡镇卫生院设备陈旧，专业技术人员流失严重",
            "村医年龄老化，收入偏低，后继乏人",
            "异地就医报销手续繁琐，群众多次往返",
        ),
        (
            "加大基层医疗卫生机构设备更新投入",
            "推进县域医共体建设，促进优质资源下沉",
            "提高村医补助标准，落实养老保障",
            "简化备案流程，扩大直接结算覆盖面",
        ),
        weight=12,
    ),
    Branch(
        "社会保障",
        "人力资源和社会保障厅",
        (
            _leaf(
                "就业创业",
                "人力资源和社会保障厅",
                ("财政厅",),
                "关于加强{place}高校毕业生就业帮扶的建议",
                "关于支持返乡入乡创业的建议",
            ),
            _leaf(
                "养老保险",
                "人力资源和社会保障厅",
                (),
                "关于提高城乡居民基础养老金标准的建议",
                "关于解决灵活就业人员参保难的建议",
            ),
            _leaf(
                "住房保障",
                "住房和城乡建设厅",
                ("住房公积金管理中心",),
                "关于加大{place}保障性租赁住房供给的建议",
                "关于放宽住房公积金提取条件的建议",
            ),
        ),
        (
            "{place}每年新增城镇就业人员数万人，灵活就业人员比例不断提高",
            "{place}新市民、青年人住房需求旺盛",
        ),
        (
            "部分灵活就业人员参保意识不强，缴费负担较重",
            "保障性住房供给不足，配套设施不完善",
            "创业担保贷款门槛高、额度低",
        ),
        (
            "加大就业补贴和社保补贴力度",
            "优化参保缴费方式，提供更灵活的缴费档次",
            "多渠道筹集保障性租赁住房房源",
            "提高创业担保贷款额度，简化审批流程",
        ),
        weight=10,
    ),
    Branch(
        "生态环境",
        "生态环境厅",
        (
            _leaf(
                "大气污染防治",
                "生态环境厅",
                ("工业和信息化厅",),
                "关于加强{place}工业园区大气污染治理的建议",
                "关于推进秸秆综合利用减少露天焚烧的建议",
            ),
            _leaf(
                "水环境治理",
                "生态环境厅",
                ("水利厅", "住房和城乡建设厅"),
                "关于加快{place}城镇污水管网建设的建议",
                "关于加强{place}河湖水环境综合治理的建议",
            ),
            _leaf(
                "林草保护",
                "林业和草原局",
                ("自然资源厅",),
                "关于提高{place}生态公益林补偿标准的建议",
                "关于加强{place}森林草原防火能力建设的建议",
            ),
        ),
        (
            "{place}生态环境质量总体向好，但局部地区问题仍较突出",
            "{place}河湖众多，是重要的生态屏障",
        ),
        (
            "部分乡镇污水收集管网不配套，生活污水直排现象仍存在",
            "工业园区挥发性有机物排放监管薄弱",
            "生态补偿标准偏低，群众护林积极性不高",
        ),
        (
            "加大污水管网建设投入，实现乡镇污水处理全覆盖",
            "完善在线监测体系，加强执法检查",
            "逐步提高生态公益林补偿标准",
            "建立上下游横向生态补偿机制",
        ),
        weight=10,
    ),
    Branch(
        "农业农村",
        "农业农村厅",
        (
            _leaf(
                "乡村振兴",
                "乡村振兴局",
                ("农业农村厅", "财政厅"),
                "关于巩固{place}脱贫攻坚成果的建议",
                "关于支持{place}发展壮大村级集体经济的建议",
            ),
            _leaf(
                "农田水利",
                "水利厅",
                ("农业农村厅",),
                "关于加快{place}高标准农田建设的建议",
                "关于修复{place}小型农田水利设施的建议",
            ),
            _leaf(
                "农产品流通",
                "商务厅",
                ("农业农村厅", "供销合作社"),
                "关于完善{place}农产品冷链物流体系的建议",
                "关于支持{place}特色农产品品牌建设的建议",
            ),
        ),
        (
            "{place}是全省重要的粮食和特色农产品产区",
            "近年来{place}村级集体经济有所发展，但总体实力仍然薄弱",
        ),
        (
            "部分灌溉设施老化失修，旱涝保收能力不强",
            "农产品产后处理能力不足，损耗率高，卖难问题时有发生",
            "村级集体经济缺乏稳定收入来源",
        ),
        (
            "提高高标准农田建设亩均投入标准",
            "支持建设产地冷藏保鲜设施",
            "整合涉农资金，扶持村级集体经济项目",
            "加强农产品区域公用品牌培育和宣传推介",
        ),
        weight=10,
    ),
    Branch(
        "城乡建设",
        "住房和城乡建设厅",
        (
            _leaf(
                "老旧小区改造",
                "住房和城乡建设厅",
                ("财政厅", "发展和改革委员会"),
                "关于加快{place}老旧小区改造的建议",
                "关于推进既有住宅加装电梯的建议",
            ),
            _leaf(
                "城市管理",
                "住房和城乡建设厅",
                (),
                "关于规范{place}城区停车管理的建议",
                "关于推进{place}生活垃圾分类的建议",
            ),
            _leaf(
                "供水供气",
                "住房和城乡建设厅",
                ("水利厅",),
                "关于提升{place}农村供水保障水平的建议",
                "关于加快城镇燃气管道老化更新改造的建议",
            ),
        ),
        (
            "{place}建成于上世纪的老旧小区数量多，居住人口老龄化程度高",
            "{place}城区机动车保有量快速增长",
        ),
        (
            "小区基础设施老化，排水不畅，缺少养老托育等配套设施",
            "停车位严重不足，乱停乱放影响通行和消防安全",
            "部分燃气管道超期服役，存在安全隐患",
        ),
        (
            "将更多老旧小区纳入年度改造计划",
            "简化加装电梯审批，加大财政补贴力度",
            "挖掘停车资源，建设立体停车设施",
            "加快老化管道更新改造",
        ),
        weight=10,
    ),
    Branch(
        "产业发展",
        "工业和信息化厅",
        (
            _leaf(
                "民营经济",
                "工业和信息化厅",
                ("地方金融管理局",),
                "关于破解{place}中小微企业融资难题的建议",
                "关于支持民营企业转型升级的建议",
            ),
            _leaf(
                "营商环境",
                "市场监督管理局",
                ("发展和改革委员会",),
                "关于进一步优化{place}营商环境的建议",
                "关于推进涉企审批“一网通办”的建议",
            ),
            _leaf(
                "数字经济",
                "数据局",
                ("工业和信息化厅", "通信管理局"),
                "关于加快{place}数字基础设施建设的建议",
                "关于推动公共数据开放共享的建议",
            ),
        ),
        ("{place}民营经济贡献了大部分税收和就业", "{place}正在加快培育数字经济等新兴产业"),
        (
            "中小企业融资难、融资贵问题仍然突出",
            "部分涉企审批事项办理环节多、时间长",
            "偏远乡镇5G网络覆盖不足",
        ),
        (
            "设立中小企业应急转贷资金",
            "推行涉企事项告知承诺制和容缺受理",
            "加快5G基站和千兆光网向乡镇延伸",
            "建立公共数据资源目录和开放清单",
        ),
        weight=9,
    ),
    Branch(
        "科技创新",
        "科学技术厅",
        (
            _leaf(
                "科研投入",
                "科学技术厅",
                ("财政厅",),
                "关于加大{place}基础研究投入的建议",
                "关于完善科研项目经费管理的建议",
            ),
            _leaf(
                "人才引进",
                "人力资源和社会保障厅",
                ("科学技术厅",),
                "关于加强{place}高层次人才引进和培养的建议",
            ),
            _leaf(
                "成果转化",
                "知识产权局",
                ("科学技术厅",),
                "关于促进高校科技成果就地转化的建议",
                "关于加强知识产权保护和运用的建议",
            ),
        ),
        ("{place}研发投入强度低于全国平均水平", "{place}高校和科研院所科技成果丰富"),
        (
            "高层次人才引进难、留住难",
            "科技成果本地转化率不高",
            "科研经费管理过细，科研人员负担较重",
        ),
        (
            "提高财政科技投入占比",
            "完善人才住房、子女入学等配套政策",
            "建设科技成果转化中试基地",
            "扩大科研经费使用自主权",
        ),
        weight=7,
    ),
    Branch(
        "文化旅游",
        "文化和旅游厅",
        (
            _leaf(
                "文化遗产保护",
                "文化和旅游厅",
                ("自然资源厅",),
                "关于加强{place}传统村落保护利用的建议",
                "关于加大非物质文化遗产传承保护力度的建议",
            ),
            _leaf(
                "乡村旅游",
                "文化和旅游厅",
                ("农业农村厅", "交通运输厅"),
                "关于支持{place}乡村旅游高质量发展的建议",
                "关于完善{place}旅游景区交通配套的建议",
            ),
            _leaf(
                "全民健身",
                "体育局",
                (),
                "关于加快{place}全民健身场地设施建设的建议",
            ),
        ),
        (
            "{place}历史文化资源丰富，现存传统村落数十个",
            "{place}乡村旅游发展势头良好，节假日游客量大幅增长",
        ),
        (
            "部分传统村落空心化严重，古建筑损毁加剧",
            "景区道路、停车场、旅游厕所等配套设施不足",
            "群众身边的健身场地设施供给不足",
        ),
        (
            "设立传统村落保护专项资金",
            "完善旅游公路和景区配套设施",
            "利用闲置土地建设社区健身场地",
            "加强非遗传承人培养",
        ),
        weight=7,
    ),
    Branch(
        "民政",
        "民政厅",
        (
            _leaf(
                "养老服务",
                "民政厅",
                ("卫生健康委员会", "财政厅"),
                "关于加快{place}农村互助养老服务发展的建议",
                "关于推进社区居家养老服务的建议",
                "关于加强养老护理员队伍建设的建议",
            ),
            _leaf(
                "社会救助",
                "民政厅",
                (),
                "关于完善{place}困难群众救助机制的建议",
                "关于加强农村留守儿童关爱保护的建议",
            ),
            _leaf(
                "残疾人服务",
                "残疾人联合会",
                ("民政厅",),
                "关于加强{place}残疾儿童康复服务的建议",
            ),
        ),
        ("{place}60岁以上老年人口占比已超过20%", "{place}农村留守老人、留守儿童数量较多"),
        (
            "农村养老服务设施覆盖不足，运营困难",
            "养老护理员数量少、待遇低、流动性大",
            "部分困难群众因病因灾返贫风险较高",
        ),
        (
            "加大农村互助幸福院建设和运营补贴",
            "提高养老护理员岗位补贴",
            "建立困难群众动态监测和快速救助机制",
            "推动康复机构向乡镇延伸",
        ),
        weight=10,
    ),
    Branch(
        "政法",
        "公安厅",
        (
            _leaf(
                "社会治安",
                "公安厅",
                (),
                "关于加强{place}电信网络诈骗防范的建议",
                "关于推进{place}农村地区视频监控全覆盖的建议",
            ),
            _leaf(
                "法律援助",
                "司法厅",
                (),
                "关于扩大法律援助覆盖面的建议",
                "关于加强{place}村（居）法律顾问工作的建议",
            ),
            _leaf(
                "诉讼服务",
                "高级人民法院",
                (),
                "关于推进{place}诉源治理和多元解纷的建议",
            ),
            _leaf(
                "公益诉讼",
                "人民检察院",
                ("生态环境厅",),
                "关于加强生态环境领域公益诉讼的建议",
            ),
        ),
        (
            "{place}电信网络诈骗案件呈高发态势，受害群体以老年人和青年学生为主",
            "{place}基层矛盾纠纷类型日趋多样",
        ),
        (
            "群众防骗意识不强，资金追回难",
            "农村地区法律服务资源不足",
            "部分纠纷直接涌入法院，诉讼压力大",
        ),
        (
            "加强反诈宣传进社区、进校园",
            "完善村（居）法律顾问制度，提高补贴标准",
            "健全人民调解、行政调解、司法调解联动机制",
            "加大公益诉讼办案力度",
        ),
        weight=8,
    ),
)

# A few regional rules: where the region's delegation sends a leaf elsewhere.
REGIONAL_RULES = (
    ("农村公路", "青川市", "交通运输厅", ("农业农村厅", "财政厅")),
    ("养老服务", "白河市", "民政厅", ("卫生健康委员会",)),
)

# --- texts --------------------------------------------------------------------------------------

DECLINED: dict[str, tuple[str, str]] = {
    DeclineReason.PERSONAL: (
        "关于解决本人亲属工作调动问题的建议",
        "所提事项属于代表本人亲属的个人事务，不作为代表建议办理。",
    ),
    DeclineReason.LITIGATION: (
        "关于督促尽快审结某合同纠纷案件的建议",
        "所提事项正在诉讼程序中，依法不作为代表建议办理。",
    ),
    DeclineReason.COMPLAINT: (
        "关于反映某村干部违规问题的建议",
        "所提事项属于检举控告，已转有关机关依法处理。",
    ),
    DeclineReason.RELAYED: (
        "关于转交群众来信反映征地补偿问题的建议",
        "属于转交群众来信，已转信访部门依法处理。",
    ),
    DeclineReason.ACADEMIC: (
        "关于推广某品牌节水灌溉设备的建议",
        "内容属于产品推介，不作为代表建议办理。",
    ),
    DeclineReason.NO_CONTENT: (
        "关于进一步做好有关工作的建议",
        "建议没有具体内容，请补充具体问题和措施后另行提出。",
    ),
    DeclineReason.OUT_OF_SCOPE: (
        "关于调整个人所得税起征点的建议",
        "所提事项属于国家事权，超出本级职权范围，建议通过全国人大代表反映。",
    ),
}
RETURN_NOTES = (
    "建议涉及多个事项，请按照“一事一议”的原则修改后重新提交。",
    "建议缺少对现状和问题的具体分析，请补充完善后重新提交。",
    "建议措施不够具体，请补充可操作的意见后重新提交。",
)
WITHDRAW_REASONS = (
    "经与有关部门沟通，所反映问题已得到解决，申请撤回该建议。",
    "建议内容需要进一步调研完善，申请撤回。",
    "与其他代表的建议内容重复，申请撤回。",
)
UNSATISFIED = (
    "答复内容较为原则，没有明确具体措施和完成时限。",
    "实地查看发现问题仍未解决，群众意见较大。",
    "答复前没有与我充分沟通，答非所问。",
    "承诺的项目至今没有开工，希望重新办理。",
)
CLOSE_NOTES = {
    "satisfied": "代表对办理结果表示满意，予以办结。",
    "basically": "代表对办理结果基本满意，按程序办结。",
    "not_rated": "评价期满代表未反馈意见，按规定办结。",
    "understood": "经再次沟通，代表对办理情况表示理解，予以办结。",
}
CONTACT_SUMMARIES = (
    "就{topic}听取代表意见，代表详细介绍了{place}的实际情况和群众诉求。",
    "向代表通报了初步办理思路，代表表示认可并提出补充意见。",
    "陪同代表实地查看有关现场，共同研究解决办法。",
    "召开座谈会，邀请代表和有关部门共同商议办理方案。",
)
JOINT_OPINIONS = (
    "我单位同意主办单位的办理意见。我单位将在职责范围内对{topic}给予积极配合，争取资金和政策支持。",
    "经研究，我单位将把有关事项纳入明年工作计划，并配合主办单位做好答复工作。",
    "我单位已安排专人对接，建议主办单位在答复中明确各方责任分工和时间安排。",
)
EXTENSION_REASONS = (
    "该建议涉及跨部门协调和年度预算安排，需进一步调研论证，已当面向代表说明原因。",
    "该建议办理需要开展专项评估，已电话告知代表并征得理解。",
)
ADJUSTMENT_REASONS = ("该建议主要涉及{topic}，不属于我单位职责范围，建议调整由{unit}主办。",)
EDIT_NOTE = "（已按要求修改：补充了现状分析和具体措施。）"
REPLY_OPENINGS = (
    "收到您提出的建议后，我们高度重视，组织专人赴{place}实地调研，并与您面对面交流了办理思路。",
    "您的建议对做好{topic}工作具有重要参考价值。收到建议后，我们及时召开专题会议研究办理。",
    "感谢您对{topic}工作的关心。我们认真研究了您的建议，并会同有关部门深入调研。",
)
REPLY_MIDDLES = {
    "A": (
        "经研究，{topic}有关工作已列入今年重点任务，省级安排专项资金予以支持。截至目前，相关项目已全部完工并投入使用，您反映的问题已基本解决。",
        "我们采纳了您的建议，会同当地政府制定了整改方案，有关措施已落实到位，群众反映的问题得到解决。",
    ),
    "B": (
        "您反映的问题确实存在，我们已将{topic}纳入下一年度工作计划，正在会同有关部门编制实施方案，分步推进解决。",
        "目前，有关项目已完成前期调研和可行性论证，正在积极争取中央和省级资金支持，将按计划逐步实施。",
    ),
    "C": (
        "经认真研究，受财力和建设条件限制，{topic}目前暂不具备全面实施的条件。我们将积极创造条件，待条件成熟后优先安排。",
        "您的建议很有必要，但涉及资金需求较大，且需要统筹全省布局，近期难以实施。我们将在编制相关规划时予以重点考虑。",
    ),
    "D": (
        "您建议中涉及的有关事项属于国家层面事权，超出省级权限。我们已将有关情况向国家有关部门反映，并将您的建议作为今后工作的重要参考。",
        "经研究，现行政策对有关事项已有明确规定，暂不宜调整。我们将认真吸纳您的意见，在今后政策制定中加以参考。",
    ),
}
REPLY_CLOSINGS = (
    "下一步，我们将建立长效机制，持续跟踪落实情况，及时向您反馈。",
    "我们将继续加强与您的沟通联系，认真听取意见，不断改进工作。",
)
PLAN_TEMPLATE = (
    "一是{y1}年{m1}月前完成项目前期调研和实施方案编制；\n"
    "二是积极争取上级资金支持，将项目纳入{y1}年度计划并启动实施；\n"
    "三是{y2}年{m2}月底前全面完成建设任务并组织验收，及时向代表报告进展。"
)

# --- who handles what: the unit people ----------------------------------------------------------


@dataclass
class UnitPeople:
    unit: Organisation
    clerk: User
    head: User
    leader_phone: str
    officer_phone: str


# --- the plans ---------------------------------------------------------------------------------

Step = tuple[datetime.datetime, int, int, Callable[[], Any]]

RANDOM_VARIANTS: dict[str, int] = {
    "closed": 36,
    "closed_rehandled": 5,
    "closed_not_rated": 5,
    "closed_understood": 1,
    "answered_awaiting": 3,
    "answered_rated": 5,
    "answered_not_rated": 4,
    "rehandling": 3,
    "rehandling_overdue": 1,
    "handling": 4,
    "handling_contact": 5,
    "handling_draft_reply": 2,
    "handling_overdue": 3,
    "handling_extension_pending": 1,
    "handling_extended": 2,
    "assigned": 3,
    "assigned_late_sign": 1,
    "assigned_adjustment_pending": 1,
    "registered": 3,
    "submitted": 4,
    "returned": 2,
    "declined": 4,
    "withdrawn": 2,
    "merged": 3,
    "draft": 3,
}


@dataclass
class Plan:
    index: int
    variant: str
    lead: Deputy
    branch: Branch
    leaf: Leaf
    title: str
    body: str
    place: str
    mode: str = "lead"
    units: list[UnitPeople] = field(default_factory=list)  # lead (or separate) first, then joint
    source: str = Suggestion.Source.IN_SESSION
    cosigners: list[tuple[Deputy, bool | None]] = field(default_factory=list)  # None: not answered
    code: str = "A"
    confidential: bool = False
    steps: list[Step] = field(default_factory=list)
    last: datetime.datetime | None = None
    s: Suggestion | None = None
    register_day: datetime.date | None = None
    assign_day: datetime.date | None = None
    requests: dict[str, Any] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        return self.title.removeprefix("关于").removesuffix("的建议")

    @property
    def answering(self) -> list[UnitPeople]:
        return self.units if self.mode == "separate" else self.units[:1]

    @property
    def joint(self) -> list[UnitPeople]:
        return self.units[1:] if self.mode == "joint" else []


@dataclass
class ScriptItem:
    variant: str
    leaf: str
    lead: str | None = None  # a cast username; None: a generated deputy
    cosign: tuple[str, ...] = ()  # cast usernames, confirmed (invited only for drafts)
    code: str | None = None
    mode: str | None = None
    unit: str | None = None  # force the lead unit (its short name)


# The demo cast's own work (PEOPLE: deputy, cosigner, clerk/head of 省交通运输厅, clerk2 of
# 省教育厅, staff), present at every size.
SCRIPT: tuple[ScriptItem, ...] = (
    ScriptItem("answered_awaiting", "农村公路", lead="deputy", cosign=("cosigner",), code="B"),
    ScriptItem("draft", "城乡公交", lead="deputy", cosign=("cosigner",)),
    ScriptItem("returned", "农村公路", lead="deputy"),
    ScriptItem("handling_contact", "城乡公交", lead="deputy", mode="lead"),
    ScriptItem("closed", "义务教育", lead="deputy", code="A", mode="lead"),
    ScriptItem("submitted", "农村公路", lead="deputy"),
    ScriptItem("draft", "交通安全", cosign=("cosigner",)),
    ScriptItem("closed", "乡村旅游", cosign=("cosigner",), code="C", mode="lead"),
    ScriptItem("handling", "养老服务", cosign=("cosigner",), mode="lead"),
    ScriptItem("answered_rated", "农村公路", cosign=("cosigner",), code="A", mode="joint"),
    ScriptItem("assigned", "农村公路", mode="lead"),
    ScriptItem("assigned", "城乡公交", mode="lead"),
    ScriptItem("handling_contact", "农村公路", mode="joint"),
    ScriptItem("handling_draft_reply", "农村公路", mode="lead"),
    ScriptItem("handling_draft_reply", "城乡公交", mode="lead"),
    ScriptItem("handling_overdue", "农村公路", mode="lead"),
    ScriptItem("handling_overdue", "城乡公交", mode="lead"),
    ScriptItem("assigned_adjustment_pending", "铁路与航空", mode="lead", unit="交通运输厅"),
    ScriptItem("handling_extension_pending", "农村公路", mode="lead"),
    ScriptItem("rehandling", "城乡公交", mode="lead", code="C"),
    ScriptItem("answered_not_rated", "城乡公交", mode="lead", code="D"),
    ScriptItem("assigned", "义务教育", mode="lead"),
    ScriptItem("handling_contact", "学前教育", mode="lead"),
    ScriptItem("handling_draft_reply", "职业教育", mode="lead"),
    ScriptItem("handling_overdue", "义务教育", mode="lead"),
    ScriptItem("submitted", "基层医疗"),
    ScriptItem("submitted", "老旧小区改造"),
    ScriptItem("registered", "就业创业"),
    ScriptItem("registered", "农田水利"),
    ScriptItem("closed", "水环境治理", code="D", mode="lead"),
    ScriptItem("closed_rehandled", "养老服务", code="B", mode="joint"),
    ScriptItem("closed", "营商环境", code="B", mode="separate"),
    ScriptItem("handling_extended", "老旧小区改造", mode="lead"),
    ScriptItem("merged", "城乡公交"),
    ScriptItem("declined", "农村公路"),
    ScriptItem("withdrawn", "社会救助"),
)


class Clock:
    """The moving clock the workflow reads while the timeline runs."""

    def __init__(self) -> None:
        self.at: datetime.datetime | None = None

    def now(self) -> datetime.datetime:
        assert self.at is not None
        return self.at

    def today(self) -> datetime.date:
        return timezone.localtime(self.now()).date()


@contextmanager
def moving_clock(clock: Clock) -> Iterator[None]:
    with (
        mock.patch("django.utils.timezone.now", clock.now),
        mock.patch("minsheng.suggestions.workflow._today", clock.today),
    ):
        yield


def build(ctx: DemoContext) -> None:
    builder = Builder(ctx)
    builder.configure()
    if Suggestion.objects.filter(jurisdiction=ctx.province).exists():
        ctx.log.append(f"{ctx.province.name}: suggestions already present, none added")
        return
    builder.plan_all()
    builder.run()


class Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.j = ctx.province
        self.rng = random.Random(f"{ctx.seed}-suggestions")
        session = self.j.current_session()
        assert session is not None, "the people demo creates the term and its sessions"
        self.session: Session = session
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.cap = self.now - datetime.timedelta(minutes=20)
        self.cal = work_calendar()
        self.s0, self.se = session.start_date, session.end_date
        self.m1 = self.office_day(self.s0 + datetime.timedelta(days=38))
        self.m2 = self.office_day(self.s0 + datetime.timedelta(days=52))
        self.staff = ctx.cast["staff"]
        self.admin = ctx.cast.get("admin")
        self.plans: list[Plan] = []
        self.units: dict[str, UnitPeople] = {}
        self.categories: dict[str, Category] = {}
        self.deputies: list[Deputy] = []
        self.cast_deputies: dict[str, Deputy] = {}
        self.deferred: list[Plan] = []  # merges wait until their targets are planned

    # --- configuration: categories, routing, rules, unit people ---------------------------------

    def configure(self) -> None:
        with signals.suspended():
            RuleSet.objects.get_or_create(jurisdiction=self.j)
        self._categories()
        self._unit_people()
        self._routing()

    def _categories(self) -> None:
        for i, branch in enumerate(TREE):
            top, _ = Category.objects.get_or_create(
                jurisdiction=self.j, parent=None, name=branch.name, defaults={"sort_order": i}
            )
            self.categories[branch.name] = top
            for k, leaf in enumerate(branch.leaves):
                child, _ = Category.objects.get_or_create(
                    jurisdiction=self.j, parent=top, name=leaf.name, defaults={"sort_order": k}
                )
                self.categories[leaf.name] = child

    def _org(self, short: str) -> Organisation:
        return Organisation.objects.get(jurisdiction=self.j, name=f"省{short}")

    def _unit_people(self) -> None:
        shorts = {b.lead for b in TREE}
        for branch in TREE:
            for leaf in branch.leaves:
                shorts |= {leaf.lead, *leaf.joint}
        for _, _, lead, joint in REGIONAL_RULES:
            shorts |= {lead, *joint}
        password = make_password(None)
        rng = random.Random(f"{self.ctx.seed}-unit-people")
        for short in sorted(shorts):
            unit = self._org(short)
            order = unit.sort_order
            people = {}
            for kind, cast_name in (
                ("clerk", self._cast_for(short, "clerk")),
                ("head", self._cast_for(short, "head")),
            ):
                name = generated_name(rng)
                if cast_name:
                    people[kind] = self.ctx.cast[cast_name]
                    continue
                username = f"{self.j.code}-u{order}-{kind}"
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "real_name": name,
                        "jurisdiction": self.j,
                        "password": password,
                        "phone": f"0871-6{order:03d}{'1' if kind == 'head' else '8'}"
                        f"{rng.randrange(1000):03d}",
                    },
                )
                Role.objects.get_or_create(
                    user=user,
                    kind=kind,
                    jurisdiction=self.j,
                    organisation=unit,
                    defaults={"title": "建议办理经办人" if kind == "clerk" else "分管负责人"},
                )
                people[kind] = user
            self.units[short] = UnitPeople(
                unit=unit,
                clerk=people["clerk"],
                head=people["head"],
                leader_phone=f"0871-6{order:03d}1{order % 7}{order % 10}{(order * 3) % 10}",
                officer_phone=f"0871-6{order:03d}8{order % 5}{(order * 7) % 10}{order % 3}",
            )

    def _other_unit(self, *exclude: UnitPeople) -> UnitPeople:
        units = [u for _, u in sorted(self.units.items()) if u not in exclude]
        return self.rng.choice(units)

    def _cast_for(self, short: str, kind: str) -> str | None:
        if short == "交通运输厅":
            return kind  # the cast's clerk and head
        if short == "教育厅" and kind == "clerk":
            return "clerk2"
        return None

    def _routing(self) -> None:
        rules = [(leaf.name, "", leaf.lead, leaf.joint) for b in TREE for leaf in b.leaves]
        rules += [(b.name, "", b.lead, ()) for b in TREE]
        rules += list(REGIONAL_RULES)
        for category, region, lead, joint in rules:
            rule, created = RoutingRule.objects.get_or_create(
                jurisdiction=self.j,
                category=self.categories[category],
                region=region,
                defaults={"lead_unit": self.units[lead].unit},
            )
            if created:
                rule.joint_units.set([self.units[u].unit for u in joint])
                RoutingRuleChange.objects.create(
                    rule=rule,
                    jurisdiction=self.j,
                    changed_by=self.admin,
                    change="created",
                    before=None,
                    after=rule.snapshot(),
                )

    # --- time -----------------------------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def office_day(self, day: datetime.date) -> datetime.date:
        """The first working day on or after `day`; the last one before it near today."""
        found = day
        while not self.cal.is_workday(found):
            found += datetime.timedelta(days=1)
        if found <= self.today:
            return found
        found = day
        while not self.cal.is_workday(found) and found > self.s0:
            found -= datetime.timedelta(days=1)
        return found

    def moment(self, day: datetime.date, office: bool) -> datetime.datetime:
        if office:
            minutes = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
        else:
            minutes = self.rng.randint(7 * 60 + 30, 22 * 60)
        naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive)

    def add(
        self, p: Plan, day: datetime.date, fn: Callable[[], Any], *, office: bool = True
    ) -> datetime.date:
        """Schedule a step of `p` on `day` (moved to a working day for office work); steps of one
        plan stay in order and never pass the present. Returns the day it landed on."""
        day = min(day, self.today)
        at = self.moment(self.office_day(day) if office else day, office)
        if p.last is not None and at <= p.last:
            at = p.last + datetime.timedelta(minutes=self.rng.randint(5, 90))
        if at > self.cap:
            at = max(self.cap, p.last or self.cap)
        p.last = at
        p.steps.append((at, p.index, len(p.steps), fn))
        return timezone.localtime(at).date()

    # --- choosing the plans ---------------------------------------------------------------------

    def plan_all(self) -> None:
        term = self.session.term
        self.deputies = list(
            Deputy.objects.filter(jurisdiction=self.j, term=term, is_active=True)
            .exclude(user__username__in=["deputy", "cosigner"])
            .select_related("user", "delegation")
            .order_by("user__username")
        )
        for name in ("deputy", "cosigner"):
            user = self.ctx.cast.get(name)
            found = Deputy.objects.filter(user=user, term=term).select_related("user").first()
            if found is not None:
                self.cast_deputies[name] = found
        total = SIZES.get(self.ctx.size, SIZES["province"])
        for item in SCRIPT:
            self._plan_script(item)
        variants = list(RANDOM_VARIANTS)
        weights = [RANDOM_VARIANTS[v] for v in variants]
        leaves = [(b, leaf) for b in TREE for leaf in b.leaves]
        leaf_weights = [b.weight for b, _ in leaves]
        while len(self.plans) < total:
            variant = self.rng.choices(variants, weights)[0]
            branch, leaf = self.rng.choices(leaves, leaf_weights)[0]
            p = self._new_plan(variant, branch, leaf, lead=self.rng.choice(self.deputies))
            if self.rng.random() < 0.22:
                count = self.rng.choice([1, 1, 2, 3])
                others = [d for d in self.rng.sample(self.deputies, count + 1) if d != p.lead]
                p.cosigners = [(d, self.rng.random() > 0.05) for d in others[:count]]
            self._schedule(p)
        for p in self.deferred:
            self._v_merged(p)

    def _plan_script(self, item: ScriptItem) -> None:
        branch, leaf = next((b, lf) for b in TREE for lf in b.leaves if lf.name == item.leaf)
        lead = (self.cast_deputies.get(item.lead) if item.lead else None) or self.rng.choice(
            self.deputies
        )
        p = self._new_plan(item.variant, branch, leaf, lead=lead, mode=item.mode, unit=item.unit)
        if item.code:
            p.code = item.code
        for name in item.cosign:
            deputy = self.cast_deputies.get(name)
            if deputy is not None and deputy != lead:
                p.cosigners.append((deputy, None if item.variant == "draft" else True))
        self._schedule(p)

    def _place(self, deputy: Deputy) -> str:
        place = deputy.constituency
        if not place or place == "驻军" or place not in DELEGATIONS:
            place = self.rng.choice(DELEGATIONS[:-1])
        return place

    def _new_plan(
        self,
        variant: str,
        branch: Branch,
        leaf: Leaf,
        *,
        lead: Deputy,
        mode: str | None = None,
        unit: str | None = None,
    ) -> Plan:
        rng = self.rng
        place = self._place(lead)
        title = rng.choice(leaf.titles).format(place=place)
        picks = rng.sample(branch.proposals, 2)
        sentences = [rng.choice(branch.situations).format(place=place), rng.choice(branch.problems)]
        body = "。".join(sentences) + f"。为此建议：一是{picks[0]}；二是{picks[1]}。"
        if rng.random() < 0.5:
            body += "希望有关部门高度重视，尽快研究解决。"
        if variant == "declined":
            reason = rng.choice(list(DECLINED))
            title = DECLINED[reason][0]
        code = rng.choices("ABCD", [42, 30, 16, 12])[0]
        lead_short, joint = unit or leaf.lead, leaf.joint
        for name, region, regional_lead, regional_joint in REGIONAL_RULES:
            if name == leaf.name and region == lead.constituency and unit is None:
                lead_short, joint = regional_lead, regional_joint
        joints = [u for u in joint if u != lead_short]
        if mode is None:
            r = rng.random()
            mode = "joint" if joints and r < 0.4 else "separate" if joints and r < 0.48 else "lead"
        if mode == "separate" and not joints:
            joints = ["财政厅"] if lead_short != "财政厅" else ["发展和改革委员会"]
        if mode == "joint" and not joints:
            mode = "lead"
        units = [self.units[lead_short]]
        if mode != "lead":
            units += [self.units[u] for u in joints[: 1 if mode == "separate" else 2]]
        p = Plan(
            index=len(self.plans),
            variant=variant,
            lead=lead,
            branch=branch,
            leaf=leaf,
            title=title,
            body=body,
            place=place,
            mode=mode,
            units=units,
            code=code,
            confidential=rng.random() < 0.02,
        )
        self.plans.append(p)
        return p

    # --- scheduling one plan --------------------------------------------------------------------

    def _schedule(self, p: Plan) -> None:
        if p.variant == "merged":
            self.deferred.append(p)
            return
        handler = getattr(self, f"_v_{p.variant}")
        handler(p)

    def _pick_assign_day(self, latest_between: datetime.date) -> datetime.date:
        """For a plan that reaches the end of its life: the assignment meeting, or a day between
        sessions early enough for the rest of the life to fit."""
        first_between = self.m2 + datetime.timedelta(days=10)
        r = self.rng.random()
        if r < 0.7 or latest_between <= first_between:
            return self.m1
        if r < 0.85:
            return self.m2
        span = (latest_between - first_between).days
        return self.office_day(first_between + datetime.timedelta(days=self.rng.randint(0, span)))

    def _before_assignment(
        self, p: Plan, assign_day: datetime.date, *, complex_: bool = False
    ) -> None:
        """Create, co-sign, submit and register, ending before `assign_day`."""
        if assign_day <= self.m2:
            created = self.s0 + datetime.timedelta(days=self.rng.randint(0, 3))
            if self.rng.random() < 0.03:
                p.source = Suggestion.Source.FROM_PROPOSAL
            latest = (assign_day - self.s0).days - 3
            register = self.s0 + datetime.timedelta(days=self.rng.randint(8, max(9, latest)))
            self._draft_and_submit(p, created, self.se, revise=self.rng.random() < 0.06)
        else:
            p.source = Suggestion.Source.BETWEEN_SESSIONS
            register = assign_day - datetime.timedelta(days=self.rng.randint(1, 4))
            created = register - datetime.timedelta(days=self.rng.randint(2, 12))
            created = max(created, self.se + datetime.timedelta(days=2))
            self._draft_and_submit(p, created, register - datetime.timedelta(days=1))
        self._register(p, register, complex_=complex_)

    def _draft_and_submit(
        self, p: Plan, created: datetime.date, submit_by: datetime.date, *, revise: bool = False
    ) -> datetime.date:
        self.add(p, created, partial(self._do_create, p), office=False)
        day = created
        for deputy, accept in p.cosigners:
            day = self.add(
                p,
                created + datetime.timedelta(days=self.rng.randint(0, 1)),
                partial(self._do_cosign, p, deputy, accept),
                office=False,
            )
        submitted = self.add(
            p,
            max(day, min(submit_by, created + datetime.timedelta(days=self.rng.randint(0, 2)))),
            partial(self._do_submit, p),
            office=False,
        )
        if revise:
            returned = self.add(
                p,
                submitted + datetime.timedelta(days=self.rng.randint(2, 5)),
                partial(self._do_return, p),
            )
            edited = self.add(
                p,
                returned + datetime.timedelta(days=self.rng.randint(1, 3)),
                partial(self._do_edit, p),
                office=False,
            )
            submitted = self.add(p, edited, partial(self._do_submit, p), office=False)
        return submitted

    def _register(self, p: Plan, day: datetime.date, *, complex_: bool = False) -> None:
        complex_ = complex_ or self.rng.random() < 0.05
        p.register_day = self.add(p, day, partial(self._do_register, p, complex_))

    def _assign(
        self, p: Plan, day: datetime.date, *, adjustment: str | None = None
    ) -> datetime.date:
        """Assign on `day` (and, when asked, an adjustment request decided later); returns the
        first day the units may sign for it."""
        if adjustment is None and p.mode == "lead" and self.rng.random() < 0.04:
            adjustment = self.rng.choice(["moved", "kept"])
        first = p.units[0]
        if adjustment == "moved":
            wrong = self._other_unit(first)
            p.assign_day = self.add(p, day, partial(self._do_assign, p, [wrong] + p.units[1:]))
            asked = self.add(
                p,
                p.assign_day + datetime.timedelta(days=self.rng.randint(1, 3)),
                partial(self._do_request_adjustment, p, wrong, first),
            )
            return self.add(
                p,
                asked + datetime.timedelta(days=self.rng.randint(1, 2)),
                partial(self._do_decide_adjustment, p, first),
            )
        p.assign_day = self.add(p, day, partial(self._do_assign, p, p.units))
        if adjustment == "kept":
            other = self._other_unit(first)
            asked = self.add(
                p,
                p.assign_day + datetime.timedelta(days=self.rng.randint(1, 3)),
                partial(self._do_request_adjustment, p, first, other),
            )
            return self.add(
                p,
                asked + datetime.timedelta(days=self.rng.randint(1, 2)),
                partial(self._do_decide_adjustment, p, None),
            )
        return p.assign_day

    def _sign_all(self, p: Plan, ready: datetime.date) -> datetime.date:
        last = ready
        for people in p.units:
            delay = self.rng.choices([self.rng.randint(0, 6), self.rng.randint(8, 12)], [92, 8])[0]
            last = max(
                last,
                self.add(
                    p, ready + datetime.timedelta(days=delay), partial(self._do_sign, p, people)
                ),
            )
        return last

    def _joint_opinions(self, p: Plan, signed: datetime.date) -> None:
        assert p.assign_day is not None
        for people in p.joint:
            day = max(signed, p.assign_day + datetime.timedelta(days=self.rng.randint(10, 27)))
            self.add(p, day, partial(self._do_joint_opinion, p, people))

    def _contact(
        self, p: Plan, people: UnitPeople, day: datetime.date, stage: str = ContactLog.Stage.BEFORE
    ) -> datetime.date:
        return self.add(p, day, partial(self._do_contact, p, people, stage))

    def _reply(
        self,
        p: Plan,
        signed: datetime.date,
        reply_day: datetime.date,
        *,
        send: bool = True,
        round_: int = 1,
    ) -> datetime.date:
        """Contacts, drafts and (when `send`) signed replies of every answering unit."""
        last = reply_day
        for i, people in enumerate(p.answering):
            contact_day = signed + datetime.timedelta(
                days=self.rng.randint(1, max(1, (reply_day - signed).days - 2))
            )
            self._contact(p, people, min(contact_day, reply_day))
            if self.rng.random() < 0.3 and round_ == 1:
                self._contact(p, people, reply_day, ContactLog.Stage.DURING)
            drafted = self.add(
                p,
                reply_day + datetime.timedelta(days=i * 3),
                partial(self._do_draft_reply, p, people),
            )
            if send:
                last = self.add(
                    p,
                    drafted + datetime.timedelta(days=self.rng.randint(0, 3)),
                    partial(self._do_sign_reply, p, people),
                )
            else:
                last = drafted
        return last

    def _life_to_answer(
        self, p: Plan, assign_day: datetime.date, reply_day: datetime.date
    ) -> datetime.date:
        self._before_assignment(p, assign_day)
        ready = self._assign(p, assign_day)
        signed = self._sign_all(p, ready)
        self._joint_opinions(p, signed)
        reply_day = max(reply_day, signed + datetime.timedelta(days=30))
        return self._reply(p, signed, reply_day)

    def _rate(self, p: Plan, day: datetime.date, overall: str) -> datetime.date:
        last = day
        for i in range(len(p.answering)):
            # In separate handling every reply is rated; only the last may be unsatisfied, so
            # the others are not stranded in the old round.
            value = (
                overall
                if i == len(p.answering) - 1
                else self.rng.choice(["satisfied", "basically"])
            )
            last = self.add(
                p, day + datetime.timedelta(days=i), partial(self._do_rate, p, value), office=False
            )
        return last

    def _good_rating(self) -> str:
        return self.rng.choices(["satisfied", "basically"], [70, 30])[0]

    # --- the variants: where each plan's life ends today ----------------------------------------

    def _v_closed(self, p: Plan) -> None:
        assign = self._pick_assign_day(self.today - datetime.timedelta(days=160))
        replied = self._life_to_answer(
            p, assign, assign + datetime.timedelta(days=self.rng.randint(40, 95))
        )
        overall = self._good_rating()
        rated = self._rate(p, replied + datetime.timedelta(days=self.rng.randint(2, 15)), overall)
        self.add(
            p,
            rated + datetime.timedelta(days=self.rng.randint(3, 20)),
            partial(self._do_close, p, CLOSE_NOTES[overall]),
        )

    def _v_closed_not_rated(self, p: Plan) -> None:
        assign = self._pick_assign_day(self.today - datetime.timedelta(days=190))
        replied = self._life_to_answer(
            p, assign, assign + datetime.timedelta(days=self.rng.randint(40, 90))
        )
        self.add(
            p,
            replied + datetime.timedelta(days=self.rng.randint(45, 70)),
            partial(self._do_close, p, CLOSE_NOTES["not_rated"]),
        )

    def _second_round(
        self,
        p: Plan,
        opened: datetime.date,
        *,
        send: bool = True,
        units: list[UnitPeople] | None = None,
    ) -> datetime.date:
        """Re-handling by the units re-opened: after an unsatisfied rating the one whose reply
        was rated last; after a look-back every answering unit."""
        last = opened
        for people in units or p.answering[-1:]:
            contacted = self._contact(
                p,
                people,
                opened + datetime.timedelta(days=self.rng.randint(2, 9)),
                ContactLog.Stage.DURING,
            )
            if not send:
                last = contacted
                continue
            drafted = self.add(
                p,
                contacted + datetime.timedelta(days=self.rng.randint(4, 14)),
                partial(self._do_draft_reply, p, people, 2),
            )
            last = self.add(
                p,
                drafted + datetime.timedelta(days=self.rng.randint(0, 2)),
                partial(self._do_sign_reply, p, people),
            )
        return last

    def _v_closed_rehandled(self, p: Plan) -> None:
        assign = self._pick_assign_day(self.today - datetime.timedelta(days=230))
        replied = self._life_to_answer(
            p, assign, assign + datetime.timedelta(days=self.rng.randint(40, 80))
        )
        if self.rng.random() < 0.25:
            # A look-back (回头看): staff re-open an answered item themselves.
            rated = self._rate(p, replied + datetime.timedelta(days=3), "basically")
            opened = self.add(
                p,
                rated + datetime.timedelta(days=self.rng.randint(10, 25)),
                partial(self._do_rehandle, p),
            )
            again = self._second_round(p, opened, units=p.answering)
            rated = self._rate(
                p, again + datetime.timedelta(days=self.rng.randint(2, 10)), self._good_rating()
            )
        else:
            opened = self._rate(
                p, replied + datetime.timedelta(days=self.rng.randint(2, 10)), "unsatisfied"
            )
            again = self._second_round(p, opened)
            rated = self.add(
                p,
                again + datetime.timedelta(days=self.rng.randint(2, 10)),
                partial(self._do_rate, p, self._good_rating()),
                office=False,
            )
        self.add(
            p,
            rated + datetime.timedelta(days=self.rng.randint(3, 15)),
            partial(self._do_close, p, CLOSE_NOTES["satisfied"]),
        )

    def _v_closed_understood(self, p: Plan) -> None:
        assign = self._pick_assign_day(self.today - datetime.timedelta(days=200))
        replied = self._life_to_answer(
            p, assign, assign + datetime.timedelta(days=self.rng.randint(40, 80))
        )
        opened = self._rate(p, replied + datetime.timedelta(days=5), "unsatisfied")
        contacted = self._second_round(p, opened, send=False)
        self.add(
            p,
            contacted + datetime.timedelta(days=self.rng.randint(3, 12)),
            partial(self._do_close, p, CLOSE_NOTES["understood"]),
        )

    def _v_answered_awaiting(self, p: Plan) -> None:
        reply = self.days_ago(1, 15)
        self._life_to_answer(
            p, self.office_day(reply - datetime.timedelta(days=self.rng.randint(40, 80))), reply
        )

    def _session_life(self, p: Plan) -> datetime.date | None:
        """Half the answered items come from the session: answered long ago and not closed yet
        (staff close them in batches). Returns the reply day, or None for a recent item."""
        if self.rng.random() < 0.5:
            return None
        assign = self.rng.choice([self.m1, self.m2])
        return self._life_to_answer(
            p, assign, assign + datetime.timedelta(days=self.rng.randint(40, 95))
        )

    def _v_answered_rated(self, p: Plan) -> None:
        replied = self._session_life(p)
        if replied is None:
            reply = self.days_ago(20, 60)
            replied = self._life_to_answer(
                p, self.office_day(reply - datetime.timedelta(days=self.rng.randint(40, 80))), reply
            )
        self._rate(
            p, replied + datetime.timedelta(days=self.rng.randint(2, 12)), self._good_rating()
        )

    def _v_answered_not_rated(self, p: Plan) -> None:
        if self._session_life(p) is not None:
            return
        reply = self.days_ago(45, 120)
        self._life_to_answer(
            p, self.office_day(reply - datetime.timedelta(days=self.rng.randint(40, 80))), reply
        )

    def _v_rehandling(self, p: Plan, *, overdue: bool = False) -> None:
        reply = self.days_ago(60, 80) if overdue else self.days_ago(14, 30)
        replied = self._life_to_answer(
            p, self.office_day(reply - datetime.timedelta(days=self.rng.randint(40, 80))), reply
        )
        opened = self._rate(
            p, replied + datetime.timedelta(days=self.rng.randint(2, 8)), "unsatisfied"
        )
        if self.rng.random() < 0.6 and opened < self.today - datetime.timedelta(days=9):
            self._second_round(p, opened, send=False)

    def _v_rehandling_overdue(self, p: Plan) -> None:
        self._v_rehandling(p, overdue=True)

    def _handling(
        self, p: Plan, assign: datetime.date, *, contact: bool, draft: bool = False
    ) -> datetime.date:
        assign = self.office_day(assign)
        self._before_assignment(p, assign)
        signed = self._sign_all(p, self._assign(p, assign))
        self._joint_opinions(p, signed)
        last = signed
        if contact:
            for people in p.answering:
                last = self._contact(
                    p,
                    people,
                    signed
                    + datetime.timedelta(
                        days=self.rng.randint(1, max(1, (self.today - signed).days))
                    ),
                )
        if draft:
            for people in p.answering[:1]:
                last = self.add(
                    p, max(last, self.days_ago(0, 3)), partial(self._do_draft_reply, p, people)
                )
        return last

    def _v_handling(self, p: Plan) -> None:
        self._handling(p, self.days_ago(8, 60), contact=self.rng.random() < 0.3)

    def _v_handling_contact(self, p: Plan) -> None:
        self._handling(p, self.days_ago(15, 80), contact=True)

    def _v_handling_draft_reply(self, p: Plan) -> None:
        self._handling(p, self.days_ago(35, 85), contact=True, draft=True)

    def _v_handling_overdue(self, p: Plan) -> None:
        self._handling(p, self.days_ago(100, 220), contact=self.rng.random() < 0.7)

    def _v_handling_extension_pending(self, p: Plan) -> None:
        p.mode, p.units = "lead", p.units[:1]
        assign = self.office_day(self.days_ago(72, 86))
        self._handling(p, assign, contact=True)
        until = add_months(assign, 5)
        self.add(p, self.days_ago(0, 1), partial(self._do_request_extension, p, until))

    def _v_handling_extended(self, p: Plan) -> None:
        p.mode, p.units = "lead", p.units[:1]
        assign = self.office_day(self.days_ago(100, 160))
        self._before_assignment(p, assign, complex_=True)
        signed = self._sign_all(p, self._assign(p, assign))
        self._contact(p, p.units[0], signed + datetime.timedelta(days=self.rng.randint(3, 20)))
        until = add_months(assign, 6)
        asked = self.add(
            p,
            assign + datetime.timedelta(days=self.rng.randint(60, 80)),
            partial(self._do_request_extension, p, until),
        )
        self.add(
            p,
            asked + datetime.timedelta(days=self.rng.randint(1, 4)),
            partial(self._do_decide_extension, p),
        )

    def _v_assigned(self, p: Plan, *, late: bool = False) -> None:
        assign = self.office_day(self.days_ago(8, 12) if late else self.days_ago(0, 5))
        self._before_assignment(p, assign)
        self._assign(p, assign, adjustment="none")

    def _v_assigned_late_sign(self, p: Plan) -> None:
        self._v_assigned(p, late=True)

    def _v_assigned_adjustment_pending(self, p: Plan) -> None:
        p.mode, p.units = "lead", p.units[:1]
        assign = self.office_day(self.days_ago(2, 5))
        self._before_assignment(p, assign)
        self._assign(p, assign, adjustment="none")
        proposed = self.units[p.leaf.lead]
        if proposed == p.units[0]:
            proposed = self._other_unit(p.units[0])
        self.add(
            p, self.days_ago(0, 1), partial(self._do_request_adjustment, p, p.units[0], proposed)
        )

    def _v_registered(self, p: Plan) -> None:
        p.source = Suggestion.Source.BETWEEN_SESSIONS
        register = self.office_day(self.days_ago(0, 3))
        created = register - datetime.timedelta(days=self.rng.randint(2, 8))
        self._draft_and_submit(p, created, register - datetime.timedelta(days=1))
        self._register(p, register)

    def _v_submitted(self, p: Plan) -> None:
        p.source = Suggestion.Source.BETWEEN_SESSIONS
        submitted = self.days_ago(0, 3)
        self._draft_and_submit(
            p, submitted - datetime.timedelta(days=self.rng.randint(0, 5)), submitted
        )

    def _v_draft(self, p: Plan) -> None:
        p.source = Suggestion.Source.BETWEEN_SESSIONS
        if not p.cosigners or all(a is not None for _, a in p.cosigners):
            p.cosigners = [(d, None) for d, _ in p.cosigners]  # invitations not yet answered
        self.add(p, self.days_ago(0, 25), partial(self._do_create, p), office=False)

    def _v_returned(self, p: Plan) -> None:
        p.source = Suggestion.Source.BETWEEN_SESSIONS
        returned = self.office_day(self.days_ago(2, 30))
        created = returned - datetime.timedelta(days=self.rng.randint(4, 12))
        self._draft_and_submit(p, created, returned - datetime.timedelta(days=2))
        self.add(p, returned, partial(self._do_return, p))

    def _v_declined(self, p: Plan) -> None:
        if self.rng.random() < 0.7:
            created = self.s0 + datetime.timedelta(days=self.rng.randint(0, 3))
            self._draft_and_submit(p, created, self.se)
            day = self.s0 + datetime.timedelta(days=self.rng.randint(8, 35))
        else:
            p.source = Suggestion.Source.BETWEEN_SESSIONS
            day = self.office_day(self.days_ago(5, 200))
            self._draft_and_submit(
                p,
                day - datetime.timedelta(days=self.rng.randint(3, 9)),
                day - datetime.timedelta(days=1),
            )
        self.add(p, day, partial(self._do_decline, p))

    def _v_withdrawn(self, p: Plan) -> None:
        when = self.rng.choice(["submitted", "registered", "handling"])
        created = self.s0 + datetime.timedelta(days=self.rng.randint(0, 3))
        if when == "submitted":
            submitted = self._draft_and_submit(p, created, self.se)
            day = submitted + datetime.timedelta(days=self.rng.randint(2, 10))
        elif when == "registered":
            self._draft_and_submit(p, created, self.se)
            self._register(p, self.s0 + datetime.timedelta(days=self.rng.randint(8, 20)))
            assert p.register_day is not None
            day = p.register_day + datetime.timedelta(days=self.rng.randint(2, 10))
        else:
            self._before_assignment(p, self.m1)
            signed = self._sign_all(p, self._assign(p, self.m1, adjustment="none"))
            day = signed + datetime.timedelta(days=self.rng.randint(15, 60))
        self.add(p, day, partial(self._do_withdraw, p), office=False)

    def _v_merged(self, p: Plan) -> None:
        created = self.s0 + datetime.timedelta(days=self.rng.randint(0, 3))
        self._draft_and_submit(p, created, self.se)
        latest = self.m1 - datetime.timedelta(days=1)
        targets = [
            t
            for t in self.plans
            if t.assign_day == self.m1
            and t.register_day
            and t.register_day < latest
            and t.variant != "merged"
            and t is not p
        ]
        same = [t for t in targets if t.leaf == p.leaf] or targets
        if not same:  # nothing to merge into: it simply waits to be registered
            return
        target = self.rng.choice(same)
        assert target.register_day is not None
        if self.rng.random() < 0.5:
            self._register(p, target.register_day)
        low = max(target.register_day, p.register_day or target.register_day)
        span = max(0, (latest - low).days - 1)
        day = low + datetime.timedelta(days=self.rng.randint(1, max(1, span)))
        self.add(p, min(day, latest), partial(self._do_merge, p, target))

    # --- the steps as they run (under the moving clock) -----------------------------------------

    def _s(self, p: Plan) -> Suggestion:
        assert p.s is not None
        return p.s

    def _do_create(self, p: Plan) -> None:
        category = self.categories[p.leaf.name]
        p.s = workflow.create_draft(
            by=p.lead.user,
            lead_deputy=p.lead,
            title=p.title,
            body=p.body,
            session=self.session,
            category=category,
            source=p.source,
            cosigners=[d for d, _ in p.cosigners],
            is_confidential=p.confidential,
        )

    def _do_cosign(self, p: Plan, deputy: Deputy, accept: bool | None) -> None:
        if accept is not None:
            workflow.confirm_cosign(self._s(p), by=deputy.user, accept=accept)

    def _do_submit(self, p: Plan) -> None:
        workflow.submit(self._s(p), by=p.lead.user)

    def _do_return(self, p: Plan) -> None:
        workflow.return_for_revision(self._s(p), by=self.staff, note=self.rng.choice(RETURN_NOTES))

    def _do_edit(self, p: Plan) -> None:
        s = self._s(p)
        workflow.edit_draft(
            s, by=p.lead.user, title=s.title, body=f"{p.body}{EDIT_NOTE}", category=s.category
        )

    def _do_register(self, p: Plan, complex_: bool) -> None:
        workflow.register(self._s(p), by=self.staff, is_complex=True if complex_ else None)

    def _do_decline(self, p: Plan) -> None:
        reason = next(
            (r for r, (title, _) in DECLINED.items() if title == p.title),
            DeclineReason.OUT_OF_SCOPE,
        )
        workflow.decline(self._s(p), by=self.staff, reason=reason, note=DECLINED[reason][1])

    def _do_withdraw(self, p: Plan) -> None:
        workflow.withdraw(self._s(p), by=p.lead.user, reason=self.rng.choice(WITHDRAW_REASONS))

    def _do_merge(self, p: Plan, target: Plan) -> None:
        into = self._s(target)
        workflow.merge(
            self._s(p),
            by=self.staff,
            into=into,
            note=f"与{into.display_number}建议内容相近，并案办理。",
        )

    def _do_assign(self, p: Plan, units: list[UnitPeople]) -> None:
        if p.mode == "separate":
            plan = [UnitPlan(u.unit, Assignment.Mode.SEPARATE) for u in units]
        else:
            plan = [UnitPlan(units[0].unit, Assignment.Mode.LEAD)]
            plan += [
                UnitPlan(u.unit, Assignment.Mode.JOINT) for u in units[1:] if p.mode == "joint"
            ]
        workflow.assign(self._s(p), by=self.staff, plan=plan)

    def _do_request_adjustment(self, p: Plan, people: UnitPeople, proposed: UnitPeople) -> None:
        p.requests["adjustment"] = workflow.request_adjustment(
            self._s(p),
            by=people.clerk,
            proposed_unit=proposed.unit,
            reason=ADJUSTMENT_REASONS[0].format(topic=p.topic, unit=proposed.unit),
        )

    def _do_decide_adjustment(self, p: Plan, move_to: UnitPeople | None) -> None:
        request = p.requests["adjustment"]
        note = "同意调整承办单位。" if move_to else "经研究，该建议仍由原单位办理。"
        workflow.decide_adjustment(
            self._s(p),
            by=self.staff,
            request_id=request.pk,
            move_to=move_to.unit if move_to else None,
            note=note,
        )

    def _do_sign(self, p: Plan, people: UnitPeople) -> None:
        workflow.sign(self._s(p), by=people.clerk)

    def _do_contact(self, p: Plan, people: UnitPeople, stage: str) -> None:
        s = self._s(p)
        method = self.rng.choice(ContactLog.Method.values)
        workflow.log_contact(
            s,
            by=people.clerk,
            method=method,
            stage=stage,
            contacted_on=workflow._today(),
            people=f"{people.clerk.display_name}、{p.lead}代表",
            summary=self.rng.choice(CONTACT_SUMMARIES).format(topic=p.topic, place=p.place),
        )

    def _do_joint_opinion(self, p: Plan, people: UnitPeople) -> None:
        workflow.submit_joint_opinion(
            self._s(p),
            by=people.clerk,
            text=self.rng.choice(JOINT_OPINIONS).format(topic=p.topic),
        )

    def _reply_text(self, p: Plan, round_: int) -> str:
        rng = self.rng
        parts = [
            rng.choice(REPLY_OPENINGS),
            rng.choice(REPLY_MIDDLES[p.code]),
            rng.choice(REPLY_CLOSINGS),
        ]
        if round_ > 1:
            parts.insert(1, "针对您提出的意见，我们再次进行了实地调研，逐条研究落实措施。")
        return "\n".join(part.format(topic=p.topic, place=p.place) for part in parts)

    def _do_draft_reply(self, p: Plan, people: UnitPeople, round_: int = 1) -> None:
        today = workflow._today()
        fields: dict[str, Any] = {
            "category": p.code,
            "text": self._reply_text(p, round_),
            "contact_leader": people.head.display_name,
            "contact_leader_phone": people.leader_phone,
            "case_officer": people.clerk.display_name,
            "case_officer_phone": people.officer_phone,
        }
        if p.code == Reply.Category.B:
            y1, y2 = today.year + 1, today.year + self.rng.choice([1, 2])
            m1, m2 = self.rng.choice([3, 6]), self.rng.choice([6, 12])
            fields["plan"] = PLAN_TEMPLATE.format(y1=y1, m1=m1, y2=y2, m2=m2)
            fields["target_date"] = datetime.date(y2, m2, 30)
        workflow.draft_reply(self._s(p), by=people.clerk, **fields)

    def _do_sign_reply(self, p: Plan, people: UnitPeople) -> None:
        workflow.sign_reply(self._s(p), by=people.head)

    def _do_rate(self, p: Plan, overall: str) -> None:
        reasons = self.rng.choice(UNSATISFIED) if overall == "unsatisfied" else ""
        process = result = ""
        if self.rng.random() < 0.4:  # some places rate the process and the result separately
            process, result = self.rng.choice(["satisfied", "basically"]), overall
        workflow.rate(
            self._s(p),
            by=p.lead.user,
            overall=overall,
            reasons=reasons,
            process=process,
            result=result,
        )

    def _do_rehandle(self, p: Plan) -> None:
        workflow.rehandle(
            self._s(p), by=self.staff, note="年度“回头看”发现问题尚未彻底解决，重新交办。"
        )

    def _do_close(self, p: Plan, note: str) -> None:
        workflow.close(self._s(p), by=self.staff, note=note)

    def _do_request_extension(self, p: Plan, until: datetime.date) -> None:
        p.requests["extension"] = workflow.request_extension(
            self._s(p),
            by=p.units[0].clerk,
            until=until,
            reason=self.rng.choice(EXTENSION_REASONS),
            deputy_told=True,
        )

    def _do_decide_extension(self, p: Plan) -> None:
        workflow.decide_extension(
            self._s(p),
            by=self.staff,
            request_id=p.requests["extension"].pk,
            approve=True,
            note="同意延期，请按期答复代表。",
        )

    # --- running the timeline -------------------------------------------------------------------

    def _ticks(self) -> list[Step]:
        """The daily job recording 'not rated' once a rating window has passed."""
        ticks: list[Step] = []
        day = self.s0
        while day <= self.today:
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(1, 0)))
            if at <= self.cap:
                ticks.append((at, -1, 0, partial(workflow.expire_ratings, day)))
            day += datetime.timedelta(days=1)
        return ticks

    def run(self) -> None:
        steps = [step for p in self.plans for step in p.steps] + self._ticks()
        steps.sort(key=lambda step: (step[0], step[1], step[2]))
        clock = Clock()
        with moving_clock(clock), signals.suspended():
            for at, _plan, _n, fn in steps:
                clock.at = at
                fn()
        self._mark_key()
        counts = Counter(
            Suggestion.objects.filter(jurisdiction=self.j).values_list("state", flat=True)
        )
        total = sum(counts.values())
        summary = ", ".join(f"{state} {n}" for state, n in sorted(counts.items()))
        self.ctx.log.append(f"{self.j.name}: {total} suggestions ({summary})")

    def _mark_key(self) -> None:
        """The chair's council picks a few key suggestions. Not a state: the flag is set here
        because the workflow has no action for it yet."""
        candidates = [
            p.s.pk
            for p in self.plans
            if p.s is not None
            and p.register_day
            and p.variant.startswith(("closed", "answered", "handling", "rehandling"))
        ]
        count = max(2, len(candidates) // 30)
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        Suggestion.objects.filter(pk__in=chosen).update(is_key=True)
