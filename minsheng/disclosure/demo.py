"""The demo's publications: every suggestion of the demo province with a sent reply gets its
record (`workflow.prepare_all`, as after each reply), confidential ones are withheld by the
engine; staff publish most of the others (a few of the long replies with a summary, a few
withheld or withdrawn with a reason) and leave the latest ones waiting for review. Through the
real workflow, deterministic for a seed; running it again adds nothing."""

from __future__ import annotations

import contextlib

from minsheng.disclosure import hooks, workflow
from minsheng.disclosure.models import Publication
from minsheng.people.demo import DemoContext

P = Publication.State
# Of the records waiting for review, oldest due first: the share left waiting, withheld, and
# withdrawn after publication.
LEFT_WAITING = 0.12
WITHHELD_EVERY = 40
WITHDRAWN_EVERY = 97
SUMMARISED_EVERY = 15


def during_build() -> contextlib.AbstractContextManager[None]:
    """While the demo builds in one transaction, the hook would run after it for every reply:
    the records are prepared here instead."""
    return hooks.suspended()


def build(ctx: DemoContext) -> None:
    j = ctx.province
    if Publication.objects.filter(jurisdiction=j).exists():
        ctx.log.append("disclosure: demo publications already present, none added")
        return
    staff = ctx.cast.get("staff")
    if staff is None:
        return
    prepared = workflow.prepare_all(j.pk)
    waiting = list(
        Publication.objects.filter(jurisdiction=j, state=P.PENDING)
        .order_by("due", "pk")
        .values_list("pk", flat=True)
    )
    keep = int(len(waiting) * LEFT_WAITING)
    to_publish = waiting[: len(waiting) - keep]
    published = withheld = withdrawn = 0
    for n, pk in enumerate(to_publish):
        pub = Publication.objects.select_related("suggestion").get(pk=pk)
        if n % WITHHELD_EVERY == WITHHELD_EVERY - 1:
            workflow.withhold(pub, by=staff, reason="涉及个人隐私，经审查不予公开。")
            withheld += 1
            continue
        if n % SUMMARISED_EVERY == 3:
            key = next((k for k in pub.fingerprints if k.startswith("reply:")), None)
            if key:
                pub = workflow.summarise(
                    pub,
                    by=staff,
                    piece=key,
                    summary="（摘要）承办单位已研究代表建议，明确了办理措施和完成时限，将按计划推进并接受代表监督。",
                )
        pub = workflow.publish(pub, by=staff)
        published += 1
        if n % WITHDRAWN_EVERY == WITHDRAWN_EVERY - 1:
            workflow.withdraw(pub, by=staff, reason="答复内容需更正，暂时撤回。")
            withdrawn += 1
            published -= 1
    ctx.log.append(
        f"disclosure: {prepared} publication records, {published} published, {keep} waiting "
        f"for review, {withheld} withheld, {withdrawn} withdrawn"
    )
