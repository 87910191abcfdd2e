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


def test_the_demo_ledger_has_the_years_projects_in_every_status():
    """The year's 30 practical-matter projects under their list, the four duties' items, one
    change approved and one waiting (the B commitments the suggestions' demo signed are there
    already when the ledger's demo runs, and do not stop it)."""
    from minsheng.ledger.models import ChangeRequest, LedgerItem, Status

    today = timezone.localdate()
    parent = LedgerItem.objects.get(title__endswith="年省政府民生实事")
    assert parent.children.count() == 30
    statuses = {item.status(today) for item in parent.children.all()}
    assert {Status.IN_PROGRESS, Status.LAGGING, Status.DONE, Status.STOPPED} <= statuses
    kinds = set(LedgerItem.objects.values_list("kind", flat=True))
    assert {"legislation", "inspection", "investigation", "decision", "appointment"} <= kinds
    assert set(ChangeRequest.objects.values_list("state", flat=True)) == {"approved", "pending"}
