"""Who sees a practical-matter vote and in what capacity someone acts on it (the pair
`rounds_visible_to(user)` and `get_round_for_user(user, pk)`, used by pages and API alike).

- Everyone signed in with a role in the congress sees its rounds and their candidates; the
  tallies only once the round is closed (`VoteRound.results_out`), never while voting.
- Congress staff (and administrators) manage the rounds: they enter the candidates collected
  from the public, deputies and departments (with the source recorded), vet them, open and
  close the voting and adopt the winners. The public does not propose through Minsheng.
- A deputy of the congress (a deputy role and a serving deputy profile there) votes while the
  voting is open, and rates the adopted projects at the year's end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.ledger.models_vote import VoteRound
    from minsheng.people.models import Deputy
    from minsheng.people.permissions import Person

STAFF = "staff"
VOTER = "voter"  # a serving deputy of the round's congress
READER = "reader"


def round_filter(user: Person) -> Q:
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    return Q(jurisdiction_id__in=people.jurisdiction_ids(person))


def rounds_visible_to(user: Person) -> QuerySet[VoteRound]:
    from minsheng.ledger.models_vote import VoteRound

    return VoteRound.objects.filter(round_filter(user))


def get_round_for_user(user: Person, pk: Any) -> VoteRound:
    from minsheng.ledger.models_vote import VoteRound

    try:
        return rounds_visible_to(user).select_related("jurisdiction").get(pk=pk)
    except (VoteRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such vote.") from None


def deputy_of(user: Person, jurisdiction_id: int) -> Deputy | None:
    """The serving deputy profile through which this person votes in this congress."""
    person = people.signed_in(user)
    if person is None or not people.has_role(person, "deputy", jurisdiction_id):
        return None
    for deputy in people.deputy_profiles(person):
        if deputy.jurisdiction_id == jurisdiction_id and deputy.is_active:
            return deputy
    return None


def capacities(user: Person, round_: VoteRound) -> set[str]:
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, round_.jurisdiction_id):
        found.add(STAFF)
    if deputy_of(person, round_.jurisdiction_id) is not None:
        found.add(VOTER)
    if not found and rounds_visible_to(person).filter(pk=round_.pk).exists():
        found.add(READER)
    return found


def can_create(user: Person, jurisdiction_id: int) -> bool:
    return people.is_staff_of(user, jurisdiction_id)


def staff_jurisdictions(user: Person) -> list[int]:
    return sorted(j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j))
