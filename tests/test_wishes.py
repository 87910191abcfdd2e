"""Micro-wishes (微心愿): the state machine on the shared engine, who may do what, exactly one
claimant, the evidence, the public wall and its totals, and the private fields kept off every
public page and API answer."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse

from minsheng.audit import log
from minsheng.audit.models import Event
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.wishes import permissions as perms
from minsheng.wishes import workflow
from minsheng.wishes.actions import WISHES
from minsheng.wishes.models import Evidence, Wish
from tests import wish_states as ws

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the state machine ----------------------------------------------------------------------


def test_a_wish_goes_posted_verified_claimed_fulfilled_confirmed_with_one_event_each(cast):
    wish = ws.confirmed(cast)
    assert wish.state == Wish.State.CONFIRMED
    actions = list(wish.events.order_by("pk").values_list("action", "from_state", "to_state"))
    assert actions == [
        ("create", "", "posted"),
        ("verify", "posted", "verified"),
        ("claim", "verified", "claimed"),
        ("fulfil", "claimed", "fulfilled"),
        ("confirm", "fulfilled", "confirmed"),
    ]
    assert wish.version == 5
    assert wish.claimed_by == cast.deputy and wish.fulfilled_at and wish.confirmed_at
    assert wish.evidence.count() == 1


def test_staff_reject_a_posted_wish_with_a_reason(cast):
    wish = ws.posted(cast)
    with pytest.raises(Invalid):
        workflow.reject(wish, by=cast.staff, reason="  ")
    wish = workflow.reject(wish, by=cast.staff, reason="不属于微心愿范围")
    assert wish.state == Wish.State.REJECTED
    assert wish.events.get(action="reject").note == "不属于微心愿范围"


def test_only_staff_of_the_congress_verify(cast):
    wish = ws.posted(cast)
    _org, worker = ws.community(cast)
    for person in (cast.deputy, cast.clerk_a, worker, cast.outsider, cast.supervisor):
        with pytest.raises(NotAllowed):
            workflow.verify(wish, by=person)
    assert workflow.verify(wish, by=cast.admin).state == Wish.State.VERIFIED


def test_a_posted_wish_cannot_be_claimed_before_it_is_verified(cast):
    wish = ws.posted(cast)
    with pytest.raises(Conflict):
        workflow.claim(wish, by=cast.deputy)


@pytest.mark.parametrize("who", ["deputy", "clerk_a", "head_a", "committee"])
def test_a_deputy_a_unit_or_a_committee_member_may_claim(cast, who):
    wish = workflow.claim(ws.verified(cast), by=getattr(cast, who))
    assert wish.state == Wish.State.CLAIMED
    assert wish.claimed_by == getattr(cast, who)


def test_the_wall_names_a_deputy_by_name_and_a_clerk_by_the_unit(cast):
    assert ws.claimed(cast, by=cast.deputy).claimant_name.endswith("代表")
    assert ws.claimed(cast, by=cast.clerk_a).claimant_name == cast.unit_a.name
    assert ws.claimed(cast, by=cast.committee).claimant_name == cast.committee_org.name


@pytest.mark.parametrize("who", ["staff", "supervisor", "outsider"])
def test_others_may_not_claim(cast, who):
    with pytest.raises(NotAllowed):
        workflow.claim(ws.verified(cast), by=getattr(cast, who))


def test_a_second_claim_is_refused_naming_the_first_claimant(cast):
    wish = ws.claimed(cast, by=cast.deputy)
    with pytest.raises(Conflict) as refused:
        workflow.claim(wish, by=cast.clerk_a)
    assert "已被" in refused.value.message or "already claimed" in refused.value.message
    assert wish.claimant_name in refused.value.message
    with pytest.raises(Conflict):
        workflow.claim(wish, by=cast.deputy)
    wish.refresh_from_db()
    assert wish.claimed_by == cast.deputy
    assert wish.events.filter(action="claim").count() == 1


def test_the_claimant_may_release_and_someone_else_claims(cast):
    wish = ws.claimed(cast, by=cast.deputy)
    with pytest.raises(NotAllowed):
        workflow.release(wish, by=cast.clerk_a)
    wish = workflow.release(wish, by=cast.deputy, note="时间冲突")
    assert (wish.state, wish.claimed_by, wish.claimant_name) == ("verified", None, "")
    wish = workflow.claim(wish, by=cast.clerk_a)
    assert wish.claimed_by == cast.clerk_a


def test_only_the_claimant_fulfils_and_only_with_a_note_and_evidence(cast):
    wish = ws.claimed(cast, by=cast.deputy)
    with pytest.raises(NotAllowed):
        workflow.fulfil(wish, by=cast.clerk_a, note="已送到", evidence=ws.evidence())
    with pytest.raises(Invalid):
        workflow.fulfil(wish, by=cast.deputy, note="已送到", evidence=[])
    with pytest.raises(Invalid):
        workflow.fulfil(wish, by=cast.deputy, note=" ", evidence=ws.evidence())
    assert Evidence.objects.count() == 0
    wish = workflow.fulfil(wish, by=cast.deputy, note="已送到", evidence=ws.evidence())
    assert wish.state == Wish.State.FULFILLED
    assert wish.evidence.get().original_name == "送达.png"


def test_the_community_confirms_not_the_claimant(cast):
    wish = ws.fulfilled(cast)
    for person in (cast.deputy, cast.clerk_a):
        with pytest.raises(NotAllowed):
            workflow.confirm(wish, by=person)
    _org, worker = ws.community(cast)
    assert workflow.confirm(wish, by=worker).state == Wish.State.CONFIRMED


def test_staff_withdraw_an_open_wish_even_a_claimed_one(cast):
    wish = ws.claimed(cast)
    wish = workflow.withdraw(wish, by=cast.staff, reason="心愿人已搬离")
    assert (wish.state, wish.claimed_by) == ("withdrawn", None)
    with pytest.raises(Conflict):
        workflow.withdraw(ws.fulfilled(cast), by=cast.staff, reason="x")
    with pytest.raises(NotAllowed):
        workflow.withdraw(ws.verified(cast), by=cast.deputy, reason="x")


def test_a_stale_version_is_a_conflict(cast):
    wish = ws.posted(cast)
    with pytest.raises(Conflict):
        workflow.verify(wish, by=cast.staff, expected_version=wish.version - 1)


def test_the_database_refuses_a_claimed_wish_without_claimant(cast):
    from django.db import IntegrityError, transaction

    wish = ws.verified(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wish.objects.filter(pk=wish.pk).update(state=Wish.State.CLAIMED)


def test_buttons_come_from_the_declarations(cast):
    wish = ws.verified(cast)
    assert WISHES.offered(cast.deputy, wish) == ["claim"]
    assert WISHES.offered(cast.staff, wish) == ["withdraw"]
    wish = workflow.claim(wish, by=cast.deputy)
    assert WISHES.offered(cast.deputy, wish) == ["release", "fulfil"]
    assert WISHES.offered(cast.clerk_a, wish) == []


def test_every_event_is_in_the_audit_chain(cast):
    ws.confirmed(cast)
    assert Event.objects.filter(action__in=["verify", "claim", "fulfil", "confirm"]).count() == 4


# --- posting ----------------------------------------------------------------------------------


def test_only_community_workers_and_staff_post_and_a_worker_only_for_their_community(cast):
    org, worker = ws.community(cast)
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(
        jurisdiction=cast.jurisdiction, name="光明社区", kind="community", is_handling_unit=False
    )
    base = {
        "title": "书包",
        "category": "study",
        "group": "left_behind_child",
        "wisher_name": "小明",
    }
    with pytest.raises(NotAllowed):
        workflow.post(by=cast.deputy, community=org, **base)
    with pytest.raises(NotAllowed):
        workflow.post(by=worker, community=other, **base)
    assert workflow.post(by=cast.staff, community=other, **base).state == "posted"


def test_a_phone_number_in_the_public_text_is_refused(cast):
    with pytest.raises(Invalid):
        ws.posted(cast, title="请联系13912345678")
    with pytest.raises(Invalid):
        ws.posted(cast, description="电话 0871-1234567")


def test_vulnerable_groups_come_first(cast):
    other = ws.verified(cast, title="其他", group=Wish.Group.OTHER)
    alone = ws.verified(cast, title="独居", group=Wish.Group.ELDERLY_ALONE)
    child = ws.verified(cast, title="留守", group=Wish.Group.LEFT_BEHIND_CHILD)
    order = list(Wish.objects.public().in_default_order().values_list("pk", flat=True))
    assert order == [child.pk, alone.pk, other.pk]


# --- who sees what ------------------------------------------------------------------------------


def test_visibility_of_each_state(cast):
    posted, public = ws.posted(cast), ws.verified(cast)
    _org, worker = ws.community(cast)
    for person in (cast.staff, cast.admin, worker):
        assert set(Wish.objects.visible_to(person)) == {posted, public}
    for person in (cast.deputy, cast.clerk_b, cast.supervisor):
        assert list(Wish.objects.visible_to(person)) == [public]
    assert list(Wish.objects.visible_to(cast.outsider)) == []


def test_private_fields_are_seen_by_staff_community_and_the_claimant_while_claimed(cast):
    _org, worker = ws.community(cast)
    wish = ws.claimed(cast, by=cast.clerk_a)
    for person in (cast.staff, cast.admin, worker, cast.clerk_a):
        assert perms.can_see_private(person, wish), person
    for person in (cast.deputy, cast.head_a, cast.clerk_b, cast.supervisor, cast.outsider):
        assert not perms.can_see_private(person, wish), person
    wish = workflow.fulfil(wish, by=cast.clerk_a, note="已送达", evidence=ws.evidence())
    assert not perms.can_see_private(cast.clerk_a, wish)
    assert perms.can_see_private(worker, wish)


# --- pages --------------------------------------------------------------------------------------


def test_the_wall_needs_no_login_and_filters_by_show_area_and_group(cast, client):
    open_ = ws.verified(cast, title="开放心愿", group=Wish.Group.DISABLED)
    done = ws.fulfilled(cast, title="完成心愿", group=Wish.Group.OTHER)
    ws.posted(cast, title="未审核心愿")
    page = client.get("/wishes/").content.decode()
    assert "开放心愿" in page and "完成心愿" in page and "未审核心愿" not in page
    page = client.get("/wishes/?show=fulfilled").content.decode()
    assert "完成心愿" in page and "开放心愿" not in page
    page = client.get("/wishes/?group=disabled").content.decode()
    assert "开放心愿" in page and "完成心愿" not in page
    page = client.get(f"/wishes/?area={open_.community_id}").content.decode()
    assert "开放心愿" in page
    assert done.claimant_name in page  # the totals per claimant
    for nonsense in ("?show=x", "?area=abc", "?area=99999999999999", "?group=x", "?page=zz"):
        assert client.get("/wishes/" + nonsense).status_code == 200


def test_the_wall_takes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries):
    for i in range(3):
        ws.fulfilled(cast, title=f"心愿{i}")
    with django_assert_max_num_queries(8) as few:
        client.get("/wishes/")
    for i in range(12):
        ws.verified(cast, title=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/wishes/")


def _wall_count(client, url="/wishes/"):
    page = client.get(url).content.decode()
    return int(re.search(r'data-testid="count">\D*([\d,]+)', page).group(1).replace(",", ""))


def test_the_walls_count_and_totals_follow_the_event_log_head(
    cast, client, django_assert_num_queries
):
    """The count and the totals read every public wish: they are kept under the event log's
    head, so a visitor's page between two changes reads only its cards, and every change
    (an event, sealed once committed) shows on the next page."""
    ws.verified(cast, title="第一个心愿")
    log.seal()
    assert _wall_count(client) == 1
    with django_assert_num_queries(2) as kept:  # the head, the cards
        client.get("/wishes/")
    assert "COUNT" not in " ".join(q["sql"].upper() for q in kept.captured_queries)
    ws.fulfilled(cast, title="第二个心愿")  # verify, claim, fulfil: three events
    log.seal()
    assert _wall_count(client) == 2
    assert _wall_count(client, "/wishes/?show=fulfilled") == 1
    page = client.get("/wishes/").content.decode()
    assert cast.deputy.display_name in page.split('data-testid="per-claimant"')[1]
    totals = client.get("/api/v1/wishes/totals").json()
    assert [a["total"] for a in totals["per_area"]] == [2]
    assert [(c["total"], c["fulfilled"]) for c in totals["per_claimant"]] == [(1, 1)]
    assert client.get("/api/v1/wishes/wall").json()["count"] == 2


def test_posting_through_the_page_and_a_bad_post_is_a_422_with_errors(cast, client):
    org, worker = ws.community(cast)
    client.force_login(worker)
    assert client.get("/wishes/new/").status_code == 200
    bad = client.post("/wishes/new/", {"community": org.pk, "title": "", "group": "nonsense"})
    assert bad.status_code == 422
    assert "error-summary" in bad.content.decode()
    phone = client.post(
        "/wishes/new/",
        {
            "community": org.pk,
            "title": "电话13912345678",
            "category": "daily",
            "group": "other",
            "wisher_name": "张三",
        },
    )
    assert phone.status_code == 422
    ok = client.post(
        "/wishes/new/",
        {
            "community": org.pk,
            "title": "一袋大米",
            "category": "daily",
            "group": "low_income",
            "wisher_name": "张三",
        },
    )
    wish = Wish.objects.get(title="一袋大米")
    assert ok.status_code == 302 and ok["Location"] == reverse("wishes:detail", args=[wish.pk])
    client.force_login(cast.deputy)
    assert client.get("/wishes/new/").status_code == 403


def test_actions_through_the_pages_with_evidence_upload(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    wish = ws.verified(cast)
    client.force_login(cast.deputy)
    url = reverse("wishes:act", args=[wish.pk, "claim"])
    assert client.post(url, {"expected_version": wish.version}).status_code == 302
    wish.refresh_from_db()
    fulfil = reverse("wishes:act", args=[wish.pk, "fulfil"])
    missing = client.post(fulfil, {"expected_version": wish.version, "note": "已送达"})
    assert missing.status_code == 422
    fake = SimpleUploadedFile("photo.png", b"not really a png")
    refused = client.post(
        fulfil, {"expected_version": wish.version, "note": "已送达", "evidence": fake}
    )
    assert refused.status_code == 422 and "photo.png" in refused.content.decode()
    good = SimpleUploadedFile("photo.png", ws.PNG)
    done = client.post(
        fulfil, {"expected_version": wish.version, "note": "已送达", "evidence": good}
    )
    assert done.status_code == 302
    wish.refresh_from_db()
    assert wish.state == "fulfilled"
    evidence = wish.evidence.get()
    client.force_login(cast.clerk_a)
    second = client.post(url)
    assert second.status_code in (403, 409)
    assert client.get(reverse("wishes:evidence", args=[evidence.pk])).status_code == 404
    client.force_login(cast.staff)
    assert client.get(reverse("wishes:evidence", args=[evidence.pk])).status_code == 200


def test_a_second_claimant_on_the_page_gets_a_clear_refusal(cast, client):
    wish = ws.claimed(cast, by=cast.deputy)
    client.force_login(cast.clerk_a)
    answer = client.post(reverse("wishes:act", args=[wish.pk, "claim"]))
    assert answer.status_code == 409
    assert wish.claimant_name in answer.content.decode()


def test_the_queue_is_for_staff_and_mine_lists_claims(cast, client):
    ws.posted(cast, title="待审核")
    ws.claimed(cast, by=cast.deputy, title="我认领的")
    client.force_login(cast.staff)
    assert "待审核" in client.get("/wishes/queue/").content.decode()
    client.force_login(cast.deputy)
    assert client.get("/wishes/queue/").status_code == 403
    assert "我认领的" in client.get("/wishes/mine/").content.decode()


def test_home_panels_for_staff_claimants_and_the_community(cast, client):
    ws.posted(cast, title="等审核的心愿")
    ws.claimed(cast, by=cast.deputy, title="要完成的心愿")
    ws.fulfilled(cast, by=cast.clerk_a, title="待确认的心愿")
    _org, worker = ws.community(cast)
    client.force_login(cast.staff)
    assert "等审核的心愿" in client.get("/").content.decode()
    client.force_login(cast.deputy)
    assert "要完成的心愿" in client.get("/").content.decode()
    client.force_login(worker)
    assert "待确认的心愿" in client.get("/").content.decode()


# --- the API ------------------------------------------------------------------------------------


def _auth(user):
    from minsheng.people.models import ApiToken

    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


def test_api_journey_with_base64_evidence(cast, client):
    org, worker = ws.community(cast)
    made = client.post(
        "/api/v1/wishes",
        {
            "community": org.pk,
            "title": "一副老花镜",
            "category": "health",
            "group": "elderly_alone",
            "wisher_name": "李大爷",
        },
        content_type="application/json",
        **_auth(worker),
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["private"]["wisher_name"] == "李大爷"
    act = f"/api/v1/wishes/{pk}/actions/"
    staff, deputy = _auth(cast.staff), _auth(cast.deputy)
    assert (
        client.post(act + "verify", {}, content_type="application/json", **staff).status_code == 200
    )
    claimed = client.post(act + "claim", {}, content_type="application/json", **deputy)
    assert claimed.json()["state"] == "claimed"
    again = client.post(act + "claim", {}, content_type="application/json", **_auth(cast.clerk_a))
    assert again.status_code == 409 and claimed.json()["claimant_name"] in again.json()["detail"]
    bad = client.post(
        act + "fulfil",
        {"note": "已送达", "evidence": [{"name": "a.png", "content_base64": "bm90IGEgcG5n"}]},
        content_type="application/json",
        **deputy,
    )
    assert bad.status_code == 422
    done = client.post(
        act + "fulfil",
        {
            "note": "已送达",
            "evidence": [{"name": "a.png", "content_base64": base64.b64encode(ws.PNG).decode()}],
        },
        content_type="application/json",
        **deputy,
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "fulfilled"
    confirmed = client.post(act + "confirm", {}, content_type="application/json", **_auth(worker))
    assert confirmed.json()["state"] == "confirmed"
    assert client.get(f"/api/v1/wishes/{pk}", **deputy).json()["private"] is None


def test_api_post_refusals(cast, client):
    org, _worker = ws.community(cast)
    body = {
        "community": org.pk,
        "title": "x",
        "category": "daily",
        "group": "other",
        "wisher_name": "y",
    }
    assert (
        client.post(
            "/api/v1/wishes", body, content_type="application/json", **_auth(cast.deputy)
        ).status_code
        == 403
    )
    nul = {**body, "title": "a\x00b"}
    assert (
        client.post(
            "/api/v1/wishes", nul, content_type="application/json", **_auth(cast.staff)
        ).status_code
        == 422
    )
    phone = {**body, "title": "电话13912345678"}
    assert (
        client.post(
            "/api/v1/wishes", phone, content_type="application/json", **_auth(cast.staff)
        ).status_code
        == 422
    )


def test_the_public_wall_api_needs_no_token(cast, client):
    ws.verified(cast, title="公开心愿")
    answer = client.get("/api/v1/wishes/wall")
    assert answer.status_code == 200
    assert [row["title"] for row in answer.json()["items"]] == ["公开心愿"]
    assert client.get("/api/v1/wishes/totals").status_code == 200
    assert client.get("/api/v1/wishes").status_code == 401


def test_an_action_the_person_may_not_take_is_refused_on_the_wish_page_with_its_reason(
    cast, client
):
    """engine.pages: a 403 is the record's own page with the reason beside the form, not a bare
    error page, and nothing changes."""
    from django.utils import translation

    from minsheng.wishes.actions import WISHES

    wish = ws.posted(cast)
    _org, worker = ws.community(cast)
    client.force_login(worker)
    client.cookies["django_language"] = "en"
    answer = client.post(reverse("wishes:act", args=[wish.pk, "verify"]))
    assert answer.status_code == 403
    with translation.override("en"):
        reason = WISHES.refusal("verify", worker, wish).message
    page = answer.content.decode()
    assert reason and reason in page
    assert wish.title in page
    wish.refresh_from_db()
    assert wish.state == Wish.State.POSTED
    assert client.post(reverse("wishes:act", args=[wish.pk, "no-such"])).status_code == 404


def test_the_export_writes_what_the_person_may_see_and_private_cells_only_where_allowed(
    cast, client
):
    import io

    from openpyxl import load_workbook

    def sheet(**params):
        answer = client.get(reverse("wishes:export"), params)
        assert answer.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
        rows = list(book.active.iter_rows(values_only=True))
        return rows[0], {r[1]: r for r in rows[1:]}

    posted = ws.posted(cast, title="一台收音机")
    claimed = ws.claimed(cast, by=cast.deputy, title="一副老花镜")
    client.force_login(cast.staff)
    header, rows = sheet()
    assert header[-3:] == ("心愿人", "联系电话", "地址")
    assert set(rows) == {posted.title, claimed.title}
    assert rows[posted.title][-2] == "13912345678"  # staff see the private fields
    _header, rows = sheet(state="posted")
    assert set(rows) == {posted.title}
    # The claimant sees the public wishes; private cells only on the one they hold.
    client.force_login(cast.deputy)
    _header, rows = sheet()
    assert posted.title not in rows  # posted, not verified: not theirs to see
    assert rows[claimed.title][-3:] == ("王秀英", "13912345678", "幸福里小区3栋2单元101")
    # Someone else of the congress: the public row, no private cell.
    client.force_login(cast.clerk_a)
    _header, rows = sheet()
    assert rows[claimed.title][-3:] == (None, None, None)
    assert "13912345678" not in repr(rows)
    client.logout()
    assert client.get(reverse("wishes:export")).status_code == 302


def test_api_post_with_an_idempotency_key_makes_one_wish(cast, client):
    org, worker = ws.community(cast)
    body = {
        "community": org.pk,
        "title": "一台助听器",
        "category": "health",
        "group": "disabled",
        "wisher_name": "周阿姨",
    }
    headers = {**_auth(worker), "HTTP_IDEMPOTENCY_KEY": "c0ffee-1"}
    first = client.post("/api/v1/wishes", body, content_type="application/json", **headers)
    again = client.post("/api/v1/wishes", body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Wish.objects.filter(title="一台助听器").count() == 1
    other = client.post(
        "/api/v1/wishes",
        {**body, "title": "另一件"},
        content_type="application/json",
        **headers,
    )
    assert other.status_code == 422
    # A refused post does not use the key up.
    refused = client.post(
        "/api/v1/wishes",
        {**body, "title": "电话13912345678"},
        content_type="application/json",
        **{**headers, "HTTP_IDEMPOTENCY_KEY": "c0ffee-2"},
    )
    assert refused.status_code == 422
    fixed = client.post(
        "/api/v1/wishes",
        {**body, "title": "一根拐杖"},
        content_type="application/json",
        **{**headers, "HTTP_IDEMPOTENCY_KEY": "c0ffee-2"},
    )
    assert fixed.status_code == 201
