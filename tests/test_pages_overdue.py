"""The suggestion page offers the overdue explanation once the reply is late and shows it in the
timeline (DOMAIN §4)."""

import datetime

import pytest
from django.urls import reverse

from minsheng.suggestions import workflow
from minsheng.suggestions.views.detail import EVENT_LABELS
from tests import states

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 2)
TEXT = "专项资金尚待财政批复，答复推迟。"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_clerk_explains_the_delay_and_the_timeline_shows_it(english, cast):
    with states.frozen(ON):
        s = states.handling(cast, on=ON)
    s.refresh_from_db()
    english.force_login(cast.clerk_a)
    url = reverse("suggestions:act", args=[s.pk, "explain_overdue"])
    with states.frozen(s.reply_due):
        html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
        assert 'data-action="explain_overdue"' not in html
        refused = english.post(url, {"text": TEXT, "expected_version": s.version})
        assert refused.status_code == 409
        assert workflow._d(s.reply_due) in refused.content.decode()
    with states.frozen(s.reply_due + datetime.timedelta(days=5)):
        html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
        assert 'data-action="explain_overdue"' in html
        response = english.post(url, {"text": TEXT, "expected_version": s.version})
        assert response.status_code == 302, response.content.decode()[:2000]
        html = english.get(response["Location"]).content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    assert 'data-event="explain_overdue"' in timeline
    assert str(EVENT_LABELS["explain_overdue"]) in timeline
    assert TEXT in timeline
    assert s.events.get(action="explain_overdue").data["days_late"] == 5
