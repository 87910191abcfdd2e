"""Demo: one evaluation campaign of the demo year, partly worked through (run by `minsheng
demo` after the schemes, `demo_modules` on the app's config; idempotent). Every change goes
through the campaign's functions, so its history is real events.

It started 12 days ago: the plan is done (3 days late, as it ended on day 10), the deputies'
opinion forms are sent (about two deputies in three answered; the demo deputy 林建国's form
waits for them to try), the units' self-assessment is under way, the rest has not started."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from minsheng.engine.errors import Conflict
from minsheng.evaluation import campaigns, schemes
from minsheng.evaluation.models_campaign import OPINIONS_STEP, Campaign, OpinionForm
from minsheng.people.demo import DemoContext

TITLE = "代表建议办理工作评估"
RATINGS = ("satisfied", "satisfied", "satisfied", "basically", "basically", "unsatisfied")
COMMENTS = ("", "", "承办单位沟通及时，答复具体。", "希望加快落实进度。", "建议面商更深入。")


def build(ctx: DemoContext) -> None:
    province = ctx.province
    staff = ctx.cast.get("staff")
    if staff is None:
        return
    day = timezone.localdate()
    year = day.year
    if Campaign.objects.filter(
        jurisdiction=province, year=year, title=f"{year}年度{TITLE}"
    ).exists():
        return
    campaign = campaigns.create(
        by=staff,
        jurisdiction=province,
        year=year,
        title=f"{year}年度{TITLE}",
        starts_on=day - datetime.timedelta(days=12),
        scheme=schemes.for_year(province.pk, year),
    )
    # Its own generator: the demo modules after this one draw what they drew before.
    rng = random.Random(ctx.seed * 7919 + 12)
    steps = {s.code: s for s in campaign.steps.all()}
    plan = steps["plan"]
    campaigns.start(plan, by=staff, note="经主任会议同意，启动年度评估。")
    campaigns.finish(plan, by=staff, note="评估工作方案已印发各承办单位。")
    opinions = steps[OPINIONS_STEP]
    campaigns.start(opinions, by=staff)
    try:
        sent = campaigns.send_opinion_forms(opinions, by=staff)
    except Conflict:
        sent = 0
    demo_deputy = ctx.cast.get("deputy")
    forms = list(
        OpinionForm.objects.filter(campaign=campaign).exclude(deputy=demo_deputy).order_by("pk")
    )
    answered = 0
    for index, form in enumerate(forms):
        if rng.random() > 0.66:
            continue
        items = [
            campaigns.ItemAnswer(
                suggestion_id=item.suggestion_id,
                handling=rng.choice(RATINGS),
                communication=rng.choice(RATINGS),
            )
            for item in form.items.all()[:3]
            if rng.random() < 0.5
        ]
        campaigns.submit_opinion(
            form,
            by=form.deputy,
            handling=rng.choice(RATINGS),
            communication=rng.choice(RATINGS),
            comment=COMMENTS[index % len(COMMENTS)],
            items=items,
        )
        answered += 1
    self_assessment = steps["self_assessment"]
    campaigns.start(self_assessment, by=staff, note="已通知各承办单位提交自评报告。")
    campaigns.note(self_assessment, by=staff, note="已收到12家单位的自评报告。")
    ctx.log.append(
        f"evaluation: campaign “{campaign.title}”: 1 of {len(steps)} steps done, "
        f"{sent} opinion forms sent, {answered} answered"
    )
