"""Notifications of supervision: who hears of an instruction, a response, a council's decision
and a named supervisor (once the action commits, never the person who acted), and the
instruction reminders under a frozen clock, day by day."""

import datetime
from collections import defaultdict

import pytest

from minsheng.notifications import reminders
from minsheng.notifications.kinds import render
from minsheng.notifications.models import Notification
from minsheng.suggestions.models import RuleSet
from minsheng.supervision import workflow
from minsheng.supervision.models import KeyItem, Tier
from minsheng.workcalendar import work_calendar
from tests import states

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 2)  # a Monday
SUPERVISION = ("instruction_due_soon", "instruction_overdue", "instructions_year_end")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit receivers as a committed transaction would."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


def _got(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def _proposed(cast, *suggestions):
    return workflow.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="农村公路养护专题",
        year=ON.year,
        suggestions=suggestions,
        lead_unit=cast.unit_a,
    )


def _decided(cast, *suggestions, on=ON):
    return workflow.decide(_proposed(cast, *suggestions), by=cast.staff, decided_on=on)


# --- events ------------------------------------------------------------------------------------


def test_nothing_is_sent_before_the_transaction_commits(cast):
    item = _decided(cast, states.handling(cast))
    workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。")
    assert not Notification.objects.exists()


def test_an_instruction_tells_the_units_clerks_and_heads(cast, commit):
    item = _decided(cast, states.handling(cast))
    row = commit(lambda: workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。"))
    assert _got("instruction_received") == ["clerk_a", "head_a"]
    n = Notification.objects.get(kind="instruction_received", recipient=cast.clerk_a)
    assert n.link == f"/supervision/{item.pk}/"
    assert n.params["due_date"] == row.due.isoformat() and n.params["about"] == item.title
    assert item.title in n.title and cast.unit_a.name in n.title
    assert n.subject_id == row.pk


def test_an_instruction_on_one_suggestion_links_to_its_page(cast, commit):
    s = states.handling(cast)
    commit(lambda: workflow.instruct(s, by=cast.committee, unit=cast.unit_a, text="请加快。"))
    n = Notification.objects.get(kind="instruction_received", recipient=cast.head_a)
    assert n.link == f"/suggestions/{s.pk}/#supervision" and n.suggestion_id == s.pk


def test_the_response_tells_the_one_who_gave_the_instruction(cast, commit):
    item = _decided(cast, states.handling(cast))
    row = workflow.instruct(item, by=cast.supervisor, unit=cast.unit_a, text="请落实。")
    commit(lambda: workflow.respond(row, by=cast.clerk_a, response="已落实。"))
    assert _got("instruction_responded") == ["supervisor"]
    n = Notification.objects.get(kind="instruction_responded")
    assert cast.unit_a.name in n.title and n.link == f"/supervision/{item.pk}/"


def test_the_councils_decision_tells_the_supervisors_and_the_lead_unit(cast, commit):
    item = _proposed(cast, states.handling(cast))
    tier = Tier.objects.get(number=2)
    workflow.add_supervisor(item, by=cast.staff, user=cast.supervisor, tier=tier, duty="lead")
    commit(lambda: workflow.decide(item, by=cast.staff, decided_on=ON))
    assert _got("key_item_decided") == ["clerk_a", "head_a", "supervisor"]
    n = Notification.objects.get(kind="key_item_decided", recipient=cast.supervisor)
    assert n.params["due_date"] == KeyItem.objects.get(pk=item.pk).due.isoformat()


def test_a_named_supervisor_hears_of_it_and_the_staff_who_named_them_do_not(cast, commit):
    item = _decided(cast, states.handling(cast))
    tier = Tier.objects.get(number=5)
    commit(
        lambda: workflow.add_supervisor(
            item, by=cast.staff, user=cast.supervisor, tier=tier, duty="take_part"
        )
    )
    commit(
        lambda: workflow.add_supervisor(
            item, by=cast.staff, user=cast.staff, tier=tier, duty="supervise"
        )
    )
    assert _got("supervisor_named") == ["supervisor"]
    n = Notification.objects.get(kind="supervisor_named")
    assert n.params["tier"] == str(tier) and n.params["duty"]
    assert item.title in n.title


def test_a_record_tells_nobody(cast, commit):
    item = _decided(cast, states.handling(cast))
    commit(
        lambda: workflow.supervise(
            item, by=cast.staff, kind="visit", happened_on=ON, participants="x", notes="y"
        )
    )
    assert not Notification.objects.exists()


def test_every_new_kind_renders_in_both_languages(cast, commit):
    from django.utils import translation

    item = _proposed(cast, states.handling(cast))
    workflow.add_supervisor(
        item, by=cast.staff, user=cast.supervisor, tier=Tier.objects.get(number=1), duty="lead"
    )
    commit(lambda: workflow.decide(item, by=cast.staff, decided_on=ON))
    for n in Notification.objects.all():
        for language in ("zh-hans", "en"):
            with translation.override(language):
                title, body = render(n.kind, n.params)
            assert title and body and "%(" not in title + body


# --- reminders, day by day ---------------------------------------------------------------------


@pytest.fixture
def instructions(cast, settings):
    """An ordinary and a complex instruction given on 2 March 2026, and one answered at once."""
    settings.REMINDER_CATCH_UP_DAYS = 0
    with states.frozen(ON):
        s = states.handling(cast, on=ON)
        item = _decided(cast, s)
        ordinary = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="七日内办结。")
        complex_ = workflow.instruct(
            item, by=cast.staff, unit=cast.unit_a, text="一月内见成效。", is_complex=True
        )
        done = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="已办。")
        workflow.respond(done, by=cast.clerk_a, response="已落实。")
    return {"ordinary": ordinary, "complex": complex_, "done": done}


