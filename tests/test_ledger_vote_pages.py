"""The vote's pages: the rounds, a round with its candidates, the deputy's ballot (changeable
until close), results only after close, the adoption's links, the satisfaction form; bad input
answers 4xx, never 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.ledger.models_vote import Ballot, Satisfaction, VoteRound
from tests import vote_states

pytestmark = pytest.mark.django_db


def _page(client, user, r):
    client.force_login(user)
    return client.get(reverse("ledger:vote_round", args=[r.pk]))


def test_staff_open_a_round_and_enter_and_vet_candidates_through_the_page(client, cast):
    client.force_login(cast.staff)
    answer = client.post(
        reverse("ledger:vote_new"),
        {"jurisdiction": cast.jurisdiction.pk, "year": 2027, "title": "2027年票决", "winners": 2},
    )
    r = VoteRound.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("ledger:vote_round", args=[r.pk])
    act = reverse("ledger:vote_act", args=[r.pk, "add_candidate"])
    bad = client.post(act, {"title": "", "origin": "public", "source_note": ""})
    assert bad.status_code == 422
    ok = client.post(
        act,
        {"title": "社区食堂", "origin": "public", "source_note": "网上征集第3号", "budget": "12"},
    )
    assert ok.status_code == 302
    client.post(reverse("ledger:vote_act", args=[r.pk, "start_vetting"]))
    c = r.candidates.get()
    vet = reverse("ledger:vote_act", args=[r.pk, "vet"])
    assert client.post(vet, {"candidate": c.pk, "result": "rejected"}).status_code == 422
    assert client.post(vet, {"candidate": c.pk, "result": "shortlisted"}).status_code == 302
    page = client.get(reverse("ledger:vote_round", args=[r.pk]))
    assert "网上征集第3号" in page.content.decode()


def test_a_deputy_votes_on_a_phone_and_changes_the_ballot_until_close(client, cast):
    r = vote_states.voting(cast)
    c1, c2, _ = r.candidates.order_by("pk")
    page = _page(client, cast.deputy, r).content.decode()
    assert 'data-testid="ballot-form"' in page and 'type="radio"' in page
    assert 'data-testid="results"' not in page
    url = reverse("ledger:vote_ballot", args=[r.pk])
    assert client.post(url, {f"c-{c1.pk}": "for", f"c-{c2.pk}": "against"}).status_code == 302
    assert client.post(url, {f"c-{c1.pk}": "abstain"}).status_code == 302
    assert dict(Ballot.objects.values_list("candidate_id", "choice")) == {
        c1.pk: "abstain",
        c2.pk: "against",
    }
    assert 'value="abstain" checked' in _page(client, cast.deputy, r).content.decode()
    for bad in ({f"c-{c1.pk}": "maybe"}, {}, {"c-999999": "for"}, {"c-x": "for"}):
        assert client.post(url, bad).status_code == 422


def test_tallies_are_hidden_while_voting_and_published_after_close(client, cast):
    r = vote_states.voting(cast)
    page = _page(client, cast.clerk_a, r).content.decode()
    assert 'data-testid="tallies-hidden"' in page and 'data-testid="results"' not in page
    r = vote_states.closed(cast, title="第二轮")
    page = _page(client, cast.clerk_a, r).content.decode()
    assert 'data-testid="results"' in page and "<progress" in page
    client.force_login(cast.deputy)
    refused = client.post(reverse("ledger:vote_ballot", args=[r.pk]), {"c-1": "for"})
    assert refused.status_code == 409


def test_others_may_not_vote_and_outsiders_do_not_see_the_round(client, cast):
    r = vote_states.voting(cast)
    c1 = r.candidates.first()
    client.force_login(cast.staff)
    url = reverse("ledger:vote_ballot", args=[r.pk])
    assert client.post(url, {f"c-{c1.pk}": "for"}).status_code == 403
    assert _page(client, cast.outsider, r).status_code == 404
    assert not Ballot.objects.exists()


def test_adopt_links_to_the_ledger_items_and_deputies_rate_them(client, cast):
    r = vote_states.closed(cast)
    client.force_login(cast.staff)
    answer = client.post(
        reverse("ledger:vote_act", args=[r.pk, "adopt"]),
        {"starts_on": timezone.localdate().isoformat()},
    )
    assert answer.status_code == 302
    elected = list(r.candidates.filter(elected=True))
    page = _page(client, cast.staff, r).content.decode()
    for c in elected:
        c.refresh_from_db()
        assert reverse("ledger:detail", args=[c.ledger_item_id]) in page
    item_id = elected[0].ledger_item_id
    client.force_login(cast.deputy)
    rate = reverse("ledger:vote_rate", args=[r.pk])
    assert client.post(rate, {f"r-{item_id}": "satisfied"}).status_code == 302
    assert client.post(rate, {f"r-{item_id}": "nonsense"}).status_code == 422
    assert client.post(rate, {"r-999999": "satisfied"}).status_code == 422
    assert Satisfaction.objects.get().rating == "satisfied"
    client.force_login(cast.staff)
    assert client.post(rate, {f"r-{item_id}": "satisfied"}).status_code == 403


def test_the_rounds_list_shows_the_rounds_of_the_congress(client, cast):
    r = vote_states.collecting(cast)
    client.force_login(cast.deputy)
    page = client.get(reverse("ledger:vote_rounds")).content.decode()
    assert f'data-testid="round-{r.pk}"' in page and 'data-testid="new-round"' not in page
    client.force_login(cast.outsider)
    page = client.get(reverse("ledger:vote_rounds")).content.decode()
    assert f'data-testid="round-{r.pk}"' not in page
    assert client.get(reverse("ledger:vote_round", args=[r.pk]) + "x").status_code == 404


def test_opening_the_voting_with_a_past_day_is_a_clear_error(client, cast):
    r = vote_states.collecting(cast)
    client.force_login(cast.staff)
    client.post(reverse("ledger:vote_act", args=[r.pk, "start_vetting"]))
    for c in r.candidates.all():
        client.post(
            reverse("ledger:vote_act", args=[r.pk, "vet"]),
            {"candidate": c.pk, "result": "shortlisted"},
        )
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    answer = client.post(
        reverse("ledger:vote_act", args=[r.pk, "open_voting"]), {"closes_on": past}
    )
    assert answer.status_code == 422
    assert VoteRound.objects.get(pk=r.pk).state == VoteRound.State.VETTING
