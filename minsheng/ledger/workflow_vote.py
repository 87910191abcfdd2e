"""The practical-matter vote's typed functions. The round's actions go through the one runner
(`minsheng.engine.actions.run`) with their declarations in `actions_vote.py`; casting a ballot
and rating an adopted project are a deputy's own rows, written under a lock of the round (the
ballot) so they are refused the moment the round closes.

The result is counted once, at close, in the close's transaction, and stored on the candidates
(tallies, rank, elected): nothing recounts it afterwards. Ranking: most "for" votes, then fewer
"against" votes, then the earlier entered candidate (lower id). The `winners` best ranked of
the shortlist are elected."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit import log as audit_log
from minsheng.engine import actions as engine
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.ledger import permissions_vote as perms
from minsheng.ledger import workflow as ledger
from minsheng.ledger.actions_vote import ROUNDS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_vote import Ballot, Candidate, Choice, Satisfaction, VoteRound
from minsheng.people.models import Organisation, User

Try = engine.Attempt[Any]
S = VoteRound.State


def create_round(
    *, by: User, jurisdiction_id: int, year: int, title: str, winners: int, description: str = ""
) -> VoteRound:
    """Staff open a year's vote for proposals (a congress uses the vote by having rounds)."""
    if not perms.can_create(by, jurisdiction_id):
        raise NotAllowed(_("Only congress staff open a vote."))
    title = title.strip()
    if not title:
        raise Invalid(_("A vote needs a title."))
    if not 2000 <= year <= 2100:
        raise Invalid(_("Give the year as four digits."))
    if not 1 <= winners <= 100:
        raise Invalid(_("Between 1 and 100 projects can be adopted."))
    if VoteRound.objects.filter(jurisdiction_id=jurisdiction_id, year=year, title=title).exists():
        raise Conflict(_("A vote of that title already exists for that year."))
    with transaction.atomic():
        row = VoteRound.objects.create(
            jurisdiction_id=jurisdiction_id,
            year=year,
            title=title,
            winners=winners,
            description=description.strip(),
            created_by=by,
        )
        ROUNDS.record(row, "create", by, from_state="", to_state=row.state)
    return row


def _run(
    action: str,
    round_: VoteRound | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
    pick: Any = None,
) -> Any:
    return engine.run(
        ROUNDS,
        action,
        round_,
        by=by,
        change=change,
        expected_version=expected_version,
        pick=pick,
        inputs=inputs,
    )


def add_candidate(
    round_: VoteRound | int,
    *,
    by: User,
    title: str,
    origin: str,
    source_note: str,
    description: str = "",
    budget: decimal.Decimal | None = None,
    unit: Organisation | None = None,
    expected_version: int | None = None,
) -> Candidate:
    def change(t: Try) -> Candidate:
        row = Candidate.objects.create(
            round=t.obj,
            title=title.strip(),
            description=description.strip(),
            origin=origin,
            source_note=source_note.strip(),
            budget=budget,
            unit=unit,
            created_by=by,
        )
        t.log(note=row.title, data={"candidate": row.pk, "origin": origin}, part=row)
        return row

    inputs = {
        "title": title,
        "description": description,
        "origin": origin,
        "source_note": source_note,
        "budget": budget,
        "unit": unit,
    }
    result: Candidate = _run("add_candidate", round_, by, change, expected_version, inputs)
    return result


def start_vetting(
    round_: VoteRound | int, *, by: User, expected_version: int | None = None
) -> VoteRound:
    def change(t: Try) -> VoteRound:
        return t.obj  # type: ignore[no-any-return]

    result: VoteRound = _run("start_vetting", round_, by, change, expected_version, {})
    return result


def vet(
    round_: VoteRound | int,
    *,
    by: User,
    result: str,
    reason: str = "",
    candidate_id: int | None = None,
    expected_version: int | None = None,
) -> Candidate:
    def change(t: Try) -> Candidate:
        row: Candidate = t.subject
        row.vetting, row.vetting_reason = result, reason.strip()
        row.save(update_fields=["vetting", "vetting_reason"])
        t.log(note=reason.strip(), data={"candidate": row.pk, "result": result}, part=row)
        return row

    inputs = {"result": result, "reason": reason}
    done: Candidate = _run("vet", round_, by, change, expected_version, inputs, candidate_id)
    return done


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def open_voting(
    round_: VoteRound | int,
    *,
    by: User,
    closes_on: datetime.date,
    expected_version: int | None = None,
) -> VoteRound:
    def change(t: Try) -> VoteRound:
        t.set(opens_at=timezone.now(), closes_at=_end_of(closes_on))
        t.log(data={"closes_on": closes_on.isoformat()})
        return t.obj  # type: ignore[no-any-return]

    result: VoteRound = _run(
        "open_voting", round_, by, change, expected_version, {"closes_on": closes_on}
    )
    return result


