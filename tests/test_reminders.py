"""The reminder engine under a frozen clock: exactly which reminders go out on each day of a
month, a second run sends nothing, a run killed half-way and restarted sends each once, a missed
day is caught up once, and a dry run changes nothing."""

import datetime
from collections import defaultdict
from unittest import mock

import pytest
from django.core.management import call_command

from minsheng.notifications import reminders
from minsheng.notifications.models import Delivery, Notification
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment
from minsheng.workcalendar import work_calendar
from tests import states

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 6, 1)  # a Monday; the Dragon Boat Festival (19 June) falls inside
DAYS = [ON + datetime.timedelta(days=n) for n in range(30)]
SUPERVISION_KINDS = {"instruction_due_soon", "instruction_overdue", "instructions_year_end"}
# The ledger's kinds have their own days in test_ledger_notifications.py (the rectifications'
# in test_ledger_teams.py).
LEDGER_KINDS = {
    "ledger_due_soon",
    "ledger_lagging",
    "rectification_due_soon",
    "rectification_overdue",
    "vote_time_over",  # its days are in test_wish_vote_notifications.py
}
# B commitments have their own days in test_commitments.py.
SUPERVISION_KINDS |= {"commitment_due_soon", "commitment_overdue"}
# The evaluation campaign's steps: test_evaluation_campaign.py.
SUPERVISION_KINDS |= {"campaign_step_due_soon", "campaign_step_overdue"}


def _at(day, **kw):
    with states.frozen(day):
        return states.handling(cast=kw.pop("cast"), on=day, **kw)


@pytest.fixture
def month(cast, settings):
    """Five suggestions, each owing something during June 2026."""
    settings.REMINDER_CATCH_UP_DAYS = 0
    with states.frozen(ON):
        unsigned = states.assigned(cast, title="未签收", on=ON)
        joint = states.handling(cast, joint=True, title="会办", on=ON)
        answered = states.answered(cast, title="待评价")
        drafted = states.handling(cast, title="待签发", on=ON)
        states.contact(cast, drafted)
        workflow.draft_reply(drafted, by=cast.clerk_a, **states.REPLY)
    march = datetime.date(2026, 3, 23)
    with states.frozen(march):
        late = states.handling(cast, title="未沟通", on=march)
    for s in (unsigned, joint, answered, drafted, late):
        s.refresh_from_db()
    return {
        "unsigned": unsigned,
        "joint": joint,
        "answered": answered,
        "drafted": drafted,
        "late": late,
    }


def _breaking(index, error):
    """The reminder list with kind `index` raising `error` when it runs its query."""

    def rows(window):
        raise error

    changed = list(reminders.REMINDERS)
    changed[index] = reminders.Reminder(changed[index].kind, rows)
    return mock.patch.object(reminders, "REMINDERS", changed)


def _expected(cast, m):
    cal = work_calendar()
    unit_a = {cast.clerk_a.username, cast.head_a.username}
    unit_b = {cast.clerk_b.username, cast.head_b.username}
    want = defaultdict(set)

    def add(day, kind, people, s):
        for name in people:
            want[day].add((kind, name, s.pk))

    a = m["unsigned"].assignments.get()
    add(a.sign_due - datetime.timedelta(days=2), "sign_due", unit_a, m["unsigned"])
    j = m["joint"].assignments.get(mode=Assignment.Mode.JOINT)
    add(j.joint_opinion_due - datetime.timedelta(days=3), "joint_opinion_due", unit_b, m["joint"])
    late = m["late"]
    add(cal.subtract_workdays(late.reply_due, 10).date, "no_contact", unit_a, late)
    add(late.warn_from, "due_soon", unit_a, late)
    add(late.reply_due + datetime.timedelta(days=1), "overdue", unit_a, late)
    add(late.reply_due + datetime.timedelta(days=8), "overdue", unit_a, late)
    reply = m["answered"].replies.get()
    add(cal.subtract_workdays(reply.rating_due, 10).date, "rating_due", {"deputy"}, m["answered"])
    add(
        cal.subtract_workdays(reply.rating_due, 2).date,
        "rating_last_call",
        {"deputy"},
        m["answered"],
    )
    for week in range(5):
        day = ON + datetime.timedelta(days=2 + 7 * week)
        add(day, "draft_waiting", {cast.head_a.username}, m["drafted"])
    return {day: want[day] for day in DAYS}


def _sent_on(day):
    return {
        (n.kind, n.recipient.username, n.suggestion_id)
        for n in Notification.objects.filter(created_at__date=day).select_related("recipient")
    }


def test_a_month_of_reminders_day_by_day(cast, month):
    expected = _expected(cast, month)
    # The scenario really spreads over the month (and every suggestion kind takes part; the
    # supervision kinds have their own month in test_supervision_notifications.py).
    assert {kind for people in expected.values() for kind, _n, _s in people} == {
        r.kind.name for r in reminders.REMINDERS
    } - SUPERVISION_KINDS - LEDGER_KINDS
    for day in DAYS:
        with states.frozen(day):
            first = reminders.run()
            again = reminders.run()
        assert _sent_on(day) == expected[day], day
        assert first.sent == len(expected[day]) and first.failed == 0, day
        assert again.sent == 0 and again.already == len(expected[day]), day
    total = sum(len(v) for v in expected.values())
    assert Notification.objects.count() == total
    # Each went to the inbox and to the default channel (email) once.
    assert Delivery.objects.filter(channel="in_app").count() == total
    assert Delivery.objects.filter(channel="email").count() == total


