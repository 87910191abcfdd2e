"""The event log: every step appends events, state changes exactly one each, versions count them,
and a stale version is a conflict (DOMAIN §2 "Every step is an event")."""

import datetime

import pytest

from minsheng.audit.models import Event
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from minsheng.suggestions.workflow import UnitPlan
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State


def _step(s, actor, call):
    """Run one workflow call and check what it appended to the log."""
    s.refresh_from_db()
    state, version, seen = s.state, s.version, set(s.events.values_list("pk", flat=True))
    call()
    s.refresh_from_db()
    new = list(s.events.exclude(pk__in=seen).order_by("id"))
    assert new, "every step is logged"
    assert s.version == version + len(new) == s.events.count()
    assert new[0].from_state == state
    for before, after in zip(new, new[1:], strict=False):
        assert after.from_state == before.to_state
    assert new[-1].to_state == s.state
    changes = [e for e in new if e.from_state != e.to_state]
    assert len(changes) == (0 if s.state == state else 1)
    assert all(e.actor == actor for e in new)
    return new


def test_every_step_of_a_joint_journey_is_logged_with_one_event_per_state_change(cast):
    s = states.draft(cast, cosign=True)
    into_target = states.registered(cast, title="另一件")
    _step(s, cast.cosigner, lambda: workflow.confirm_cosign(s, by=cast.cosigner))
    _step(s, cast.deputy, lambda: workflow.submit(s, by=cast.deputy))
    _step(s, cast.staff, lambda: workflow.return_for_revision(s, by=cast.staff, note="补充"))
    _step(s, cast.deputy, lambda: workflow.edit_draft(s, by=cast.deputy, title="新", body="新"))
    _step(s, cast.deputy, lambda: workflow.submit(s, by=cast.deputy))
    _step(s, cast.staff, lambda: workflow.register(s, by=cast.staff))
    plan = [UnitPlan(cast.unit_a, "lead"), UnitPlan(cast.unit_b, "joint")]
    _step(s, cast.staff, lambda: workflow.assign(s, by=cast.staff, plan=plan))
    _step(s, cast.clerk_b, lambda: workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口"))
    request = s.assignments.get(unit=cast.unit_b).adjustment_requests.get()
    _step(
        s, cast.staff, lambda: workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk)
    )
    _step(s, cast.clerk_a, lambda: workflow.sign(s, by=cast.clerk_a))
    _step(s, cast.head_b, lambda: workflow.sign(s, by=cast.head_b))
    _step(s, cast.clerk_a, lambda: states.contact(cast, s))
    _step(s, cast.clerk_b, lambda: workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意"))
    until = s.reply_due + datetime.timedelta(days=30)
    _step(
        s,
        cast.clerk_a,
        lambda: workflow.request_extension(
            s, by=cast.clerk_a, until=until, reason="跨年度", deputy_told=True
        ),
    )
    ext = s.extension_requests.get()
    _step(
        s,
        cast.staff,
        lambda: workflow.decide_extension(s, by=cast.staff, request_id=ext.pk, approve=True),
    )
    _step(s, cast.clerk_a, lambda: workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY))
    _step(s, cast.head_a, lambda: workflow.sign_reply(s, by=cast.head_a))
    new = _step(
        s,
        cast.deputy,
        lambda: workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="不满意"),
    )
    assert [e.action for e in new] == ["rate", "rehandle"]
    _step(s, cast.clerk_a, lambda: states.contact(cast, s))
    _step(s, cast.clerk_a, lambda: workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY))
    _step(s, cast.head_a, lambda: workflow.sign_reply(s, by=cast.head_a))
    _step(s, cast.deputy, lambda: workflow.rate(s, by=cast.deputy, overall="satisfied"))
    _step(s, cast.staff, lambda: workflow.close(s, by=cast.staff, note="办结"))
    assert s.state == S.CLOSED
    other = states.submitted(cast, title="并案")
    _step(other, cast.staff, lambda: workflow.merge(other, by=cast.staff, into=into_target))


