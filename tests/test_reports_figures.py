"""The report's figures on a small hand-built year with known answers, each one query, and
equal to the API's counts of the same suggestions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.people.models import ApiToken
from minsheng.reports import figures
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Category, Suggestion
from tests import states

pytestmark = pytest.mark.django_db

SPRING = datetime.date(2026, 3, 2)
AUTUMN = datetime.date(2026, 9, 30)


@pytest.fixture
def year(cast):
    """2026: five registered suggestions in known states (and one of 2025, a draft and a
    declined one that the year does not hold)."""
    with states.frozen(datetime.date(2025, 12, 15)):
        old = states.registered(cast, title="去年的建议")
    with states.frozen(SPRING):
        s1 = states.closed(cast, joint=True, title="一：已办结")
        s2 = states.answered(cast, category_code="B", title="二：列入计划")
        s3 = states.rehandling(cast, category_code="C", title="三：重新办理")
        s4 = states.handling(cast, title="四：办理中")
        s5 = states.registered(cast, source="between_sessions", title="五：闭会期间")
        states.draft(cast, title="草稿")
        states.declined(cast, title="不予立案")
    Suggestion.objects.filter(pk=s1.pk).update(is_key=True)
    education = Category.objects.create(jurisdiction=cast.jurisdiction, name="教育")
    bus = Category.objects.create(jurisdiction=cast.jurisdiction, name="校车", parent=education)
    Suggestion.objects.filter(pk=s4.pk).update(category=bus)
    period = figures.Period.year(cast.jurisdiction, 2026)
    return {"period": period, "s": [s1, s2, s3, s4, s5], "old": old}


def test_totals_count_the_year_s_registered_suggestions(year):
    t = figures.totals(year["period"], AUTUMN)
    assert (t.registered, t.between_sessions, t.key) == (5, 1, 1)
    # Answered: s1 (closed) and s2; s3 is being handled again, s4 in handling, s5 registered.
    assert (t.answered, t.in_handling, t.closed, t.overdue) == (2, 2, 1, 2)
    assert (t.answered_on_time, t.on_time_rate, t.rehandled) == (2, 100.0, 1)
    assert (
        figures.totals(figures.Period.year(year["period"].jurisdiction, 2025), AUTUMN).registered
        == 1
    )


def test_by_category_counts_a_sub_category_under_its_parent(year):
    groups = {
        g.name: (g.count, g.answered, g.overdue)
        for g in figures.by_category(year["period"], AUTUMN)
    }
    assert groups == {"交通运输": (4, 2, 1), "教育": (1, 0, 1)}


def test_by_unit_counts_what_each_unit_answers_and_joins(cast, year):
    groups = {g.name: g for g in figures.by_unit(year["period"], AUTUMN)}
    a, b = groups[cast.unit_a.name], groups[cast.unit_b.name]
    assert (a.count, a.extra["joint"], a.answered, a.on_time, a.overdue) == (4, 0, 2, 2, 2)
    assert (b.count, b.extra["joint"], b.answered) == (0, 1, 0)


def test_result_categories_are_the_first_round_replies(year):
    shares = figures.categories(year["period"])
    assert shares.counts == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert (shares.total, shares.share("A")) == (3, 33.3)


def test_satisfaction_takes_each_suggestion_s_latest_rating(year):
    s = figures.satisfaction(year["period"])
    assert s.counts == {"satisfied": 1, "basically": 0, "unsatisfied": 1, "not_rated": 0}
    assert (s.rated, s.satisfied_rate) == (2, 50.0)


def test_not_rated_is_never_counted_as_satisfied(year):
    # s2's rating window passes: recorded "not rated", outside the satisfied rate's base.
    with states.frozen(AUTUMN):
        assert workflow.expire_ratings() >= 1
    s = figures.satisfaction(year["period"])
    assert (s.counts["not_rated"], s.rated, s.satisfied_rate) == (1, 2, 50.0)


def test_key_outcomes_and_overdue_items(cast, year):
    s1, _s2, s3, s4, _s5 = year["s"]
    (key,) = figures.key_outcomes(year["period"], AUTUMN)
    assert (key.pk, key.unit, key.state, key.category, key.rating) == (
        s1.pk,
        cast.unit_a.name,
        "closed",
        "A",
        "satisfied",
    )
    overdue = figures.overdue_items(year["period"], AUTUMN)
    assert {i.pk for i in overdue} == {s3.pk, s4.pk}
    assert all(i.days_overdue > 0 and i.unit == cast.unit_a.name for i in overdue)
    assert overdue == sorted(overdue, key=lambda i: i.reply_due)


def test_a_confidential_title_is_not_listed(year):
    s4 = year["s"][3]
    Suggestion.objects.filter(pk=s4.pk).update(is_confidential=True)
    listed = {i.pk: i.title for i in figures.overdue_items(year["period"], AUTUMN)}
    assert listed[s4.pk] == figures.CONFIDENTIAL_TITLE


def test_commitments_come_from_the_ledger_s_resolution_rate(cast, year):
    rates, total = figures.commitment_rates(year["period"], AUTUMN)
    assert (total.promised, total.solved, total.open, total.rate) == (1, 0, 1, 0.0)
    assert [r.unit for r in rates] == [cast.unit_a.name]


def test_every_figure_is_one_query_whatever_the_data(cast, year):
    with CaptureQueriesContext(connection) as few:
        figures.compute(year["period"], AUTUMN)
    with states.frozen(SPRING):
        for n in range(4):
            states.answered(cast, joint=True, title=f"更多{n}")
    with CaptureQueriesContext(connection) as more:
        found = figures.compute(year["period"], AUTUMN)
    assert found.totals.registered == 9
    assert len(more) == len(few) <= 10


def test_an_empty_period_has_figures_of_nothing(cast):
    found = figures.compute(figures.Period.year(cast.jurisdiction, 2031), AUTUMN)
    assert found.empty and found.totals.registered == 0
    assert found.totals.on_time_rate is None and found.satisfaction.satisfied_rate is None
    assert found.by_category == [] and found.by_unit == [] and found.key == []
    assert found.commitments_total.promised == 0


# --- the same numbers as the API ---------------------------------------------------------------


def api_count(client, user, **params):
    _token, raw = ApiToken.issue(user, "report test")
    response = client.get("/api/v1/suggestions", params, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_the_figures_equal_the_api_s_counts(client, cast, year):
    """The API counts the same suggestions (all of them are of 2026 but the old one): its
    filters give the report's totals, categories, units, key and overdue counts."""
    period = year["period"]
    old = year["old"]
    found = figures.compute(period, AUTUMN)
    registered_states = [
        s
        for s in Suggestion.State.values
        if s not in ("draft", "submitted", "returned", "declined", "withdrawn")
    ]
    in_year = api_count(client, cast.staff, state=registered_states) - 1  # less last year's one
    assert old.state == "registered"
    assert found.totals.registered == in_year
    assert found.totals.in_handling == api_count(
        client, cast.staff, state=["assigned", "handling", "rehandling"]
    )
    assert found.totals.answered == api_count(client, cast.staff, state=["answered", "closed"])
    assert found.totals.key == api_count(client, cast.staff, key=True)
    assert found.totals.between_sessions == 1
    with states.frozen(AUTUMN):
        assert found.totals.overdue == api_count(client, cast.staff, overdue=True)
    transport = Category.objects.get(jurisdiction=cast.jurisdiction, name="交通运输")
    education = Category.objects.get(jurisdiction=cast.jurisdiction, name="教育")
    by_category = {g.name: g.count for g in found.by_category}
    assert (
        by_category["交通运输"]
        == api_count(client, cast.staff, category=transport.pk, state=registered_states) - 1
    )
    assert by_category["教育"] == api_count(client, cast.staff, category=education.pk)
    by_unit = {g.name: g.count + g.extra["joint"] for g in found.by_unit}
    for unit in (cast.unit_a, cast.unit_b):
        assert by_unit[unit.name] == api_count(client, cast.staff, unit=unit.pk)
