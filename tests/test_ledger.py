"""Ledgers: status derived from milestones and dates, roll-up from child items, progress
reports, change requests with their history, the 710 pace, and who sees and does what."""

import datetime
import decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import progress, workflow
from minsheng.ledger.actions import ITEMS
from minsheng.ledger.models import ChangeRequest, LedgerItem, Status
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched in English (their msgids)."""
    with translation.override("en"):
        yield


D = datetime.date


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


PLAN = "2026-03-31 | 完成选址 | 30\n2026-06-30 | 主体完工 | 50\n2026-09-30 | 验收 | 20"


def make(cast, *, parent=None, milestones=PLAN, starts_on="2026-01-05", **kw) -> LedgerItem:
    values = {
        "kind": LedgerItem.Kind.PRACTICAL,
        "title": kw.pop("title", "新建城乡养老服务中心"),
        "year": 2026,
        "starts_on": d(starts_on),
        "ends_on": d("2026-11-30"),
        "responsible_unit": cast.unit_a,
        "responsible_person": "王主任",
        "lead_leader": "李副省长",
        "milestones": milestones,
    }
    values.update(kw)
    return workflow.create_item(
        by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, parent=parent, **values
    )


# --- status, pure ------------------------------------------------------------------------------


def status(**kw):
    base = {"stopped": False, "progress": 0, "due": d("2026-06-30"), "reported_on": None}
    base.update(kw)
    return progress.status_of(today=d("2026-05-01"), **base)


def test_status_follows_progress_dates_and_life():
    assert status() == Status.NOT_STARTED
    assert status(reported_on=d("2026-04-01"), progress=10) == Status.IN_PROGRESS
    assert status(progress=40, due=d("2026-04-30")) == Status.LAGGING
    assert status(progress=100, due=None) == Status.DONE
    assert status(stopped=True, progress=100) == Status.STOPPED
    # Due today is still on time; overdue starts the day after.
    assert (
        status(progress=5, reported_on=d("2026-04-01"), due=d("2026-05-01")) == Status.IN_PROGRESS
    )


@given(
    stopped=st.booleans(),
    progress_=st.integers(0, 100),
    due=st.none() | st.dates(D(2026, 1, 1), D(2026, 12, 31)),
    reported=st.none() | st.dates(D(2026, 1, 1), D(2026, 12, 31)),
)
def test_the_query_and_the_function_agree(stopped, progress_, due, reported):
    """`status_q` selects exactly the rows `status_of` names (one rule, two forms)."""
    today = d("2026-05-01")
    expected = progress.status_of(
        stopped=stopped, progress=progress_, due=due, reported_on=reported, today=today
    )
    row = {
        "state": "stopped" if stopped else "active",
        "all_stopped": False,
        "progress": progress_,
        "due": due,
        "reported_on": reported,
    }
    from minsheng.ledger.models import status_q

    matches = [s for s in Status.values if _q_matches(status_q(s, today), row)]
    assert matches == [expected]


def _q_matches(q, row) -> bool:
    """Evaluate a Q over a dict (only the lookups status_q uses)."""
    if not hasattr(q, "children"):
        return True
    results = []
    for child in q.children:
        if hasattr(child, "children"):
            results.append(_q_matches(child, row))
            continue
        key, value = child
        name, _sep, lookup = key.partition("__")
        have = row[name]
        if lookup == "":
            ok = have == value
        elif lookup == "in":
            ok = have in value
        elif lookup == "isnull":
            ok = (have is None) == value
        elif lookup == "lt":
            ok = have is not None and have < value
        elif lookup == "lte":
            ok = have is not None and have <= value
        elif lookup == "gte":
            ok = have is not None and have >= value
        else:  # pragma: no cover
            raise AssertionError(lookup)
        results.append(ok)
    found = all(results) if q.connector == "AND" else any(results)
    return not found if q.negated else found


def test_roll_up_weights_children_and_ignores_stopped_ones():
    c = progress.Child
    rolled = progress.roll_up(
        [
            c(3, 100, None, d("2026-04-01"), d("2026-04-01"), False),
            c(1, 20, d("2026-06-30"), d("2026-04-02"), None, False),
            c(5, 0, d("2026-03-01"), None, None, True),
        ],
        own_due=None,
    )
    assert rolled.progress == 80  # (3·100 + 1·20) / 4
    assert rolled.due == d("2026-06-30")
    assert rolled.reported_on == d("2026-04-02")
    done = progress.roll_up(
        [c(1, 100, None, d("2026-04-01"), d("2026-04-01"), False), c(1, 0, None, None, None, True)],
        own_due=None,
    )
    assert (done.progress, done.done_on) == (100, d("2026-04-01"))
    assert progress.roll_up([c(1, 50, None, None, None, True)], own_due=None).all_stopped


def test_a_parent_is_not_shown_done_before_its_children():
    c = progress.Child
    rolled = progress.roll_up(
        [
            c(1000, 100, None, None, d("2026-01-01"), False),
            c(1, 0, d("2026-06-01"), None, None, False),
        ],
        own_due=None,
    )
    assert rolled.progress == 99


# --- the plan ----------------------------------------------------------------------------------


def test_milestones_are_read_one_per_line():
    steps = progress.parse_milestones("2026-3-31 | 选址 | 30%\n\n2026-06-30｜完工｜70")
    assert steps == [
        progress.Step("选址", d("2026-03-31"), 30),
        progress.Step("完工", d("2026-06-30"), 70),
    ]
    with pytest.raises(progress.PlanError, match="Line 1"):
        progress.parse_milestones("next spring | 选址 | 30")
    with pytest.raises(progress.PlanError, match="not a date"):
        progress.parse_milestones("2026-02-30 | 选址 | 30")


@pytest.mark.parametrize(
    ("milestones", "ends_on", "message"),
    [
        ("2025-12-31 | 选址 | 100", None, "before the item starts"),
        ("2026-03-31 | 选址 | 60\n2026-06-30 | 完工 | 30", None, "add up to 90"),
        ("2026-03-31 | 选址 | 100", "2026-01-01", "before the start"),
        ("2026-12-31 | 选址 | 100", "2026-06-30", "after the planned end"),
        ("2026-03-31 | 选址 | 50\n2026-04-30 | 选址 | 50", None, "same title"),
    ],
)
def test_a_plan_that_cannot_stand_is_refused(cast, milestones, ends_on, message):
    with pytest.raises(Invalid, match=message):
        make(cast, milestones=milestones, ends_on=d(ends_on) if ends_on else None)


def test_only_staff_enter_items(cast):
    with pytest.raises(NotAllowed):
        workflow.create_item(
            by=cast.clerk_a,
            jurisdiction_id=cast.jurisdiction.pk,
            kind="practical",
            title="x",
            year=2026,
            starts_on=d("2026-01-05"),
        )


# --- progress reports --------------------------------------------------------------------------


def test_a_new_item_has_not_started_and_its_next_deadline_is_the_first_milestone(cast):
    item = make(cast)
    assert item.status(d("2026-02-01")) == Status.NOT_STARTED
    assert item.due == d("2026-03-31")
    assert item.warn_from < item.due
    assert item.pace_due == d("2026-12-31")
    assert item.status(d("2026-04-01")) == Status.LAGGING
    assert LedgerItem.objects.status(Status.LAGGING, d("2026-04-01")).get() == item


def test_reporting_moves_progress_and_marks_milestones_done(cast):
    item = make(cast)
    first = item.milestones.get(title="完成选址")
    with states.frozen(d("2026-03-20")):
        workflow.report(
            item,
            by=cast.clerk_a,
            on=d("2026-03-20"),
            percent=35,
            narrative="选址完成",
            milestones_done=[first],
        )
    item.refresh_from_db()
    assert item.progress == 35
    assert item.due == d("2026-06-30")
    assert item.status(d("2026-03-21")) == Status.IN_PROGRESS
    first.refresh_from_db()
    assert first.done_on == d("2026-03-20")


def test_a_report_below_the_done_milestones_or_at_100_with_open_ones_is_refused(cast):
    item = make(cast)
    first = item.milestones.get(title="完成选址")
    with states.frozen(d("2026-03-20")):
        with pytest.raises(Invalid, match="at least 30"):
            workflow.report(
                item,
                by=cast.clerk_a,
                on=d("2026-03-20"),
                percent=20,
                narrative="x",
                milestones_done=[first],
            )
        with pytest.raises(Invalid, match="every milestone is done"):
            workflow.report(item, by=cast.clerk_a, on=d("2026-03-20"), percent=100, narrative="x")
        with pytest.raises(Invalid, match="between 0 and 100"):
            workflow.report(item, by=cast.clerk_a, on=d("2026-03-20"), percent=120, narrative="x")
        with pytest.raises(Invalid, match="future"):
            workflow.report(item, by=cast.clerk_a, on=d("2026-03-21"), percent=10, narrative="x")
        with pytest.raises(Invalid, match="before it"):
            workflow.report(item, by=cast.clerk_a, on=d("2026-01-01"), percent=10, narrative="x")


def test_done_when_every_milestone_is_done_and_then_closed(cast):
    item = make(cast)
    with states.frozen(d("2026-09-30")):
        workflow.report(
            item,
            by=cast.clerk_a,
            on=d("2026-09-30"),
            percent=100,
            narrative="验收",
            milestones_done=list(item.milestones.all()),
        )
        item.refresh_from_db()
        assert item.status(d("2026-10-01")) == Status.DONE
        assert item.done_on == d("2026-09-30") and item.due is None
        assert ITEMS.refusal("report", cast.clerk_a, item) is not None
        with pytest.raises(Conflict, match="closed"):
            workflow.request_change(item, by=cast.clerk_a, reason="延期", title="新标题")


def test_only_the_responsible_unit_and_staff_report(cast):
    item = make(cast, co_units=[cast.unit_b])
    assert "report" in ITEMS.offered(cast.clerk_a, item)
    assert "report" not in ITEMS.offered(cast.clerk_b, item)  # a co-unit
    with states.frozen(d("2026-03-01")), pytest.raises(NotAllowed):
        workflow.report(item, by=cast.clerk_b, on=d("2026-03-01"), percent=5, narrative="x")


# --- hierarchy ---------------------------------------------------------------------------------


def test_children_roll_up_to_their_parent(cast):
    parent = make(cast, title="2026年十件民生实事", milestones="")
    a = make(cast, parent=parent, title="养老", weight=3)
    b = make(cast, parent=parent, title="教育", weight=1)
    with states.frozen(d("2026-03-20")):
        workflow.report(
            a,
            by=cast.clerk_a,
            on=d("2026-03-20"),
            percent=40,
            narrative="x",
            milestones_done=[a.milestones.get(title="完成选址")],
        )
        workflow.report(
            b,
            by=cast.staff,
            on=d("2026-03-20"),
            percent=80,
            narrative="y",
            milestones_done=list(b.milestones.exclude(title="验收")),
        )
    parent.refresh_from_db()
    assert parent.progress == 50  # (3·40 + 1·80) / 4
    assert parent.due == d("2026-06-30")
    assert "report" not in ITEMS.offered(cast.staff, parent)
    with states.frozen(d("2026-03-21")):
        workflow.stop(a, by=cast.staff, note="资金未落实")
    parent.refresh_from_db()
    assert parent.progress == 80  # only b counts now
    with states.frozen(d("2026-03-21")):
        workflow.stop(b, by=cast.staff, note="合并")
    parent.refresh_from_db()
    assert parent.all_stopped and parent.status(d("2026-03-22")) == Status.STOPPED


def test_an_item_reported_on_gets_no_children(cast):
    item = make(cast)
    with states.frozen(d("2026-03-01")):
        workflow.report(item, by=cast.clerk_a, on=d("2026-03-01"), percent=5, narrative="x")
    with pytest.raises(Conflict):
        make(cast, parent=item, title="子项")


# --- change requests ---------------------------------------------------------------------------


def test_a_change_request_is_applied_on_approval_with_its_history(cast):
    item = make(cast)
    with states.frozen(d("2026-03-01")):
        row = workflow.request_change(
            item,
            by=cast.clerk_a,
            reason="选址调整，工期顺延",
            ends_on=d("2026-12-20"),
            milestones=(
                "2026-04-30 | 完成选址 | 30\n2026-07-31 | 主体完工 | 50\n2026-10-31 | 验收 | 20"
            ),
            budget=decimal.Decimal("120.5"),
        )
    assert set(row.changes) == {"ends_on", "milestones", "budget"}
    assert row.changes["ends_on"]["before"] == "2026-11-30"
    assert row.changes["ends_on"]["after"] == "2026-12-20"
    item.refresh_from_db()
    assert item.ends_on == d("2026-11-30")  # nothing applied before approval
    # The owner approves (staff created it and own it).
    assert "approve_change" not in ITEMS.offered(cast.clerk_a, item)
    with states.frozen(d("2026-03-02")):
        workflow.approve_change(item, by=cast.staff, note="同意")
    item.refresh_from_db()
    assert item.ends_on == d("2026-12-20")
    assert item.budget == decimal.Decimal("120.50")
    assert item.due == d("2026-04-30")
    assert list(item.milestones.values_list("title", "due")) == [
        ("完成选址", d("2026-04-30")),
        ("主体完工", d("2026-07-31")),
        ("验收", d("2026-10-31")),
    ]
    row.refresh_from_db()
    assert row.state == ChangeRequest.State.APPROVED
    approved = item.events.get(action="approve_change")
    assert approved.data["changes"]["ends_on"] == {
        "before": "2026-11-30",
        "after": "2026-12-20",
        "value": "2026-12-20",
    }


def test_one_pending_change_at_a_time_and_nothing_changed_is_refused(cast):
    item = make(cast)
    with pytest.raises(Invalid, match="Nothing is changed"):
        workflow.request_change(item, by=cast.clerk_a, reason="无")
    workflow.request_change(item, by=cast.clerk_a, reason="改名", title="新名")
    with pytest.raises(Conflict, match="already waits"):
        workflow.request_change(item, by=cast.staff, reason="又改", title="再改")


def test_a_rejected_or_withdrawn_change_changes_nothing(cast):
    item = make(cast)
    workflow.request_change(item, by=cast.clerk_a, reason="改名", title="新名")
    with pytest.raises(Invalid, match="why"):
        workflow.reject_change(item, by=cast.staff, note="")
    workflow.reject_change(item, by=cast.staff, note="不符合计划")
    item.refresh_from_db()
    assert item.title == "新建城乡养老服务中心"
    workflow.request_change(item, by=cast.clerk_a, reason="改名", title="新名")
    with pytest.raises(NotAllowed):
        workflow.withdraw_change(item, by=cast.staff)
    workflow.withdraw_change(item, by=cast.clerk_a)
    assert not item.change_requests.filter(state="pending").exists()


def test_a_done_milestone_cannot_be_removed_by_a_change(cast):
    item = make(cast)
    with states.frozen(d("2026-03-20")):
        workflow.report(
            item,
            by=cast.clerk_a,
            on=d("2026-03-20"),
            percent=30,
            narrative="x",
            milestones_done=[item.milestones.get(title="完成选址")],
        )
    with pytest.raises(Invalid, match="already done cannot be removed"):
        workflow.request_change(
            item,
            by=cast.clerk_a,
            reason="x",
            milestones="2026-06-30 | 主体完工 | 80\n2026-09-30 | 验收 | 20",
        )


def test_a_stopped_item_takes_no_change_and_resumes(cast):
    item = make(cast)
    workflow.stop(item, by=cast.staff, note="资金未落实")
    with pytest.raises(Conflict, match="Stopped"):
        workflow.request_change(item, by=cast.clerk_a, reason="x", title="y")
    workflow.resume(item, by=cast.staff)
    item.refresh_from_db()
    assert item.state == LedgerItem.State.ACTIVE


# --- 710 ---------------------------------------------------------------------------------------


def test_the_710_pace_sets_the_due_date(cast):
    ordinary = make(cast, pace="ordinary", milestones="", ends_on=None, starts_on="2026-03-02")
    complex_ = make(cast, pace="complex", milestones="", ends_on=None, starts_on="2026-03-02")
    year = make(cast, milestones="", ends_on=None, starts_on="2026-03-02")
    assert ordinary.pace_due == d("2026-03-09")
    assert complex_.pace_due == d("2026-04-02")
    assert year.pace_due == d("2026-12-31")
    assert ordinary.due == d("2026-03-09")


# --- who sees what -----------------------------------------------------------------------------


def test_visibility(cast):
    practical = make(cast)
    duty = make(cast, kind="inspection", title="执法检查", responsible_unit=cast.unit_b)
    seen = {
        name: set(LedgerItem.objects.visible_to(getattr(cast, name)).values_list("pk", flat=True))
        for name in ("staff", "clerk_a", "clerk_b", "deputy", "supervisor", "committee", "outsider")
    }
    assert seen["staff"] == seen["supervisor"] == seen["committee"] == {practical.pk, duty.pk}
    assert seen["clerk_a"] == {practical.pk}
    assert seen["clerk_b"] == {duty.pk}
    assert seen["deputy"] == {practical.pk}  # practical-matter projects only
    assert seen["outsider"] == set()


def test_a_stopped_commitment_is_reopened_not_resumed(cast):
    item = make(cast, kind="commitment", title="承诺事项", milestones="")
    workflow.stop(item, by=cast.staff, note="暂不具备条件")
    with pytest.raises(Conflict, match="reopened from the look-back"):
        workflow.resume(item, by=cast.staff)