def test_the_state_is_the_summary_of_the_log(cast):
    for s in (
        states.closed(cast),
        states.rehandling(cast, separate=True),
        states.withdrawn(cast, before="handling"),
        states.merged(cast),
    ):
        events = list(s.events.order_by("at", "id"))
        assert events[0].from_state == "" and events[0].to_state == S.DRAFT
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_state == before.to_state
        assert events[-1].to_state == s.state
        assert s.version == len(events)


def test_the_log_is_append_only(cast):
    s = states.registered(cast)
    event = s.events.first()
    event.note = "改写历史"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(suggestion=s).update(note="x")
    with pytest.raises(TypeError):
        Event.objects.filter(suggestion=s).delete()
    assert s.events.count() == 3


def _stale_version_calls(cast):
    """(helper, persona, call) for one action per kind of persona."""
    return [
        (
            "submitted",
            cast.staff,
            lambda s, v: workflow.register(s, by=cast.staff, expected_version=v),
        ),
        ("draft", cast.deputy, lambda s, v: workflow.submit(s, by=cast.deputy, expected_version=v)),
        (
            "assigned",
            cast.clerk_a,
            lambda s, v: workflow.sign(s, by=cast.clerk_a, expected_version=v),
        ),
        (
            "handling",
            cast.clerk_a,
            lambda s, v: workflow.draft_reply(
                s, by=cast.clerk_a, expected_version=v, **states.REPLY
            ),
        ),
        (
            "answered",
            cast.deputy,
            lambda s, v: workflow.rate(s, by=cast.deputy, overall="satisfied", expected_version=v),
        ),
        (
            "registered",
            cast.deputy,
            lambda s, v: workflow.withdraw(s, by=cast.deputy, reason="撤回", expected_version=v),
        ),
        (
            "returned",
            cast.deputy,
            lambda s, v: workflow.edit_draft(
                s, by=cast.deputy, title="t", body="b", expected_version=v
            ),
        ),
    ]


@pytest.mark.parametrize("index", range(7))
def test_acting_on_a_stale_version_is_a_conflict_and_changes_nothing(cast, index):
    helper, _persona, call = _stale_version_calls(cast)[index]
    s = getattr(states, helper)(cast)
    s.refresh_from_db()
    version, state = s.version, s.state
    with pytest.raises(workflow.Conflict):
        call(s, version - 1)
    s.refresh_from_db()
    assert (s.version, s.state, s.events.count()) == (version, state, version)


@pytest.mark.parametrize("index", range(7))
def test_acting_on_the_current_version_goes_through(cast, index):
    helper, _persona, call = _stale_version_calls(cast)[index]
    s = getattr(states, helper)(cast)
    s.refresh_from_db()
    version = s.version
    call(s, version)
    s.refresh_from_db()
    assert s.version == version + 1 == s.events.count()


def test_a_second_person_working_from_the_same_page_gets_a_conflict(cast):
    s = states.submitted(cast)
    seen = s.version
    workflow.register(s, by=cast.staff, expected_version=seen)
    with pytest.raises(workflow.Conflict):
        workflow.decline(s, by=cast.staff, reason="personal", expected_version=seen)
    s.refresh_from_db()
    assert s.state == S.REGISTERED


def test_errors_carry_their_http_status(cast):
    assert (
        workflow.NotAllowed("x").status,
        workflow.Conflict("x").status,
        workflow.Invalid("x").status,
    ) == (403, 409, 422)
    err = workflow.Invalid("坏输入")
    assert err.message == "坏输入" and isinstance(err, workflow.WorkflowError)


def test_each_change_is_announced_once_after_it_commits(cast, django_capture_on_commit_callbacks):
    s = states.submitted(cast)
    heard = []

    def listen(sender, suggestion, event, **kwargs):
        heard.append((suggestion.pk, event.action, event.to_state))

    workflow.suggestion_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            workflow.register(s, by=cast.staff)
        assert len(callbacks) == 1
        assert heard == [(s.pk, "register", S.REGISTERED)]
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(workflow.Conflict),
        ):
            workflow.register(s, by=cast.staff)
        assert callbacks == [] and len(heard) == 1  # a refused action announces nothing
    finally:
        workflow.suggestion_changed.disconnect(listen)
