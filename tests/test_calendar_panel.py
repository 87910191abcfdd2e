"""Staff are told loudly when deadlines fall in a year whose holidays are not entered."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from minsheng.suggestions.models import CalendarYear

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
