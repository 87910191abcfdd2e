"""The warning board's and the overview's faster queries count exactly what the old ones did.

Each `old_*` below is the computation as it stood before the speed round (a grouped pass over
assignments with `suggestion IN (visible ids)`, counts over every visible row, instructions
through `IN` subqueries, the activity through every visible subject); the data mixes every
light, mode and state, confidential rows and instructions, and is read by every persona that
has a board on several days (before, on and after the due dates)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from minsheng.audit.models import Event
from minsheng.people import permissions as people
from minsheng.suggestions.models import (
    IN_HANDLING_STATES,
    Assignment,
    Suggestion,
    WarningColour,
    in_handling_q,
    warning_q,
)
from minsheng.supervision import lights, overview
from minsheng.supervision import permissions as perms
from minsheng.supervision import workflow as supervision
from minsheng.supervision.models import Instruction, KeyItem, clock_q
from tests import states

pytestmark = pytest.mark.django_db
WHO = ("staff", "admin", "supervisor", "committee", "clerk_a", "head_a", "clerk_b")


def old_instructions_visible_to(user):
    person = people.signed_in(user)
    items = KeyItem.objects.visible_to(person).values("pk")
    seen = Suggestion.objects.visible_to(person).values("pk")
    return Instruction.objects.filter(
        (Q(key_item__in=items) & (Q(suggestion__isnull=True) | Q(suggestion__in=seen)))
        | Q(key_item__isnull=True, suggestion__in=seen)
        | Q(unit_id__in=people.unit_ids(person))
    )


def old_unit_counts(user, today, visible, scope):
    units = scope.values("pk")
    rows = (
        Assignment.objects.filter(unit__in=units, suggestion__in=visible.values("pk"))
        .exclude(state="cancelled")
        .exclude(mode=Assignment.Mode.JOINT)
        .filter(in_handling_q("suggestion__"))
        .order_by()
        .values("unit_id")
        .annotate(
            red=Count("pk", filter=warning_q(WarningColour.RED, today, "suggestion__")),
            yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today, "suggestion__")),
            open=Count("pk"),
        )
    )
    return {r["unit_id"]: (r["red"], r["yellow"], r["open"]) for r in rows}


def new_unit_counts(units):
    return {u.pk: (u.red, u.yellow, u.open) for u in units}


def old_overview_numbers(user, today, visible):
    by_state = dict(
        visible.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    lit = visible.aggregate(
        in_handling=Count("pk", filter=Q(state__in=IN_HANDLING_STATES)),
        red=Count("pk", filter=warning_q(WarningColour.RED, today)),
        yellow=Count("pk", filter=warning_q(WarningColour.YELLOW, today)),
        green=Count("pk", filter=warning_q(WarningColour.GREEN, today)),
    )
    open_q = Q(state=Instruction.State.OPEN)
    orders = old_instructions_visible_to(user).aggregate(
        open=Count("pk", filter=open_q),
        red=Count("pk", filter=clock_q(WarningColour.RED, today, open_q)),
    )
    lead = (
        Assignment.objects.filter(suggestion=OuterRef("pk"))
        .exclude(state=Assignment.State.CANCELLED)
        .exclude(mode=Assignment.Mode.JOINT)
        .order_by("mode", "pk")
    )
    late = [
        (s.pk, s.unit_name)
        for s in visible.overdue(today)
        .annotate(unit_name=Subquery(lead.values("unit__name")[:1]))
        .order_by("reply_due", "series", "number", "pk")[: overview.TOP_OVERDUE]
    ]
    return by_state, lit, orders, late


def old_activity_ids(user, visible):
    types = ContentType.objects.get_for_models(KeyItem, Suggestion)
    return list(
        Event.objects.filter(
            Q(
                subject_type=types[KeyItem],
                subject_id__in=KeyItem.objects.visible_to(user).values("pk"),
                action__in=overview.ITEM_ACTIONS,
            )
            | Q(
                subject_type=types[Suggestion],
                subject_id__in=visible.values("pk"),
                action__in=overview.SUGGESTION_ACTIONS,
            )
        )
        .order_by("-at", "-pk")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def mixed(cast):
    """Suggestions assigned on different days (so each light shows on some day), joint and
    separate units, a confidential one, answered and re-handled ones, key items with
    instructions (open, responded, overdue) and records."""
    start = datetime.date(2026, 3, 2)
    made = []
    for n in range(8):
        day = start + datetime.timedelta(days=9 * n)
        with states.frozen(day):
            made.append(
                states.handling(
                    cast,
                    title=f"建议{n}",
                    on=day,
                    joint=n % 3 == 0,
                    separate=n % 4 == 1,
                    is_confidential=n == 5,
                )
            )
    with states.frozen(start):
        states.answered(cast, title="已答复")
        states.rehandling(cast, title="重新办理")
        states.registered(cast, title="待交办")
        states.submitted(cast, title="待立案")
    with states.frozen(start + datetime.timedelta(days=20)):
        item = supervision.propose(
            by=cast.staff,
            jurisdiction_id=cast.jurisdiction.pk,
            title="农村公路专题",
            year=2026,
            suggestions=made[:5],
            lead_unit=cast.unit_a,
        )
        item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
        supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text="请报送进展。")
        done = supervision.instruct(item, by=cast.staff, unit=cast.unit_b, text="请说明。")
        supervision.respond(done, by=cast.clerk_b, response="已说明。")
        supervision.instruct(made[5], by=cast.staff, unit=cast.unit_a, text="涉密批示。")
        supervision.supervise(
            item,
            by=cast.staff,
            kind="visit",
            happened_on=timezone.localdate(),
            participants="副主任",
            notes="察看。",
        )
        supervision.supervise(
            made[6],
            by=cast.staff,
            kind="meeting",
            happened_on=timezone.localdate(),
            participants="各单位",
            notes="推进。",
        )
    return made


def _days(made):
    dues = sorted({s.reply_due for s in Suggestion.objects.filter(reply_due__isnull=False)})
    picked = {dues[0] - datetime.timedelta(days=1), dues[len(dues) // 2], dues[-1]}
    return sorted(picked | {d + datetime.timedelta(days=1) for d in dues[:3]})


@pytest.mark.parametrize("who", WHO)
def test_the_units_counts_equal_the_old_grouped_pass(cast, mixed, who):
    user = getattr(cast, who)
    for today in _days(mixed):
        visible = Suggestion.objects.visible_to(user)
        scope = lights.scope_units(user)
        found = lights.units_with_warnings(user, today)
        old = old_unit_counts(user, today, visible, scope)
        lit = {pk: row for pk, row in old.items() if row[0] or row[1]}
        late = set(
            Instruction.objects.filter(
                unit__in=scope.values("pk"), state=Instruction.State.OPEN, due__lt=today
            ).values_list("unit_id", flat=True)
        )
        assert {u.pk for u in found} == set(lit) | late, today
        assert new_unit_counts(found) == {
            pk: old.get(pk, (0, 0, 0)) for pk in new_unit_counts(found)
        }


@pytest.mark.parametrize("who", ("staff", "admin", "supervisor", "committee"))
def test_the_overview_equals_the_old_computation(cast, mixed, who):
    user = getattr(cast, who)
    colours = set()
    for today in _days(mixed):
        for session_id in (None, mixed[0].session_id):
            o = overview.build(user, today, session_id)
            colours |= {
                c for c, n in (("red", o.red), ("yellow", o.yellow), ("green", o.green)) if n
            }
            visible = Suggestion.objects.visible_to(user).exclude(state=Suggestion.State.DRAFT)
            if session_id is not None:
                visible = visible.filter(session_id=session_id)
            by_state, lit, orders, late = old_overview_numbers(user, today, visible)
            assert {v: n for v, _, n in o.states if n} == by_state
            assert (o.in_handling, o.red, o.yellow, o.green) == (
                lit["in_handling"],
                lit["red"],
                lit["yellow"],
                lit["green"],
            )
            assert (o.instructions_open, o.instructions_red) == (orders["open"], orders["red"])
            assert [(s.pk, s.unit_name) for s in o.overdue] == late
            scope = overview.scope_units(user)
            old_units = old_unit_counts(user, today, visible, scope)
            assert new_unit_counts(o.units) == {
                pk: old_units.get(pk, (0, 0, 0)) for pk in new_unit_counts(o.units)
            }
            shown = [e.pk for e in o.activity]
            old_ids = old_activity_ids(user, visible)
            assert shown == [pk for pk in old_ids if pk in set(shown)]
            assert set(shown) <= set(old_ids)
    assert colours == {"red", "yellow", "green"}, "the days chosen show every light"


@pytest.mark.parametrize("who", WHO + ("deputy",))
def test_instructions_seen_equal_the_old_subqueries(cast, mixed, who):
    user = getattr(cast, who)
    new = set(perms.instructions_visible_to(user).values_list("pk", flat=True))
    assert new == set(old_instructions_visible_to(user).values_list("pk", flat=True))
    from minsheng.supervision.models import Record

    old_records = Record.objects.filter(
        Q(suggestion__isnull=True) | Q(suggestion__in=Suggestion.objects.visible_to(user))
    )
    assert set(Record.objects.filter(perms.about_seen(user)).values_list("pk", flat=True)) == set(
        old_records.values_list("pk", flat=True)
    )


def test_the_board_as_a_whole_is_unchanged(cast, mixed):
    for today in _days(mixed):
        board = lights.board(cast.staff, today)
        seen = old_instructions_visible_to(cast.staff)
        late = seen.filter(clock_q(WarningColour.RED, today, Q(state=Instruction.State.OPEN)))
        assert [i.pk for i in board.overdue_instructions] == list(
            late.order_by("due", "pk").values_list("pk", flat=True)[: lights.INSTRUCTIONS_SHOWN]
        )
        assert board.year_end_open == seen.left_open_at_year_end(today.year).count()


@pytest.mark.parametrize("who", WHO + ("deputy",))
def test_the_key_items_blocks_equal_the_annotated_query(cast, mixed, who):
    user = getattr(cast, who)
    for today in _days(mixed):
        annotated = lights.key_items_with_counts(user, today).filter(
            state=KeyItem.State.SUPERVISING
        )

        def rows(items):
            return [(i.pk, i.n_suggestions, i.n_red, i.n_yellow, i.n_open) for i in items]

        old_board = annotated.filter(Q(n_red__gt=0) | Q(n_yellow__gt=0) | Q(n_open__gt=0))
        assert rows(lights.key_items_with_warnings(user, today)) == rows(
            old_board.order_by("-n_red", "-n_yellow", "-pk")
        )
        if overview.may_see_overview(user):
            old_top = annotated.order_by("-n_red", "-n_yellow", "-n_open", "-pk")
            assert rows(overview.build(user, today).items) == rows(old_top[: overview.TOP_ITEMS])
