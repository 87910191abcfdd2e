"""One submission per form: a double post or back + resubmit of the new-suggestion page, and an
API retry with the same Idempotency-Key, create ONE suggestion. (Real concurrent posts:
tests/test_concurrency.py.)"""

import datetime
import re
from unittest.mock import patch

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from minsheng.people.models import ApiToken
from minsheng.suggestions.models import SubmissionKey, Suggestion

pytestmark = pytest.mark.django_db
IN_SESSION = datetime.date(2026, 1, 20)
NEW = reverse("suggestions:new")


def issued_token(client, user):
    client.force_login(user)
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        page = client.get(NEW).content.decode()
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the form carries a one-time token"
    return found.group(1)


def post(client, token, intent="submit", **extra):
    data = {"title": "关于增设公交线路的建议", "body": "建议增设公交线路。", "intent": intent}
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        return client.post(NEW, {**data, "form_token": token, **extra})


@pytest.mark.parametrize("intent", ["submit", "draft"])
def test_posting_the_same_form_twice_makes_one_suggestion(client, cast, intent):
    token = issued_token(client, cast.deputy)
    first = post(client, token, intent)
    again = post(client, token, intent)  # a double click, or back and resubmit
    s = Suggestion.objects.get()
    detail = reverse("suggestions:detail", args=[s.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (again.status_code, again["Location"]) == (302, detail)
    assert s.state == ("submitted" if intent == "submit" else "draft")
    assert list(s.events.values_list("action", flat=True)) == (
        ["create", "submit"] if intent == "submit" else ["create"]
    )
    said = [str(m) for m in get_messages(again.wsgi_request)]
    assert any("already been sent" in m or "已经提交过" in m for m in said)


def test_every_new_form_gets_its_own_token(client, cast):
    assert issued_token(client, cast.deputy) != issued_token(client, cast.deputy)
    post(client, issued_token(client, cast.deputy))
    post(client, issued_token(client, cast.deputy))
    assert Suggestion.objects.count() == 2  # two forms, two deliberate suggestions


def test_a_refused_post_does_not_use_up_the_token(client, cast):
    token = issued_token(client, cast.deputy)
    assert post(client, token, title="").status_code == 422
    assert post(client, token).status_code == 302
    assert Suggestion.objects.count() == 1


def test_the_token_is_one_persons(client, cast):
    token = issued_token(client, cast.deputy)
    post(client, token)
    client.force_login(cast.cosigner)
    assert post(client, token).status_code == 302
    assert Suggestion.objects.count() == 2  # the other deputy's post is their own


def test_a_token_we_did_not_issue_is_ignored_not_an_error(client, cast):
    client.force_login(cast.deputy)
    assert post(client, "<script>").status_code == 302
    assert not SubmissionKey.objects.exists()


def test_the_edit_page_has_no_token(client, cast):
    token = issued_token(client, cast.deputy)
    post(client, token, intent="draft")
    s = Suggestion.objects.get()
    page = client.get(reverse("suggestions:edit", args=[s.pk])).content.decode()
    assert "form_token" not in page


# --- the API: Idempotency-Key ------------------------------------------------------------------


def api_post(client, user, body, key=None):
    _token, raw = ApiToken.issue(user, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/suggestions", body, content_type="application/json", **headers)


BODY = {"title": "关于增设公交站台的建议", "body": "建议增设公交站台。"}


def test_an_api_retry_with_the_same_key_answers_with_the_first_suggestion(client, cast):
    key = "3f1c9a52-7b0e-4d5a-9a61-0c2f9b7e8d11"
    first = api_post(client, cast.deputy, BODY, key)
    again = api_post(client, cast.deputy, BODY, key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] == Suggestion.objects.get().pk
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first


def test_the_same_key_with_another_body_is_refused(client, cast):
    api_post(client, cast.deputy, BODY, "key-1")
    response = api_post(client, cast.deputy, {**BODY, "title": "另一件建议"}, "key-1")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Suggestion.objects.count() == 1


def test_without_a_key_each_post_creates(client, cast):
    api_post(client, cast.deputy, BODY)
    api_post(client, cast.deputy, BODY)
    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 65, "含中文"])
def test_a_malformed_key_is_422(client, cast, key):
    assert api_post(client, cast.deputy, BODY, key).status_code == 422
    assert not Suggestion.objects.exists()


def test_a_refused_create_does_not_use_up_the_key(client, cast):
    response = api_post(client, cast.deputy, {**BODY, "category": 999999}, "key-2")
    assert response.status_code == 422
    assert api_post(client, cast.deputy, BODY, "key-2").status_code == 201


# --- the supervision API: proposing a key item, recording supervision ------------------------


def sup_post(client, user, path, body, key=None):
    _token, raw = ApiToken.issue(user, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/v1{path}", body, content_type="application/json", **headers)


def test_a_retried_key_item_proposal_makes_one_key_item(client, cast):
    from minsheng.supervision.models import KeyItem
    from tests import states

    s = states.handling(cast)
    body = {"title": "农村公路专题", "suggestions": [s.pk], "lead_unit": cast.unit_a.pk}
    first = sup_post(client, cast.staff, "/key-items", body, "ki-1")
    again = sup_post(client, cast.staff, "/key-items", body, "ki-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] == KeyItem.objects.get().pk
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    other = sup_post(client, cast.staff, "/key-items", {**body, "title": "另一个"}, "ki-1")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert sup_post(client, cast.staff, "/key-items", body).status_code == 201
    assert KeyItem.objects.count() == 2  # without a key each post creates


def test_a_refused_proposal_does_not_use_up_the_key(client, cast):
    from tests import states

    s = states.handling(cast)
    bad = {"title": "专题", "suggestions": [s.pk], "lead_unit": 999999}
    assert sup_post(client, cast.staff, "/key-items", bad, "ki-2").status_code == 422
    good = {"title": "专题", "suggestions": [s.pk]}
    assert sup_post(client, cast.staff, "/key-items", good, "ki-2").status_code == 201


def test_one_key_does_not_answer_for_another_endpoint_or_person(client, cast):
    from minsheng.supervision.models import KeyItem
    from tests import states

    s = states.handling(cast)
    sup_post(client, cast.staff, "/key-items", {"title": "专题", "suggestions": [s.pk]}, "k")
    internal = {"kind": "internal", "title": "内部督办", "owner_unit": cast.unit_b.pk}
    assert sup_post(client, cast.clerk_b, "/key-items", internal, "k").status_code == 201
    assert KeyItem.objects.count() == 2
    assert api_post(client, cast.deputy, BODY, "k").status_code == 201


@pytest.mark.parametrize("on", ["key_item", "suggestion"])
def test_a_retried_supervision_record_or_instruction_is_recorded_once(client, cast, on):
    from django.utils import timezone

    from minsheng.supervision import workflow as supervision
    from minsheng.supervision.models import Instruction, Record
    from tests import states

    s = states.handling(cast)
    if on == "key_item":
        item = supervision.propose(
            by=cast.staff,
            jurisdiction_id=cast.jurisdiction.pk,
            title="专题",
            year=timezone.localdate().year,
            suggestions=[s],
            lead_unit=cast.unit_a,
        )
        item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
        base = f"/key-items/{item.pk}/actions"
    else:
        base = f"/suggestions/{s.pk}/supervision"
    record = {
        "kind": "visit",
        "happened_on": timezone.localdate().isoformat(),
        "participants": "副主任",
        "notes": "实地察看。",
    }
    order = {"unit": cast.unit_a.pk, "text": "请报送进展。"}
    for action, body, model in (("supervise", record, Record), ("instruct", order, Instruction)):
        first = sup_post(client, cast.staff, f"{base}/{action}", body, f"{action}-1")
        again = sup_post(client, cast.staff, f"{base}/{action}", body, f"{action}-1")
        assert first.status_code == again.status_code == 200, first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert model.objects.count() == 1
        other = {**body, ("notes" if action == "supervise" else "text"): "另一段话。"}
        changed = sup_post(client, cast.staff, f"{base}/{action}", other, f"{action}-1")
        assert changed.status_code == 422 and "Idempotency-Key" in changed.json()["detail"]
        assert sup_post(client, cast.staff, f"{base}/{action}", body).status_code == 200
        assert model.objects.count() == 2
