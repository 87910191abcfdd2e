"""Who sees which ledger item, and in what capacity someone acts on one (the pair
`LedgerItem.objects.visible_to(user)` and `get_item_for_user(user, pk)`, used by pages, API
and exports alike).

- Congress staff (and administrators) see every item of their congress, and act on it.
- Supervisors, leaders and special-committee members of the congress see every item of it
  (the ledger is what they supervise), except what came from a confidential suggestion.
- A unit's clerks and heads see the items their unit is responsible for or works on as a
  co-unit; the responsible unit reports progress and asks for changes.
- A deputy sees the practical-matter projects of their congress (they vote on and supervise
  them) and the items that came from their own suggestions.
- The item's owner at the congress approves its change requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.ledger.models import LedgerItem
    from minsheng.people.permissions import Person

STAFF = "staff"
OWNER = "owner"  # the item's owner at the congress
RESPONSIBLE = "responsible"  # clerk or head of the responsible unit
CO_UNIT = "co_unit"  # clerk or head of a co-unit
READER = "reader"  # may see it, nothing more

READER_ROLES = ("supervisor", "committee")


def _units_q(units: Any) -> Q:
    from minsheng.ledger.models import LedgerItem

    co = LedgerItem.co_units.through.objects.filter(
        ledgeritem_id=OuterRef("pk"), organisation_id__in=units
    )
    return Q(responsible_unit_id__in=units) | Q(Exists(co))


def item_filter(user: Person) -> Q:
    from minsheng.ledger.models import LedgerItem

    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    staff_j = {j for j in people.jurisdiction_ids(person) if people.is_staff_of(person, j)}
    reader_j = {
        j
        for j in people.jurisdiction_ids(person)
        if any(people.has_role(person, kind, j) for kind in READER_ROLES)
    } - staff_j
    # What came from a confidential suggestion (a B commitment) stays with the office, the
    # units doing it, its owner and the deputy who wrote it: not the congress's readers.
    open_source = ~Q(source_suggestion__is_confidential=True)
    q = Q(jurisdiction_id__in=staff_j) if staff_j else Q(pk__in=[])
    if reader_j:
        q |= Q(jurisdiction_id__in=reader_j) & open_source
    q |= Q(owner=person)
    units = people.unit_ids(person)
    if units:
        q |= _units_q(units)
    deputies = people.deputy_profiles(person)
    if deputies:
        deputy_j = {d.jurisdiction_id for d in deputies}
        q |= Q(jurisdiction_id__in=deputy_j, kind=LedgerItem.Kind.PRACTICAL) & open_source
        q |= Q(source_suggestion__lead_deputy__in=[d.pk for d in deputies])
    from minsheng.ledger.permissions_teams import team_items_q

    return q | team_items_q(person)


def get_item_for_user(user: Person, pk: Any) -> LedgerItem:
    from minsheng.ledger.models import LedgerItem

    try:
        return (
            LedgerItem.objects.visible_to(user)
            .select_related("jurisdiction", "responsible_unit", "owner", "parent")
            .get(pk=pk)
        )
    except (LedgerItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such ledger item.") from None


def capacities(user: Person, item: LedgerItem) -> set[str]:
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, item.jurisdiction_id):
        found.add(STAFF)
    if item.owner_id == person.pk:
        found.add(OWNER)
    elif STAFF in found and not item.owner.is_active:
        # The owner has left: the office decides their items' changes until one is named.
        found.add(OWNER)
    units = people.unit_ids(person)
    if units:
        if item.responsible_unit_id in units:
            found.add(RESPONSIBLE)
        elif item.co_units.filter(pk__in=units).exists():
            found.add(CO_UNIT)
    if not found and item.__class__.objects.visible_to(person).filter(pk=item.pk).exists():
        found.add(READER)
    return found


def can_create(user: Person, jurisdiction_id: int) -> bool:
    return people.is_staff_of(user, jurisdiction_id)
