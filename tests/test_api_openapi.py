"""The OpenAPI document describes every suggestions endpoint, its body and its answers."""

import pytest

from minsheng.suggestions import workflow

pytestmark = pytest.mark.django_db

BASE = "/api/v1/suggestions"


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_list_create_detail_and_actions_are_documented(schema):
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[BASE])
    assert "get" in paths[BASE + "/{suggestion_id}"]
    assert "get" in paths[BASE + "/{suggestion_id}/actions"]
    listing = paths[BASE]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {
        "state",
        "session",
        "category",
        "unit",
        "deputy",
        "overdue",
        "warning",
        "key",
        "q",
        "page",
        "page_size",
    } <= params
    assert listing["summary"] and listing["tags"] == ["suggestions"]
    assert "201" in paths[BASE]["post"]["responses"]


def test_every_workflow_action_has_its_own_documented_endpoint(schema):
    for name in workflow.ACTIONS:
        path = schema["paths"][f"{BASE}/{{suggestion_id}}/actions/{name}"]["post"]
        assert path["summary"], name
        assert path["tags"] == ["suggestion actions"]
        assert {"200", "403", "404", "409", "422"} <= set(path["responses"]), name
        assert "requestBody" in path, name
        ok = path["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": "#/components/schemas/SuggestionDetail"}


def test_action_bodies_are_in_the_components(schema):
    components = schema["components"]["schemas"]
    rate = components["RateIn"]
    assert rate["required"] == ["overall"]
    assert rate["properties"]["overall"]["enum"] == ["satisfied", "basically", "unsatisfied"]
    assert rate["additionalProperties"] is False
    assert "plan" in components["AssignIn"]["required"]
    detail = components["SuggestionDetail"]["properties"]
    for field in (
        "state",
        "number",
        "assignments",
        "due",
        "warning",
        "replies",
        "ratings",
        "events",
        "contacts",
        "joint_opinions",
        "extension_requests",
        "adjustment_requests",
        "version",
    ):
        assert field in detail, field


def test_the_catch_all_for_unknown_actions_is_not_documented(schema):
    assert f"{BASE}/{{suggestion_id}}/actions/{{action}}" not in schema["paths"]


def test_a_body_that_is_not_json_is_a_documented_400(schema, client, cast):
    """schemathesis found it: the 400 for a body that is not JSON was not in the schema."""
    from minsheng.people.models import ApiToken

    _token, raw = ApiToken.issue(cast.deputy, "t")
    response = client.post(
        BASE,
        b"\xff\xfe{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert "400" in schema["paths"][BASE]["post"]["responses"]
    for name in workflow.ACTIONS:
        assert (
            "400"
            in schema["paths"][f"{BASE}/{{suggestion_id}}/actions/{name}"]["post"]["responses"]
        )