def _sent_on(day):
    return {
        (n.kind, n.recipient.username, n.subject_id)
        for n in Notification.objects.filter(
            created_at__date=day, kind__in=SUPERVISION
        ).select_related("recipient")
    }


def test_instruction_reminders_day_by_day(cast, instructions):
    ordinary, complex_ = instructions["ordinary"], instructions["complex"]
    # The 710 rule: 7 days, a month; the yellow light five working days before.
    assert ordinary.due == datetime.date(2026, 3, 9) and complex_.due == datetime.date(2026, 4, 2)
    assert ordinary.warn_from == ON  # yellow from the start: no "due soon" for it
    unit = {"clerk_a", "head_a"}
    want = defaultdict(set)
    for name in unit:
        want[complex_.warn_from].add(("instruction_due_soon", name, complex_.pk))
        for week in range(6):
            day = ordinary.due + datetime.timedelta(days=1 + 7 * week)
            want[day].add(("instruction_overdue", name, ordinary.pk))
        for week in range(2):
            day = complex_.due + datetime.timedelta(days=1 + 7 * week)
            want[day].add(("instruction_overdue", name, complex_.pk))
    respond_on = complex_.due + datetime.timedelta(days=10)
    days = [ON + datetime.timedelta(days=n) for n in range(45)]
    for day in days:
        with states.frozen(day):
            if day == respond_on:
                workflow.respond(complex_, by=cast.head_a, response="已见成效。")
            first = reminders.run()
            again = reminders.run()
        assert _sent_on(day) == want.get(day, set()), day
        assert first.failed == 0 and again.sent == 0, day
    overdue = Notification.objects.filter(kind="instruction_overdue", subject_id=ordinary.pk)
    n = overdue.filter(recipient=cast.clerk_a).order_by("created_at").last()
    assert n.params["days"] == (days[-1] - ordinary.due).days // 7 * 7 + 1
    assert n.link == f"/supervision/{ordinary.key_item_id}/"
    # The answered one never reminded anybody.
    assert not Notification.objects.filter(subject_id=instructions["done"].pk).exists()


def test_staff_hear_of_the_years_open_instructions_before_its_clearance_day(cast, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0
    given = datetime.date(2026, 11, 2)
    with states.frozen(given):
        item = _decided(cast, states.handling(cast, on=given), on=given)
        for text in ("一", "二"):
            workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text=text, is_complex=True)
    clearance = datetime.date(2026, 12, 31)
    trigger = work_calendar().subtract_workdays(clearance, 10).date
    for n in range(60):
        day = given + datetime.timedelta(days=n)
        with states.frozen(day):
            reminders.run()
    sent = Notification.objects.filter(kind="instructions_year_end")
    assert sorted(sent.values_list("recipient__username", flat=True)) == ["staff"]
    n = sent.get()
    assert n.created_at.date() == trigger
    assert n.params == {"count": 2, "year": 2026, "due_date": "2026-12-31"}
    assert n.link == "/supervision/warnings/" and "2026" in n.title


def test_the_clearance_day_comes_from_the_rule_set(cast, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0
    RuleSet.objects.create(jurisdiction=cast.jurisdiction, clearance_month=6, clearance_day=30)
    given = datetime.date(2026, 6, 1)
    with states.frozen(given):
        item = _decided(cast, states.handling(cast, on=given), on=given)
        workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="年中清零。")
    trigger = work_calendar().subtract_workdays(datetime.date(2026, 6, 30), 10).date
    for day in (
        trigger - datetime.timedelta(days=1),
        trigger,
        trigger + datetime.timedelta(days=1),
    ):
        with states.frozen(day):
            reminders.run()
    n = Notification.objects.get(kind="instructions_year_end")
    assert n.created_at.date() == trigger and n.params["due_date"] == "2026-06-30"
