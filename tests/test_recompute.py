"""When the calendar or a rule set changes, open items' due dates are recomputed on commit and
each change is logged on the suggestion."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from minsheng.audit.models import Event
from minsheng.lib.workdays import PACKAGE_YEARS, add_months
from minsheng.suggestions import signals, workflow
from minsheng.suggestions.deadlines import period_end
from minsheng.suggestions.models import RuleSet
from minsheng.workcalendar import work_calendar
from minsheng.workcalendar.models import CalendarDay, CalendarYear
from tests import states

pytestmark = pytest.mark.django_db

# The last year the calendar package knows; the next one is unknown until entered.
KNOWN = max(PACKAGE_YEARS)
UNKNOWN = KNOWN + 1
# Three months later is New Year's Day of the unknown year: the reply is due on the first working
# day after it (Civil Code art. 203), and flagged, since the year's arrangement could move it.
ASSIGNED_ON = datetime.date(KNOWN, 10, 1)
NOW = datetime.datetime(KNOWN, 11, 26, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def in_unknown_year(cast, frozen):
    """A suggestion in handling whose reply is due in the unknown year."""
    return states.handling(cast, on=ASSIGNED_ON)


def recomputes(s):
    return list(Event.objects.filter(suggestion=s, action="recompute_due"))


def due_after(months):
    """The end of a period of `months` from ASSIGNED_ON, by the calendar as it stands now."""
    return period_end(add_months(ASSIGNED_ON, months), work_calendar()).date


def test_unknown_year_is_flagged(in_unknown_year):
    s = in_unknown_year
    assert s.reply_due == due_after(3) >= datetime.date(UNKNOWN, 1, 2)
    assert s.reply_due_uncertain


def test_entering_a_holiday_moves_a_due_date_in_that_year_and_logs_it(
    in_unknown_year, django_capture_on_commit_callbacks
):
    s = in_unknown_year
    before = s.reply_due
    with django_capture_on_commit_callbacks(execute=True):
        # The day the reply is due turns out to be a day off too: it ends on the next one.
        CalendarDay.objects.create(date=before, is_workday=False)
    s.refresh_from_db()
    assert s.reply_due > before
    [event] = recomputes(s)
    assert event.data["before"][0] == str(before) and event.data["after"][0] == str(s.reply_due)


def test_flag_clears_when_the_year_is_entered(in_unknown_year, django_capture_on_commit_callbacks):
    s = in_unknown_year
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=datetime.date(UNKNOWN, 1, 1), is_workday=False, note="元旦")
    s.refresh_from_db()
    assert s.reply_due_uncertain  # one day entered does not make the year known
    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.create(year=UNKNOWN, note="国务院办公厅通知")
    s.refresh_from_db()
    assert not s.reply_due_uncertain
    assert recomputes(s)[-1].data["after"][2] == "False"


def test_changing_reply_months_moves_reply_due(in_unknown_year, django_capture_on_commit_callbacks):
    s = in_unknown_year
    with django_capture_on_commit_callbacks(execute=True):
        rules = RuleSet.objects.create(jurisdiction=s.jurisdiction)
    s.refresh_from_db()
    assert s.reply_due == due_after(3)
    assert not recomputes(s)  # the defaults changed nothing, so nothing is logged
    with django_capture_on_commit_callbacks(execute=True):
        rules.reply_months = 2
        rules.save()
    s.refresh_from_db()
    assert s.reply_due == due_after(2)
    assert len(recomputes(s)) == 1


def test_deleting_the_rule_set_returns_to_the_defaults(
    in_unknown_year, django_capture_on_commit_callbacks
):
    s = in_unknown_year
    with django_capture_on_commit_callbacks(execute=True):
        rules = RuleSet.objects.create(jurisdiction=s.jurisdiction, reply_months=2)
    with django_capture_on_commit_callbacks(execute=True):
        rules.delete()
    s.refresh_from_db()
    assert s.reply_due == due_after(3)


def test_rehandling_limit_applies_to_items_in_rehandling(
    cast, frozen, django_capture_on_commit_callbacks
):
    s = states.rehandling(cast, on=ASSIGNED_ON)
    opened = NOW.date()  # re-handling counts from the day the round opens
    assert s.reply_due == period_end(add_months(opened, 1), work_calendar()).date
    with django_capture_on_commit_callbacks(execute=True):
        RuleSet.objects.create(jurisdiction=s.jurisdiction, rehandling_months=2)
    s.refresh_from_db()
    assert s.reply_due == period_end(add_months(opened, 2), work_calendar()).date


def test_answered_and_closed_items_are_not_touched(
    cast, frozen, django_capture_on_commit_callbacks
):
    s = states.closed(cast, on=ASSIGNED_ON)
    with django_capture_on_commit_callbacks(execute=True):
        RuleSet.objects.create(jurisdiction=s.jurisdiction, reply_months=2)
    assert not recomputes(s)


def test_many_changes_in_one_transaction_recompute_once(
    in_unknown_year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        for day in (1, 2, 3):
            CalendarDay.objects.create(date=datetime.date(UNKNOWN, 2, day), is_workday=False)
        CalendarYear.objects.create(year=UNKNOWN)
    assert len(callbacks) == 1


def test_recompute_runs_only_after_commit(in_unknown_year, django_capture_on_commit_callbacks):
    s = in_unknown_year
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CalendarYear.objects.create(year=UNKNOWN)
        s.refresh_from_db()
        assert s.reply_due_uncertain
    assert len(callbacks) == 1


def test_suspended_changes_schedule_nothing(in_unknown_year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, signals.suspended():
        CalendarYear.objects.create(year=UNKNOWN)
    assert callbacks == []


def test_admin_change_is_logged_with_the_administrator_as_actor(
    client, cast, in_unknown_year, django_capture_on_commit_callbacks
):
    s = in_unknown_year
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:workcalendar_calendarday_add"),
            {"date": s.reply_due, "note": "假日"},
        )
    assert response.status_code == 302
    [event] = recomputes(s)
    assert event.actor == cast.admin


def test_extended_due_date_is_kept(cast, frozen, django_capture_on_commit_callbacks):
    s = states.handling(cast, on=ASSIGNED_ON)
    until = add_months(ASSIGNED_ON, 5)
    request = workflow.request_extension(
        s, by=cast.clerk_a, until=until, reason="涉及跨年度预算安排。", deputy_told=True
    )
    workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        RuleSet.objects.create(jurisdiction=s.jurisdiction, reply_months=2)
    s.refresh_from_db()
    assert s.reply_due == until
