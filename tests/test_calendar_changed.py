"""The working-day calendar app tells others of a change with `calendar_changed`: once per
committed transaction, with who made it and which years, never for a rolled-back one."""

import ast
import datetime
from pathlib import Path

import pytest
from django.db import transaction

from minsheng.workcalendar import signals, work_calendar
from minsheng.workcalendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def received():
    calls = []

    def listener(sender, **kwargs):
        calls.append(kwargs)

    signals.calendar_changed.connect(listener, dispatch_uid="test_listener")
    yield calls
    signals.calendar_changed.disconnect(dispatch_uid="test_listener")


def test_one_change_sends_once_after_commit(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
        assert received == []  # not before the commit
    assert received == [{"signal": signals.calendar_changed, "by": None, "years": [2027]}]


def test_many_changes_in_one_transaction_send_once(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for day in (1, 2, 3):
            CalendarDay.objects.create(date=D(2027, 10, day), is_workday=False)
        CalendarDay.objects.create(date=D(2028, 1, 1), is_workday=False)
        CalendarYear.objects.create(year=2027)
        CalendarDay.objects.filter(date=D(2027, 10, 3)).delete()
    assert len(received) == 1
    assert received[0]["years"] == [2027, 2028]


def test_a_rolled_back_change_sends_nothing(received, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        CalendarYear.objects.create(year=2027)
        raise RuntimeError
    assert received == []
    assert not CalendarYear.objects.exists()


def test_each_transaction_sends_its_own(received, django_capture_on_commit_callbacks):
    for year in (2027, 2028):
        with django_capture_on_commit_callbacks(execute=True):
            CalendarYear.objects.create(year=year)
    assert [call["years"] for call in received] == [[2027], [2028]]


def test_the_acting_user_is_sent(received, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), signals.acting(cast.admin):
        CalendarDay.objects.create(date=D(2027, 2, 5), is_workday=False, note="春节")
    assert received[0]["by"] == cast.admin


def test_suspended_changes_send_nothing(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), signals.suspended():
        CalendarYear.objects.create(year=2027)
    assert received == []


def test_work_calendar_reads_the_entered_days():
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False, note="假设的调休")
    CalendarYear.objects.create(year=2027)
    cal = work_calendar()
    assert not cal.is_workday(D(2027, 1, 4))
    assert cal.is_known(D(2027, 6, 1))


def test_the_calendar_app_imports_no_other_app():
    # The calendar is shared machinery: suggestions (and the apps after it) listen to it, never
    # the other way round.
    package = Path(signals.__file__).parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("minsheng."):
                    assert name.startswith(("minsheng.workcalendar", "minsheng.lib")), (path, name)
