"""Who sees and does what with supervision teams, inspections and rectifications (the pairs
`Team.objects.visible_to` / `get_team_for_user` and `Rectification.objects.visible_to` /
`get_rectification_for_user`, used by pages, downloads and the API alike).

- Congress staff manage the teams of their congress (enter them, change members and items)
  and act as team leaders on every rectification.
- A team's members record inspections of the items the team covers; its leader (the team's
  leader or a member with the leader role) accepts a reported rectification or sends it back.
- The clerks and heads of a rectification's owner unit report what was fixed.
- Sight: a team is seen by the congress's staff, supervisors and special committees and by its
  own members; an inspection or a rectification by whoever sees its ledger item, the team's
  members and (a rectification) its owner unit's people. Team members also see the items
  their team covers (`team_items_q`, joined into the ledger's own `item_filter`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from minsheng.ledger.permissions import READER_ROLES, item_filter
from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.ledger.models_teams import Rectification, Team
    from minsheng.people.permissions import Person

STAFF = "staff"
LEADER = "team_leader"
MEMBER = "team_member"
OWNER_UNIT = "owner_unit"
READER = "reader"


def _whole(person: Any) -> set[int]:
    return {
        j
        for j in people.jurisdiction_ids(person)
        if people.is_staff_of(person, j)
        or any(people.has_role(person, kind, j) for kind in READER_ROLES)
    }


def _my_teams(person: Any) -> Any:
    from minsheng.ledger.models_teams import TeamMember

    return TeamMember.objects.filter(user=person).values("team_id")


def team_items_q(person: Any) -> Q:
    """Ledger items covered by a team this person is a member of."""
    from minsheng.ledger.models_teams import Team

    covered = Team.items.through.objects.filter(
        ledgeritem_id=OuterRef("pk"), team_id__in=_my_teams(person)
    )
    return Q(Exists(covered))


def team_filter(user: Person) -> Q:
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    whole = _whole(person)
    q = Q(jurisdiction_id__in=whole) if whole else Q(pk__in=[])
    return q | Q(pk__in=_my_teams(person)) | Q(leader=person)


def _items_seen(person: Any) -> Any:
    from minsheng.ledger.models import LedgerItem

    return LedgerItem.objects.filter(item_filter(person)).values("pk")


def inspection_filter(user: Person) -> Q:
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    return Q(item_id__in=_items_seen(person)) | Q(team_id__in=_my_teams(person))


def rectification_filter(user: Person) -> Q:
    q = inspection_filter(user)
    person = people.signed_in(user)
    if person is not None:
        units = people.unit_ids(person)
        if units:
            q |= Q(owner_unit_id__in=units)
    return q


def get_team_for_user(user: Person, pk: Any) -> Team:
    from minsheng.ledger.models_teams import Team

    try:
        return Team.objects.visible_to(user).select_related("jurisdiction", "leader").get(pk=pk)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404("No such team.") from None


def get_rectification_for_user(user: Person, pk: Any) -> Rectification:
    from minsheng.ledger.models_teams import Rectification

    try:
        return (
            Rectification.objects.visible_to(user)
            .select_related("item", "team", "team__leader", "inspection", "owner_unit")
            .get(pk=pk)
        )
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise Http404("No such rectification.") from None


def can_manage(user: Person, jurisdiction_id: int) -> bool:
    """Enter a team, change its members and items: congress staff."""
    return people.is_staff_of(user, jurisdiction_id)


def team_role(user: Person, team: Team) -> str:
    """`leader`, `member` or '' for this person on this team."""
    person = people.signed_in(user)
    if person is None:
        return ""
    if team.leader_id == person.pk:
        return "leader"
    from minsheng.ledger.models_teams import TeamMember

    found = TeamMember.objects.filter(team=team, user=person).values_list("role", flat=True)
    return next(iter(found), "")


def can_inspect(user: Person, team: Team) -> bool:
    """Record an inspection of the team's items: its members, and staff."""
    return bool(team_role(user, team)) or people.is_staff_of(user, team.jurisdiction_id)


def capacities(user: Person, rect: Rectification) -> set[str]:
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, rect.team.jurisdiction_id):
        found.add(STAFF)
    role = team_role(person, rect.team)
    if role == "leader":
        found.add(LEADER)
    elif role == "member":
        found.add(MEMBER)
    if rect.owner_unit_id in people.unit_ids(person):
        found.add(OWNER_UNIT)
    if not found and rect.__class__.objects.visible_to(person).filter(pk=rect.pk).exists():
        found.add(READER)
    return found
