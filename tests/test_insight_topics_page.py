"""The hot-topics page: who may see it, an empty period, topics with growth and links, the
cache, bad parameters."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minsheng.insight import topics_adapter
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Suggestion
from tests.test_insight_topics import THEMES, theme_items

pytestmark = pytest.mark.django_db

URL = reverse("insight:topics")


def add(cast, items, day, *, confidential=False):
    deputy = Deputy.objects.get(user=cast.deputy)
    made = []
    for item in items:
        s = workflow.create_draft(
            by=cast.deputy,
            lead_deputy=deputy,
            title=item.title,
            body=item.body,
            session=cast.term.sessions.get(number=4),
            is_confidential=confidential,
        )
        made.append(workflow.submit(s, by=cast.deputy).pk)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    Suggestion.objects.filter(pk__in=made).update(submitted_at=moment)
    return made


@pytest.fixture(autouse=True)
def empty_cache():
    topics_adapter.cache().clear()
    yield
    topics_adapter.cache().clear()


def login(client, cast, who):
    client.force_login(getattr(cast, who))
    client.cookies["django_language"] = "en"


def test_empty_period_is_a_valid_page(client, cast):
    login(client, cast, "staff")
    response = client.get(URL, {"from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200
    assert b'data-testid="no-topics"' in response.content


def test_topics_with_growth_and_links(client, cast):
    now = add(cast, theme_items(8), datetime.date(2026, 3, 5))
    add(
        cast,
        theme_items(counts={"road": 4, "school": 8, "health": 0}, seed=4),
        datetime.date(2025, 12, 1),
    )
    secret = add(cast, [theme_items(1)[0]], datetime.date(2026, 3, 6), confidential=True)
    for who in ("staff", "supervisor"):
        login(client, cast, who)
        response = client.get(URL, {"from": "2026-01-01", "to": "2026-06-30"})
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('data-testid="topic"') == 3
        assert 'data-growth="+100%"' in page and 'data-growth="new"' in page
        assert 'data-growth="0%"' in page
        assert "24 suggestions in the period (12 in the period before" in page
        assert reverse("suggestions:detail", args=[now[0]]) in page or any(
            reverse("suggestions:detail", args=[pk]) in page for pk in now
        )
        assert reverse("suggestions:detail", args=[secret[0]]) not in page
        # each topic's heading names words of its theme
        words = "".join(t + "".join(d) for titles, d in THEMES.values() for t in titles)
        assert any(
            term in words
            for term in page.split('class="topic-terms" lang="zh-Hans">')[1]
            .split("<")[0]
            .split("、")
        )


def test_cached_per_data_version(client, cast):
    add(cast, theme_items(6), datetime.date(2026, 3, 5))
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    j = cast.jurisdiction.pk
    first, hit = topics_adapter.period_topics(j, start, end)
    assert not hit
    again, hit = topics_adapter.period_topics(j, start, end)
    assert hit and again.as_dict()["topics"] == first.as_dict()["topics"]
    add(cast, theme_items(1, seed=9), datetime.date(2026, 3, 7))
    changed, hit = topics_adapter.period_topics(j, start, end)
    assert not hit and changed.items == first.items + 3
    # the command computes afresh and stores what the page reads
    call_command("insight", "topics", "--from", "2026-01-01", "--to", "2026-06-30", "--quiet")
    assert topics_adapter.period_topics(j, start, end)[1]


@pytest.mark.parametrize("who", ["clerk_a", "head_b", "deputy", "committee", "cosigner"])
def test_others_are_refused(client, cast, who):
    login(client, cast, who)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-06-01", "to": "2026-01-01"}, "comes before its start"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "at most three years"),
        ({"from": "yesterday"}, "Enter a valid date"),
        ({"k": "0"}, "greater than or equal to 1"),
        ({"jurisdiction": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_parameters_are_a_form_error(client, cast, query, message):
    login(client, cast, "staff")
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
