"""The vote's demo: last year's round finished, adopted into the ledger, rated; run twice, it
adds nothing."""

import pytest

from minsheng.ledger import demo_vote
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_vote import Ballot, Candidate, Satisfaction, VoteRound
from minsheng.people import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_vote_adopted_and_rated():
    ctx = demo.build(7, "small")
    demo_vote.build(ctx)
    r = VoteRound.objects.get()
    assert r.state == VoteRound.State.ADOPTED
    assert (
        r.candidates.filter(vetting=Candidate.Vetting.REJECTED).exclude(vetting_reason="").count()
        == 2
    )
    elected = r.candidates.filter(elected=True)
    assert elected.count() == demo_vote.WINNERS
    assert not elected.filter(ledger_item__isnull=True).exists()
    items = LedgerItem.objects.filter(source=LedgerItem.Source.VOTE, year=r.year)
    assert items.count() == demo_vote.WINNERS
    voters = Ballot.objects.values("deputy").distinct().count()
    assert voters >= 2
    assert Satisfaction.objects.count() == voters * demo_vote.WINNERS
    for c in r.candidates.filter(vetting=Candidate.Vetting.SHORTLISTED):
        assert c.votes_for + c.votes_against + c.votes_abstain == voters
    demo_vote.build(ctx)
    assert VoteRound.objects.count() == 1
