"""The filter bars' handling-unit choices, kept in the cache between organisation changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.people.choices import handling_unit_choices
from minsheng.people.models import Organisation
from tests.factories import JurisdictionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _fresh(ids):
    """What the choices must be: the active handling units in the organisations' order."""
    return list(
        Organisation.objects.handling_units()
        .filter(jurisdiction_id__in=ids)
        .values_list("pk", "name")
    )


def test_choices_follow_the_organisations_order_and_are_read_once(cast):
    ids = {cast.unit_a.jurisdiction_id, cast.other_jurisdiction.pk}
    OrganisationFactory(jurisdiction=cast.other_jurisdiction, is_handling_unit=True, name="乙局")
    first = handling_unit_choices(ids)
    assert first == _fresh(ids)
    assert cast.unit_a.pk in dict(first)
    with CaptureQueriesContext(connection) as seen:
        assert handling_unit_choices(ids) == first
    assert not seen.captured_queries
    assert handling_unit_choices(set()) == []


def test_a_saved_renamed_moved_or_deleted_unit_shows_at_once(cast):
    home = cast.unit_a.jurisdiction_id
    other = JurisdictionFactory()
    handling_unit_choices({home}), handling_unit_choices({other.pk})
    added = OrganisationFactory(jurisdiction_id=home, is_handling_unit=True, name="新设局")
    assert (added.pk, "新设局") in handling_unit_choices({home})
    added.name = "改名局"
    added.save()
    assert (added.pk, "改名局") in handling_unit_choices({home})
    added.jurisdiction = other
    added.save()
    assert added.pk not in dict(handling_unit_choices({home}))
    assert (added.pk, "改名局") in handling_unit_choices({other.pk})
    added.is_active = False
    added.save()
    assert added.pk not in dict(handling_unit_choices({other.pk}))
    gone = OrganisationFactory(jurisdiction_id=home, is_handling_unit=True, name="撤销局")
    assert gone.pk in dict(handling_unit_choices({home}))
    pk = gone.pk
    gone.delete()
    assert pk not in dict(handling_unit_choices({home}))
    assert handling_unit_choices({home}) == _fresh({home})
