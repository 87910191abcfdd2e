"""The demo's supervision teams: two teams, inspections of practical-matter projects, and
rectifications in every state, one of them overdue."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from minsheng.ledger.models_teams import Rectification, Team
from minsheng.suggestions.models import WarningColour

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def small_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_two_teams_with_rectifications_in_every_state():
    assert Team.objects.count() == 2
    assert set(Rectification.objects.values_list("state", flat=True)) == set(
        Rectification.State.values
    )
    today = timezone.localdate()
    assert Rectification.objects.warning(WarningColour.RED, today).exists()
    assert all(t.inspections.exists() for t in Team.objects.all())


def test_running_the_demo_again_adds_nothing():
    before = Rectification.objects.count()
    call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
    assert Rectification.objects.count() == before
