"""Practical-matter votes in each state, reached through the real workflow functions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from minsheng.ledger import workflow_vote as vote
from minsheng.ledger.models_vote import Candidate, VoteRound

TITLES = ("老旧小区加装电梯", "农村饮水提升", "社区食堂建设")


def collecting(
    cast: Any, *, winners: int = 2, titles: tuple[str, ...] = TITLES, title: str = "民生实事票决"
) -> VoteRound:
    r = vote.create_round(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        year=timezone.localdate().year,
        title=title,
        winners=winners,
    )
    for n, title in enumerate(titles):
        vote.add_candidate(
            r,
            by=cast.staff,
            title=title,
            origin=Candidate.Origin.values[n % 3],
            source_note=f"征集第{n + 1}号",
            unit=cast.unit_a,
        )
    return VoteRound.objects.get(pk=r.pk)


def voting(cast: Any, **kw: Any) -> VoteRound:
    r = collecting(cast, **kw)
    vote.start_vetting(r, by=cast.staff)
    for c in r.candidates.all():
        vote.vet(r, by=cast.staff, result="shortlisted", candidate_id=c.pk)
    vote.open_voting(r, by=cast.staff, closes_on=timezone.localdate() + datetime.timedelta(days=3))
    return VoteRound.objects.get(pk=r.pk)


def closed(cast: Any, **kw: Any) -> VoteRound:
    r = voting(cast, **kw)
    c1, c2, c3 = list(r.candidates.order_by("pk"))[:3]
    vote.cast(r, by=cast.deputy, choices={c1.pk: "for", c2.pk: "against", c3.pk: "for"})
    vote.cast(r, by=cast.cosigner, choices={c1.pk: "for", c2.pk: "for", c3.pk: "abstain"})
    vote.close(r, by=cast.staff)
    return VoteRound.objects.get(pk=r.pk)


def adopted(cast: Any, **kw: Any) -> VoteRound:
    r = closed(cast, **kw)
    vote.adopt(r, by=cast.staff, starts_on=timezone.localdate())
    return VoteRound.objects.get(pk=r.pk)
