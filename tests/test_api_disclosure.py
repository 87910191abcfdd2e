"""The staff's publication endpoints (/api/v1/publications), built from the declarations."""

from __future__ import annotations

import pytest

from minsheng.disclosure.models import Publication
from minsheng.people.models import ApiToken
from tests import disclosure_states as pubs

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


def test_staff_review_and_publish_through_the_api(client, cast, django_capture_on_commit_callbacks):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    h = _auth(cast.staff)
    listed = client.get("/api/v1/publications?state=pending_review", headers=h).json()
    assert [i["id"] for i in listed["items"]] == [pub.pk]
    one = client.get(f"/api/v1/publications/{pub.pk}", headers=h).json()
    assert {p["key"] for p in one["pieces"]} >= {"title", "body"}
    offered = client.get(f"/api/v1/publications/{pub.pk}/actions", headers=h).json()
    assert {a["name"] for a in offered["actions"]} >= {"mask", "publish", "withhold"}
    masked = client.post(
        f"/api/v1/publications/{pub.pk}/actions/mask",
        {"piece": "body", "text": "护栏", "expected_version": one["version"]},
        content_type="application/json",
        headers=h,
    )
    assert masked.status_code == 200, masked.content
    body = next(p for p in masked.json()["pieces"] if p["key"] == "body")
    assert "护栏" not in body["public"] and "护栏" in body["original"]
    stale = client.post(
        f"/api/v1/publications/{pub.pk}/actions/publish",
        {"expected_version": one["version"]},
        content_type="application/json",
        headers=h,
    )
    assert stale.status_code == 409
    done = client.post(
        f"/api/v1/publications/{pub.pk}/actions/publish",
        {},
        content_type="application/json",
        headers=h,
    )
    assert done.status_code == 200 and done.json()["public_url"] == f"/gongkai/{pub.pk}/"


def test_others_see_nothing_and_may_do_nothing(client, cast, django_capture_on_commit_callbacks):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    for user in (cast.deputy, cast.clerk_a, cast.outsider):
        h = _auth(user)
        assert client.get("/api/v1/publications", headers=h).json()["count"] == 0
        assert client.get(f"/api/v1/publications/{pub.pk}", headers=h).status_code == 404
        response = client.post(
            "/api/v1/publications/batch-publish",
            {"ids": [pub.pk]},
            content_type="application/json",
            headers=h,
        )
        if user == cast.outsider:  # staff elsewhere: refused record by record
            assert response.status_code == 200
            assert response.json()["published"] == []
        else:
            assert response.status_code == 403
    assert Publication.objects.get(pk=pub.pk).state == "pending_review"
    assert client.get("/api/v1/publications").status_code == 401


def test_batch_publish_reports_refusals(client, cast, django_capture_on_commit_callbacks):
    one = pubs.pending(cast, django_capture_on_commit_callbacks, title="一")
    _s, secret = pubs.answered(cast, django_capture_on_commit_callbacks, is_confidential=True)
    response = client.post(
        "/api/v1/publications/batch-publish",
        {"ids": [one.pk, secret.pk, 0]},
        content_type="application/json",
        headers=_auth(cast.staff),
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["published"] == [one.pk]
    assert {r["id"] for r in answer["refused"]} == {secret.pk, 0}
    assert Publication.objects.get(pk=secret.pk).state == "withheld"


def test_queueing_a_confidential_record_is_refused_with_the_reason(
    client, cast, django_capture_on_commit_callbacks
):
    _s, secret = pubs.answered(cast, django_capture_on_commit_callbacks, is_confidential=True)
    response = client.post(
        f"/api/v1/publications/{secret.pk}/actions/reopen",
        {},
        content_type="application/json",
        headers=_auth(cast.staff),
    )
    assert response.status_code == 409
    assert "涉密" in response.json()["detail"]
