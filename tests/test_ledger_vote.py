"""The practical-matter vote: collect, vet, vote (one ballot per deputy and candidate,
changeable until close), close (tallies counted once and locked), adopt into the ledger, and
the year-end satisfaction."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import workflow_vote as vote
from minsheng.ledger.actions_vote import ROUNDS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_vote import Ballot, Candidate, Satisfaction, VoteRound
from tests import vote_states

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _shortlist(r):
    return list(r.candidates.order_by("pk"))


def test_the_round_walks_its_states_through_the_engine_with_one_event_each(cast):
    r = vote_states.adopted(cast)
    assert r.state == VoteRound.State.ADOPTED
    actions = list(r.events.order_by("pk").values_list("action", flat=True))
    assert actions[0] == "create"
    assert [a for a in actions if a not in ("add_candidate", "vet", "ballot")] == [
        "create",
        "start_vetting",
        "open_voting",
        "close",
        "adopt",
    ]
    assert actions.count("ballot") == 2


def test_only_staff_manage_a_round(cast):
    r = vote_states.collecting(cast)
    for person in (cast.deputy, cast.clerk_a, cast.supervisor, cast.outsider):
        with pytest.raises(NotAllowed):
            vote.start_vetting(r, by=person)
    with pytest.raises(NotAllowed):
        vote.create_round(
            by=cast.deputy, jurisdiction_id=cast.jurisdiction.pk, year=2026, title="x", winners=1
        )


def test_a_candidate_records_its_source_and_a_rejection_needs_a_reason(cast):
    r = vote_states.collecting(cast)
    with pytest.raises(Invalid):
        vote.add_candidate(r, by=cast.staff, title="新项目", origin="public", source_note="")
    with pytest.raises(Invalid):
        vote.add_candidate(r, by=cast.staff, title="新项目", origin="nonsense", source_note="x")
    vote.start_vetting(r, by=cast.staff)
    c = _shortlist(r)[0]
    with pytest.raises(Invalid, match="Say why"):
        vote.vet(r, by=cast.staff, result="rejected", candidate_id=c.pk)
    vote.vet(r, by=cast.staff, result="rejected", reason="已列入部门计划", candidate_id=c.pk)
    assert Candidate.objects.get(pk=c.pk).vetting == Candidate.Vetting.REJECTED


def test_voting_opens_only_when_every_candidate_is_vetted(cast):
    r = vote_states.collecting(cast)
    vote.start_vetting(r, by=cast.staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(Conflict, match="not vetted"):
        vote.open_voting(r, by=cast.staff, closes_on=tomorrow)
    assert ROUNDS.refusal("open_voting", cast.staff, VoteRound.objects.get(pk=r.pk)) is not None


def test_one_ballot_per_deputy_and_candidate_changeable_until_close(cast):
    r = vote_states.voting(cast)
    c1, c2, _c3 = _shortlist(r)
    vote.cast(r, by=cast.deputy, choices={c1.pk: "for", c2.pk: "against"})
    vote.cast(r, by=cast.deputy, choices={c1.pk: "against"})
    vote.cast(r, by=cast.deputy, choices={str(c2.pk): "abstain"})
    rows = Ballot.objects.filter(round=r)
    assert rows.count() == 2
    assert vote.ballot_of(r, cast.deputy) == {c1.pk: "against", c2.pk: "abstain"}


def test_the_database_refuses_a_second_ballot_row(cast):
    r = vote_states.voting(cast)
    c1 = _shortlist(r)[0]
    vote.cast(r, by=cast.deputy, choices={c1.pk: "for"})
    deputy = Ballot.objects.get().deputy
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=r, deputy=deputy, candidate=c1, choice="against")


def test_only_deputies_of_the_congress_vote_and_only_on_the_shortlist(cast):
    r = vote_states.collecting(cast)
    vote.start_vetting(r, by=cast.staff)
    first, *rest = _shortlist(r)
    vote.vet(r, by=cast.staff, result="rejected", reason="不符合条件", candidate_id=first.pk)
    for c in rest:
        vote.vet(r, by=cast.staff, result="shortlisted", candidate_id=c.pk)
    with pytest.raises(Conflict, match="not open"):
        vote.cast(r, by=cast.deputy, choices={rest[0].pk: "for"})
    vote.open_voting(r, by=cast.staff, closes_on=timezone.localdate())
    for person in (cast.staff, cast.clerk_a, cast.outsider):
        with pytest.raises(NotAllowed):
            vote.cast(r, by=person, choices={rest[0].pk: "for"})
    with pytest.raises(Invalid, match="not on the shortlist"):
        vote.cast(r, by=cast.deputy, choices={first.pk: "for"})
    for bad in ({rest[0].pk: "maybe"}, {}, {"x": "for"}, {999999: "for"}):
        with pytest.raises(Invalid):
            vote.cast(r, by=cast.deputy, choices=bad)
    assert not Ballot.objects.exists()


def test_ballots_are_refused_after_close_and_the_tallies_are_locked(cast):
    r = vote_states.closed(cast)
    c1, c2, c3 = _shortlist(r)
    with pytest.raises(Conflict, match="closed"):
        vote.cast(r, by=cast.deputy, choices={c2.pk: "for"})
    assert (c1.votes_for, c1.votes_against, c1.votes_abstain) == (2, 0, 0)
    assert (c2.votes_for, c2.votes_against, c2.votes_abstain) == (1, 1, 0)
    assert (c3.votes_for, c3.votes_against, c3.votes_abstain) == (1, 0, 1)
    # Most "for" first; a tie on "for" goes to fewer "against": c3 before c2.
    assert [c1.rank, c3.rank, c2.rank] == [1, 2, 3]
    assert [c.elected for c in (c1, c2, c3)] == [True, False, True]
    # A ballot row changed behind the workflow's back does not move the stored result.
    Ballot.objects.filter(candidate=c2).update(choice="for")
    assert Candidate.objects.get(pk=c2.pk).votes_for == 1
    with pytest.raises(Conflict):
        vote.close(r, by=cast.staff)


def test_ballots_after_the_closing_time_are_refused(cast):
    r = vote_states.voting(cast)
    VoteRound.objects.filter(pk=r.pk).update(closes_at=timezone.now() - datetime.timedelta(1))
    with pytest.raises(Conflict, match="time is over"):
        vote.cast(r, by=cast.deputy, choices={_shortlist(r)[0].pk: "for"})


def test_adopt_turns_the_winners_into_practical_ledger_items_linked_back(cast):
    r = vote_states.adopted(cast)
    elected = list(r.candidates.filter(elected=True).order_by("rank"))
    assert len(elected) == 2
    for c in elected:
        item = c.ledger_item
        assert item is not None
        assert (item.kind, item.source, item.title) == (
            LedgerItem.Kind.PRACTICAL,
            LedgerItem.Source.VOTE,
            c.title,
        )
        assert item.responsible_unit_id == cast.unit_a.pk
        assert item.events.filter(action="create").count() == 1
    assert not r.candidates.filter(elected=False, ledger_item__isnull=False).exists()
    with pytest.raises(Conflict):
        vote.adopt(r, by=cast.staff, starts_on=timezone.localdate())


def test_an_adopted_item_page_links_back_to_its_vote(cast, client):
    r = vote_states.adopted(cast)
    winner = r.candidates.filter(elected=True).order_by("rank").first()
    client.force_login(cast.staff)
    page = client.get(f"/ledger/{winner.ledger_item_id}/").content.decode()
    assert 'data-testid="vote-candidate"' in page
    assert f'href="/ledger/vote/{r.pk}/"' in page
    # A unit clerk who sees the item but not the round gets no link.
    client.force_login(cast.clerk_a)
    answer = client.get(f"/ledger/{winner.ledger_item_id}/")
    if answer.status_code == 200:
        from minsheng.ledger.permissions_vote import rounds_visible_to

        visible = rounds_visible_to(cast.clerk_a).filter(pk=r.pk).exists()
        assert ('data-testid="vote-candidate"' in answer.content.decode()) == visible


def test_deputies_rate_the_adopted_projects_once_each_changeably(cast):
    r = vote_states.adopted(cast)
    item = r.candidates.filter(elected=True).first().ledger_item
    vote.rate(item, by=cast.deputy, rating="satisfied")
    vote.rate(item, by=cast.deputy, rating="basic")
    vote.rate(item, by=cast.cosigner, rating="unsatisfied")
    assert Satisfaction.objects.filter(item=item).count() == 2
    figures = vote.satisfaction([item])[item.pk]
    assert figures == {"satisfied": 0, "basic": 1, "unsatisfied": 1, "total": 2, "share": 50}
    with pytest.raises(NotAllowed):
        vote.rate(item, by=cast.staff, rating="satisfied")
    with pytest.raises(Invalid):
        vote.rate(item, by=cast.deputy, rating="great")


def test_projects_not_from_an_adopted_vote_are_not_rated(cast):
    r = vote_states.closed(cast)
    assert not r.candidates.filter(ledger_item__isnull=False).exists()
    from tests.test_ledger import make

    item = make(cast)
    with pytest.raises(Conflict):
        vote.rate(item, by=cast.deputy, rating="satisfied")
