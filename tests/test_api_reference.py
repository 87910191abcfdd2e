"""Reference data in the API: deputies, organisations, categories, terms, sessions.

Read-only, searchable, paginated, visible as on the pages, and never a deputy's contact details."""

from __future__ import annotations

import pytest

from minsheng.people.models import ApiToken, Organisation, Session
from minsheng.suggestions.models import Category
from tests.conftest import PERSONAS
from tests.factories import DeputyFactory, OrganisationFactory, SessionFactory, TermFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
ENDPOINTS = ("deputies", "organisations", "categories", "terms", "sessions")


def get(client, user, path, **params):
    headers = {}
    if user is not None:
        _token, raw = ApiToken.issue(user, "tests")
        headers["Authorization"] = f"Bearer {raw}"
    return client.get(API + path, params, headers=headers)


@pytest.fixture
def world(cast):
    """The cast's congress with a category tree, plus a second congress with its own data."""
    top = Category.objects.create(jurisdiction=cast.jurisdiction, name="交通运输", sort_order=1)
    Category.objects.create(jurisdiction=cast.jurisdiction, name="农村公路", parent=top)
    Category.objects.create(jurisdiction=cast.jurisdiction, name="教育", sort_order=2)
    other_term = TermFactory(jurisdiction=cast.other_jurisdiction, number=13, name="第十三届")
    SessionFactory(term=other_term, number=1)
    OrganisationFactory(jurisdiction=cast.other_jurisdiction, name="外省交通厅")
    DeputyFactory(
        user__username="far_deputy",
        user__real_name="远方代表",
        user__jurisdiction=cast.other_jurisdiction,
        term=other_term,
    )
    Category.objects.create(jurisdiction=cast.other_jurisdiction, name="外省类别")
    return cast


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_gets_401_json(client, world, endpoint):
    response = get(client, None, f"/{endpoint}")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_everyone_sees_only_their_own_congress(client, world, persona, endpoint):
    user = getattr(world, persona)
    response = get(client, user, f"/{endpoint}", page_size=200)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) > 0
    own = world.other_jurisdiction if persona == "outsider" else world.jurisdiction
    assert {item["jurisdiction"]["id"] for item in body["items"]} == {own.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_administrator_sees_every_congress(client, world, endpoint):
    body = get(client, world.admin, f"/{endpoint}", page_size=200).json()
    assert {item["jurisdiction"]["id"] for item in body["items"]} == {
        world.jurisdiction.pk,
        world.other_jurisdiction.pk,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_congress_record_is_404_and_a_huge_id_too(client, world, endpoint):
    mine = get(client, world.staff, f"/{endpoint}").json()["items"][0]["id"]
    theirs = get(client, world.outsider, f"/{endpoint}").json()["items"][0]["id"]
    assert get(client, world.staff, f"/{endpoint}/{mine}").json()["id"] == mine
    for pk in (theirs, 2**63, 10**30, 0):
        response = get(client, world.staff, f"/{endpoint}/{pk}")
        assert response.status_code == 404, pk
        assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_non_integer_id_is_a_404(client, world, endpoint):
    response = get(client, world.staff, f"/{endpoint}/abc")
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_bad_filters_are_422_never_500(client, world, endpoint):
    for params in ({"page": 0}, {"page_size": 201}, {"jurisdiction": 2**63}, {"jurisdiction": "x"}):
        response = get(client, world.staff, f"/{endpoint}", **params)
        assert response.status_code == 422, params
        assert response.json()["detail"]


def test_deputies_no_contact_details_for_anyone(client, world):
    for persona in ("deputy", "staff", "clerk_a", "admin"):
        body = get(client, getattr(world, persona), "/deputies").json()
        for item in body["items"]:
            assert set(item) == {
                "id",
                "name",
                "user_id",
                "delegation",
                "term",
                "jurisdiction",
                "is_active",
            }
        assert "13800000002" not in str(body)


def test_deputies_search_and_filters(client, world):
    cosigner = world.cosigner.deputy_profiles.get()
    cosigner.user.real_name = "林建国"
    cosigner.user.save()
    found = get(client, world.clerk_a, "/deputies", q="建国").json()
    assert [d["id"] for d in found["items"]] == [cosigner.pk]
    assert found["items"][0]["name"] == "林建国"
    assert found["items"][0]["delegation"]["name"] == "青川市代表团"
    delegation = cosigner.delegation_id
    assert get(client, world.staff, "/deputies", delegation=delegation).json()["count"] == 2
    assert get(client, world.staff, "/deputies", delegation=world.unit_a.pk).json()["count"] == 0
    assert get(client, world.staff, "/deputies", term=world.term.pk).json()["count"] == 2
    cosigner.is_active = False
    cosigner.save()
    serving = get(client, world.staff, "/deputies", is_active="true").json()
    assert [d["name"] for d in serving["items"]] == [str(world.deputy)]


def test_deputies_are_paginated(client, world):
    for n in range(3):
        DeputyFactory(
            user__username=f"d{n}", user__jurisdiction=world.jurisdiction, term=world.term
        )
    first = get(client, world.staff, "/deputies", page_size=2).json()
    second = get(client, world.staff, "/deputies", page_size=2, page=2).json()
    third = get(client, world.staff, "/deputies", page_size=2, page=3).json()
    assert first["count"] == 5
    ids = [d["id"] for d in first["items"] + second["items"] + third["items"]]
    assert len(ids) == len(set(ids)) == 5


def test_organisations_handling_units_kind_and_name(client, world):
    units = get(client, world.deputy, "/organisations", handling_units="true").json()
    assert {o["name"] for o in units["items"]} == {"交通运输厅", "教育厅"}
    transport = next(o for o in units["items"] if o["name"] == "交通运输厅")
    assert transport["counterpart_committee"] == {
        "id": world.committee_org.pk,
        "name": "财政经济委员会",
    }
    assert transport["kind"] == "department" and transport["kind_label"]
    others = get(client, world.deputy, "/organisations", handling_units="false").json()
    assert {o["name"] for o in others["items"]} == {"财政经济委员会", "青川市代表团"}
    committees = get(client, world.deputy, "/organisations", kind="special_committee").json()
    assert [o["name"] for o in committees["items"]] == ["财政经济委员会"]
    both = get(
        client, world.deputy, "/organisations", kind=["special_committee", "delegation"]
    ).json()
    assert both["count"] == 2
    assert get(client, world.deputy, "/organisations", q="教育").json()["count"] == 1
    assert get(client, world.deputy, "/organisations", kind="nonsense").status_code == 422


def test_organisations_parent_and_inactive_units(client, world):
    child = OrganisationFactory(jurisdiction=world.jurisdiction, name="公路局", parent=world.unit_a)
    world.unit_b.is_active = False
    world.unit_b.save()
    kids = get(client, world.staff, "/organisations", parent=world.unit_a.pk).json()
    assert [o["id"] for o in kids["items"]] == [child.pk]
    assert kids["items"][0]["parent"] == {"id": world.unit_a.pk, "name": "交通运输厅"}
    units = get(client, world.staff, "/organisations", handling_units="true").json()
    assert "教育厅" not in {o["name"] for o in units["items"]}
    one = get(client, world.staff, f"/organisations/{world.unit_b.pk}").json()
    assert one["is_active"] is False and one["kind"] == Organisation.Kind.DEPARTMENT


def test_categories_tree_in_reading_order(client, world):
    body = get(client, world.deputy, "/categories").json()
    assert [c["path"] for c in body["items"]] == ["交通运输", "交通运输 › 农村公路", "教育"]
    top, child, education = body["items"]
    assert top["parent"] is None and top["children"] == [child["id"]]
    assert child["parent"] == {"id": top["id"], "name": "交通运输"}
    assert education["children"] == []
    tops = get(client, world.deputy, "/categories", top="true").json()
    assert [c["name"] for c in tops["items"]] == ["交通运输", "教育"]
    kids = get(client, world.deputy, "/categories", parent=top["id"]).json()
    assert [c["name"] for c in kids["items"]] == ["农村公路"]
    assert get(client, world.deputy, "/categories", q="公路").json()["count"] == 1


def test_categories_inactive_are_marked_and_filterable(client, world):
    Category.objects.filter(name="教育").update(is_active=False)
    active = get(client, world.deputy, "/categories", is_active="true").json()
    assert "教育" not in {c["name"] for c in active["items"]}
    every = get(client, world.deputy, "/categories").json()
    assert any(c["name"] == "教育" and c["is_active"] is False for c in every["items"])


def test_sessions_and_terms_say_which_is_current(client, world):
    SessionFactory(term=world.term, number=5, name="第五次会议")
    body = get(client, world.deputy, "/sessions").json()
    assert [(s["name"], s["is_current"]) for s in body["items"]] == [
        ("第五次会议", True),
        ("第4次会议", False),
    ]
    current = body["items"][0]
    assert current["term"] == {"id": world.term.pk, "name": world.term.name}
    assert current["start_date"] == "2026-01-19" and current["end_date"] == "2026-01-23"
    only = get(client, world.deputy, "/sessions", is_current="true").json()
    assert [s["name"] for s in only["items"]] == ["第五次会议"]
    assert get(client, world.deputy, "/sessions", term=world.term.pk).json()["count"] == 2
    one = get(client, world.deputy, f"/sessions/{current['id']}").json()
    assert one["is_current"] is True
    terms = get(client, world.deputy, "/terms").json()
    assert [(t["id"], t["is_current"]) for t in terms["items"]] == [(world.term.pk, True)]


def test_a_past_terms_sessions_are_not_current(client, world):
    old = TermFactory(jurisdiction=world.jurisdiction, number=13, name="第十三届", is_current=False)
    SessionFactory(term=old, number=9)
    body = get(client, world.staff, "/sessions", is_current="false").json()
    assert [s["term"]["id"] for s in body["items"]] == [old.pk]
    assert Session.objects.filter(term=old).count() == 1


def test_reference_endpoints_are_documented(client):
    schema = client.get(API + "/openapi.json").json()
    for endpoint in ENDPOINTS:
        operation = schema["paths"][f"{API}/{endpoint}"]["get"]
        assert operation["tags"] == ["reference data"]
        assert {"200", "401", "422"} <= set(operation["responses"])
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}
    deputy = schema["components"]["schemas"]["DeputyItem"]["properties"]
    assert not any("contact" in name for name in deputy)
