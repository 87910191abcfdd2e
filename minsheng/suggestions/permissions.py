"""Who may see a suggestion, and in what capacity someone acts on it.

`Suggestion.objects.visible_to(user)` and `get_suggestion_for_user(user, pk)` are the pair every
page, API handler, export and search uses (CONVENTIONS habit 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.people.permissions import Person
    from minsheng.suggestions.models import Assignment, Suggestion

# Capacities a person can have on one suggestion; the transition table speaks in these.
LEAD_DEPUTY = "lead_deputy"
COSIGNER = "cosigner"
STAFF = "staff"
CLERK = "clerk"  # clerk of a unit with an active assignment
HEAD = "head"  # head of such a unit
SUPERVISOR = "supervisor"

# States a deputy's draft passes before the office sees it.
_PRE_OFFICE = ("draft",)
_BEFORE_REGISTRATION = ("draft", "submitted", "returned", "declined", "withdrawn")


def visible_filter(user: Person) -> Q:
    """Who sees which suggestion, as one WHERE clause that never repeats a row (no join of a
    to-many relation, so no DISTINCT over the wide row; CONVENTIONS habit 17).

    Two shapes, for the two kinds of people, because one shape cannot be fast for both:

    - someone with a broad grant (congress staff, a supervisor) sees most of the table: the broad
      column terms come first and the database stops at the first true one, so only the few
      rows outside the grant run the correlated `EXISTS` of the person's own ties;
    - everyone else (a deputy, a unit's clerk or head, a committee member) sees a small part:
      the suggestions they lead or wrote (two indexed columns) or whose id is in one
      `… UNION ALL …` of the indexed lookups of their other ties. Every term can be read from
      an index, so the database collects the person's rows instead of testing every row of
      the table, and a page that narrows further by the same columns (the deputy's own list)
      still reads its rows by them. At 100,000 suggestions on SQLite a clerk's count went from
      61 ms (every row, three correlated subqueries each) to 4 ms, a deputy's from 33 to 1.
    """
    from minsheng.people.models import Deputy

    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    user = person
    led = Q(lead_deputy_id__in=Deputy.objects.filter(user=user).values("pk"))
    if getattr(user, "is_superuser", False):
        # Administrators see everything except other people's unsent drafts.
        return ~Q(state__in=_PRE_OFFICE) | led | Q(created_by=user)
    jurisdictions = people.jurisdiction_ids(user)
    staff_j = [j for j in jurisdictions if people.is_staff_of(user, j)]
    units = people.unit_ids(user)
    committees = people.committee_ids(user)
    broad: Q | None = None
    if staff_j:
        broad = Q(jurisdiction_id__in=staff_j) & ~Q(state__in=_PRE_OFFICE)
    if "supervisor" in people.role_kinds(user):
        supervised = (
            Q(jurisdiction_id__in=jurisdictions)
            & ~Q(state__in=_BEFORE_REGISTRATION)
            & Q(registered_at__isnull=False)
            & Q(is_confidential=False)
        )
        broad = supervised if broad is None else broad | supervised
    if broad is None:
        return led | Q(created_by=user) | Q(pk__in=_tied_ids(user, units, committees))
    return broad | _tied_exists(user, led, units, committees)


def _tied_exists(user: Person, led: Q, units: set[int], committees: set[int]) -> Q:
    """The person's own ties to a suggestion, tested row by row (after a broad grant)."""
    from minsheng.suggestions.models import Assignment, CoSigner, Suggestion

    here = OuterRef("pk")
    q = (
        led
        # An invited co-signer keeps seeing what they were shown, even after refusing.
        | Q(Exists(CoSigner.objects.filter(suggestion=here, deputy__user=user)))
        | Q(created_by=user)
        # 并案: the deputy of a merged suggestion is answered through the one it was merged into.
        | Q(Exists(Suggestion.objects.filter(merged_into=here, lead_deputy__user=user)))
    )
    active = Assignment.objects.filter(suggestion=here).exclude(state="cancelled")
    if units:
        q |= Q(Exists(active.filter(unit_id__in=units)))
    if committees:
        q |= Q(Exists(active.filter(unit__counterpart_committee_id__in=committees))) & Q(
            is_confidential=False
        )
    return q


def _tied_ids(user: Person, units: set[int], committees: set[int]) -> Any:
    """The ties of `_tied_exists` other than leading and writing, as one list of suggestion
    ids (never NULL, so the `IN` stays a plain yes or no)."""
    from minsheng.suggestions.models import Assignment, CoSigner, Suggestion

    first = CoSigner.objects.filter(deputy__user=user).values("suggestion_id")
    parts = [
        Suggestion.objects.filter(lead_deputy__user=user, merged_into__isnull=False).values(
            "merged_into_id"
        ),
    ]
    active = Assignment.objects.exclude(state="cancelled")
    if units:
        parts.append(active.filter(unit_id__in=units).values("suggestion_id"))
    if committees:
        parts.append(
            active.filter(
                unit__counterpart_committee_id__in=committees, suggestion__is_confidential=False
            ).values("suggestion_id")
        )
    # A compound query's parts may not be ordered (the models' default orderings).
    return first.order_by().union(*(part.order_by() for part in parts), all=True)


def get_suggestion_for_user(user: Person, pk: Any) -> Suggestion:
    from minsheng.suggestions.models import Suggestion

    try:
        return (
            Suggestion.objects.visible_to(user)
            .select_related("lead_deputy__user", "session", "category", "jurisdiction")
            .get(pk=pk)
        )
    except (Suggestion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such suggestion.") from None


def capacities(user: Person, suggestion: Suggestion) -> set[str]:
    """In which capacities this person acts on this suggestion."""
    found: set[str] = set()
    person = people.signed_in(user)
    if person is None:
        return found
    user = person
    if suggestion.lead_deputy.user_id == user.pk:
        found.add(LEAD_DEPUTY)
    if suggestion.cosigners.filter(deputy__user_id=user.pk).exclude(state="refused").exists():
        found.add(COSIGNER)
    if people.is_staff_of(user, suggestion.jurisdiction_id):
        found.add(STAFF)
    if user_assignments(user, suggestion, ("clerk",)):
        found.add(CLERK)
    if user_assignments(user, suggestion, ("head",)):
        found.add(HEAD)
    if "supervisor" in people.role_kinds(user):
        found.add(SUPERVISOR)
    return found


def user_assignments(
    user: Person, suggestion: Suggestion, kinds: tuple[str, ...] = ("clerk", "head")
) -> list[Assignment]:
    """The active assignments of this suggestion that the person acts for."""
    units = people.unit_ids(user, kinds)
    if not units:
        return []
    return [
        a for a in suggestion.assignments.all() if a.unit_id in units and a.state != "cancelled"
    ]


def can_see_contact_details(user: Person, suggestion: Suggestion) -> bool:
    """Who sees the lead deputy's phone, decided once for pages, API and exports (README,
    "Security"): the deputy, congress staff of the suggestion's congress (administrators
    included), and the clerks and heads of a unit with an active (not cancelled) assignment on
    it, because a unit must contact the deputy before it replies (DOMAIN 2.4). Co-signers,
    supervisors, committee members and other units do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if suggestion.lead_deputy.user_id == user.pk:
        return True
    if people.is_staff_of(user, suggestion.jurisdiction_id):
        return True
    return bool(user_assignments(user, suggestion))
