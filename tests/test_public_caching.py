"""Caching and load (issue 10, point 5): the public pages, feed, downloads and API send ETag and
Last-Modified, answer 304 to a matching conditional request and public Cache-Control to
anonymous visitors; signed-in people stay private, no-store; a change moves the validators;
the rate limits answer 429 with Retry-After (a page in the visitor's language, JSON for the
API)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.audit import log
from minsheng.disclosure import workflow
from tests import disclosure_states as pubs

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, django_capture_on_commit_callbacks):
    pub = pubs.published(cast, django_capture_on_commit_callbacks, title="关于修缮乡村小学的建议")
    # Seal the chain: the tests' transaction never commits, so the seal queued for the commit
    # never runs on its own.
    log.seal()
    return pub


def public_urls(pub):
    return [
        "/gongkai/",
        "/gongkai/?year=2026&unit=1",
        f"/gongkai/{pub.pk}/",
        "/gongkai/tongji/",
        "/gongkai/shishi/",
        "/gongkai/feed/",
        "/gongkai/data/",
        f"/gongkai/data/{pub.year}.csv",
        f"/gongkai/data/{pub.year}.xlsx",
        "/api/v1/public/suggestions",
        f"/api/v1/public/suggestions/{pub.pk}",
        "/api/v1/public/statistics",
        "/api/v1/public/projects",
        "/api/v1/public/filters",
    ]


def directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_every_public_url_answers_304_to_its_own_validators(client, world):
    for url in public_urls(world):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"].startswith('"') and first["Last-Modified"], url
        assert {"public", "max-age=60"} <= directives(first), url
        assert "Cookie" in first["Vary"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, url


def test_a_304_costs_one_query(client, world):
    etag = client.get("/gongkai/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/gongkai/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries.captured_queries) == 1


def test_a_publication_change_moves_the_validators(client, cast, world):
    before = client.get("/gongkai/")
    workflow.withdraw(world, by=cast.staff, reason="撤回。")
    log.seal()
    after = client.get("/gongkai/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "关于修缮乡村小学的建议" not in after.content.decode()


def test_the_etag_differs_per_language(client, world):
    chinese = client.get("/gongkai/")["ETag"]
    client.cookies["django_language"] = "en"
    english = client.get("/gongkai/", HTTP_IF_NONE_MATCH=chinese)
    assert english.status_code == 200 and english["ETag"] != chinese


def test_signed_in_people_get_private_no_store_and_no_validators(client, cast, world):
    client.force_login(cast.staff)
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= directives(response), url
        assert "public" not in directives(response), url
        assert "ETag" not in response, url
    # The staff's own pages too.
    assert {"private", "no-store"} <= directives(client.get("/gongkai/staff/"))


def test_the_public_api_with_a_token_stays_private(client, cast, world):
    from minsheng.people.models import ApiToken

    _token, raw = ApiToken.issue(cast.staff, "test")
    response = client.get("/api/v1/public/suggestions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "ETag" not in response


# --- rate limits --------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    cache.clear()
    settings.RATELIMIT_ENABLE = True
    settings.PUBLIC_RATES = {
        "list": "3/m",
        "search": "1/m",
        "api": "2/m",
        "download": "1/h",
        "feed": "2/m",
    }
    yield settings.PUBLIC_RATES
    cache.clear()


def test_the_public_list_is_limited_with_a_429_page_in_the_visitors_language(client, world, limits):
    for _ in range(3):
        assert client.get("/gongkai/").status_code == 200
    refused = client.get("/gongkai/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert "请求过于频繁" in refused.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/gongkai/?page=2").content.decode()
    assert "Too many requests" in english


def test_a_search_has_its_own_stricter_limit(client, world, limits):
    assert client.get("/gongkai/?q=学校").status_code == 200
    assert client.get("/gongkai/?q=护栏").status_code == 429
    # The plain list still has its own allowance; an empty q is the plain list.
    assert client.get("/gongkai/?q=").status_code == 200


def test_the_public_api_answers_a_json_429_with_retry_after(client, world, limits):
    for _ in range(2):
        assert client.get("/api/v1/public/statistics").status_code == 200
    refused = client.get(f"/api/v1/public/suggestions/{world.pk}")
    assert refused.status_code == 429
    body = refused.json()
    assert body["retry_after"] == int(refused["Retry-After"]) > 0
    assert body["detail"]


def test_downloads_and_the_feed_are_limited(client, world, limits):
    assert client.get(f"/gongkai/data/{world.year}.csv").status_code == 200
    refused = client.get(f"/gongkai/data/{world.year}.xlsx")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 60
    for _ in range(2):
        assert client.get("/gongkai/feed/").status_code == 200
    assert client.get("/gongkai/feed/").status_code == 429


def test_each_address_has_its_own_count(client, world, limits):
    for _ in range(3):
        client.get("/gongkai/", REMOTE_ADDR="10.0.0.1")
    assert client.get("/gongkai/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/gongkai/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_limits_are_off_when_disabled(client, world, limits, settings):
    settings.RATELIMIT_ENABLE = False
    for _ in range(6):
        assert client.get("/gongkai/").status_code == 200
