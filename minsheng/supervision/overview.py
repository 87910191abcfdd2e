"""The leaders' one-screen overview (领导一屏览): counts by state and warning, the units and key
topics with the most red lights, the overdue list, and the latest supervision activity.

Everything here is a fixed number of queries whatever the size of the data (each block one
aggregate or one bounded list), and everything is what the person may see: suggestions through
`Suggestion.objects.visible_to`, key items through `KeyItem.objects.visible_to`, instructions
through `instructions_visible_to`, and the activity through the event rows of those.

Who has an overview: congress staff and administrators (their congress), supervisors of any
tier (the congresses they supervise in), special-committee members (their counterpart units).
A unit's clerks and heads and the deputies have their own home pages instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from minsheng.audit.models import Event
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions.actions import REGISTRY as SUGGESTIONS
from minsheng.suggestions.models import (
    IN_HANDLING_STATES,
    Assignment,
    Suggestion,
    SuggestionQuerySet,
    WarningColour,
    in_handling_q,
    warning_q,
)
from minsheng.supervision import permissions as perms
from minsheng.supervision.actions import KEY_ITEMS
from minsheng.supervision.models import Instruction, KeyItem, clock_q

__all__ = ["Overview", "build", "may_see_overview", "scope_units"]

TOP_UNITS = 10
TOP_ITEMS = 10
TOP_OVERDUE = 20
LATEST = 12
# The supervision events of a key item (on its own timeline) and of one suggestion outside
# any key item.
ITEM_ACTIONS = ("decide", "supervise", "instruct", "responded", "conclude", "add_supervisor")
SUGGESTION_ACTIONS = ("supervise", "instruct", "responded")
S = Suggestion.State
# The way a suggestion goes, then the ways it leaves the road.
STATE_ORDER = (
    S.SUBMITTED,
    S.REGISTERED,
    S.ASSIGNED,
    S.HANDLING,
    S.REHANDLING,
    S.ANSWERED,
    S.CLOSED,
    S.RETURNED,
    S.DECLINED,
    S.WITHDRAWN,
    S.MERGED,
)


def may_see_overview(user: User) -> bool:
    kinds = people.role_kinds(user)
    return bool(kinds & {"staff", "admin", "supervisor", "committee"}) or user.is_superuser


def scope_units(user: User) -> QuerySet[Organisation]:
    """The units this person's overview ranks: staff and supervisors every handling unit of
    their congresses, committee members their counterpart units (not their own unit)."""
    from minsheng.supervision import lights

    return lights.scope_units(user, own_units=False)


@dataclass
class Overview:
    today: datetime.date
    states: list[tuple[str, str, int]]  # (value, label, count), in the workflow's order
    total: int
    in_handling: int
    red: int
    yellow: int
    green: int
    key_items: int
    key_items_red: int
    instructions_open: int
    instructions_red: int
    units: list[Organisation]
    items: list[KeyItem]
    overdue: list[Suggestion]
    activity: list[Event]

    @property
    def max_unit_red(self) -> int:
        return max([u.red for u in self.units] + [1])  # type: ignore[attr-defined]


def _units(user: User, visible: SuggestionQuerySet, today: datetime.date) -> list[Organisation]:
    from minsheng.supervision import lights

    return lights.units_with_warnings(
        user, today, limit=TOP_UNITS, visible=visible, scope=scope_units(user)
    )


def _overdue(visible: SuggestionQuerySet, today: datetime.date) -> list[Suggestion]:
    """The longest overdue: the page's ids in the list's order from `sugg_lights_idx` alone
    (a subquery with its LIMIT), then those rows with what they show. As one plain query the
    lead unit's subqueries ran for every overdue row before the sort (SQLite computes a sorted
    query's columns first): 12 ms at 10,000."""
    order = ("reply_due", "series", "number", "pk")
    page = visible.overdue(today).order_by(*order).values("pk")[:TOP_OVERDUE]
    lead = (
        Assignment.objects.filter(suggestion=OuterRef("pk"))
        .exclude(state=Assignment.State.CANCELLED)
        .exclude(mode=Assignment.Mode.JOINT)
        .order_by("mode", "pk")
    )
    rows: list[Suggestion] = list(
        Suggestion.objects.filter(pk__in=page)
        .select_related("lead_deputy__user")
        .annotate(
            unit_name=Subquery(lead.values("unit__name")[:1]),
            unit_short=Subquery(lead.values("unit__short_name")[:1]),
        )
        .order_by(*order)
    )
    for s in rows:
        s.days_late = (today - s.reply_due).days if s.reply_due else 0  # type: ignore[attr-defined]
    return rows


