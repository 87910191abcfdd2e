"""Demo of the practical-matter vote: last year's round, finished. Twelve candidate projects
collected from the public, deputies and departments (two not shortlisted, with reasons), the
demo deputies' ballots, the close, the adoption of the eight winners as ledger items (with
their year's progress, most done), and the deputies' year-end satisfaction ratings.

Called from `ledger/demo.py`; everything goes through `workflow_vote`, as a real vote would."""

from __future__ import annotations

import datetime
import decimal

from django.utils import timezone

from minsheng.ledger import workflow as ledger
from minsheng.ledger import workflow_vote as vote
from minsheng.ledger.models_vote import Candidate, VoteRound
from minsheng.people.demo import DemoContext
from minsheng.people.models import Deputy, Organisation

VOTERS = 60  # of the demo deputies, enough for a credible tally and a quick demo
WINNERS = 8

# (title, origin, source note, unit, budget in 10,000 yuan, vetting reason when not shortlisted)
CANDIDATES = [
    ("既有住宅加装电梯500部", "public", "网上征集第0137号等126件", "住房和城乡建设厅", 15000, ""),
    ("城乡社区老年助餐点300个", "deputy", "林建国等18名代表建议", "民政厅", 4500, ""),
    ("中小学课后托管服务全覆盖", "public", "网上征集第0211号等87件", "教育厅", 6000, ""),
    ("县域急救站点建设50个", "department", "省卫生健康委员会申报", "卫生健康委员会", 9000, ""),
    ("农村客运“村村通”提质", "deputy", "陈思远等9名代表建议", "交通运输厅", 12000, ""),
    ("城区积水点改造100处", "public", "12345热线汇总", "住房和城乡建设厅", 20000, ""),
    ("残疾人康复服务进社区", "department", "省残疾人联合会申报", "民政厅", 2200, ""),
    ("农贸市场“菜篮子”提升", "public", "网上征集第0302号等41件", "商务厅", 3800, ""),
    ("全民健身场地补短板", "department", "省体育局申报", "体育局", 7000, ""),
    ("农村生活污水治理", "deputy", "环资委调研报告", "生态环境厅", 30000, ""),
    (
        "新建省级体育中心",
        "department",
        "某市申报",
        "体育局",
        260000,
        "投资规模过大，不属于当年可完成的民生实事。",
    ),
    (
        "全省景区门票减免",
        "public",
        "网上征集第0408号",
        "文化和旅游厅",
        None,
        "属于价格政策调整，不宜列为民生实事项目。",
    ),
]


def build(ctx: DemoContext) -> None:
    j = ctx.province
    year = timezone.localdate().year - 1
    title = f"{year}年省政府民生实事项目票决"
    if VoteRound.objects.filter(jurisdiction=j, year=year, title=title).exists():
        return
    staff = ctx.cast["staff"]
    rng = ctx.rng
    org = {o.name: o for o in Organisation.objects.filter(jurisdiction=j)}
    r = vote.create_round(
        by=staff,
        jurisdiction_id=j.pk,
        year=year,
        title=title,
        winners=WINNERS,
        description="面向社会公开征集候选项目，经省政府审核形成候选清单，提请省人民代表大会代表票决。",
    )
    for name, origin, note, unit, budget, _reason in CANDIDATES:
        vote.add_candidate(
            r,
            by=staff,
            title=name,
            origin=origin,
            source_note=note,
            unit=org.get(f"省{unit}"),
            budget=decimal.Decimal(budget) if budget is not None else None,
        )
    vote.start_vetting(r, by=staff)
    for c in Candidate.objects.filter(round=r).order_by("pk"):
        reason = CANDIDATES[[x[0] for x in CANDIDATES].index(c.title)][5]
        result = Candidate.Vetting.REJECTED if reason else Candidate.Vetting.SHORTLISTED
        vote.vet(r, by=staff, result=result, reason=reason, candidate_id=c.pk)
    vote.open_voting(r, by=staff, closes_on=timezone.localdate())
    shortlist = list(r.candidates.filter(vetting=Candidate.Vetting.SHORTLISTED).order_by("pk"))
    deputies = list(
        Deputy.objects.filter(jurisdiction=j, is_active=True).select_related("user").order_by("pk")
    )[:VOTERS]
    for n, deputy in enumerate(deputies):
        choices = {}
        for k, c in enumerate(shortlist):
            # The first projects are the most popular; every deputy decides on each.
            luck = rng.random() + k * 0.05
            choices[c.pk] = "for" if luck < 0.8 else ("against" if luck < 0.95 else "abstain")
        vote.cast(r, by=deputy.user, choices=choices)
        if n % 10 == 0:  # some change their mind before the close
            vote.cast(r, by=deputy.user, choices={shortlist[-1].pk: "for"})
    vote.close(r, by=staff)
    start = datetime.date(year, 1, 15)
    items = vote.adopt(r, by=staff, starts_on=start, ends_on=datetime.date(year, 12, 20))
    for n, item in enumerate(items):
        on = datetime.date(year, 12, 10)
        percent = 80 if n == len(items) - 1 else 100
        ledger.report(item, by=staff, on=on, percent=percent, narrative="年度目标任务完成情况。")
    for deputy in deputies:
        for item in items:
            luck = rng.random()
            rating = "satisfied" if luck < 0.7 else ("basic" if luck < 0.93 else "unsatisfied")
            vote.rate(item, by=deputy.user, rating=rating)
    # The demo replays last year's vote today; its dates are set to when it took place (the
    # session in January, the adoption after it). Only timestamps: the states and events are
    # those the workflow wrote.
    tz = timezone.get_current_timezone()
    VoteRound.objects.filter(pk=r.pk).update(
        opens_at=datetime.datetime(year, 1, 10, 9, tzinfo=tz),
        closes_at=datetime.datetime(year, 1, 12, 23, 59, tzinfo=tz),
        closed_at=datetime.datetime(year, 1, 12, 17, tzinfo=tz),
        adopted_at=datetime.datetime(year, 1, 14, 10, tzinfo=tz),
    )
    ctx.log.append(
        f"Practical-matter vote: {title}, {len(shortlist)} shortlisted, {len(deputies)} voters, "
        f"{len(items)} adopted into the ledger."
    )