def test_a_reminder_names_its_subject_and_date(cast, month):
    late = month["late"]
    with states.frozen(late.reply_due + datetime.timedelta(days=1)):
        reminders.run()
    n = Notification.objects.get(kind="overdue", recipient=cast.clerk_a)
    assert late.display_number in n.title
    assert n.link == f"/suggestions/{late.pk}/"
    assert n.params["due_date"] == late.reply_due.isoformat() and n.params["days"] == 1


def test_a_run_killed_half_way_and_restarted_sends_each_once(cast, month, settings):
    day = month["late"].reply_due + datetime.timedelta(days=1)  # overdue and drafts waiting
    settings.REMINDER_CATCH_UP_DAYS = 30  # plenty to do in every kind
    with (
        states.frozen(day),
        _breaking(4, KeyboardInterrupt()),  # killed while working the fifth kind
        pytest.raises(KeyboardInterrupt),
    ):
        reminders.run()
    done = Notification.objects.count()
    assert done > 0
    with states.frozen(day):
        restarted = reminders.run()
        plan = reminders.plan(reminders.timezone.now())
    assert restarted.already == done and restarted.failed == 0
    keys = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys)) == done + restarted.sent
    assert all(p.status == "already sent" for p in plan.planned)
    assert Delivery.objects.filter(channel="email").count() == len(keys)


def test_a_missed_day_is_caught_up_once_with_its_own_day(cast, month, settings):
    settings.REMINDER_CATCH_UP_DAYS = 3
    a = month["unsigned"].assignments.get()
    due_day = a.sign_due - datetime.timedelta(days=2)
    with states.frozen(due_day + datetime.timedelta(days=2)):  # the server was down two days
        reminders.run()
    with states.frozen(due_day + datetime.timedelta(days=3)):
        assert reminders.run().sent == 0
    sent = Notification.objects.filter(kind="sign_due")
    assert sent.count() == 2
    assert {n.key for n in sent} == {f"sign_due:a{a.pk}:{due_day.isoformat()}"}


def test_a_broken_kind_does_not_stop_the_others(cast, month):
    late = month["late"]
    with (
        states.frozen(late.reply_due + datetime.timedelta(days=1)),
        _breaking(0, RuntimeError("boom")),
    ):
        summary = reminders.run()
    assert summary.failed == 1 and summary.errors == ["sign_due: boom"]
    assert Notification.objects.filter(kind="overdue").count() == 2


def test_the_command_prints_one_line_and_the_dry_run_a_table(cast, month, capsys):
    day = month["late"].reply_due + datetime.timedelta(days=1)
    moment = f"{day.isoformat()}T09:00"
    call_command("send_reminders", "--now", moment, "--dry-run")
    table = capsys.readouterr().out
    assert "overdue" in table and "clerk_a" in table and "new" in table
    assert table.strip().splitlines()[-1].endswith(" sent, 0 already sent, 0 failed")
    assert not Notification.objects.exists()  # the dry run changed nothing
    call_command("send_reminders", "--now", moment)
    first = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("send_reminders", "--now", moment)
    second = capsys.readouterr().out.strip().splitlines()[-1]
    count = Notification.objects.count()
    assert first == f"{count} sent, 0 already sent, 0 failed"
    assert second == f"0 sent, {count} already sent, 0 failed"


def test_the_dry_run_table_lines_up_with_chinese_names(cast, month, capsys):
    from minsheng.lib.terminal import display_width

    cast.clerk_a.username = "王经办"
    cast.clerk_a.save(update_fields=["username"])
    day = month["late"].reply_due + datetime.timedelta(days=1)
    call_command("send_reminders", "--now", f"{day.isoformat()}T09:00", "--dry-run")
    lines = capsys.readouterr().out.strip().splitlines()[:-1]
    assert any("王经办" in line for line in lines) and any("head_a" in line for line in lines)
    # The status column (after kind, recipient, suggestion and day) starts at one screen column
    # on every line, whatever script the recipients' names are in.
    header = lines[0]
    column = display_width(header[: header.index("status")])
    for line in lines[1:]:
        status = next(s for s in ("already sent", "new", "muted") if f"  {s}  " in line)
        assert display_width(line[: line.index(f"  {status}  ") + 2]) == column, line


def test_loop_stops_cleanly_on_sigterm(cast, capsys):
    import os
    import signal
    import threading

    from minsheng.notifications.management.commands import send_reminders

    command = send_reminders.Command()
    rounds = []
    original = command.run_once

    def once(now):
        rounds.append(now)
        if len(rounds) == 2:
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return original(now)

    command.run_once = once
    command.loop(0.2, None)
    assert len(rounds) in (2, 3)
    assert "Stopped." in capsys.readouterr().out
