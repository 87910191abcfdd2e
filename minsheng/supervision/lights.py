"""红黄灯: the queries behind the warning board, shared by its page (`views.warnings`) and the
API (`GET /api/v1/supervision/warnings`), so both count the same rows.

Each count is a subquery annotation on the rows shown (units, key items), so a board costs a
fixed number of queries whatever the number of suggestions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions.models import (
    Assignment,
    Suggestion,
    WarningColour,
    in_handling_q,
    warning_q,
)
from minsheng.supervision import permissions as perms
from minsheng.supervision.models import Instruction, KeyItem, KeyItemSuggestion, clock_q

UNITS_SHOWN = 200
ITEMS_SHOWN = 100
INSTRUCTIONS_SHOWN = 50


def _count(qs: Any, group: str = "key_item") -> Any:
    return Coalesce(
        Subquery(qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def _member_count(item_ref: Any, q: Q | None = None) -> Any:
    members = KeyItemSuggestion.objects.filter(key_item=item_ref)
    if q is not None:
        members = members.filter(q)
    return _count(members)


def key_items_with_counts(user: User, today: datetime.date, items: Any = None) -> Any:
    """Key items this person sees (`items`: their `KeyItem.objects.visible_to`, when the
    caller has it), each with its suggestions' red and yellow counts and its open
    instructions, in a fixed number of queries."""
    here = OuterRef("pk")
    open_instructions = Instruction.objects.filter(key_item=here, state=Instruction.State.OPEN)
    return (
        (KeyItem.objects.visible_to(user) if items is None else items)
        .select_related("lead_unit", "owner_unit")
        .annotate(
            n_suggestions=_member_count(here),
            n_red=_member_count(here, warning_q(WarningColour.RED, today, "suggestion__")),
            n_yellow=_member_count(here, warning_q(WarningColour.YELLOW, today, "suggestion__")),
            n_open=_count(open_instructions),
        )
    )


def scope_units(user: User, *, own_units: bool = True) -> QuerySet[Organisation]:
    """The units whose warnings this person follows: staff and leaders every handling unit of
    their congress, committee members their counterpart units, and (with `own_units`) clerks
    and heads their own. The overview ranks the same scope without the person's own units."""
    jurisdictions = people.jurisdiction_ids(user)
    staff_j = [j for j in jurisdictions if people.is_staff_of(user, j)]
    q = Q() if user.is_superuser else Q(pk__in=[])
    if staff_j:
        q |= Q(jurisdiction_id__in=staff_j)
    if people.supervisor_tiers(user):
        q |= Q(jurisdiction_id__in=jurisdictions)
    committees = people.committee_ids(user)
    if committees:
        q |= Q(counterpart_committee_id__in=committees)
    units = people.unit_ids(user) if own_units else set()
    if units:
        q |= Q(pk__in=units)
    return Organisation.objects.handling_units().filter(q)