def latest_activity(
    user: User,
    visible: SuggestionQuerySet,
    limit: int = 0,
    *,
    base: Any = None,
    key_items: Any = None,
) -> list[Event]:
    """The latest supervision acts: on the key items this person sees, and on the suggestions
    they see outside any key item (a key item's act is logged on its suggestion too: shown once).
    `base` and `key_items`: the person's unfiltered `visible_to` querysets, when built already."""
    base = Suggestion.objects.visible_to(user) if base is None else base
    key_items = KeyItem.objects.visible_to(user) if key_items is None else key_items
    types = ContentType.objects.get_for_models(KeyItem, Suggestion)
    item_type, suggestion_type = types[KeyItem], types[Suggestion]
    # Driven by the few rows of the supervision actions (`audit_action_idx`), each subject
    # tested as it comes (EXISTS), rather than every visible suggestion's timeline probed.
    subject = OuterRef("subject_id")
    rows = list(
        Event.objects.filter(
            Q(
                Exists(key_items.filter(pk=subject)),
                subject_type=item_type,
                action__in=ITEM_ACTIONS,
            )
            | Q(
                Exists(visible.filter(pk=subject)),
                subject_type=suggestion_type,
                action__in=SUGGESTION_ACTIONS,
            )
        )
        .select_related("actor")
        .order_by("-at", "-pk")[: (limit or LATEST) * 3]
    )
    seen: set[tuple[str, Any]] = set()
    found = []
    for event in rows:
        data = event.data or {}
        if event.subject_type_id == suggestion_type.pk and data.get("key_item"):
            continue  # the key item's own event says it
        ref = data.get("record") or data.get("instruction")
        if ref is not None:
            key = (event.action, ref)
            if key in seen:
                continue
            seen.add(key)
        on_item = event.subject_type_id == item_type.pk
        event.on_key_item = on_item  # type: ignore[attr-defined]
        event.label = (  # type: ignore[attr-defined]
            KEY_ITEMS.timeline_label(event.action, data)
            if on_item
            else SUGGESTIONS.timeline_label(event.action, data)
        )
        found.append(event)
        if len(found) == (limit or LATEST):
            break
    # The subjects' titles: two queries, whatever the number of events.
    item_ids = {e.subject_id for e in found if e.on_key_item}  # type: ignore[attr-defined]
    suggestion_ids = {e.subject_id for e in found if not e.on_key_item}  # type: ignore[attr-defined]
    titles = (
        {
            (True, pk): title
            for pk, title in KeyItem.objects.filter(pk__in=item_ids).values_list("pk", "title")
        }
        if item_ids
        else {}
    )
    if suggestion_ids:
        for s in Suggestion.objects.filter(pk__in=suggestion_ids).only(
            "pk", "series", "number", "title"
        ):
            titles[(False, s.pk)] = f"{s.display_number} {s.title}"
    for e in found:
        e.subject_title = titles.get((e.on_key_item, e.subject_id), "")  # type: ignore[attr-defined]
    _hide_unseen_words(user, found, base, key_items)
    return found


def _hide_unseen_words(user: User, events: list[Event], base: Any, key_items: Any) -> None:
    """A key item's act about a suggestion this person may not see (an instruction or record
    about a confidential one) is listed without its words, as on the key item's page."""
    from minsheng.supervision.models import Record

    types = ContentType.objects.get_for_models(Instruction, Record)
    wanted: dict[int, set[int]] = {types[Instruction].pk: set(), types[Record].pk: set()}
    for e in events:
        if e.part_type_id in wanted and e.part_id is not None:
            wanted[e.part_type_id].add(e.part_id)
    instructions = wanted[types[Instruction].pk]
    records = wanted[types[Record].pk]
    seen = perms.seen_parts(
        perms.instructions_visible_to(user, suggestions=base, key_items=key_items).filter(
            pk__in=instructions
        )
        if instructions
        else [],
        Record.objects.filter(perms.about_seen(user, base), pk__in=records) if records else [],
    )
    for e in events:
        if e.part_type_id in wanted and (e.part_type_id, e.part_id) not in seen:
            e.note = ""


def build(user: User, today: datetime.date, session_id: int | None = None) -> Overview:
    from minsheng.supervision.lights import supervised_with_counts

    # The person's visible suggestions and key items, built once for every block.
    base = Suggestion.objects.visible_to(user)
    items_seen = KeyItem.objects.visible_to(user)
    visible = base.exclude(state=Suggestion.State.DRAFT)
    if session_id is not None:
        visible = visible.filter(session_id=session_id)
    # Grouped by congress and state, summed here: SQLite then reads sugg_visible_idx alone
    # (jurisdiction, state, and what visibility reads) instead of the state index and every row.
    by_state: dict[str, int] = {}
    for state, n in (
        visible.order_by()
        .values_list("jurisdiction_id", "state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    ):
        by_state[state] = by_state.get(state, 0) + n
    labels = dict(Suggestion.State.choices)
    states = [(str(value), str(labels[value]), by_state.get(value, 0)) for value in STATE_ORDER]
    # Every light is of a suggestion in handling: the condition lets the count read
    # sugg_lights_idx (state first, the clocks, what visibility reads) instead of the table.
    lights = visible.filter(in_handling_q()).aggregate(
        in_handling=Count("pk", filter=Q(state__in=IN_HANDLING_STATES)),
        red=Count("pk", filter=warning_q(WarningColour.RED, today)),
        yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today)),
        green=Count("pk", filter=warning_q(WarningColour.GREEN, today)),
    )
    running = Q(state=KeyItem.State.SUPERVISING)
    item_counts = items_seen.aggregate(
        running=Count("pk", filter=running),
        red=Count("pk", filter=clock_q(WarningColour.RED, today, running)),
    )
    open_q = Q(state=Instruction.State.OPEN)
    order_counts = perms.instructions_visible_to(
        user, suggestions=base, key_items=items_seen
    ).aggregate(
        open=Count("pk", filter=open_q),
        red=Count("pk", filter=clock_q(WarningColour.RED, today, open_q)),
    )
    items = sorted(
        supervised_with_counts(user, today, items_seen),
        key=lambda i: (-i.n_red, -i.n_yellow, -i.n_open, -i.pk),  # type: ignore[attr-defined]
    )[:TOP_ITEMS]
    for item in items:
        item.light = item.warning(today)  # type: ignore[attr-defined]
    return Overview(
        today=today,
        states=states,
        total=sum(by_state.values()),
        in_handling=lights["in_handling"],
        red=lights["red"],
        yellow=lights["yellow"],
        green=lights["green"],
        key_items=item_counts["running"],
        key_items_red=item_counts["red"],
        instructions_open=order_counts["open"],
        instructions_red=order_counts["red"],
        units=_units(user, visible, today),
        items=items,
        overdue=_overdue(visible, today),
        activity=latest_activity(user, visible, base=base, key_items=items_seen),
    )
