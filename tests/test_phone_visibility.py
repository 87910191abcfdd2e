"""The lead deputy's phone, decided once: the deputy, congress staff (administrators too) and
the clerks and heads of a unit with an active assignment see it; co-signers, supervisors,
committee members and other units do not. Pages and API alike."""

import pytest
from django.urls import reverse

from minsheng.people.models import ApiToken, Deputy
from tests import states

pytestmark = pytest.mark.django_db
PHONE = "13912345678"

# persona -> sees the phone, on a suggestion handled by unit A (lead) and unit B (joint).
JOINT = {
    "deputy": True,
    "cosigner": False,
    "staff": True,
    "admin": True,
    "clerk_a": True,
    "head_a": True,
    "clerk_b": True,
    "head_b": True,
    "supervisor": False,
    "committee": False,
}


@pytest.fixture
def joint(cast):
    s = states.handling(cast, joint=True, cosign=True)
    Deputy.objects.filter(user=cast.deputy).update(contact_phone=PHONE)
    return s


def api_phone(client, user, s):
    _token, raw = ApiToken.issue(user, "test")
    response = client.get(f"/api/v1/suggestions/{s.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, (user, response.json())
    return response.json()["lead_deputy"]["contact_phone"]


def page_shows_phone(client, user, s):
    client.force_login(user)
    response = client.get(reverse("suggestions:detail", args=[s.pk]))
    assert response.status_code == 200, user
    return PHONE in response.content.decode()


@pytest.mark.parametrize(("persona", "sees"), JOINT.items())
def test_the_phone_on_the_api(client, cast, joint, persona, sees):
    assert api_phone(client, getattr(cast, persona), joint) == (PHONE if sees else None)


@pytest.mark.parametrize(("persona", "sees"), JOINT.items())
def test_the_phone_on_the_page(client, cast, joint, persona, sees):
    assert page_shows_phone(client, getattr(cast, persona), joint) is sees


def test_a_unit_without_an_assignment_does_not_even_see_the_suggestion(client, cast):
    s = states.handling(cast)  # unit A only
    _token, raw = ApiToken.issue(cast.clerk_b, "test")
    response = client.get(f"/api/v1/suggestions/{s.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404


def test_a_unit_moved_off_the_suggestion_no_longer_sees_the_phone(cast):
    from minsheng.suggestions import permissions as perms
    from minsheng.suggestions import workflow

    s = states.assigned(cast)
    Deputy.objects.filter(user=cast.deputy).update(contact_phone=PHONE)
    assert perms.can_see_contact_details(cast.clerk_a, s)
    request = workflow.request_adjustment(s, by=cast.clerk_a, reason="不属于本单位职责")
    s = workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=cast.unit_b)
    s.refresh_from_db()
    assert not perms.can_see_contact_details(cast.clerk_a, s)
    assert perms.can_see_contact_details(cast.clerk_b, s)
