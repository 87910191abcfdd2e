"""The teams and rectifications API: a team entered, an inspection with findings recorded,
the rectification reported and closed through its declared actions; bad input answered with
a 4xx and a reason, never a 500."""

import datetime

import pytest
from django.utils import timezone, translation

from minsheng.ledger.models_teams import Rectification
from minsheng.people.models import ApiToken
from tests import team_states as ts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def auth(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_team_its_inspection_and_a_rectification_through_the_api(client, cast):
    today = timezone.localdate()
    item = ts.item(cast, starts_on=today)
    staff = auth(cast.staff)
    made = client.post(
        "/api/v1/ledger/teams",
        {
            "name": "第三督查组",
            "year": today.year,
            "leader": cast.supervisor.pk,
            "members": [cast.committee.pk],
            "items": [item.pk],
        },
        content_type="application/json",
        **staff,
    )
    assert made.status_code == 201, made.content
    team = made.json()
    assert [m["role"] for m in team["members"]] == ["leader", "member"]
    due = (today + datetime.timedelta(days=10)).isoformat()
    body = {
        "item": item.pk,
        "on": today.isoformat(),
        "findings": [{"problem": "台账不全", "owner_unit": cast.unit_a.pk, "due": due}],
    }
    url = f"/api/v1/ledger/teams/{team['id']}/inspections"
    member = auth(cast.committee)
    answer = client.post(url, body, content_type="application/json", **member)
    assert answer.status_code == 201, answer.content
    rect_id = answer.json()["rectifications"][0]
    clerk = auth(cast.clerk_a)
    offered = client.get(f"/api/v1/ledger/rectifications/{rect_id}/actions", **clerk).json()
    assert [a["name"] for a in offered["actions"]] == ["report"]
    act = f"/api/v1/ledger/rectifications/{rect_id}/actions/"
    done = client.post(
        act + "report",
        {"on": today.isoformat(), "report": "已补齐", "expected_version": offered["version"]},
        content_type="application/json",
        **clerk,
    )
    assert done.status_code == 200 and done.json()["state"] == "reported"
    leader = auth(cast.supervisor)
    closed = client.post(act + "close", {}, content_type="application/json", **leader)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert Rectification.objects.get(pk=rect_id).closed_on == today
    listed = client.get("/api/v1/ledger/rectifications?state=closed", **clerk).json()
    assert [r["id"] for r in listed["items"]] == [rect_id]


def test_bad_input_is_a_4xx_with_a_reason(client, cast):
    today = timezone.localdate()
    item = ts.item(cast, starts_on=today)
    other = ts.item(cast, title="不在组内", starts_on=today)
    team = ts.team(cast, [item])
    member = auth(cast.committee)
    url = f"/api/v1/ledger/teams/{team.pk}/inspections"

    def post(body, who=member, to=url):
        return client.post(to, body, content_type="application/json", **who)

    cases = [
        ({"item": other.pk, "on": today.isoformat()}, 422, "does not cover"),
        ({"item": item.pk, "on": "2999-01-01"}, 422, "future"),
        ({"item": item.pk, "on": "nonsense"}, 422, ""),
        (
            {
                "item": item.pk,
                "on": today.isoformat(),
                "findings": [{"problem": "x", "owner_unit": 999999, "due": today.isoformat()}],
            },
            422,
            "not a handling unit",
        ),
        (
            {
                "item": item.pk,
                "on": today.isoformat(),
                "findings": [{"problem": "x", "owner_unit": cast.unit_a.pk, "due": "2000-01-01"}],
            },
            422,
            "before the inspection",
        ),
        ({"item": item.pk, "on": today.isoformat(), "evil": 1}, 422, ""),
    ]
    for body, code, _why in cases:
        answer = post(body)
        assert answer.status_code == code, (body, answer.content)
        assert answer.json()["detail"], body  # a reason, in the caller's language
    assert (
        post({"item": item.pk, "on": today.isoformat()}, who=auth(cast.clerk_a)).status_code == 404
    )
    rect = ts.inspected(cast, team, item, on=today).rectifications.get()
    act = f"/api/v1/ledger/rectifications/{rect.pk}/actions/"
    clerk = auth(cast.clerk_a)
    assert post({"on": today.isoformat(), "report": ""}, clerk, act + "report").status_code == 422
    stale = post(
        {"on": today.isoformat(), "report": "x", "expected_version": 99}, clerk, act + "report"
    )
    assert stale.status_code == 409 and stale.json()["detail"]
    assert post({}, auth(cast.supervisor), act + "close").status_code == 409
    assert post({}, clerk, act + "nonsense").status_code == 404
    assert client.get("/api/v1/ledger/rectifications/99999999999", **clerk).status_code == 404
