"""A handling unit's report card (单位办理情况评价卡, issue 12 point 4) in Word, in the shared
official layout (`minsheng.lib.letters`, GB/T 9704): the unit's suggestions' figures (the
reports' `by_unit`, the same as the annual report's table 3), its result and rank under the
year's evaluation scheme and every indicator of the scheme (`evaluation.figures.unit_card`,
the unit's evaluation page's), its deputies' ratings (`evaluation.figures.satisfaction`),
its B commitments (`commitment_rates`), and a chart of its indicators (`charts.bar_chart`,
the report's own chart function).

Nothing is counted here. The document is Chinese by nature, as every official document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng.lib import letters as layout
from minsheng.lib.letters import chinese_date
from minsheng.people.models import Jurisdiction, Organisation
from minsheng.reports import charts, figures
from minsheng.reports.documents import (
    NO_DATA,
    _caption,
    _chart,
    _heading,
    _n,
    _pct,
    _widths,
)

__all__ = ["CARD_HEADINGS", "Card", "card_filename", "collect", "unit_card"]

CARD_HEADINGS = (
    "一、办理基本情况",
    "二、评价结果",
    "三、评价指标",
    "四、代表满意度",
    "五、答复承诺事项",
)
RESULT_WORDS = {"good": "好", "pass": "合格", "fail": "不合格", "no_data": NO_DATA}


@dataclass
class Card:
    jurisdiction: Jurisdiction
    unit: Organisation
    year: int
    today: datetime.date
    group: figures.Group | None  # the unit's row of the report's by_unit
    scheme: Any  # evaluation Scheme or None
    score: Any  # evaluation Score or None
    ranked: int  # units ranked under the scheme
    indicators: list[tuple[str, str, Any, bool]]  # key, label, Tally, higher is better
    satisfaction: Any  # evaluation Satisfaction of the unit (or an empty one)
    commitments: Any  # ledger Rate of the unit (or None)

    @property
    def period(self) -> figures.Period:
        return figures.Period.year(self.jurisdiction, self.year)


def collect(unit: Organisation, year: int, today: datetime.date | None = None) -> Card:
    from minsheng.evaluation import figures as evaluation
    from minsheng.evaluation import schemes
    from minsheng.evaluation.indicators import INDICATORS
    from minsheng.evaluation.scoring import Period as EvaluationPeriod
    from minsheng.evaluation.scoring import Tally

    today = today or timezone.localdate()
    jurisdiction = unit.jurisdiction
    period = figures.Period.year(jurisdiction, year)
    group = next(
        (g for g in figures.by_unit(period, today) if g.extra.get("unit_id") == unit.pk), None
    )
    scheme = schemes.for_year(jurisdiction.pk, year)
    scope = evaluation.scope(jurisdiction.pk, EvaluationPeriod.year(year), today)
    card = evaluation.unit_card(scope, unit.pk, scheme)
    keys = scheme.indicator_keys if scheme is not None else list(INDICATORS)
    with translation.override("zh-hans"):
        indicators = [
            (
                k,
                str(INDICATORS[k].label),
                card["tallies"].get(k, Tally()),
                INDICATORS[k].higher_is_better,
            )
            for k in keys
        ]
    rows, _total = evaluation.satisfaction(jurisdiction.pk, by="unit", year=year)
    satisfied = next((r for r in rows if r.key == unit.pk), evaluation.Satisfaction())
    rates, _all = figures.commitment_rates(period, today)
    rate = next((r for r in rates if r.unit_id == unit.pk), None)
    return Card(
        jurisdiction=jurisdiction,
        unit=unit,
        year=year,
        today=today,
        group=group,
        scheme=scheme,
        score=card["score"],
        ranked=len(evaluation.units(jurisdiction.pk)),
        indicators=indicators,
        satisfaction=satisfied,
        commitments=rate,
    )


def card_title(c: Card) -> str:
    return f"{c.unit.name}{c.year}年度代表建议办理情况评价"


def card_filename(c: Card) -> str:
    return f"{c.unit.name}{c.year}年度代表建议办理情况评价.docx"


def _score_text(c: Card) -> str:
    s = c.score
    if c.scheme is None or s is None:
        return "本年度未确定评价办法，不作评分。"
    name = f"{c.scheme.name}（第{c.scheme.version}版）"
    if c.scheme.style == "points":
        shown = NO_DATA if s.score is None else f"{s.score:g}分"
        rank = f"，在{c.ranked}个承办单位中列第{s.rank}位" if s.rank else "，不参加排名"
        return f"按{name}，本单位得分{shown}（所依据指标权重合计{s.weight_covered:g}）{rank}。"
    rank = f"，在{c.ranked}个承办单位中列第{s.rank}位" if s.rank else ""
    return f"按{name}，本单位评价结果为“{RESULT_WORDS.get(s.result, s.result)}”{rank}。"


def unit_card(c: Card) -> DocxDocument:
    doc = layout.new_document()
    # Two lines split by meaning (GB/T 9704 7.3.1): the unit, then what the card is.
    heading = layout.title(doc, c.unit.name)
    heading.runs[0].add_break()
    heading.runs[0].add_text(f"{c.year}年度代表建议办理情况评价")
    layout.para(doc)
    layout.para(
        doc,
        f"根据{c.jurisdiction.name}人大常委会代表建议办理工作评价办法，现将{c.unit.name}"
        f"{c.year}年度代表建议办理情况评价如下（数据截至{chinese_date(c.today)}）：",
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )

    _heading(doc, CARD_HEADINGS[0])
    g = c.group
    if g is None or not (g.count or g.extra.get("joint")):
        layout.para(doc, f"{c.year}年度立案的代表建议中，没有交由本单位办理的。", indent=True)
    else:
        layout.para(
            doc,
            f"{c.year}年度交由本单位主办、分办的代表建议{_n(g.count)}件，"
            f"会办{_n(g.extra.get('joint', 0))}件；"
            f"已答复{_n(g.answered)}件，按时答复率{_pct(g.on_time_rate)}，逾期未答复{_n(g.overdue)}件。",
            indent=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    _caption(doc, "表1　办理基本情况")
    layout.grid_table(
        doc,
        ["主办分办", "会办", "已答复", "按时答复率", "逾期"],
        [
            [
                _n(g.count if g else 0),
                _n(g.extra.get("joint", 0) if g else 0),
                _n(g.answered if g else 0),
                _pct(g.on_time_rate if g else None),
                _n(g.overdue if g else 0),
            ]
        ],
        _widths(1, 1, 1, 1.4, 1),
    )

    _heading(doc, CARD_HEADINGS[1])
    layout.para(doc, _score_text(c), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if c.score is not None and c.score.parts:
        _caption(doc, "表2　评价办法各项")
        rows = []
        for i, p in enumerate(c.score.parts, start=1):
            if p.result:
                shown = RESULT_WORDS.get(p.result, p.result)
            else:
                shown = NO_DATA if p.points is None else f"{p.points:g}／{p.weight:g}"
            rows.append([str(i), str(p.label), shown])
        layout.grid_table(doc, ["序号", "项目", "结果"], rows, _widths(10, 60, 30))

    _heading(doc, CARD_HEADINGS[2])
    _caption(doc, "表3　评价指标")
    layout.grid_table(
        doc,
        ["序号", "指标", "计入", "达标", "数值"],
        [
            [
                str(i),
                label + ("（越低越好）" if not up else ""),
                _n(t.counted),
                _n(t.met),
                _pct(t.value),
            ]
            for i, (_k, label, t, up) in enumerate(c.indicators, start=1)
        ],
        _widths(9, 51, 13, 13, 14),
    )
    with_data = [(label, t.value) for _k, label, t, _up in c.indicators if t.value is not None]
    if with_data:
        _chart(
            doc,
            charts.bar_chart(
                "评价指标（%）",
                [label for label, _v in with_data],
                [v for _l, v in with_data],
                horizontal=True,
                percent=True,
            ),
        )
    else:
        layout.para(doc, "本单位本年度各项指标均无数据。", indent=True)

    _heading(doc, CARD_HEADINGS[3])
    s = c.satisfaction
    if not (s.rated or s.not_rated):
        layout.para(doc, "本年度尚无代表对本单位答复的评价。", indent=True)
    else:
        layout.para(
            doc,
            f"代表对本单位答复作出评价{_n(s.rated)}件（以最近一轮为准），其中满意{_n(s.satisfied)}件、"
            f"基本满意{_n(s.basically)}件、不满意{_n(s.unsatisfied)}件，满意和基本满意率{_pct(s.rate)}；"
            f"另有{_n(s.not_rated)}件逾期未评价，未计入满意。",
            indent=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    _caption(doc, "表4　代表评价")
    layout.grid_table(
        doc,
        ["满意", "基本满意", "不满意", "未评价", "满意和基本满意率"],
        [[_n(s.satisfied), _n(s.basically), _n(s.unsatisfied), _n(s.not_rated), _pct(s.rate)]],
        _widths(1, 1, 1, 1, 1.6),
    )

    _heading(doc, CARD_HEADINGS[4])
    r = c.commitments
    if r is None or not r.promised:
        layout.para(doc, "本年度答复中没有列入计划逐步解决（B类）的承诺事项。", indent=True)
    else:
        layout.para(
            doc,
            f"B类答复承诺事项{_n(r.promised)}件，已解决{_n(r.solved)}件，解决率{_pct(r.rate)}；"
            f"正在推进{_n(r.open)}件（其中超过计划完成时间{_n(r.overdue)}件）。",
            indent=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    layout.signature(doc, _office(c), c.today)
    return doc


def _office(c: Card) -> str:
    from minsheng.suggestions.letters import congress_office_for

    return congress_office_for(c.jurisdiction)
