"""The background commands: expire_ratings, recompute_due_dates and end_term. Each is
idempotent and is tested one step at a time with a frozen clock."""

import datetime
import io
import os
import signal
from unittest import mock

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

from minsheng.audit.models import Event
from minsheng.lib.workdays import add_months
from minsheng.people.models import Deputy, Session
from minsheng.suggestions import signals, workflow
from minsheng.suggestions.models import Rating, RuleSet, Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State

ANSWERED_AT = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)  # Monday 10:00 in Beijing


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the commands' English msgids, whatever language a test before left.
    with translation.override("en"):
        yield


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def run(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", ["expire_ratings", "recompute_due_dates", "end_term"])
def test_every_command_explains_itself(name):
    command = load_command_class("minsheng.suggestions", name)
    text = command.create_parser("minsheng", name).format_help()
    assert "dempotent" in text
    if name == "expire_ratings":
        assert "--loop" in text


# --- expire_ratings ----------------------------------------------------------------------------


@pytest.fixture
def answered(cast):
    with at(ANSWERED_AT):
        return states.answered(cast)


def test_expire_ratings_waits_for_the_window_to_pass(answered):
    reply = answered.replies.get()
    with at(datetime.datetime.combine(reply.rating_due, datetime.time(2), datetime.UTC)):
        out, _ = run("expire_ratings")
    assert "0 replies" in out
    assert not Rating.objects.exists()


def test_expire_ratings_records_not_rated_once(answered):
    reply = answered.replies.get()
    after = datetime.datetime.combine(
        reply.rating_due + datetime.timedelta(days=1), datetime.time(2), datetime.UTC
    )
    with at(after):
        out, _ = run("expire_ratings")
        again, _ = run("expire_ratings")
    assert "1 replies" in out and "0 replies" in again
    rating = Rating.objects.get()
    assert rating.overall == Rating.Overall.NOT_RATED and rating.rated_by is None
    assert Event.objects.filter(suggestion=answered, action="not_rated").count() == 1
    answered.refresh_from_db()
    assert answered.state == S.ANSWERED  # not rated is never satisfied, and closes nothing


def test_expire_ratings_leaves_rated_replies_alone(cast, answered):
    with at(ANSWERED_AT):  # rated within the window
        workflow.rate(answered, by=cast.deputy, overall="basically")
    with at(ANSWERED_AT + datetime.timedelta(days=90)):
        out, _ = run("expire_ratings")
    assert "0 replies" in out
    assert Rating.objects.get().overall == Rating.Overall.BASICALLY


def test_loop_stops_cleanly_on_sigterm(db):
    calls = []

    def one_round(today=None):
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return 0

    before = signal.getsignal(signal.SIGTERM)
    with mock.patch.object(workflow, "expire_ratings", side_effect=one_round):
        out, _ = run("expire_ratings", "--loop", "0.01")
    assert len(calls) == 2
    assert "Stopped." in out
    assert signal.getsignal(signal.SIGTERM) == before


def test_loop_stops_cleanly_on_ctrl_c(db):
    with mock.patch.object(workflow, "expire_ratings", side_effect=[0, KeyboardInterrupt]):
        out, _ = run("expire_ratings", "--loop", "0.01")
    assert out.count("replies recorded") == 1 and "Stopped." in out


def test_loop_survives_a_failed_round(db):
    effects = [RuntimeError("database is locked"), KeyboardInterrupt]
    with mock.patch.object(workflow, "expire_ratings", side_effect=effects):
        out, err = run("expire_ratings", "--loop", "0.01")
    assert "database is locked" in err and "Stopped." in out


def test_loop_needs_positive_seconds(db):
    with pytest.raises(CommandError):
        run("expire_ratings", "--loop", "0")


# --- recompute_due_dates -----------------------------------------------------------------------


def test_recompute_command_applies_a_changed_rule_set_once(cast):
    assigned_on = datetime.date(2026, 3, 2)
    with at(ANSWERED_AT):
        s = states.handling(cast, on=assigned_on)
    with signals.suspended():  # as after loaddata: nothing recomputed yet
        RuleSet.objects.create(jurisdiction=cast.jurisdiction, reply_months=2)
    out, _ = run("recompute_due_dates", "--jurisdiction", cast.jurisdiction.code)
    assert "1 open" in out
    s.refresh_from_db()
    # Two months end on 2 May, inside the Labour Day holiday (1-5 May): due the day after.
    assert add_months(assigned_on, 2) == datetime.date(2026, 5, 2)
    assert s.reply_due == datetime.date(2026, 5, 6)
    again, _ = run("recompute_due_dates")
    assert "0 open" in again
    assert Event.objects.filter(suggestion=s, action="recompute_due").count() == 1


def test_recompute_command_other_jurisdiction_changes_nothing(cast):
    with at(ANSWERED_AT):
        s = states.handling(cast, on=datetime.date(2026, 3, 2))
    with signals.suspended():
        RuleSet.objects.create(jurisdiction=cast.jurisdiction, reply_months=2)
    out, _ = run("recompute_due_dates", "--jurisdiction", cast.other_jurisdiction.code)
    assert "0 open" in out
    assert not Event.objects.filter(suggestion=s, action="recompute_due").exists()


def test_recompute_command_unknown_jurisdiction(db):
    with pytest.raises(CommandError):
        run("recompute_due_dates", "--jurisdiction", "nowhere")


# --- end_term ----------------------------------------------------------------------------------


@pytest.fixture
def term_items(cast):
    """One suggestion in each state, all in term 14, plus one in another term."""
    with at(ANSWERED_AT):
        items = {
            "draft": states.draft(cast),
            "submitted": states.submitted(cast),
            "registered": states.registered(cast),
            "handling": states.handling(cast),
            "answered": states.answered(cast),
            "closed": states.closed(cast),
        }
    return items


def end_term(cast, *extra, rule="carry_over", by="staff"):
    return run(
        "end_term",
        "--jurisdiction",
        cast.jurisdiction.code,
        "--term",
        str(cast.term.number),
        "--rule",
        rule,
        "--by",
        by,
        "--note",
        "第十四届任期届满，按主任会议决定处理。",
        *extra,
    )


def states_now(items):
    return {k: Suggestion.objects.get(pk=s.pk).state for k, s in items.items()}


def test_dry_run_reports_and_changes_nothing(cast, term_items):
    before = states_now(term_items)
    events = Event.objects.count()
    out, _ = end_term(cast, "--dry-run", rule="close")
    assert "4 open suggestions would be closed" in out
    assert states_now(term_items) == before and Event.objects.count() == events


def test_carry_over_logs_each_open_item_once(cast, term_items):
    out, _ = end_term(cast)
    assert "4 open suggestions carried over" in out
    assert states_now(term_items) == {
        "draft": S.DRAFT,
        "submitted": S.SUBMITTED,
        "registered": S.REGISTERED,
        "handling": S.HANDLING,
        "answered": S.ANSWERED,
        "closed": S.CLOSED,
    }
    logged = Event.objects.filter(action="end_of_term")
    assert logged.count() == 4
    assert {e.data["rule"] for e in logged} == {"carry_over"}
    assert {e.actor.username for e in logged} == {"staff"}
    again, _ = end_term(cast)
    assert "0 open suggestions carried over" in again and "4 already" in again
    assert Event.objects.filter(action="end_of_term").count() == 4


def test_close_rule_closes_every_open_item_of_the_term(cast, term_items):
    other_term = cast.term.__class__.objects.create(
        jurisdiction=cast.jurisdiction,
        number=13,
        name="第十三届",
        start_date=datetime.date(2018, 1, 1),
        is_current=False,
    )
    old_session = Session.objects.create(
        term=other_term,
        number=1,
        name="第一次会议",
        start_date=datetime.date(2018, 1, 20),
        end_date=datetime.date(2018, 1, 25),
    )
    current = Deputy.objects.get(user=cast.deputy, term=cast.term)
    then = Deputy.objects.create(
        user=cast.deputy,
        jurisdiction=cast.jurisdiction,
        term=other_term,
        delegation=current.delegation,
    )
    earlier = workflow.create_draft(
        by=cast.deputy,
        lead_deputy=then,
        title="上一届的建议",
        body="内容",
        session=old_session,
    )
    workflow.register(workflow.submit(earlier, by=cast.deputy), by=cast.staff)
    out, _ = end_term(cast, rule="close")
    assert "4 open suggestions closed" in out
    assert Suggestion.objects.get(pk=earlier.pk).state == S.REGISTERED
    after = states_now(term_items)
    assert after["draft"] == S.DRAFT
    assert {after[k] for k in ("submitted", "registered", "handling", "answered")} == {S.CLOSED}
    again, _ = end_term(cast, rule="close")
    assert "0 open suggestions closed" in again


def test_carried_over_items_can_be_closed_later(cast, term_items):
    end_term(cast)
    out, _ = end_term(cast, rule="close")
    assert "4 open suggestions closed" in out


@pytest.mark.parametrize("by", ["deputy", "clerk_a", "outsider", "nobody"])
def test_by_must_be_staff_of_the_jurisdiction(cast, by):
    with pytest.raises(CommandError):
        end_term(cast, by=by)


def test_unknown_term_or_jurisdiction(cast):
    with pytest.raises(CommandError):
        run(
            "end_term",
            "--jurisdiction",
            cast.jurisdiction.code,
            "--term",
            "9",
            "--rule",
            "close",
            "--by",
            "staff",
            "--note",
            "x",
        )
    with pytest.raises(CommandError):
        run(
            "end_term",
            "--jurisdiction",
            "nowhere",
            "--term",
            "14",
            "--rule",
            "close",
            "--by",
            "staff",
            "--note",
            "x",
        )


def test_blank_note_is_refused(cast):
    with pytest.raises(CommandError):
        run(
            "end_term",
            "--jurisdiction",
            cast.jurisdiction.code,
            "--term",
            "14",
            "--rule",
            "close",
            "--by",
            "staff",
            "--note",
            "  ",
        )