def units_with_warnings(
    user: User,
    today: datetime.date,
    *,
    limit: int | None = None,
    visible: Any = None,
    scope: Any = None,
) -> list[Organisation]:
    """The units in this person's scope with a red or yellow suggestion (of those the person
    sees, or of `visible`, counted where the unit answers: lead or separate) or an overdue
    instruction, worst first; each with `red`, `yellow`, `open` and `instructions_red`.

    Two grouped passes (the answering assignments in handling, the overdue instructions)
    rather than a subquery per unit and colour: at 10,000 suggestions the board took 300 ms.
    The first reads from the suggestions' side, visibility as a condition on the same row (not
    `suggestion IN (every visible id)`), the suggestion's columns from `sugg_lights_idx` and
    the assignment's from `assignment_lights_idx`; the scope of units is applied to its few
    dozen result rows in Python (as a condition, it made SQLite walk every assignment of every
    unit instead: 22 ms against 4 ms at 10,000)."""
    visible = Suggestion.objects.visible_to(user) if visible is None else visible
    units: Any = (scope_units(user) if scope is None else scope).values("pk")
    answering = [m for m in Assignment.Mode.values if m != Assignment.Mode.JOINT]
    active = [a for a in Assignment.State.values if a != Assignment.State.CANCELLED]
    rows = (
        visible.filter(in_handling_q())
        # One filter() call, so both conditions and the grouping are about the same assignment.
        .filter(assignments__mode__in=answering, assignments__state__in=active)
        .order_by()
        .values("assignments__unit_id")
        .annotate(
            red=Count("pk", filter=warning_q(WarningColour.RED, today)),
            yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today)),
            open=Count("pk"),
        )
    )
    counts: dict[int, Any] = {row["assignments__unit_id"]: row for row in rows}
    late = dict(
        Instruction.objects.filter(unit__in=units, state=Instruction.State.OPEN, due__lt=today)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    lit = {pk for pk, row in counts.items() if row["red"] or row["yellow"]} | set(late)
    # The scope's units in one query (a few dozen), whether or not any is lit.
    found = [u for u in Organisation.objects.filter(pk__in=units) if u.pk in lit]
    for unit in found:
        row = counts.get(unit.pk, {})
        unit.red = row.get("red", 0)  # type: ignore[attr-defined]
        unit.yellow = row.get("yellow", 0)  # type: ignore[attr-defined]
        unit.open = row.get("open", 0)  # type: ignore[attr-defined]
        unit.instructions_red = late.get(unit.pk, 0)  # type: ignore[attr-defined]
    found.sort(
        key=lambda u: (-u.red, -u.yellow, -u.instructions_red, u.sort_order, u.name)  # type: ignore[attr-defined]
    )
    return found[:limit] if limit else found


def supervised_with_counts(user: User, today: datetime.date, items: Any = None) -> list[KeyItem]:
    """The key items under supervision this person sees (`items`: their
    `KeyItem.objects.visible_to`, when the caller has it), each with `n_suggestions`, `n_red`,
    `n_yellow` and `n_open` as `key_items_with_counts` gives them, in three plain queries: the
    items, their suggestions' lights grouped by item, their open instructions grouped by item.
    The annotated query's four correlated subqueries (and the same three again in its WHERE)
    took Django longer to build than the database to run (7 ms at 4 items). The items under
    supervision are the year's few dozen, so they are ranked here."""
    found = list(
        (KeyItem.objects.visible_to(user) if items is None else items)
        .filter(state=KeyItem.State.SUPERVISING)
        .select_related("lead_unit", "owner_unit")
    )
    ids = [item.pk for item in found]
    members: dict[int, Any] = {}
    opened: dict[int, int] = {}
    if ids:
        members = {
            row["key_item_id"]: row
            for row in KeyItemSuggestion.objects.filter(key_item_id__in=ids)
            .order_by()
            .values("key_item_id")
            .annotate(
                n=Count("pk"),
                red=Count("pk", filter=warning_q(WarningColour.RED, today, "suggestion__")),
                yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today, "suggestion__")),
            )
        }
        opened = dict(
            Instruction.objects.filter(key_item_id__in=ids, state=Instruction.State.OPEN)
            .order_by()
            .values("key_item_id")
            .annotate(n=Count("pk"))
            .values_list("key_item_id", "n")
        )
    for item in found:
        row = members.get(item.pk, {})
        item.n_suggestions = row.get("n", 0)  # type: ignore[attr-defined]
        item.n_red = row.get("red", 0)  # type: ignore[attr-defined]
        item.n_yellow = row.get("yellow", 0)  # type: ignore[attr-defined]
        item.n_open = opened.get(item.pk, 0)  # type: ignore[attr-defined]
    return found


def key_items_with_warnings(user: User, today: datetime.date, items: Any = None) -> list[KeyItem]:
    """The supervised key items with a red or yellow suggestion or an open instruction, worst
    first."""
    lit = [
        item
        for item in supervised_with_counts(user, today, items)
        if item.n_red or item.n_yellow or item.n_open  # type: ignore[attr-defined]
    ]
    lit.sort(key=lambda i: (-i.n_red, -i.n_yellow, -i.pk))  # type: ignore[attr-defined]
    return lit


def overdue_instructions(
    user: User, today: datetime.date, seen: Any = None
) -> QuerySet[Instruction]:
    seen = perms.instructions_visible_to(user) if seen is None else seen
    return (
        seen.filter(clock_q(WarningColour.RED, today, Q(state=Instruction.State.OPEN)))
        .select_related("unit", "key_item", "suggestion")
        .order_by("due", "pk")
    )


def year_end_open(user: User, today: datetime.date, seen: Any = None) -> int:
    """How many of this year's instructions the person sees are still open (清零销号)."""
    seen = perms.instructions_visible_to(user) if seen is None else seen
    count: int = seen.left_open_at_year_end(today.year).count()
    return count


@dataclass
class Board:
    today: datetime.date
    units: list[Organisation]
    items: list[KeyItem]
    overdue_instructions: list[Instruction]
    year_end_open: int


def board(user: User, today: datetime.date) -> Board:
    """The whole warning board, as its page and the API show it. The person's visible
    suggestions, key items and instructions are built once and shared by the blocks."""
    visible = Suggestion.objects.visible_to(user)
    items = KeyItem.objects.visible_to(user)
    seen = perms.instructions_visible_to(user, suggestions=visible, key_items=items)
    return Board(
        today=today,
        units=units_with_warnings(user, today, limit=UNITS_SHOWN, visible=visible),
        items=key_items_with_warnings(user, today, items)[:ITEMS_SHOWN],
        overdue_instructions=list(overdue_instructions(user, today, seen)[:INSTRUCTIONS_SHOWN]),
        year_end_open=year_end_open(user, today, seen),
    )
