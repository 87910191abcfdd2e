"""A list page costs the page, not the table: the same number of queries for 10 rows as for 100
(CONVENTIONS habit 17). Speed itself is measured in bench/, never asserted here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.audit import log
from minsheng.people.models import ApiToken
from minsheng.suggestions import workflow
from minsheng.suggestions.actions import replies_problems
from minsheng.suggestions.models import Reply, Suggestion
from tests import states

pytestmark = pytest.mark.django_db


def handling(cast, n, start=0):
    """n suggestions being handled by unit A (with unit B joint in every third), led by the
    demo deputy: rows for every list at once."""
    made = []
    for i in range(start, start + n):
        made.append(states.handling(cast, title=f"建议{i}", joint=i % 3 == 0))
    return made


def queries(client, user, url, **params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


def api_queries(client, user, path):
    _token, raw = ApiToken.issue(user, "test")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return len(captured), response.json()


PAGES = [
    ("staff", "suggestions:workbench"),
    ("clerk_a", "suggestions:workbench"),
    ("clerk_a", "suggestions:inbox"),
    ("deputy", "suggestions:mine"),
    ("staff", "home"),
    ("clerk_a", "home"),
    ("deputy", "home"),
]


def test_list_pages_take_the_same_queries_for_10_and_100_rows(client, cast):
    handling(cast, 10)
    log.seal()  # the events, as on commit: the staff home's kept figures are counted afresh
    few = {
        (who, page): queries(client, getattr(cast, who), reverse(page))[0] for who, page in PAGES
    }
    handling(cast, 90, start=10)
    log.seal()
    for who, page in PAGES:
        count, _response = queries(client, getattr(cast, who), reverse(page))
        assert count == few[(who, page)], (who, page, few[(who, page)], count)


def test_the_api_list_takes_the_same_queries_for_10_and_100_rows(client, cast):
    handling(cast, 10)
    few, body = api_queries(client, cast.staff, "/api/v1/suggestions?page_size=200")
    assert body["count"] == 10
    handling(cast, 90, start=10)
    many, body = api_queries(client, cast.staff, "/api/v1/suggestions?page_size=200")
    assert body["count"] == 100 and len(body["items"]) == 100
    assert many == few


def drafts(cast, n, start=0):
    """n draft replies of unit A waiting for its head: every other one with a joint unit whose
    opinion is still due, every third one with the contact logged."""
    made = []
    for i in range(start, start + n):
        s = states.handling(cast, title=f"待签{i}", joint=i % 2 == 0)
        if i % 3 == 0:
            states.contact(cast, s)
        workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        made.append(s)
    return made


def test_the_replies_to_sign_take_the_same_queries_for_2_and_8_drafts(client, cast):
    drafts(cast, 2)
    few, response = queries(client, cast.head_a, reverse("suggestions:inbox"))
    assert len(response.context["to_sign"]) == 2
    drafts(cast, 6, start=2)
    many, response = queries(client, cast.head_a, reverse("suggestions:inbox"))
    assert len(response.context["to_sign"]) == 8
    assert many == few


def test_the_batched_reply_problems_say_what_reply_problems_says(cast):
    drafts(cast, 6)
    workflow.submit_joint_opinion(
        Suggestion.objects.get(title="待签2"), by=cast.clerk_b, text="同意主办单位意见。"
    )
    pairs = [
        (r.suggestion, r.assignment)
        for r in Reply.objects.select_related("suggestion", "assignment").order_by("pk")
    ]
    expected = [workflow.reply_problems(s, a) for s, a in pairs]
    assert replies_problems(pairs) == expected
    assert any(expected) and not all(expected) and any(len(p) == 2 for p in expected)