def rank_key(c: Candidate) -> tuple[int, int, int]:
    """Most "for" votes first, then fewer "against", then the earlier entered."""
    return (-(c.votes_for or 0), c.votes_against or 0, c.pk)


def count(round_: VoteRound) -> list[Candidate]:
    """Count the ballots and store the tallies, rank and election on the shortlisted
    candidates (called once, by `close`, inside its transaction)."""
    shortlist: list[Candidate] = list(
        round_.candidates.filter(vetting=Candidate.Vetting.SHORTLISTED).annotate(
            n_for=Count("ballots", filter=Q(ballots__choice=Choice.FOR)),
            n_against=Count("ballots", filter=Q(ballots__choice=Choice.AGAINST)),
            n_abstain=Count("ballots", filter=Q(ballots__choice=Choice.ABSTAIN)),
        )
    )
    for c in shortlist:
        c.votes_for, c.votes_against, c.votes_abstain = c.n_for, c.n_against, c.n_abstain  # type: ignore[attr-defined]
    shortlist.sort(key=rank_key)
    for n, c in enumerate(shortlist, start=1):
        c.rank, c.elected = n, n <= round_.winners
    Candidate.objects.bulk_update(
        shortlist, ["votes_for", "votes_against", "votes_abstain", "rank", "elected"]
    )
    return shortlist


def close(round_: VoteRound | int, *, by: User, expected_version: int | None = None) -> VoteRound:
    def change(t: Try) -> VoteRound:
        ranked = count(t.obj)
        voters = t.obj.ballots.values("deputy").distinct().count()
        t.set(closed_at=timezone.now())
        t.log(
            data={
                "voters": voters,
                "results": [
                    [c.pk, c.votes_for, c.votes_against, c.votes_abstain, c.elected] for c in ranked
                ],
            }
        )
        return t.obj  # type: ignore[no-any-return]

    result: VoteRound = _run("close", round_, by, change, expected_version, {})
    return result


