"""The public site's pages and the staff's queue and review pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.disclosure import workflow
from minsheng.disclosure.models import Publication
from tests import disclosure_states as pubs

pytestmark = pytest.mark.django_db


def test_the_public_list_shows_published_suggestions_only(
    client, cast, django_capture_on_commit_callbacks
):
    shown = pubs.published(cast, django_capture_on_commit_callbacks, title="关于修缮乡村小学的建议")
    pubs.pending(cast, django_capture_on_commit_callbacks, title="关于尚未公开的建议")
    page = client.get("/gongkai/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "关于修缮乡村小学的建议" in text and "关于尚未公开的建议" not in text
    assert f"/gongkai/{shown.pk}/" in text
    detail = client.get(f"/gongkai/{shown.pk}/").content.decode()
    assert "经研究，我厅已安排专项资金完成护栏安装。" in detail
    assert "交通运输厅" in detail


def test_filters_narrow_the_list_and_odd_values_are_ignored(
    client, cast, django_capture_on_commit_callbacks
):
    pub = pubs.published(cast, django_capture_on_commit_callbacks, category_code="B")
    assert client.get("/gongkai/?result=A").content.decode().count("pub-card") == 0
    assert client.get("/gongkai/?result=B").content.decode().count('class="pub-card"') == 1
    assert (
        client.get(f"/gongkai/?unit={cast.unit_b.pk}").content.decode().count('class="pub-card"')
        == 0
    )
    assert (
        client.get(f"/gongkai/?unit={pub.unit_id}&year={pub.year}")
        .content.decode()
        .count('class="pub-card"')
        == 1
    )
    for odd in ("?year=%00", "?unit=-1", "?session=9" * 40, "?page=-3", "?category=１２"):
        assert client.get("/gongkai/" + odd).status_code == 200


def test_statistics_count_results_ratings_and_units(
    client, cast, django_capture_on_commit_callbacks
):
    pubs.rated_published(cast, django_capture_on_commit_callbacks, overall="satisfied", title="一")
    pubs.published(cast, django_capture_on_commit_callbacks, category_code="B", title="二")
    from minsheng.disclosure import public

    stats = public.statistics(public.Criteria())
    t = stats["totals"]
    assert (t["total"], t["a"], t["b"], t["satisfied"], t["awaiting"]) == (2, 1, 1, 1, 1)
    assert t["satisfaction_share"] == "100.0%" and t["on_time_share"] == "100.0%"
    assert [u["unit__name"] for u in stats["per_unit"]] == ["交通运输厅"]
    page = client.get("/gongkai/tongji/")
    assert page.status_code == 200 and "交通运输厅" in page.content.decode()


def test_the_public_list_costs_the_same_queries_for_few_and_many(
    client, cast, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    pubs.published(cast, django_capture_on_commit_callbacks, title="第一件")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get("/gongkai/")
    for i in range(4):
        pubs.published(cast, django_capture_on_commit_callbacks, title=f"第{i}件")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/gongkai/")
    assert len(many) == len(few)
    # Between two changes the filter options come from the cache: the version read, the
    # count and the page's rows.
    with CaptureQueriesContext(connection) as again:
        client.get("/gongkai/")
    assert len(again) == len(few) - 5


def test_the_filter_options_follow_a_new_publication(
    client, cast, django_capture_on_commit_callbacks
):
    """The options are cached under the event log's head: a renamed unit (no event) keeps its
    old name in the options until the next publication moves the head."""
    from minsheng.audit import log
    from minsheng.people.models import Organisation

    pub = pubs.published(cast, django_capture_on_commit_callbacks, title="第一件")
    log.seal()  # what the commit does (the tests' transaction never commits)
    assert "交通运输厅</option>" in client.get("/gongkai/").content.decode()
    Organisation.objects.filter(pk=pub.unit_id).update(name="交通运输厅（新名）")
    assert "交通运输厅</option>" in client.get("/gongkai/").content.decode()
    pubs.published(cast, django_capture_on_commit_callbacks, title="第二件")
    log.seal()
    assert "交通运输厅（新名）</option>" in client.get("/gongkai/").content.decode()


def test_the_queue_lists_what_is_due_and_publishes_a_batch(
    client, cast, django_capture_on_commit_callbacks
):
    one = pubs.pending(cast, django_capture_on_commit_callbacks, title="第一件")
    two = pubs.pending(cast, django_capture_on_commit_callbacks, title="第二件")
    client.force_login(cast.staff)
    page = client.get("/gongkai/staff/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "第一件" in text and "第二件" in text
    response = client.post("/gongkai/staff/batch/", {"ids": [one.pk, two.pk]})
    assert response.status_code == 302
    assert Publication.objects.filter(state="published").count() == 2
    with CaptureQueriesContext(connection) as few:
        client.get("/gongkai/staff/?state=all")
    pubs.pending(cast, django_capture_on_commit_callbacks, title="第三件")
    pubs.pending(cast, django_capture_on_commit_callbacks, title="第四件")
    with CaptureQueriesContext(connection) as many:
        client.get("/gongkai/staff/?state=all")
    assert len(many) == len(few)


def test_the_review_page_masks_by_hand_and_publishes(
    client, cast, django_capture_on_commit_callbacks
):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    client.force_login(cast.staff)
    page = client.get(f"/gongkai/staff/{pub.pk}/")
    assert page.status_code == 200 and "data-mask-form" in page.content.decode()
    response = client.post(
        f"/gongkai/staff/{pub.pk}/act/mask/",
        {"piece": "body", "text": "警示标志", "expected_version": pub.version},
    )
    assert response.status_code == 302
    pub.refresh_from_db()
    assert pub.spans["body"][0][2] == "manual"
    stale = client.post(
        f"/gongkai/staff/{pub.pk}/act/mask/",
        {"piece": "body", "text": "护栏", "expected_version": 0},
    )
    assert stale.status_code == 409
    bad = client.post(
        f"/gongkai/staff/{pub.pk}/act/mask/",
        {"piece": "body", "text": "", "expected_version": pub.version},
    )
    assert bad.status_code == 422
    response = client.post(
        f"/gongkai/staff/{pub.pk}/act/publish/", {"expected_version": pub.version}
    )
    assert response.status_code == 302
    public = client.get(f"/gongkai/{pub.pk}/").content.decode()
    assert "警示标志" not in public and "＊＊＊" in public


def test_a_confidential_record_cannot_be_queued_from_its_page(
    client, cast, django_capture_on_commit_callbacks
):
    _s, pub = pubs.answered(cast, django_capture_on_commit_callbacks, is_confidential=True)
    client.force_login(cast.staff)
    page = client.get(f"/gongkai/staff/{pub.pk}/").content.decode()
    assert "reopen" not in page
    response = client.post(
        f"/gongkai/staff/{pub.pk}/act/reopen/", {"expected_version": pub.version}
    )
    assert response.status_code == 409
    assert "涉密" in response.content.decode()


def test_the_staff_pages_are_staff_only(client, cast, django_capture_on_commit_callbacks):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    for user in (cast.deputy, cast.clerk_a, cast.supervisor):
        client.force_login(user)
        assert client.get("/gongkai/staff/").status_code == 403
        assert client.get(f"/gongkai/staff/{pub.pk}/").status_code == 404
    client.force_login(cast.outsider)
    assert client.get(f"/gongkai/staff/{pub.pk}/").status_code == 404
    workflow.publish(pub, by=cast.staff)


def test_each_filter_option_is_listed_once(client, cast, django_capture_on_commit_callbacks):
    from minsheng.disclosure import public

    for i in range(3):
        pubs.published(cast, django_capture_on_commit_callbacks, title=f"同一单位{i}")
    found = public.choices()
    assert len(found["unit"]) == 1 and len(found["year"]) == 1
    assert len(found["category"]) == 1 and len(found["delegation"]) == 1
    text = client.get("/gongkai/").content.decode()
    # Within the unit filter (on PostgreSQL a unit's id may be a year, such as 2026).
    units = text.split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert units.count(f'<option value="{cast.unit_a.pk}"') == 1


def test_the_statistics_are_cached_until_the_next_change(
    client, cast, django_capture_on_commit_callbacks
):
    """The statistics page and API read one grouped query per event-log head: a second view
    reads none, a publication (a new head) is counted at once."""
    from minsheng.audit import log

    pubs.published(cast, django_capture_on_commit_callbacks, title="第一件")
    log.seal()  # what the commit does (the tests' transaction never commits)
    assert client.get("/api/v1/public/statistics").json()["totals"]["total"] == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/v1/public/statistics").json()["totals"]["total"] == 1
    assert not any("GROUP BY" in q["sql"] for q in again.captured_queries)
    pubs.published(cast, django_capture_on_commit_callbacks, title="第二件")
    log.seal()
    assert client.get("/api/v1/public/statistics").json()["totals"]["total"] == 2
    assert "2" in client.get("/gongkai/tongji/").content.decode()
