"""One query vocabulary: numbers of both series, the in-handling set and the warning colours are
answered in one place, and every list (workbench, API, export, panels) uses the same filter."""

import datetime

import pytest

from minsheng.api.suggestions import SuggestionFilters
from minsheng.suggestions import filters
from minsheng.suggestions.models import Suggestion, WarningColour, warning_q
from minsheng.suggestions.numbers import BETWEEN, format_number, parse_number
from tests import states
from tests.test_api_suggestions import get, ids
from tests.test_workbench import listed

BETWEEN_SOURCE = Suggestion.Source.BETWEEN_SESSIONS


@pytest.mark.parametrize(
    ("text", "number", "series"),
    [
        ("12", 12, None),
        ("0012", 12, None),
        ("第0012号", 12, None),
        (" 第 12 号 ", 12, None),
        ("#12", 12, None),
        ("闭第0003号", 3, BETWEEN),
        ("闭会期间第0003号", 3, BETWEEN),
        ("闭会期间 3", 3, BETWEEN),
        ("闭 3", 3, BETWEEN),
    ],
)
def test_one_parser_reads_both_series(text, number, series):
    parsed = parse_number(text)
    assert parsed is not None
    assert (parsed.number, parsed.series) == (number, series)


@pytest.mark.parametrize("text", ["", "道路", "第号", "0", "12a", "1234567890"])
def test_text_that_is_no_number_parses_to_none(text):
    assert parse_number(text) is None


def test_one_formatter_writes_both_series():
    assert format_number("S", 12) == "第0012号"
    # One way, the words of DOMAIN.md: pages, exports and letters write the same number alike.
    assert format_number("B", 3) == "闭会期间第0003号"
    assert format_number("S", None) == ""
    assert parse_number(format_number("B", 7)) == parse_number("闭7")


@pytest.mark.django_db
def test_number_search_finds_the_between_sessions_series_in_workbench_and_api(client, cast):
    in_session = states.registered(cast, title="会议期间的建议")
    between = states.registered(cast, title="闭会期间的建议", source=BETWEEN_SOURCE)
    assert (in_session.display_number, between.display_number) == ("第0001号", "闭会期间第0001号")
    _response, found = listed(client, cast.staff, q="闭第0001号")
    assert found == {between.pk}
    _response, found = listed(client, cast.staff, q="闭会期间第0001号")
    assert found == {between.pk}
    assert ids(get(client, cast.staff, "/suggestions", q="闭第0001号")) == [between.pk]
    # Without 闭 a number names either series.
    assert ids(get(client, cast.staff, "/suggestions", q="1")) == sorted(
        [in_session.pk, between.pk]
    )


@pytest.mark.django_db
def test_queryset_colours_agree_with_the_row_colour(cast):
    handling = states.handling(cast)
    states.submitted(cast, title="未交办")
    assert handling.reply_due is not None and handling.warn_from is not None
    days = [
        handling.warn_from - datetime.timedelta(days=1),
        handling.warn_from,
        handling.reply_due,
        handling.reply_due + datetime.timedelta(days=1),
    ]
    everything = Suggestion.objects.all()
    for today in days:
        for colour in WarningColour:
            expected = {s.pk for s in everything if s.warning(today) == colour}
            assert set(
                everything.filter(warning_q(colour, today)).values_list("pk", flat=True)
            ) == (expected), (today, colour)
        overdue = {s.pk for s in everything if s.warning(today) == WarningColour.RED}
        assert set(everything.overdue(today).values_list("pk", flat=True)) == overdue


@pytest.mark.django_db
def test_in_handling_and_due_for_unit(cast):
    mine = states.handling(cast, title="甲单位在办")
    states.registered(cast, title="未交办")
    answered = states.answered(cast, title="已答复")
    assert set(Suggestion.objects.in_handling()) == {mine}
    assert set(Suggestion.objects.due_for_unit([cast.unit_a.pk])) == {mine}
    assert set(Suggestion.objects.due_for_unit([cast.unit_b.pk])) == set()
    assert answered not in Suggestion.objects.in_handling()


def test_api_parameters_become_the_workbench_criteria():
    f = SuggestionFilters(
        state=["handling"], overdue=True, key=False, q=" 闭3 ", sort="-created_at"
    )
    c = f.criteria()
    assert isinstance(c, filters.Criteria)
    assert (c.states, c.overdue, c.key, c.q, c.sort) == (
        ("handling",),
        True,
        False,
        "闭3",
        "-created",
    )
