"""The API base: bearer tokens, /me, OpenAPI, JSON errors."""

import pytest
from django.core.management import call_command

from minsheng.people.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_with_a_token_returns_the_caller_and_roles(client, cast):
    _token, raw = ApiToken.issue(cast.clerk_a, "test")
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "clerk_a"
    assert [(r["kind"], r["organisation_id"]) for r in body["roles"]] == [("clerk", cast.unit_a.pk)]
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


def test_unknown_token_is_401_json_with_detail(client, db):
    response = client.get("/api/v1/me", **bearer("ms_nope"))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_no_credentials_is_401(client, db):
    assert client.get("/api/v1/me").status_code == 401


def test_token_of_a_disabled_user_is_refused(client, cast):
    _token, raw = ApiToken.issue(cast.deputy, "test")
    cast.deputy.is_active = False
    cast.deputy.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_signed_in_browser_session_also_works(client, cast):
    client.force_login(cast.staff)
    assert client.get("/api/v1/me").json()["username"] == "staff"


def test_only_a_hash_of_the_token_is_stored(cast):
    token, raw = ApiToken.issue(cast.deputy, "test")
    assert raw not in token.key_hash
    assert token.key_hash == ApiToken.hash(raw)


def test_api_token_command_prints_a_working_token(client, cast, capsys):
    call_command("api_token", "deputy")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", **bearer(raw)).json()["username"] == "deputy"


def test_api_token_command_refuses_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "nobody")


def test_openapi_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_unknown_endpoint_is_json_404(client, cast):
    client.force_login(cast.staff)
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_a_body_that_is_not_json_is_400_with_a_readable_detail(client, cast):
    _token, raw = ApiToken.issue(cast.deputy, "test")
    response = client.post(
        "/api/v1/suggestions", data="{not json", content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON。"
