"""Who may see a suggestion, and in what capacity someone acts on it.

`Suggestion.objects.visible_to(user)` and `get_suggestion_for_user(user, pk)` are the pair every
page, API handler, export and search uses (CONVENTIONS habit 5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import In
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
      rows outside the grant test the person's own ties (`Ties.exists`);
    - everyone else (a deputy, a unit's clerk or head, a committee member) sees a small part,
      collected from the indexes of their ties (`Ties.collected`) instead of testing every row
      of the table. At 100,000 suggestions a clerk's count went from 61 ms to 4 ms on SQLite
      (every row ran three correlated subqueries) and from 48 ms to 3 ms on PostgreSQL.

    The person's deputy profiles are read first (one indexed look-up), so that someone who is
    no deputy (most staff and clerks) carries no deputy terms at all.
    """
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    ties = Ties.of(person)
    if getattr(person, "is_superuser", False):
        # Administrators see everything except other people's unsent drafts.
        q = ~Q(state__in=_PRE_OFFICE) | Q(created_by=person)
        return q | Q(lead_deputy_id__in=ties.deputies) if ties.deputies else q
    jurisdictions = people.jurisdiction_ids(person)
    staff_j = [j for j in jurisdictions if people.is_staff_of(person, j)]
    # A broad grant's jurisdiction is compared as an expression (`+ 0`), which no index
    # answers: the grant covers most rows, and SQLite would otherwise collect them through a
    # multi-index OR with the person's ties and sort them all for a page of 50, instead of
    # walking the page's order and stopping at 50.
    unindexed = F("jurisdiction_id") + 0
    broad: Q | None = None
    if staff_j:
        broad = Q(In(unindexed, staff_j)) & ~Q(state__in=_PRE_OFFICE)
    if "supervisor" in people.role_kinds(person):
        supervised = (
            Q(In(unindexed, list(jurisdictions)))
            & ~Q(state__in=_BEFORE_REGISTRATION)
            & Q(registered_at__isnull=False)
            & Q(is_confidential=False)
        )
        broad = supervised if broad is None else broad | supervised
    if broad is None:
        return ties.collected(one_list=connection.vendor == "postgresql")
    return broad | ties.exists()


@dataclass(frozen=True)
class Ties:
    """What ties a person to a suggestion besides a broad grant: they lead it (as one of their
    deputy profiles), co-sign it, wrote it, lead one merged into it, or a unit or committee of
    theirs has an active assignment on it."""

    user: Any
    deputies: list[int]
    units: set[int]
    committees: set[int]

    @classmethod
    def of(cls, user: Any) -> Ties:
        from minsheng.people.models import Deputy

        deputies = list(Deputy.objects.filter(user=user).values_list("pk", flat=True))
        return cls(user, deputies, people.unit_ids(user), people.committee_ids(user))

    def exists(self) -> Q:
        """Tested row by row, as correlated EXISTS (after a broad grant has let most rows in)."""
        from minsheng.suggestions.models import Assignment, CoSigner, Suggestion

        here = OuterRef("pk")
        q = Q(created_by=self.user)
        if self.deputies:
            q |= (
                Q(lead_deputy_id__in=self.deputies)
                # An invited co-signer keeps seeing what they were shown, even after refusing.
                | Q(Exists(CoSigner.objects.filter(suggestion=here, deputy_id__in=self.deputies)))
                # 并案: a merged suggestion's deputy is answered through the one it went into.
                | Q(
                    Exists(
                        Suggestion.objects.filter(
                            merged_into=here, lead_deputy_id__in=self.deputies
                        )
                    )
                )
            )
        active = Assignment.objects.filter(suggestion=here).exclude(state="cancelled")
        if self.units:
            q |= Q(Exists(active.filter(unit_id__in=self.units)))
        if self.committees:
            q |= Q(Exists(active.filter(unit__counterpart_committee_id__in=self.committees))) & Q(
                is_confidential=False
            )
        return q

    def collected(self, *, one_list: bool) -> Q:
        """The same rows, read from the ties' indexes.

        `one_list`: every tie in one `pk IN (… UNION ALL …)`, which PostgreSQL answers with a
        join (it cannot join through an OR with a subquery: it would test every row). Otherwise
        the two column ties (lead, author) stay columns beside the `pk IN` of the others, which
        SQLite reads as one multi-index OR, and a page narrowing by the same columns (the
        deputy's own list) keeps its own plan."""
        from minsheng.suggestions.models import Assignment, CoSigner, Suggestion

        parts: list[Any] = []
        columns = Q(created_by=self.user)
        if one_list:
            parts.append(Suggestion.objects.filter(created_by=self.user).values("pk"))
        if self.deputies:
            if one_list:
                parts.append(
                    Suggestion.objects.filter(lead_deputy_id__in=self.deputies).values("pk")
                )
            else:
                columns |= Q(lead_deputy_id__in=self.deputies)
            parts.append(
                CoSigner.objects.filter(deputy_id__in=self.deputies).values("suggestion_id")
            )
            parts.append(
                Suggestion.objects.filter(
                    lead_deputy_id__in=self.deputies, merged_into__isnull=False
                ).values("merged_into_id")
            )
        active = Assignment.objects.exclude(state="cancelled")
        if self.units:
            parts.append(active.filter(unit_id__in=self.units).values("suggestion_id"))
        if self.committees:
            parts.append(
                active.filter(
                    unit__counterpart_committee_id__in=self.committees,
                    suggestion__is_confidential=False,
                ).values("suggestion_id")
            )
        if not parts:
            return columns
        # Compound parts may not be ordered (the models' default orderings); every part's
        # column is NOT NULL (or filtered so), so the `IN` stays a plain yes or no.
        first, *rest = (part.order_by() for part in parts)
        ids = Q(pk__in=first.union(*rest, all=True) if rest else first)
        return ids if one_list else columns | ids


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
