"""Publication deadlines: a record is due within the rule set's working days after the reply
(20 by default, DOMAIN §2.8), across holidays and swapped working days; a rule set change
moves a record still under review; the queue's overdue filter reads the stored date."""

from __future__ import annotations

import datetime

import pytest

from minsheng.disclosure.models import Publication
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import RuleSet
from minsheng.workcalendar import work_calendar
from tests import disclosure_states as pubs
from tests import states

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("replied", "due"),
    [
        # 20 working days from a Monday in a plain month: four weeks later.
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 30)),
        # Across National Day (1-7 October 2026 off; 10 October, a Saturday, worked? the
        # official calendar decides): the due date is computed, not guessed here.
        (datetime.date(2026, 9, 28), None),
    ],
)
def test_a_record_is_due_twenty_working_days_after_the_reply(
    cast, django_capture_on_commit_callbacks, replied, due
):
    with states.frozen(replied):
        pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    expected = deadlines.publication_due(
        replied, RuleSet.rules_for(cast.jurisdiction.pk), work_calendar()
    ).date
    assert pub.due == expected
    if due is not None:
        assert pub.due == due
    else:
        # Seven days off for the holiday: more than four calendar weeks.
        assert (pub.due - replied).days > 28
        assert work_calendar().workdays_between(replied, pub.due) == 20


def test_a_rule_set_change_moves_a_record_under_review(cast, django_capture_on_commit_callbacks):
    day = datetime.date(2026, 3, 2)
    with states.frozen(day):
        pub = pubs.pending(cast, django_capture_on_commit_callbacks)
        published = pubs.published(cast, django_capture_on_commit_callbacks, title="已公开")
        with django_capture_on_commit_callbacks(execute=True):
            rules, _created = RuleSet.objects.get_or_create(jurisdiction=cast.jurisdiction)
            rules.publication_workdays = 10
            rules.save()
    pub.refresh_from_db()
    assert pub.due == datetime.date(2026, 3, 16)
    before = published.due
    published.refresh_from_db()
    assert published.due == before  # a published record keeps the date it was due by


def test_the_queue_filters_what_is_past_its_date(client, cast, django_capture_on_commit_callbacks):
    with states.frozen(datetime.date(2026, 3, 2)):
        pub = pubs.pending(cast, django_capture_on_commit_callbacks, title="早已到期的公开")
    client.force_login(cast.staff)
    text = client.get("/gongkai/staff/?overdue=1").content.decode()
    assert "早已到期的公开" in text and pub.due < datetime.date.today()
    assert Publication.objects.filter(due__lt=datetime.date.today()).count() == 1
