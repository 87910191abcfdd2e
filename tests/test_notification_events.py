"""Event notifications: each transition tells exactly the people who must act next, once it
has committed, and never the person who acted."""

import datetime

import pytest

from minsheng.notifications.models import Notification
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment
from tests import states

pytestmark = pytest.mark.django_db


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


def test_nothing_is_sent_before_the_transaction_commits(cast):
    states.assigned(cast)  # the test transaction never commits
    assert not Notification.objects.exists()


def test_a_new_assignment_tells_the_units_clerks_and_heads(cast, commit):
    s = commit(lambda: states.assigned(cast, joint=True))
    assert _got("assigned") == ["clerk_a", "clerk_b", "head_a", "head_b"]
    n = Notification.objects.get(kind="assigned", recipient=cast.clerk_a)
    a = s.assignments.get(unit=cast.unit_a)
    assert s.display_number in n.title and n.suggestion_id == s.pk
    assert n.params["sign_date"] == a.sign_due.isoformat() and n.params["unit"] == "交通运输厅"


def test_co_signing_answers_and_ready_to_submit_tell_the_lead_deputy(cast, commit):
    s = states.draft(cast, cosign=True)
    commit(lambda: workflow.confirm_cosign(s, by=cast.cosigner))
    assert _got("cosign_answered") == ["deputy"] and _got("ready_to_submit") == ["deputy"]
    assert Notification.objects.get(kind="cosign_answered").params.get("variant") is None


def test_a_declined_co_signing_says_so(cast, commit):
    s = states.draft(cast, cosign=True)
    commit(lambda: workflow.confirm_cosign(s, by=cast.cosigner, accept=False))
    n = Notification.objects.get(kind="cosign_answered")
    assert n.params["variant"] == "declined"
    assert "declined" in n.title or "拒绝" in n.title or "不" in n.title


def test_a_draft_reply_tells_the_heads_and_the_sent_reply_the_deputy(cast, commit):
    s = states.handling(cast)
    states.contact(cast, s)
    commit(lambda: workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY))
    assert _got("draft_to_sign") == ["head_a"]  # not the clerk who drafted it
    commit(lambda: workflow.sign_reply(s, by=cast.head_a))
    assert _got("reply_received") == ["deputy"]


def test_an_unsatisfied_rating_opens_rehandling_for_the_unit(cast, commit):
    s = states.answered(cast)
    commit(lambda: workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="没有解决。"))
    assert _got("rehandling_opened") == ["clerk_a", "head_a"]
    n = Notification.objects.filter(kind="rehandling_opened").first()
    assert n.params["round"] == 2


def test_an_extension_decision_tells_the_unit_that_asked(cast, commit):
    s = states.handling(cast)
    until = s.reply_due + datetime.timedelta(days=30)
    request = workflow.request_extension(
        s, by=cast.clerk_a, until=until, reason="复杂。", deputy_told=True
    )
    commit(
        lambda: workflow.decide_extension(s, by=cast.staff, request_id=request.pk, approve=False)
    )
    n = Notification.objects.get(kind="extension_decided", recipient=cast.clerk_a)
    assert n.params == {**n.params, "variant": "rejected", "until_date": until.isoformat()}
    assert _got("extension_decided") == ["clerk_a", "head_a"]


def test_an_adjustment_moved_tells_both_units(cast, commit):
    s = states.assigned(cast)
    request = workflow.request_adjustment(s, by=cast.clerk_a, reason="不属于本单位职责。")
    commit(
        lambda: workflow.decide_adjustment(
            s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b
        )
    )
    assert _got("adjustment_decided") == ["clerk_a", "head_a"]
    assert _got("assigned") == ["clerk_b", "head_b"]
    assert (
        Notification.objects.get(kind="adjustment_decided", recipient=cast.clerk_a).params[
            "moved_to"
        ]
        == "教育厅"
    )
    assert s.assignments.get(unit=cast.unit_b).state == Assignment.State.AWAITING_SIGNATURE