def adopt(
    round_: VoteRound | int,
    *,
    by: User,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> list[LedgerItem]:
    """Enter each elected project in the ledger (kind practical, source the vote), linked
    back from its candidate, in the adoption's transaction."""

    def change(t: Try) -> list[LedgerItem]:
        r: VoteRound = t.obj
        items = []
        for c in r.candidates.filter(elected=True).select_related("unit").order_by("rank"):
            item = ledger.create_item(
                by=by,
                jurisdiction_id=r.jurisdiction_id,
                kind=LedgerItem.Kind.PRACTICAL,
                title=c.title,
                description=c.description,
                year=r.year,
                starts_on=starts_on,
                ends_on=ends_on,
                source=LedgerItem.Source.VOTE,
                source_note=str(
                    _("%(vote)s, No. %(rank)s (%(n)s for)")
                    % {"vote": r.title, "rank": c.rank, "n": c.votes_for}
                )[:200],
                responsible_unit=c.unit,
                budget=c.budget,
            )
            c.ledger_item = item
            c.save(update_fields=["ledger_item"])
            items.append(item)
        t.set(adopted_at=timezone.now())
        t.log(data={"items": [i.pk for i in items]})
        return items

    inputs = {"starts_on": starts_on, "ends_on": ends_on}
    result: list[LedgerItem] = _run("adopt", round_, by, change, expected_version, inputs)
    return result


ACTIONS: dict[str, Callable[..., Any]] = {
    "add_candidate": add_candidate,
    "start_vetting": start_vetting,
    "vet": vet,
    "open_voting": open_voting,
    "close": close,
    "adopt": adopt,
}


# --- a deputy's ballot -------------------------------------------------------------------------


def cast(round_: VoteRound | int, *, by: User, choices: Mapping[Any, str]) -> list[Ballot]:
    """A deputy's votes on shortlisted candidates ({candidate id: for/against/abstain}), kept
    as one row per deputy and candidate and changed in place until the round closes.

    The round row is locked first, so a ballot and the close never interleave: a ballot either
    commits before the close counts, or finds the round closed and is refused. Two ballots of
    one deputy at once run one after the other and leave one row per candidate."""
    pk = round_ if isinstance(round_, int) else round_.pk
    with transaction.atomic():
        r = ROUNDS.lock(pk)
        deputy = perms.deputy_of(by, r.jurisdiction_id)
        if deputy is None:
            raise NotAllowed(_("Only the deputies of this congress vote."))
        if r.state != S.VOTING:
            if r.state in (S.CLOSED, S.ADOPTED):
                raise Conflict(_("The voting is closed: ballots can no longer be cast or changed."))
            raise Conflict(_("The voting is not open yet."))
        if r.closes_at is not None and timezone.now() > r.closes_at:
            raise Conflict(_("The voting time is over: ballots can no longer be cast or changed."))
        wanted = _clean_choices(r, choices)
        existing = {
            b.candidate_id: b
            for b in Ballot.objects.filter(round=r, deputy=deputy, candidate_id__in=wanted)
        }
        changed = []
        for cid, choice in wanted.items():
            row = existing.get(cid)
            if row is None:
                changed.append(
                    Ballot.objects.create(round=r, deputy=deputy, candidate_id=cid, choice=choice)
                )
            elif row.choice != choice:
                row.choice = choice
                row.save(update_fields=["choice", "changed_at"])
                changed.append(row)
        # The event says that the deputy voted, not how (the ballots hold that).
        audit_log.append(
            r,
            actor=by,
            action="ballot",
            from_state=r.state,
            to_state=r.state,
            data={"candidates": len(wanted), "changed": len(changed)},
        )
    return list(Ballot.objects.filter(round_id=pk, deputy=deputy).order_by("candidate_id"))


def _clean_choices(r: VoteRound, choices: Mapping[Any, str]) -> dict[int, str]:
    if not choices:
        raise Invalid(_("Choose for, against or abstain on at least one project."))
    shortlist = set(
        r.candidates.filter(vetting=Candidate.Vetting.SHORTLISTED).values_list("pk", flat=True)
    )
    found: dict[int, str] = {}
    for key, choice in choices.items():
        try:
            cid = int(key)
        except (TypeError, ValueError):
            raise Invalid(_("No such candidate project in this vote.")) from None
        if cid not in shortlist:
            raise Invalid(_("Candidate %(id)s is not on the shortlist of this vote.") % {"id": cid})
        if choice not in Choice.values:
            raise Invalid(_("Vote for, against or abstain."))
        found[cid] = choice
    return found


def ballot_of(round_: VoteRound, user: User) -> dict[int, str]:
    """This person's current choices in the round ({candidate id: choice})."""
    deputy = perms.deputy_of(user, round_.jurisdiction_id)
    if deputy is None:
        return {}
    return dict(
        Ballot.objects.filter(round=round_, deputy=deputy).values_list("candidate_id", "choice")
    )


# --- year-end satisfaction ---------------------------------------------------------------------


def rate(item: LedgerItem, *, by: User, rating: str) -> Satisfaction:
    """A deputy rates a project the vote adopted (满意/基本满意/不满意); one rating per deputy
    and item, which they may change."""
    candidate = Candidate.objects.select_related("round").filter(ledger_item=item).first()
    if candidate is None or candidate.round.state != S.ADOPTED:
        raise Conflict(_("Only the projects adopted by a vote are rated."))
    deputy = perms.deputy_of(by, item.jurisdiction_id)
    if deputy is None:
        raise NotAllowed(_("Only the deputies of this congress rate the projects."))
    if rating not in Satisfaction.Rating.values:
        raise Invalid(_("Choose satisfied, basically satisfied or unsatisfied."))
    with transaction.atomic():
        row, created = Satisfaction.objects.select_for_update().get_or_create(
            item=item, deputy=deputy, defaults={"rating": rating}
        )
        if not created and row.rating != rating:
            row.rating = rating
            row.save(update_fields=["rating", "rated_at"])
        audit_log.append(
            item,
            actor=by,
            action="rated",
            from_state=item.state,
            to_state=item.state,
            data={"rating": rating},
        )
    return row


def satisfaction(items: list[LedgerItem]) -> dict[int, dict[str, int]]:
    """Per item: how many ratings of each kind, their total and the satisfied share (满意 and
    基本满意 together, in percent)."""
    found: dict[int, dict[str, int]] = {
        i.pk: {"satisfied": 0, "basic": 0, "unsatisfied": 0, "total": 0, "share": 0} for i in items
    }
    rows = (
        Satisfaction.objects.filter(item__in=items)
        .values_list("item_id", "rating")
        .annotate(n=Count("pk"))
    )
    for item_id, rating, n in rows:
        found[item_id][rating] = n
        found[item_id]["total"] += n
    for figures in found.values():
        if figures["total"]:
            good = figures["satisfied"] + figures["basic"]
            figures["share"] = round(100 * good / figures["total"])
    return found
