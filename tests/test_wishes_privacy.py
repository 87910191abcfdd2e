"""The wisher's name, phone and address never leave the people who may see them: unique marker
strings in the private fields of wishes in every state, then every public page and public API
answer, and every signed-in page and API answer of a persona who may not see them, is searched
for the markers."""

from __future__ import annotations

import json

import pytest

from minsheng.people.models import ApiToken
from minsheng.wishes import workflow
from minsheng.wishes.models import PRIVATE_FIELDS, Wish
from minsheng.wishes.wall import WALL_FIELDS
from tests import wish_states as ws

pytestmark = pytest.mark.django_db

STATES = ("posted", "verified", "claimed", "fulfilled", "confirmed", "rejected")


@pytest.fixture
def marked(cast, settings, tmp_path):
    """One wish per state; each private field holds a marker no other text contains."""
    settings.MEDIA_ROOT = tmp_path / "media"
    markers: list[str] = []
    wishes: dict[str, Wish] = {}
    for i, state in enumerate(STATES):
        name, phone, address = f"隐名{i}甲乙", f"1390000{i:04d}", f"隐秘路{i}号丙丁"
        markers += [name, phone, address]
        wishes[state] = getattr(ws, state)(
            cast,
            title=f"公开心愿{i}",
            wisher_name=name,
            wisher_phone=phone,
            wisher_address=address,
            **({"by": cast.clerk_a} if state in ("claimed", "fulfilled", "confirmed") else {}),
        )
    # A withdrawn one whose reason repeats the address (a timeline note stays private too).
    withdrawn = ws.verified(cast, title="撤回心愿", wisher_name="撤回人戊己")
    workflow.withdraw(withdrawn, by=cast.staff, reason="撤回人戊己已搬离")
    markers.append("撤回人戊己")
    return wishes, markers


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in text]


def test_the_wall_fields_hold_no_private_field():
    assert not set(WALL_FIELDS) & set(PRIVATE_FIELDS)


def test_nothing_private_on_the_public_wall_or_the_public_api(client, marked):
    wishes, markers = marked
    urls = [
        "/wishes/",
        "/wishes/?show=open",
        "/wishes/?show=claimed",
        "/wishes/?show=fulfilled",
        "/wishes/?group=elderly_alone",
        f"/wishes/?area={wishes['verified'].community_id}",
        "/api/v1/wishes/wall",
        "/api/v1/wishes/wall?show=fulfilled",
        "/api/v1/wishes/totals",
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        text = answer.content.decode()
        assert not _leaks(text, markers), (url, _leaks(text, markers))
        if url.startswith("/api/"):
            assert not _leaks(json.dumps(answer.json(), ensure_ascii=False), markers)
    # The public titles are there: the check searched real pages.
    assert "公开心愿1" in client.get("/wishes/").content.decode()


@pytest.mark.parametrize("who", ["deputy", "head_a", "clerk_b", "supervisor", "committee"])
def test_nothing_private_for_signed_in_people_who_may_not_see_it(client, cast, marked, who):
    wishes, markers = marked
    user = getattr(cast, who)
    client.force_login(user)
    token = ApiToken.issue(user, "leak")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    urls = ["/", "/wishes/", "/wishes/mine/"]
    urls += [f"/wishes/{w.pk}/" for w in wishes.values()]
    for url in urls:
        text = client.get(url).content.decode()
        assert not _leaks(text, markers), (who, url, _leaks(text, markers))
    api = ["/api/v1/wishes", "/api/v1/wishes?page_size=200"]
    api += [f"/api/v1/wishes/{w.pk}" for w in wishes.values()]
    api += [f"/api/v1/wishes/{w.pk}/actions" for w in wishes.values()]
    for url in api:
        answer = client.get(url, **auth)
        # The raw body and the decoded JSON (in case a value were \u-escaped).
        decoded = json.dumps(answer.json(), ensure_ascii=False)
        assert not _leaks(answer.content.decode() + decoded, markers), (who, url)


def test_the_people_who_may_see_them_do(client, cast, marked):
    wishes, _markers = marked
    _org, worker = ws.community(cast)
    for user in (cast.staff, worker):
        client.force_login(user)
        for wish in wishes.values():
            assert wish.wisher_name in client.get(f"/wishes/{wish.pk}/").content.decode()
    client.force_login(cast.clerk_a)  # the claimant, while the claim is open
    assert (
        wishes["claimed"].wisher_name
        in client.get(f"/wishes/{wishes['claimed'].pk}/").content.decode()
    )
    assert (
        wishes["fulfilled"].wisher_name
        not in client.get(f"/wishes/{wishes['fulfilled'].pk}/").content.decode()
    )
