"""Access-check pairs for people records: visible_to() and get_x_for_user() agree."""

import pytest
from django.http import Http404

from minsheng.people import permissions
from minsheng.people.models import Deputy, Organisation, User
from tests.factories import DeputyFactory, JurisdictionFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deputies_are_visible_within_the_jurisdiction_only(cast):
    foreign = DeputyFactory(user=UserFactory(jurisdiction=cast.other_jurisdiction))
    mine = Deputy.objects.get(user=cast.deputy)
    for viewer in (cast.staff, cast.clerk_a, cast.deputy):
        visible = set(Deputy.objects.visible_to(viewer))
        assert mine in visible
        assert foreign not in visible
        assert permissions.get_deputy_for_user(viewer, mine.pk) == mine
        with pytest.raises(Http404):
            permissions.get_deputy_for_user(viewer, foreign.pk)
    assert permissions.get_deputy_for_user(cast.outsider, foreign.pk) == foreign


def test_anonymous_sees_no_people(cast):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not Deputy.objects.visible_to(anonymous).exists()
    assert not Organisation.objects.visible_to(anonymous).exists()
    assert not User.objects.visible_to(anonymous).exists()


def test_bad_ids_are_not_found_rather_than_errors(cast):
    with pytest.raises(Http404):
        permissions.get_deputy_for_user(cast.staff, "abc")
    with pytest.raises(Http404):
        permissions.get_organisation_for_user(cast.staff, 10**9)


def test_contact_details_only_for_the_deputy_and_staff(cast):
    deputy = Deputy.objects.get(user=cast.deputy)
    assert permissions.can_see_contact(cast.deputy, deputy)
    assert permissions.can_see_contact(cast.staff, deputy)
    assert permissions.can_see_contact(cast.admin, deputy)
    assert not permissions.can_see_contact(cast.cosigner, deputy)
    assert not permissions.can_see_contact(cast.clerk_a, deputy)
    assert not permissions.can_see_contact(cast.outsider, deputy)


def test_unit_roles_name_the_units_a_person_acts_for(cast):
    assert permissions.unit_ids(cast.clerk_a) == {cast.unit_a.pk}
    assert permissions.unit_ids(cast.head_a) == {cast.unit_a.pk}
    assert permissions.unit_ids(cast.clerk_b) == {cast.unit_b.pk}
    assert permissions.unit_ids(cast.deputy) == set()
    assert permissions.committee_ids(cast.committee) == {cast.committee_org.pk}


def test_staff_predicate_is_per_jurisdiction(cast):
    assert permissions.is_staff_of(cast.staff, cast.jurisdiction.pk)
    assert not permissions.is_staff_of(cast.staff, cast.other_jurisdiction.pk)
    assert not permissions.is_staff_of(cast.outsider, cast.jurisdiction.pk)
    assert not permissions.is_staff_of(cast.clerk_a, cast.jurisdiction.pk)
    assert permissions.is_staff_of(cast.admin, cast.other_jurisdiction.pk)  # superuser


def test_role_covering_lower_jurisdictions(cast):
    city = JurisdictionFactory(code="city", name="测试市", level="city", parent=cast.jurisdiction)
    county = JurisdictionFactory(code="county", name="测试县", level="county", parent=city)
    overseer = UserFactory(jurisdiction=cast.jurisdiction)
    RoleFactory(
        user=overseer, kind="staff", jurisdiction=cast.jurisdiction, include_descendants=True
    )
    assert permissions.jurisdiction_ids(overseer) == {cast.jurisdiction.pk, city.pk, county.pk}
    assert permissions.is_staff_of(overseer, county.pk)
    assert not permissions.is_staff_of(cast.staff, county.pk)


def test_inactive_roles_grant_nothing(cast):
    cast.clerk_a.roles.update(is_active=False)
    permissions.forget_roles(cast.clerk_a)
    assert permissions.unit_ids(cast.clerk_a) == set()


def test_role_kinds_and_supervisor_tiers(cast):
    assert permissions.role_kinds(cast.supervisor) == {"supervisor"}
    assert permissions.supervisor_tiers(cast.supervisor) == {2}
    assert "admin" in permissions.role_kinds(cast.admin)


SIGN_IN_BACKEND = "minsheng.people.backends.UsernameOrMobileBackend"


def test_a_signed_in_non_deputy_reads_no_deputy_profiles(cast, client, django_assert_num_queries):
    # The session's backend reads, with the person, whether they hold an active deputy
    # profile; a staff member's request then never asks for profiles.
    from django.contrib.auth import get_user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.staff, backend=SIGN_IN_BACKEND)
    request = type("R", (), {"session": client.session})()
    user = get_user(request)
    assert user == cast.staff
    assert getattr(user, permissions.IS_DEPUTY) is False
    with CaptureQueriesContext(connection) as seen:
        assert permissions.deputy_profiles(user) == []
    assert not seen.captured_queries

    client.force_login(cast.deputy, backend=SIGN_IN_BACKEND)
    request = type("R", (), {"session": client.session})()
    deputy = get_user(request)
    assert getattr(deputy, permissions.IS_DEPUTY) is True
    assert permissions.deputy_profiles(deputy) == [Deputy.objects.get(user=cast.deputy)]


def test_forgetting_roles_forgets_the_deputy_answer_too(cast, client):
    from django.contrib.auth import get_user

    client.force_login(cast.staff, backend=SIGN_IN_BACKEND)
    user = get_user(type("R", (), {"session": client.session})())
    assert permissions.deputy_profiles(user) == []
    profile = DeputyFactory(user=cast.staff, term=cast.term)  # elected during the request
    permissions.forget_roles(user)
    assert permissions.deputy_profiles(user) == [profile]


def test_an_inactive_account_is_not_signed_in_by_its_session(cast, client):
    from django.contrib.auth import get_user

    client.force_login(cast.staff, backend=SIGN_IN_BACKEND)
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)
    assert not get_user(type("R", (), {"session": client.session})()).is_authenticated
