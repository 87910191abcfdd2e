"""Who sees which micro-wish, who sees its private fields, and in what capacity someone acts on
one (CONVENTIONS habit 5: `Wish.objects.visible_to(user)` beside `get_wish_for_user`).

- Everyone, signed in or not, sees the public wall: verified wishes and later, with their
  public fields only (`Wish.objects.public()` and the wall's own field list).
- Signed in: congress staff (and administrators) see every wish of their congress; a community
  worker every wish of their community (posted, rejected and withdrawn ones too); a claimant
  the wishes they claimed; everyone else of the congress the public ones.
- The private fields (the wisher's name, phone and address, the evidence and the notes of the
  timeline) are seen by congress staff, the community's workers (who posted it and confirm it)
  and the claimant while the claim is open, so they can deliver (`can_see_private`). Once the
  wish is fulfilled the claimant no longer sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.people.models import Organisation, User
    from minsheng.people.permissions import Person
    from minsheng.wishes.models import Wish

STAFF = "staff"
COMMUNITY = "community"  # a worker of the wish's community (posts, confirms)
CLAIMANT = "claimant"  # the person who claimed it
MAY_CLAIM = "may_claim"  # a deputy, unit clerk or head, or committee member of the congress

CLAIMING_ROLES = ("deputy", "clerk", "head", "committee")


def community_ids(user: Person) -> set[int]:
    """The communities this person posts for (their community-worker roles)."""
    return people.unit_ids(user, kinds=("community",))


def staff_jurisdictions(user: Person) -> set[int]:
    return {j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)}


def may_claim_in(user: Person, jurisdiction_id: int) -> bool:
    return any(people.has_role(user, kind, jurisdiction_id) for kind in CLAIMING_ROLES)


def wish_filter(user: Person) -> Q:
    from minsheng.wishes.models import Wish

    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    q = Q(state__in=Wish.PUBLIC_STATES, jurisdiction_id__in=people.jurisdiction_ids(person))
    staff_j = staff_jurisdictions(person)
    if staff_j:
        q |= Q(jurisdiction_id__in=staff_j)
    communities = community_ids(person)
    if communities:
        q |= Q(community_id__in=communities)
    q |= Q(claimed_by=person)
    return q


def get_wish_for_user(user: Person, pk: Any) -> Wish:
    from minsheng.wishes.models import Wish

    try:
        return (
            Wish.objects.visible_to(user)
            .select_related("community", "claimed_by", "posted_by", "jurisdiction")
            .get(pk=pk)
        )
    except (Wish.DoesNotExist, ValueError, TypeError):
        raise Http404("No such wish.") from None


class PrivateSight:
    """`can_see_private` for many wishes at once (a list page): the roles are read once."""

    def __init__(self, user: Person) -> None:
        self.person = people.signed_in(user)
        self.superuser = bool(getattr(self.person, "is_superuser", False))
        self.staff = staff_jurisdictions(user) if self.person else set()
        self.communities = community_ids(user) if self.person else set()

    def __call__(self, wish: Wish) -> bool:
        if self.person is None:
            return False
        if self.superuser or wish.jurisdiction_id in self.staff:
            return True
        if wish.community_id in self.communities:
            return True
        return wish.claimed_by_id == self.person.pk and wish.state == "claimed"


def can_see_private(user: Person, wish: Wish) -> bool:
    return PrivateSight(user)(wish)


def capacities(user: Person, wish: Wish) -> set[str]:
    """The capacities in which this person may act on this wish (the engine's `who`)."""
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, wish.jurisdiction_id):
        found.add(STAFF)
    if wish.community_id in community_ids(person):
        found.add(COMMUNITY)
    if wish.claimed_by_id == person.pk:
        found.add(CLAIMANT)
    if may_claim_in(person, wish.jurisdiction_id):
        found.add(MAY_CLAIM)
    return found


def postable_communities(user: User) -> list[Organisation]:
    """The communities this person may post a wish for: their own, or for congress staff every
    community of their congress."""
    from minsheng.people.models import Organisation

    staff_j = staff_jurisdictions(user)
    q = Q(pk__in=community_ids(user))
    if getattr(user, "is_superuser", False):
        q |= Q(kind=Organisation.Kind.COMMUNITY)
    elif staff_j:
        q |= Q(kind=Organisation.Kind.COMMUNITY, jurisdiction_id__in=staff_j)
    return list(
        Organisation.objects.filter(q, is_active=True)
        .filter(kind=Organisation.Kind.COMMUNITY)
        .order_by("sort_order", "name")
    )


def claimant_name(user: User, jurisdiction_id: int) -> str:
    """How the public wall names a claimant: a deputy by name, a unit's clerk or head by the
    unit, a committee member by the committee (data, in Chinese like every name stored)."""
    roles = [r for r in people.active_roles(user) if jurisdiction_id in _covered(r)]
    kinds = {r.kind for r in roles}
    if "deputy" in kinds:
        return f"{user.display_name}代表"
    for kind in ("clerk", "head", "committee"):
        for role in roles:
            if role.kind == kind and role.organisation is not None:
                return str(role.organisation.name)
    return str(user.display_name)


def _covered(role: Any) -> set[int]:
    if role.include_descendants:
        return set(role.jurisdiction.descendant_ids())
    return {role.jurisdiction_id}
