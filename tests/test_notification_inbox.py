"""The inbox: a person sees, reads and counts only their own notifications, on the pages and
through the API; the header shows the unread count with one cheap query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.notifications.delivery import Draft, record
from minsheng.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


def _give(user, n=3, prefix="k"):
    return record(
        [
            Draft(
                user.pk,
                "reply_received",
                f"{prefix}{i}",
                {"number": f"第000{i}号", "title": f"建议{i}", "unit": "交通运输厅"},
                link="/suggestions/1/",
            )
            for i in range(n)
        ]
    ).created


def test_the_inbox_lists_only_my_own(client, cast):
    _give(cast.deputy, 2)
    _give(cast.cosigner, 1, "c")
    client.force_login(cast.cosigner)
    page = client.get("/notifications/").content.decode()
    assert page.count('data-testid="notification"') == 1
    assert "建议0" in page and 'data-testid="unread-count">1<' in page


def test_nobody_reads_or_marks_another_persons_notification(client, cast):
    (mine,) = _give(cast.deputy, 1)
    client.force_login(cast.cosigner)
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{mine.pk}/read").status_code == 404
    client.post("/notifications/read-all/")
    mine.refresh_from_db()
    assert mine.read_at is None
    assert client.get("/api/v1/notifications").json()["count"] == 0


def test_opening_marks_read_and_follows_the_link(client, cast):
    first, second = _give(cast.deputy, 2)
    client.force_login(cast.deputy)
    answer = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/suggestions/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    client.post("/notifications/read-all/")
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    assert "unread-count" not in client.get("/").content.decode()


def test_a_link_elsewhere_is_never_followed(client, cast):
    n = record(
        [Draft(cast.deputy.pk, "reply_received", "x", {}, link="https://evil.example/")]
    ).created[0]
    client.force_login(cast.deputy)
    answer = client.post(f"/notifications/{n.pk}/read/", {"open": "1"})
    assert answer["Location"] == "/notifications/"


def test_the_api_lists_pages_and_marks_read(client, cast):
    notes = _give(cast.deputy, 3)
    client.force_login(cast.deputy)
    body = client.get("/api/v1/notifications?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["title"] and body["items"][0]["is_read"] is False
    answer = client.post(f"/api/v1/notifications/{notes[0].pk}/read").json()
    assert answer["is_read"] is True
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}


def test_titles_are_in_the_readers_language(client, cast):
    _give(cast.deputy, 1)
    client.force_login(cast.deputy)
    chinese = client.get("/api/v1/notifications").json()
    assert chinese["items"][0]["title"] == "收到答复：第0000号"
    client.cookies["django_language"] = "en"
    english = client.get("/api/v1/notifications").json()
    assert english["items"][0]["title"] == "Reply received: 第0000号"


def test_preferences_through_the_api_and_the_page(client, cast):
    client.force_login(cast.deputy)
    put = client.put(
        "/api/v1/notifications/preferences",
        {"muted_kinds": ["assigned"], "channels": ["sms"], "digest": True},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["channels"] == ["sms"]
    pref = Preference.objects.get(user=cast.deputy)
    assert pref.muted_kinds == ["assigned"] and pref.digest
    bad = client.put(
        "/api/v1/notifications/preferences",
        {"channels": ["wecom"], "wecom_webhook": "https://evil.example/hook"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "wecom_webhook" in bad.json()["detail"]
    unknown = client.put(
        "/api/v1/notifications/preferences", {"channels": ["fax"]}, content_type="application/json"
    )
    assert unknown.status_code == 422
    page = client.post(
        "/notifications/preferences/", {"kinds": ["reply_received"], "channels": ["email"]}
    )
    assert page.status_code == 302
    pref.refresh_from_db()
    assert "reply_received" not in pref.muted_kinds and "assigned" in pref.muted_kinds
    assert pref.channels == ["email"] and not pref.digest
    wrong = client.post("/notifications/preferences/", {"channels": ["dingtalk"]})
    assert wrong.status_code == 422


def test_the_header_count_is_one_query_and_the_inbox_does_not_grow_with_rows(client, cast):
    client.force_login(cast.deputy)
    _give(cast.deputy, 2)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    _give(cast.deputy, 20, "more")
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")
    assert len(many) == len(few)
    counts = [q["sql"] for q in many if "COUNT" in q["sql"].upper() and "read_at" in q["sql"]]
    assert len(counts) == 1  # the header's unread count, once per request
    assert Notification.objects.filter(recipient=cast.deputy).count() == 22
