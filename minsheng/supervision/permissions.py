"""Who sees which key item, and in what capacity someone acts on one (CONVENTIONS habit 5:
`KeyItem.objects.visible_to(user)` and `get_key_item_for_user(user, pk)` are the pair every page
and API handler uses).

- Congress staff (and administrators) see every key item of their congress.
- A person named on a key item as its supervisor sees it, at whatever tier.
- A supervisor of tier 1 or 2 (party and government leaders, the congress vice-chairs, who
  supervise every key item, DOMAIN.md §5) sees every decided key item of their congress.
- A special-committee member sees the key items that involve a counterpart unit of their
  committee (as lead unit, or through an active assignment of a member suggestion).
- A unit's clerks and heads see the key items their unit leads or handles, and their own
  internal items (tier 7). A unit's internal item is seen by that unit and the office only.
- A deputy sees the key items that hold a suggestion they lead.
Except for the people named on it, only the office sees a proposal (and one the council did
not choose): it is a working paper until the chair's council decides.
Confidential suggestions inside a key item stay hidden from whoever may not see them: the key
item page lists its suggestions through `Suggestion.objects.visible_to`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.people.permissions import Person
    from minsheng.supervision.models import KeyItem

STAFF = "staff"
SUPERVISOR = "supervisor"  # named on the key item
LEADER = "leader"  # a tier 1–2 supervisor of the congress
COMMITTEE = "committee"  # over a counterpart unit of the item
UNIT = "unit"  # clerk or head of a unit leading or handling it
HEAD = "head"
OWNER = "owner"  # clerk or head of the unit whose internal item it is
DEPUTY = "deputy"

LEADER_TIERS = {1, 2}


def _units_involved(units: Any) -> Q:
    """Key items whose lead unit is one of `units`, or that hold a suggestion with an active
    assignment of one of them."""
    from minsheng.suggestions.models import Assignment
    from minsheng.supervision.models import KeyItemSuggestion

    assigned = Assignment.objects.filter(unit_id__in=units).exclude(state="cancelled")
    members = KeyItemSuggestion.objects.filter(
        key_item=OuterRef("pk"),
        suggestion__in=assigned.values("suggestion_id"),
    )
    return Q(lead_unit_id__in=units) | Q(Exists(members))


def key_item_filter(user: Person) -> Q:
    from minsheng.people.models import Organisation
    from minsheng.supervision.models import KeyItem, KeyItemSuggestion, Supervisor

    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if getattr(person, "is_superuser", False):
        return Q()
    jurisdictions = people.jurisdiction_ids(person)
    staff_j = [j for j in jurisdictions if people.is_staff_of(person, j)]
    q = Q(jurisdiction_id__in=staff_j) if staff_j else Q(pk__in=[])
    not_internal = ~Q(kind=KeyItem.Kind.INTERNAL)
    # Proposals and items the council did not choose are the office's working papers.
    chosen = Q(state__in=[KeyItem.State.SUPERVISING, KeyItem.State.CONCLUDED])
    named = Supervisor.objects.filter(key_item=OuterRef("pk"), user=person)
    q |= Q(Exists(named)) & not_internal
    if people.supervisor_tiers(person) & LEADER_TIERS:
        q |= Q(jurisdiction_id__in=jurisdictions) & chosen & not_internal
    committees = people.committee_ids(person)
    if committees:
        counterparts = Organisation.objects.filter(counterpart_committee_id__in=committees).values(
            "pk"
        )
        q |= _units_involved(counterparts) & not_internal & chosen
    units = people.unit_ids(person)
    if units:
        q |= (_units_involved(units) & not_internal & chosen) | Q(owner_unit_id__in=units)
    led = KeyItemSuggestion.objects.filter(
        key_item=OuterRef("pk"), suggestion__lead_deputy__user=person
    )
    q |= Q(Exists(led)) & not_internal & chosen
    return q


def get_key_item_for_user(user: Person, pk: Any) -> KeyItem:
    from minsheng.supervision.models import KeyItem

    try:
        return (
            KeyItem.objects.visible_to(user)
            .select_related("lead_unit", "owner_unit", "jurisdiction")
            .get(pk=pk)
        )
    except (KeyItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such key item.") from None


def unit_ids_on(item: KeyItem) -> set[int]:
    """The units a key item involves: its lead unit and the active assignments of its
    suggestions."""
    from minsheng.suggestions.models import Assignment

    found = set(
        Assignment.objects.filter(suggestion__key_memberships__key_item=item)
        .exclude(state="cancelled")
        .values_list("unit_id", flat=True)
    )
    if item.lead_unit_id:
        found.add(item.lead_unit_id)
    return found


def capacities(user: Person, item: KeyItem) -> set[str]:
    """In which capacities this person acts on this key item."""
    from minsheng.people.models import Organisation

    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, item.jurisdiction_id):
        found.add(STAFF)
    if item.supervisors.filter(user=person).exists():
        found.add(SUPERVISOR)
    if people.supervisor_tiers(person) & LEADER_TIERS:
        found.add(LEADER)
    units = people.unit_ids(person)
    if item.kind == item.Kind.INTERNAL:
        if item.owner_unit_id in units:
            found.add(OWNER)
        return found
    involved = unit_ids_on(item)
    if units & involved:
        found.add(UNIT)
    if people.unit_ids(person, ("head",)) & involved:
        found.add(HEAD)
    committees = people.committee_ids(person)
    if (
        committees
        and Organisation.objects.filter(
            pk__in=involved, counterpart_committee_id__in=committees
        ).exists()
    ):
        found.add(COMMITTEE)
    return found


def suggestion_capacities(user: Person, suggestion: Any) -> set[str]:
    """Who may record supervision on one suggestion (outside a key item): congress staff, a
    supervisor of the congress, a member of a committee over a unit handling it."""
    from minsheng.suggestions.models import Assignment

    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if people.is_staff_of(person, suggestion.jurisdiction_id):
        found.add(STAFF)
    if people.supervisor_tiers(person) and suggestion.jurisdiction_id in people.jurisdiction_ids(
        person
    ):
        found.add(LEADER)
    committees = people.committee_ids(person)
    if (
        committees
        and not suggestion.is_confidential
        and Assignment.objects.filter(
            suggestion=suggestion, unit__counterpart_committee_id__in=committees
        )
        .exclude(state="cancelled")
        .exists()
    ):
        found.add(COMMITTEE)
    return found


def instruction_capacities(user: Person, instruction: Any) -> set[str]:
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    if instruction.unit_id in people.unit_ids(person):
        found.add(UNIT)
    if people.is_staff_of(person, instruction.jurisdiction_id):
        found.add(STAFF)
    return found


def instructions_visible_to(user: Person, *, suggestions: Any = None, key_items: Any = None) -> Any:
    """Instructions this person may see: those of the key items and suggestions they see (an
    instruction of a key item about one of its suggestions only with that suggestion: a
    confidential one stays hidden from a committee member), and those addressed to their
    units. A page that already built this person's `Suggestion.objects.visible_to` and
    `KeyItem.objects.visible_to` passes them (unfiltered) instead of building them again."""
    from minsheng.suggestions.models import Suggestion
    from minsheng.supervision.models import Instruction, KeyItem

    person = people.signed_in(user)
    if person is None:
        return Instruction.objects.none()
    if suggestions is None:
        suggestions = Suggestion.objects.visible_to(person)
    if key_items is None:
        key_items = KeyItem.objects.visible_to(person)
    # Each instruction's key item and suggestion are tested as EXISTS on that one row:
    # instructions are few beside the suggestions, and `suggestion IN (every visible id)`
    # built the whole list of visible suggestions for each count (4 ms at 10,000).
    item = Exists(key_items.filter(pk=OuterRef("key_item_id")))
    seen = Exists(suggestions.filter(pk=OuterRef("suggestion_id")))
    return Instruction.objects.filter(
        (Q(item, key_item__isnull=False) & (Q(suggestion__isnull=True) | Q(seen)))
        | Q(seen, key_item__isnull=True, suggestion__isnull=False)
        | Q(unit_id__in=people.unit_ids(person))
    )


def about_seen(user: Person, suggestions: Any = None) -> Q:
    """Records and instructions that concern no suggestion, or one this person may see
    (`suggestions`: their `Suggestion.objects.visible_to`, when the caller has it)."""
    from minsheng.suggestions.models import Suggestion

    if suggestions is None:
        suggestions = Suggestion.objects.visible_to(user)
    seen = suggestions.filter(pk=OuterRef("suggestion_id"))
    return Q(suggestion__isnull=True) | Q(Exists(seen), suggestion__isnull=False)


def timeline_hides(
    event: Any, seen_suggestions: set[int], seen_parts: set[tuple[int, int]]
) -> bool:
    """Whether a key item's event is about what this person may not see (adding a
    confidential suggestion, an instruction or record about one): its words are left out."""
    about = (event.data or {}).get("suggestion")
    return (about is not None and about not in seen_suggestions) or (
        event.part_type_id is not None and (event.part_type_id, event.part_id) not in seen_parts
    )


def seen_parts(instructions: Any, records: Any) -> set[tuple[int, int]]:
    from django.contrib.contenttypes.models import ContentType

    from minsheng.supervision.models import Instruction, Record

    types = ContentType.objects.get_for_models(Instruction, Record)
    return {(types[Instruction].pk, row.pk) for row in instructions} | {
        (types[Record].pk, row.pk) for row in records
    }
