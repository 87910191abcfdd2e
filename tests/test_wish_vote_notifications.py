"""Who hears of a micro-wish's progress, of the deputies' vote and of a rectification's report and
decision (minsheng/notifications/wishes.py): the right person, once, never of their own step."""

import datetime

import pytest
from django.utils import timezone

from minsheng.ledger import workflow_teams
from minsheng.ledger import workflow_vote as vote
from minsheng.notifications import reminders
from minsheng.notifications.models import Notification
from minsheng.wishes import workflow as wishes
from tests import states, team_states, vote_states
from tests import wish_states as ws

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


def _got(kind, variant=None):
    rows = Notification.objects.filter(kind=kind)
    if variant is not None:
        rows = rows.filter(params__variant=variant)
    return sorted(rows.values_list("recipient__username", flat=True))


def test_the_poster_hears_of_the_claim_and_the_fulfilment_and_the_claimant_of_the_confirmation(
    cast, commit
):
    wish = commit(lambda: ws.verified(cast))
    assert _got("wish_progress") == []  # verifying is staff's own step; nobody is told
    commit(lambda: wishes.claim(wish, by=cast.deputy, note="我来送"))
    assert _got("wish_progress", "") == ["community"]
    claimed = Notification.objects.get(kind="wish_progress", params__variant="")
    assert claimed.params["claimant"] and claimed.params["title"] == wish.title
    assert claimed.link == f"/wishes/{wish.pk}/"
    commit(lambda: wishes.fulfil(wish, by=cast.deputy, note="已送到。", evidence=ws.evidence()))
    assert _got("wish_progress", "fulfilled") == ["community"]
    _org, worker = ws.community(cast)
    commit(lambda: wishes.confirm(wish, by=worker))
    assert _got("wish_progress", "confirmed") == ["deputy"]


def test_a_rejection_a_release_and_a_withdrawal_reach_who_is_concerned(cast, commit):
    commit(lambda: ws.rejected(cast))
    assert _got("wish_progress", "rejected") == ["community"]
    wish = ws.claimed(cast, by=cast.clerk_a, title="一台轮椅")
    commit(lambda: wishes.release(wish, by=cast.clerk_a, note="人手不够"))
    assert _got("wish_progress", "released") == ["community"]
    wishes.claim(wish, by=cast.deputy)
    commit(lambda: wishes.withdraw(wish, by=cast.staff, reason="已由民政部门解决"))
    assert _got("wish_progress", "withdrawn") == ["deputy"]
    withdrawn = Notification.objects.get(kind="wish_progress", params__variant="withdrawn")
    assert withdrawn.params["note"] == "已由民政部门解决"


def test_every_serving_deputy_hears_that_the_vote_opened_and_closed(cast, commit):
    r = commit(lambda: vote_states.voting(cast))
    opened = _got("vote_news", "")
    assert opened == ["cosigner", "deputy"]
    assert "staff" not in opened
    commit(lambda: vote.close(r, by=cast.staff))
    assert _got("vote_news", "closed") == ["cosigner", "deputy"]


def test_the_opener_is_reminded_once_when_the_voting_time_is_over(cast, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0
    r = vote_states.voting(cast)
    before = timezone.localdate(r.closes_at)
    with states.frozen(before):
        reminders.run()
    assert _got("vote_time_over") == []
    after = before + datetime.timedelta(days=1)
    with states.frozen(after):
        reminders.run()
        reminders.run()
    with states.frozen(after + datetime.timedelta(days=1)):
        reminders.run()
    assert _got("vote_time_over") == ["staff"]
    vote.close(r, by=cast.staff)
    with states.frozen(after + datetime.timedelta(days=2)):
        reminders.run()
    assert _got("vote_time_over") == ["staff"]


def test_the_team_leader_hears_of_a_report_and_the_unit_of_the_decision(cast, commit):
    rect = team_states.rectification(cast)
    commit(
        lambda: workflow_teams.report(
            rect, by=cast.clerk_a, on=team_states.START, report="已补齐台账"
        )
    )
    assert _got("rectification_progress", "") == ["supervisor"]
    commit(lambda: workflow_teams.reopen(rect, by=cast.supervisor, reason="照片不清楚"))
    assert _got("rectification_progress", "reopened") == ["clerk_a", "head_a"]
    commit(
        lambda: workflow_teams.report(
            rect, by=cast.clerk_a, on=team_states.START, report="已重新拍照"
        )
    )
    commit(lambda: workflow_teams.close(rect, by=cast.supervisor))
    assert _got("rectification_progress", "closed") == ["clerk_a", "head_a"]
