"""Demo B commitments: the demo's category-B replies entered their commitments when they were
signed (the suggestions demo replays the year through the real workflow); here the units report
progress on them, about half are solved by a second reply, one is answered "cannot be solved
now", and one solved long ago is reopened by the office's look-back. Deterministic for a seed;
a second run adds nothing (commitments already reported on are left alone).

Hooked into `minsheng demo` through `LedgerConfig.demo_modules` (this module beside the
ledger's own `demo`)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from minsheng.ledger import commitments, workflow
from minsheng.ledger.models import LedgerItem
from minsheng.people.demo import DemoContext
from minsheng.people.models import Role, User
from minsheng.suggestions.models import Reply

PROGRESS = (
    "已完成现场勘察和方案设计，正在履行立项手续。",
    "资金已落实，施工单位进场，完成约一半工程量。",
    "主体工程基本完工，正在组织验收准备。",
)
SOLVED = (
    "经过一年来的努力，您建议中提出的问题已按计划全部解决：项目已完工并通过验收，"
    "相关制度同步建立。感谢您的监督和支持。"
)
NOT_NOW = "因上级资金计划调整，项目今年无法实施。我们将继续争取，条件具备后优先安排。"


@contextmanager
def _at(day: datetime.date) -> Iterator[None]:
    # Ten in the morning of that day, never later than now (no event in the future).
    moment = min(
        datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=ZoneInfo(settings.TIME_ZONE)),
        timezone.now(),
    )
    with mock.patch("django.utils.timezone.now", lambda: moment):
        yield


def _people(unit_id: int) -> tuple[User | None, User | None]:
    roles = Role.objects.filter(organisation_id=unit_id, is_active=True).select_related("user")
    clerk = next((r.user for r in roles if r.kind == Role.Kind.CLERK), None)
    head = next((r.user for r in roles if r.kind == Role.Kind.HEAD), None)
    return clerk, head


def _second_reply(item: LedgerItem, clerk: User, head: User, day: datetime.date, code: str) -> None:
    reply = item.source_reply
    assert reply is not None
    with _at(day):
        commitments.draft_follow_up(
            item,
            by=clerk,
            category=code,
            text=SOLVED if code == "A" else NOT_NOW,
            contact_method="face_to_face" if code == "A" else "phone",
            contacted_on=day,
            contact_leader=reply.contact_leader,
            contact_leader_phone=reply.contact_leader_phone,
            case_officer=reply.case_officer,
            case_officer_phone=reply.case_officer_phone,
        )
        commitments.sign_follow_up(item, by=head)


def build(ctx: DemoContext) -> None:
    rng = random.Random(f"{ctx.seed}-commitments")
    today = timezone.localdate()
    # B replies signed before the hook existed (a database from an older demo).
    commitments.backfill(
        Reply.objects.filter(
            suggestion__jurisdiction=ctx.province,
            category=Reply.Category.B,
            state=Reply.State.SENT,
            commitments__isnull=True,
        ).select_related("signed_by")
    )
    items = list(
        LedgerItem.objects.filter(commitments.commitments_q(), jurisdiction=ctx.province)
        .filter(updates__isnull=True)
        .select_related("source_reply")
        .order_by("pk")
    )
    staff = ctx.cast.get("staff")
    counts: dict[str, int] = {"reported": 0, "solved": 0, "not_now": 0, "reopened": 0}
    for n, item in enumerate(items):
        assert item.responsible_unit_id is not None
        clerk, head = _people(item.responsible_unit_id)
        if clerk is None or head is None:
            continue
        span = max(1, (today - item.starts_on).days)
        reports = rng.randint(1, len(PROGRESS))
        for k in range(reports):
            day = item.starts_on + datetime.timedelta(days=span * (k + 1) // (reports + 1))
            with _at(day):
                workflow.report(
                    item, by=clerk, on=day, percent=min(90, 30 * (k + 1)), narrative=PROGRESS[k]
                )
        counts["reported"] += 1
        choice = n % 5
        # Never after today: a commitment entered today has no span to report over.
        last = min(today, item.starts_on + datetime.timedelta(days=max(1, span - 3)))
        if choice in (0, 2):
            _second_reply(_fresh(item), clerk, head, last, "A")
            counts["solved"] += 1
            if n == 0 and staff is not None:
                with _at(today):
                    commitments.reopen(
                        _fresh(item),
                        by=staff,
                        ends_on=today + datetime.timedelta(days=180),
                        percent=80,
                        note="年度“回头看”：代表反映部分路段护栏仍有缺口，重新列入台账跟踪。",
                    )
                counts["reopened"] += 1
        elif choice == 4 and counts["not_now"] == 0:
            _second_reply(_fresh(item), clerk, head, last, "C")
            counts["not_now"] += 1
    ctx.log.append(
        f"{ctx.province.name}: {len(items)} B commitments reported on "
        f"({counts['solved']} solved by a second reply, {counts['not_now']} cannot be solved "
        f"now, {counts['reopened']} reopened)"
    )


def _fresh(item: LedgerItem) -> Any:
    return LedgerItem.objects.get(pk=item.pk)
