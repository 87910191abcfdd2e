"""Every failure under /api/ answers JSON with a translated `detail`."""

import datetime
import json

import pytest
from django.utils import timezone

from minsheng.people.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_json(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def test_a_post_with_a_bad_token_is_401_json_not_a_csrf_complaint(client, cast):
    response = client.post(
        "/api/v1/suggestions",
        {"title": "标题", "body": "内容"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ms_wrong",
    )
    detail = assert_json(response, 401)
    assert "CSRF" not in detail


def test_a_post_with_no_credentials_is_401_json(client, cast):
    response = client.post("/api/v1/suggestions", {}, content_type="application/json")
    assert_json(response, 401)


def test_a_bad_token_does_not_fall_back_to_the_browser_session(client, cast):
    client.force_login(cast.deputy)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ms_wrong")
    assert_json(response, 401)


def test_a_browser_session_without_the_csrf_token_gets_a_translated_403(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.deputy)
    response = browser.post(
        "/api/v1/suggestions", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    detail = assert_json(response, 403)
    assert "CSRF" in detail and "令牌" in detail


def test_the_browser_session_still_reads(client, cast):
    client.force_login(cast.deputy)
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/suggestions/abc", "/api/v1/suggestions/1.5/actions", "/api/v1/nothing"]
)
def test_an_unknown_path_or_a_non_integer_id_is_json_404(client, cast, path):
    detail = assert_json(client.get(path, **bearer(cast.staff)), 404)
    assert detail == "Not found." or detail == "未找到。"


def test_the_404_detail_is_translated(client, cast):
    response = client.get("/api/v1/suggestions/abc", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert assert_json(response, 404) == "未找到。"


def test_a_method_the_path_does_not_take_is_json_405_with_allow(client, cast):
    response = client.delete("/api/v1/me", **bearer(cast.staff))
    detail = assert_json(response, 405)
    assert "GET" in response["Allow"] and "GET" in detail


def test_a_3_mb_body_is_json_413(client, cast):
    body = json.dumps({"title": "标题", "body": "长" * (1024 * 1024)})  # 3 MB in UTF-8
    assert len(body.encode()) > 3_000_000
    response = client.post(
        "/api/v1/suggestions", body, content_type="application/json", **bearer(cast.deputy)
    )
    assert_json(response, 413)


def test_an_unexpected_error_is_json_500(cast, monkeypatch):
    from django.test import Client

    from minsheng.api import main

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(main.permissions, "active_roles", boom)
    response = Client(raise_request_exception=False).get("/api/v1/me", **bearer(cast.staff))
    assert_json(response, 500)


def test_pages_keep_their_html_errors(client, cast):
    client.force_login(cast.staff)
    response = client.get("/suggestions/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- last_used_at ------------------------------------------------------------------------------


def test_last_used_at_is_written_at_most_once_a_minute(client, cast, django_assert_num_queries):
    token, raw = ApiToken.issue(cast.staff, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    start = timezone.now()
    client.get("/api/v1/me", **auth)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and first >= start

    client.get("/api/v1/me", **auth)
    token.refresh_from_db()
    assert token.last_used_at == first  # a second read within the minute writes nothing

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(seconds=61))
    client.get("/api/v1/me", **auth)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_last_used_write_is_conditional_on_the_stored_time(cast, django_assert_num_queries):
    _token, raw = ApiToken.issue(cast.staff, "test")
    with django_assert_num_queries(2) as captured:  # the lookup, then the conditional UPDATE
        ApiToken.objects.authenticate(raw)
    update = captured.captured_queries[1]["sql"]
    assert update.startswith("UPDATE") and "last_used_at" in update.split("WHERE", 1)[1]
