"""`minsheng demo`: deterministic, idempotent, with the demo cast."""

import pytest
from django.core.management import call_command

from minsheng.people import demo
from minsheng.people.models import Deputy, Jurisdiction, Organisation, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _people_only():
    """These tests are about the people demo; the suggestions demo has its own tests."""
    from unittest import mock

    with mock.patch("minsheng.suggestions.demo.build"):
        yield


def snapshot():
    return sorted(
        Deputy.objects.values_list("user__username", "user__real_name", "delegation__name")
    )


def test_demo_builds_the_province_and_cast(capsys):
    call_command("demo", "--size", "small", "--seed", "7")
    out = capsys.readouterr().out
    assert "minsheng-demo" in out
    province = Jurisdiction.objects.get(code="demo-province")
    orgs = Organisation.objects.filter(jurisdiction=province)
    assert orgs.filter(kind="special_committee").count() == 9
    assert orgs.filter(kind="delegation").count() == 16
    assert 55 <= orgs.filter(is_handling_unit=True).count() <= 65
    assert orgs.filter(counterpart_committee__isnull=False).count() >= 50
    for username in demo.CAST:
        assert username in out
        assert User.objects.get(username=username).check_password(demo.DEMO_PASSWORD)
    kinds = {
        u: set(Role.objects.filter(user__username=u).values_list("kind", flat=True))
        for u in demo.CAST
    }
    assert kinds["clerk"] == {"clerk"} and kinds["head"] == {"head"}
    assert kinds["supervisor"] == {"supervisor"} and kinds["committee"] == {"committee"}
    assert kinds["deputy"] == {"deputy"} and kinds["staff"] == {"staff"}
    clerk_unit = Role.objects.get(user__username="clerk").organisation
    clerk2_unit = Role.objects.get(user__username="clerk2").organisation
    assert clerk_unit != clerk2_unit


def test_demo_is_idempotent_and_deterministic():
    call_command("demo", "--size", "small", "--seed", "7")
    first = snapshot()
    counts = (User.objects.count(), Organisation.objects.count(), Role.objects.count())
    call_command("demo", "--size", "small", "--seed", "7")
    assert snapshot() == first
    assert (User.objects.count(), Organisation.objects.count(), Role.objects.count()) == counts


def test_same_seed_same_names_on_a_fresh_database():
    from django.db import transaction

    # Build, look, roll back: the second build starts from an empty database again.
    with transaction.atomic():
        call_command("demo", "--size", "small", "--seed", "11")
        first = snapshot()
        transaction.set_rollback(True)
    assert not User.objects.exists()
    call_command("demo", "--size", "small", "--seed", "11")
    assert snapshot() == first


def test_generated_deputies_cannot_sign_in():
    call_command("demo", "--size", "small")
    generated = User.objects.get(username="d0001")
    assert not generated.has_usable_password()


def test_logins_only_prints_without_writing(capsys):
    call_command("demo", "--logins-only")
    assert "deputy" in capsys.readouterr().out
    assert not User.objects.exists()
