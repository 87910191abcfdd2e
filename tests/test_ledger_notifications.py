"""Ledger notifications: the owner hears of a change request, the requester of its decision;
the responsible unit is reminded when an item's warning turns yellow and when it lags (then
weekly), once per day whatever the number of runs."""

import datetime

import pytest

from minsheng.ledger import workflow
from minsheng.notifications import reminders
from minsheng.notifications.models import Notification
from tests import states

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)  # a Monday


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


def _got(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def make(cast, **kw):
    values = {
        "kind": "practical",
        "title": "新建口袋公园",
        "year": 2026,
        "starts_on": START,
        "responsible_unit": cast.unit_a,
        "milestones": "2026-03-31 | 选址 | 40\n2026-09-30 | 建成 | 60",
    }
    values.update(kw)
    with states.frozen(START):
        return workflow.create_item(by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, **values)


def test_the_owner_hears_of_a_change_request_and_the_requester_of_the_decision(cast, commit):
    item = make(cast)
    commit(lambda: workflow.request_change(item, by=cast.clerk_a, reason="顺延", location="青川市"))
    assert _got("ledger_change_requested") == ["staff"]
    commit(lambda: workflow.reject_change(item, by=cast.staff, note="不符合计划"))
    assert _got("ledger_change_decided") == ["clerk_a"]
    rejected = Notification.objects.get(kind="ledger_change_decided")
    assert rejected.params["variant"] == "rejected"


def test_no_message_about_ones_own_act(cast, commit):
    item = make(cast)
    commit(lambda: workflow.request_change(item, by=cast.staff, reason="调整", location="梅溪市"))
    commit(lambda: workflow.approve_change(item, by=cast.staff))
    assert not Notification.objects.filter(kind__startswith="ledger_").exists()


def _run(day):
    with states.frozen(day):
        return reminders.run()


def test_reminders_when_yellow_then_lagging_weekly_and_never_twice(cast, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0
    item = make(cast)
    assert item.due == datetime.date(2026, 3, 31)
    days = [START + datetime.timedelta(days=n) for n in range(45)]
    sent: dict[datetime.date, list[tuple[str, str]]] = {}
    for day in days:
        before = set(Notification.objects.values_list("pk", flat=True))
        _run(day)
        _run(day)  # a second run the same day sends nothing more
        new = Notification.objects.exclude(pk__in=before).filter(kind__startswith="ledger_")
        found = sorted(new.values_list("kind", "recipient__username"))
        if found:
            sent[day] = found
    unit = [("clerk_a"), ("head_a")]
    assert sent == {
        item.warn_from: [("ledger_due_soon", name) for name in unit],
        datetime.date(2026, 4, 1): [("ledger_lagging", name) for name in unit],
        datetime.date(2026, 4, 8): [("ledger_lagging", name) for name in unit],
        datetime.date(2026, 4, 15): [("ledger_lagging", name) for name in unit],
    }


def test_a_done_or_stopped_item_is_not_reminded(cast, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0
    item = make(cast)
    with states.frozen(datetime.date(2026, 3, 20)):
        workflow.stop(item, by=cast.staff, note="合并")
    _run(datetime.date(2026, 4, 1))
    assert not Notification.objects.filter(kind__startswith="ledger_").exists()
