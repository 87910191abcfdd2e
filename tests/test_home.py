"""The role-aware home page shows each person the panels of the roles they hold."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def panels(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {panel.role for panel in response.context["panels"]}, response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("deputy", {"deputy"}),
        ("clerk_a", {"unit"}),
        ("head_a", {"unit"}),
        ("clerk_b", {"unit"}),
        ("committee", {"committee"}),
        ("supervisor", {"supervisor"}),
        ("staff", {"staff"}),
        ("admin", {"staff"}),
    ],
)
def test_each_role_sees_its_own_panels(client, cast, persona, expected):
    found, _html = panels(client, getattr(cast, persona))
    assert expected <= found
    # Nobody sees a unit panel unless they act for a unit, and so on.
    if "unit" not in expected:
        assert "unit" not in found


def test_clerk_sees_only_their_own_unit(client, cast):
    _found, html = panels(client, cast.clerk_b)
    assert "教育厅" in html
    assert "交通运输厅" not in html


def test_committee_member_sees_counterpart_departments(client, cast):
    _found, html = panels(client, cast.committee)
    assert "交通运输厅" in html


def test_a_person_with_no_role_is_told_so(client, db):
    from tests.factories import UserFactory

    found, html = panels(client, UserFactory())
    assert found == set()
    assert "您还没有任何角色" in html


def test_person_holding_two_roles_sees_both(client, cast):
    from tests.factories import RoleFactory

    RoleFactory(
        user=cast.deputy, kind="clerk", jurisdiction=cast.jurisdiction, organisation=cast.unit_b
    )
    found, _html = panels(client, cast.deputy)
    assert {"deputy", "unit"} <= found
