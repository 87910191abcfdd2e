"""The practical-matter vote through the JSON API alone: staff open a round, enter and vet
candidates, open the voting; deputies PUT their ballot (changeable until close); the results
are refused while voting and published after close; adoption makes ledger items; a deputy
rates one. Bad input answers 4xx."""

import datetime

import pytest
from django.utils import timezone

from minsheng.ledger.models_vote import Ballot
from minsheng.people.models import ApiToken

pytestmark = pytest.mark.django_db
BASE = "/api/v1/ledger/vote"


class Caller:
    def __init__(self, client, user):
        self.client = client
        _token, raw = ApiToken.issue(user, "test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(BASE + path, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            BASE + path, body or {}, content_type="application/json", **self.headers
        )

    def put(self, path, body):
        return self.client.put(BASE + path, body, content_type="application/json", **self.headers)


def test_a_vote_from_proposals_to_satisfaction_through_the_api(client, cast):
    staff, deputy, cosigner = (Caller(client, u) for u in (cast.staff, cast.deputy, cast.cosigner))
    made = staff.post(
        "/rounds",
        {"jurisdiction": cast.jurisdiction.pk, "year": 2027, "title": "2027年票决", "winners": 1},
    )
    assert made.status_code == 201, made.json()
    rid = made.json()["id"]
    act = f"/rounds/{rid}/actions/"
    ids = []
    for title in ("加装电梯", "社区食堂"):
        answer = staff.post(
            act + "add_candidate",
            {"title": title, "origin": "deputy", "source_note": "代表建议", "unit": cast.unit_a.pk},
        )
        assert answer.status_code == 200, answer.json()
        ids = [c["id"] for c in answer.json()["candidates"]]
    assert staff.post(act + "add_candidate", {"title": "x", "origin": "nobody"}).status_code == 422
    assert deputy.post(act + "start_vetting").status_code == 403
    assert staff.post(act + "start_vetting").status_code == 200
    assert (
        staff.post(act + "vet", {"candidate_id": ids[0], "result": "rejected"}).status_code == 422
    )
    for cid in ids:
        assert (
            staff.post(act + "vet", {"candidate_id": cid, "result": "shortlisted"}).status_code
            == 200
        )
    assert (
        staff.post(act + "vet", {"candidate_id": 999999, "result": "shortlisted"}).status_code
        == 409
    )
    closes = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert staff.post(act + "open_voting", {"closes_on": closes}).status_code == 200

    ballot = f"/rounds/{rid}/ballot"
    assert (
        deputy.put(ballot, {"choices": [{"candidate": ids[0], "choice": "against"}]}).status_code
        == 200
    )
    changed = deputy.put(
        ballot,
        {
            "choices": [
                {"candidate": ids[0], "choice": "for"},
                {"candidate": ids[1], "choice": "abstain"},
            ]
        },
    )
    assert changed.status_code == 200
    assert changed.json()["choices"] == [
        {"candidate": ids[0], "choice": "for"},
        {"candidate": ids[1], "choice": "abstain"},
    ]
    assert (
        cosigner.put(ballot, {"choices": [{"candidate": ids[1], "choice": "for"}]}).status_code
        == 200
    )
    assert Ballot.objects.count() == 3
    twice = {
        "choices": [
            {"candidate": ids[0], "choice": "for"},
            {"candidate": ids[0], "choice": "against"},
        ]
    }
    assert deputy.put(ballot, twice).status_code == 422
    assert deputy.put(ballot, {"choices": []}).status_code == 422
    assert (
        staff.put(ballot, {"choices": [{"candidate": ids[0], "choice": "for"}]}).status_code == 403
    )
    # While voting: no tallies anywhere.
    assert deputy.get(f"/rounds/{rid}/results").status_code == 409
    assert {c["votes_for"] for c in deputy.get(f"/rounds/{rid}").json()["candidates"]} == {None}

    assert staff.post(act + "close").status_code == 200
    late = deputy.put(ballot, {"choices": [{"candidate": ids[1], "choice": "against"}]})
    assert late.status_code == 409
    results = deputy.get(f"/rounds/{rid}/results").json()
    assert results["voters"] == 2
    # Tied on "for" (1 each); ids[0] has no "against" either: the earlier entered wins.
    assert [(r["candidate"], r["votes_for"], r["elected"]) for r in results["results"]] == [
        (ids[0], 1, True),
        (ids[1], 1, False),
    ]
    adopted = staff.post(act + "adopt", {"starts_on": timezone.localdate().isoformat()})
    assert adopted.status_code == 200
    item = next(c["ledger_item"] for c in adopted.json()["candidates"] if c["id"] == ids[0])
    assert item is not None
    rated = deputy.put(f"/items/{item}/satisfaction", {"rating": "basic"})
    assert rated.status_code == 200 and rated.json()["satisfaction"]["share"] == 100
    assert deputy.put(f"/items/{item}/satisfaction", {"rating": "meh"}).status_code == 422
    sat = deputy.get(f"/rounds/{rid}/results").json()["results"][0]["satisfaction"]
    assert sat["basic"] == 1 and sat["total"] == 1
