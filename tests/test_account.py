"""The account page: personal API tokens shown once, revoked only by their owner."""

import pytest
from django.urls import reverse

from minsheng.people.models import ApiToken

pytestmark = pytest.mark.django_db


def test_creating_a_token_shows_it_once(client, cast):
    client.force_login(cast.deputy)
    response = client.post(reverse("account"), {"name": "表格同步"})
    raw = response.context["new_token"]
    assert raw.startswith("ms_")
    assert raw in response.content.decode()
    again = client.get(reverse("account"))
    assert raw not in again.content.decode()
    assert "表格同步" in again.content.decode()


def test_token_name_is_required(client, cast):
    client.force_login(cast.deputy)
    response = client.post(reverse("account"), {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoke_own_token(client, cast):
    token, _raw = ApiToken.issue(cast.deputy, "x")
    client.force_login(cast.deputy)
    assert client.post(reverse("revoke_token", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_cannot_revoke_someone_elses_token(client, cast):
    token, _raw = ApiToken.issue(cast.staff, "x")
    client.force_login(cast.deputy)
    assert client.post(reverse("revoke_token", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoke_needs_post(client, cast):
    token, _raw = ApiToken.issue(cast.deputy, "x")
    client.force_login(cast.deputy)
    assert client.get(reverse("revoke_token", args=[token.pk])).status_code == 405
