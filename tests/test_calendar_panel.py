"""Staff are told loudly when deadlines fall in a year whose holidays are not entered, and how
many open suggestions have a due date that could move because of it."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from minsheng.workcalendar.models import CalendarYear

pytestmark = pytest.mark.django_db


def panel_roles(client, user, today):
    client.force_login(user)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        response = client.get(reverse("home"))
    return {p.role for p in response.context["panels"]}, response.content.decode()


def test_in_november_staff_are_warned_about_next_year(client, cast):
    roles, html = panel_roles(client, cast.staff, datetime.date(2026, 11, 26))
    assert "calendar" in roles
    assert "2027" in html


def test_the_warning_goes_once_next_year_is_entered(client, cast):
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕")
    roles, _html = panel_roles(client, cast.staff, datetime.date(2026, 11, 26))
    assert "calendar" not in roles


def test_no_warning_early_in_a_known_year(client, cast):
    roles, _html = panel_roles(client, cast.staff, datetime.date(2026, 3, 2))
    assert "calendar" not in roles


def test_only_staff_see_it(client, cast):
    roles, _html = panel_roles(client, cast.deputy, datetime.date(2026, 11, 26))
    assert "calendar" not in roles


def test_open_suggestions_with_uncertain_due_dates_are_counted(client, cast):
    from tests import states

    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 12, 1)):
        states.assigned(cast, on=datetime.date(2026, 12, 1))
    CalendarYear.objects.create(year=2027)  # the count is what remains without the year warning
    from minsheng.suggestions.models import Suggestion

    Suggestion.objects.update(reply_due_uncertain=True)  # as computed before 2027 was entered
    roles, html = panel_roles(client, cast.staff, datetime.date(2026, 12, 2))
    assert "calendar" in roles
    assert "1" in html


def test_only_suggestions_whose_dates_could_move_are_counted(client, cast):
    from minsheng.suggestions.models import Suggestion
    from tests import states

    # Due 1 March 2027, far from any festival, and 4 January 2027, right after New Year's Day.
    days = ((datetime.date(2026, 12, 1), "三月到期"), (datetime.date(2026, 10, 1), "元旦后到期"))
    for on, title in days:
        with mock.patch("django.utils.timezone.localdate", return_value=on):
            states.assigned(cast, on=on, title=title)
    flags = dict(Suggestion.objects.values_list("title", "reply_due_uncertain"))
    assert flags == {"三月到期": False, "元旦后到期": True}
    client.cookies["django_language"] = "en"
    _roles, html = panel_roles(client, cast.staff, datetime.date(2026, 12, 2))
    assert "1 open suggestion has a due date that may move" in html


def test_the_count_uses_the_partial_index_on_the_flag(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minsheng.suggestions.models import Suggestion

    if connection.vendor != "sqlite":
        pytest.skip("the plan's wording is SQLite's")
    # The panel's own count, on a database without statistics (as most SQLite files are).
    qs = Suggestion.objects.filter(jurisdiction_id__in=[cast.jurisdiction.pk]).uncertain_due()
    with CaptureQueriesContext(connection) as captured:
        qs.count()
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "sugg_uncertain_idx" in plan
