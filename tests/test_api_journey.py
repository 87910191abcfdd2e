"""The whole life of a suggestion through the JSON API alone, each persona with their own token."""

import pytest
from django.utils import timezone

from minsheng.audit.models import Event
from minsheng.people.models import ApiToken
from minsheng.suggestions.models import Category, Suggestion
from tests.states import REPLY

pytestmark = pytest.mark.django_db


class Persona:
    """One person calling the API with a bearer token."""

    def __init__(self, client, user):
        self.client = client
        _token, raw = ApiToken.issue(user, "test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", **self.headers
        )

    def act(self, pk, action, body=None):
        response = self.post(f"/suggestions/{pk}/actions/{action}", body)
        assert response.status_code == 200, response.json()
        return response.json()


def allowed(persona, pk):
    return [a["name"] for a in persona.get(f"/suggestions/{pk}/actions").json()["actions"]]


def test_deputy_to_closed_with_rehandling_through_the_api_alone(client, cast):
    deputy, cosigner, staff = (Persona(client, u) for u in (cast.deputy, cast.cosigner, cast.staff))
    clerk, head = Persona(client, cast.clerk_a), Persona(client, cast.head_a)
    category = Category.objects.create(jurisdiction=cast.jurisdiction, name="交通运输")
    today = timezone.localdate().isoformat()

    # The deputy writes a joint suggestion; the co-signer confirms; the deputy submits.
    cosigner_id = cosigner.get("/me").json()["id"]
    assert cosigner_id == cast.cosigner.pk
    created = deputy.post(
        "/suggestions",
        {
            "title": "关于改善农村公路安全设施的建议",
            "body": "我市农村公路普遍缺少护栏。",
            "category": category.pk,
            "cosigners": [cast.cosigner.deputy_profiles.get().pk],
        },
    )
    assert created.status_code == 201, created.json()
    s = created.json()
    pk = s["id"]
    assert s["state"] == "draft" and s["cosigners"][0]["state"] == "invited"
    assert allowed(cosigner, pk) == ["confirm_cosign"]
    cosigner.act(pk, "confirm_cosign", {"accept": True})
    s = deputy.act(
        pk, "submit", {"expected_version": deputy.get(f"/suggestions/{pk}").json()["version"]}
    )
    assert s["state"] == "submitted"

    # Staff register and assign it to unit A as lead.
    assert "register" in allowed(staff, pk)
    s = staff.act(pk, "register", {})
    assert s["number"] == "第0001号"
    s = staff.act(pk, "assign", {"plan": [{"unit": cast.unit_a.pk, "mode": "lead"}]})
    assert s["state"] == "assigned" and s["due"]["reply_due"]
    assert [a["unit"] for a in s["assignments"]] == ["交通运输厅"]

    # The clerk signs for it, logs a contact and drafts; the head signs and sends.
    assert allowed(clerk, pk) == ["sign", "request_adjustment"]
    s = clerk.act(pk, "sign")
    assert s["state"] == "handling"
    contact = {
        "method": "phone",
        "contacted_on": today,
        "people": "赵敏、代表本人",
        "summary": "电话沟通办理思路。",
    }
    clerk.act(pk, "log_contact", contact)
    s = clerk.act(pk, "draft_reply", REPLY)
    assert s["replies"][0]["state"] == "draft"
    assert deputy.get(f"/suggestions/{pk}").json()["replies"] == []  # drafts stay in the unit
    assert "sign_reply" in allowed(head, pk)
    s = head.act(pk, "sign_reply")
    assert s["state"] == "answered"

    # The deputy is not satisfied: re-handling opens in round 2.
    assert allowed(deputy, pk) == ["rate"]
    s = deputy.act(pk, "rate", {"overall": "unsatisfied", "reasons": "护栏只装了一半。"})
    assert s["state"] == "rehandling" and s["round"] == 2
    assert s["ratings"][0]["overall"] == "unsatisfied"

    clerk.act(pk, "log_contact", {**contact, "stage": "after"})
    clerk.act(pk, "draft_reply", {**REPLY, "text": "剩余护栏已于本月全部安装。"})
    s = head.act(pk, "sign_reply")
    assert s["state"] == "answered"
    s = deputy.act(pk, "rate", {"overall": "satisfied"})
    assert s["state"] == "answered"

    # Staff close it.
    s = staff.act(pk, "close", {"note": "代表满意，办结。", "expected_version": s["version"]})
    assert s["state"] == "closed"
    assert [r["round"] for r in s["replies"]] == [1, 2]
    actions = [e["action"] for e in s["events"]]
    assert actions[0] == "create" and actions[-1] == "close" and "rehandle" in actions
    assert s["version"] == Event.objects.filter(suggestion=pk).count()
    assert Suggestion.objects.get(pk=pk).state == "closed"
    assert deputy.get("/suggestions", state="closed").json()["count"] == 1
