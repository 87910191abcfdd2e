"""Reach each suggestion state through the real workflow functions (never by assigning fields).

Every helper takes the shared `cast` (tests/conftest.py) and returns the suggestion in the named
state. Time is whatever the test froze or today's date."""

from __future__ import annotations

import datetime

from django.utils import timezone

from minsheng.people.models import Deputy
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, Category, Suggestion
from minsheng.suggestions.workflow import UnitPlan


def category(cast, name="交通运输"):
    return Category.objects.get_or_create(jurisdiction=cast.jurisdiction, name=name, parent=None)[0]


def draft(
    cast,
    *,
    title="关于改善农村公路安全设施的建议",
    body="我市农村公路普遍缺少护栏和警示标志，建议加大投入。",
    cosign=False,
    **extra,
) -> Suggestion:
    deputy = Deputy.objects.get(user=cast.deputy)
    cosigners = [Deputy.objects.get(user=cast.cosigner)] if cosign else []
    return workflow.create_draft(
        by=cast.deputy,
        lead_deputy=deputy,
        title=title,
        body=body,
        session=cast.term.sessions.get(number=4),
        category=category(cast),
        cosigners=cosigners,
        **extra,
    )


def submitted(cast, **kw) -> Suggestion:
    s = draft(cast, **kw)
    if kw.get("cosign"):
        workflow.confirm_cosign(s, by=cast.cosigner)
    return workflow.submit(s, by=cast.deputy)


def registered(cast, **kw) -> Suggestion:
    return workflow.register(submitted(cast, **kw), by=cast.staff)


def assigned(cast, *, joint=False, separate=False, on: datetime.date | None = None, **kw):
    s = registered(cast, **kw)
    if separate:
        plan = [
            UnitPlan(cast.unit_a, Assignment.Mode.SEPARATE),
            UnitPlan(cast.unit_b, Assignment.Mode.SEPARATE),
        ]
    elif joint:
        plan = [
            UnitPlan(cast.unit_a, Assignment.Mode.LEAD),
            UnitPlan(cast.unit_b, Assignment.Mode.JOINT),
        ]
    else:
        plan = [UnitPlan(cast.unit_a, Assignment.Mode.LEAD)]
    return workflow.assign(s, by=cast.staff, plan=plan, on=on)


def handling(cast, **kw) -> Suggestion:
    s = assigned(cast, **kw)
    s = workflow.sign(s, by=cast.clerk_a)
    if kw.get("joint") or kw.get("separate"):
        s = workflow.sign(s, by=cast.clerk_b)
    return s


def contact(cast, s: Suggestion, user=None) -> None:
    workflow.log_contact(
        s,
        by=user or cast.clerk_a,
        method="phone",
        contacted_on=timezone.localdate(),
        people="赵敏、林建国代表",
        summary="电话沟通了办理思路，代表表示认可。",
    )


REPLY = {
    "category": "A",
    "text": "经研究，我厅已安排专项资金完成护栏安装。",
    "contact_leader": "孙立新",
    "contact_leader_phone": "0871-1234567",
    "case_officer": "赵敏",
    "case_officer_phone": "0871-7654321",
}


def answered(cast, *, category_code="A", **kw) -> Suggestion:
    s = handling(cast, **kw)
    if kw.get("joint"):
        workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意主办单位意见。")
    contact(cast, s)
    fields = {**REPLY, "category": category_code}
    if category_code == "B":
        fields.update(plan="分三年实施：第一年完成勘察……", target_date=datetime.date(2027, 12, 31))
    workflow.draft_reply(s, by=cast.clerk_a, **fields)
    workflow.sign_reply(s, by=cast.head_a)
    if kw.get("separate"):
        contact(cast, s, cast.clerk_b)
        workflow.draft_reply(s, by=cast.clerk_b, **REPLY)
        workflow.sign_reply(s, by=cast.head_b)
    s.refresh_from_db()
    return s


def rehandling(cast, **kw) -> Suggestion:
    s = answered(cast, **kw)
    workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="护栏只装了一半。")
    s.refresh_from_db()
    return s


def closed(cast, **kw) -> Suggestion:
    s = answered(cast, **kw)
    workflow.rate(s, by=cast.deputy, overall="satisfied")
    return workflow.close(s, by=cast.staff, note="代表满意，办结。")


# --- the other end states and a frozen clock (added for the workflow tests) --------------------


def returned(cast, **kw) -> Suggestion:
    s = submitted(cast, **kw)
    return workflow.return_for_revision(s, by=cast.staff, note="请补充具体路段和数据。")


def declined(cast, **kw) -> Suggestion:
    s = submitted(cast, **kw)
    return workflow.decline(s, by=cast.staff, reason="personal", note="属于个人事项。")


def withdrawn(cast, *, before="submitted", **kw) -> Suggestion:
    """Withdrawn from `before` (the name of another helper here, e.g. "handling")."""
    s = globals()[before](cast, **kw)
    return workflow.withdraw(s, by=cast.deputy, reason="问题已由属地解决，书面撤回。")


def merged(cast, **kw) -> Suggestion:
    into = registered(cast, title="关于农村公路护栏建设的建议")
    s = submitted(cast, **kw)
    return workflow.merge(s, by=cast.staff, into=into, note="内容相同，并案办理。")


class Clock:
    """A frozen `timezone.now()`/`timezone.localdate()` that a test can move forward."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day

    def advance(self, days: int) -> datetime.date:
        self.day += datetime.timedelta(days=days)
        return self.day

    def now(self) -> datetime.datetime:
        from zoneinfo import ZoneInfo

        from django.conf import settings

        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.day, datetime.time(10, 0), tzinfo=zone)

    def localdate(self, value=None, timezone=None) -> datetime.date:
        if value is None:
            return self.day
        return value.astimezone(timezone or _current_timezone()).date()


def _current_timezone():
    return timezone.get_current_timezone()


def frozen(day: datetime.date):
    """`with states.frozen(date(2026, 9, 28)) as clock:` freezes the workflow's clock."""
    import contextlib
    from unittest import mock

    clock = Clock(day)

    @contextlib.contextmanager
    def _frozen():
        with (
            mock.patch("django.utils.timezone.now", clock.now),
            mock.patch("django.utils.timezone.localdate", clock.localdate),
        ):
            yield clock

    return _frozen()
