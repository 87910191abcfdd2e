"""POST /suggestions/{id}/actions/explain_overdue: a late unit explains in writing (DOMAIN §4)."""

import datetime

import pytest

from minsheng.people.models import ApiToken
from tests import states

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 2)
TEXT = "专项资金尚待财政批复，答复推迟。"


def act(client, user, s, body):
    _token, raw = ApiToken.issue(user, "test")
    return client.post(
        f"/api/v1/suggestions/{s.pk}/actions/explain_overdue",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_explain_overdue_through_the_api(client, cast):
    with states.frozen(ON):
        s = states.handling(cast, on=ON)
    s.refresh_from_db()
    with states.frozen(s.reply_due):
        assert act(client, cast.clerk_a, s, {"text": TEXT}).status_code == 409
    with states.frozen(s.reply_due + datetime.timedelta(days=2)):
        assert act(client, cast.clerk_a, s, {"text": " "}).status_code == 422
        assert act(client, cast.deputy, s, {"text": TEXT}).status_code == 403
        assert act(client, cast.clerk_a, s, {}).status_code == 422  # text is required
        response = act(client, cast.clerk_a, s, {"text": TEXT, "expected_version": s.version})
        assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "handling" and body["version"] == s.version + 1
    event = body["events"][-1]
    assert event["action"] == "explain_overdue" and event["note"] == TEXT
    assert event["unit"] == str(cast.unit_a)
    assert s.events.get(action="explain_overdue").data["days_late"] == 2
