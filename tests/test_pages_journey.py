"""The whole life of a joint suggestion through the pages alone: every step is a form post."""

import datetime
from unittest.mock import patch

import pytest
from django.urls import reverse

from minsheng.people.models import Deputy
from minsheng.suggestions.models import Suggestion
from tests import states

pytestmark = pytest.mark.django_db
S = Suggestion.State


def test_journey_from_draft_to_closed_through_the_pages(client, cast):
    category = states.category(cast)
    today = datetime.date(2026, 1, 21)  # during the session

    def post(user, url, **data):
        client.force_login(user)
        with patch("django.utils.timezone.localdate", return_value=today):
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return response

    def act(user, action, **data):
        s.refresh_from_db()
        post(
            user,
            reverse("suggestions:act", args=[s.pk, action]),
            expected_version=s.version,
            **data,
        )
        s.refresh_from_db()

    cosigner = Deputy.objects.get(user=cast.cosigner)
    post(
        cast.deputy,
        reverse("suggestions:new"),
        title="关于农村客运班线的建议",
        body="建议恢复农村客运班线。",
        category=category.pk,
        cosigners=[cosigner.pk],
        intent="submit",
    )
    s = Suggestion.objects.get()
    assert s.state == S.DRAFT  # the co-signer has not confirmed yet
    act(cast.cosigner, "confirm_cosign", accept="yes")
    act(cast.deputy, "submit")
    act(cast.staff, "register", category=category.pk)
    assert s.display_number == "第0001号"
    act(cast.staff, "assign", mode="lead", lead_unit=cast.unit_a.pk, joint_units=[cast.unit_b.pk])
    act(cast.clerk_a, "sign")
    act(cast.head_b, "sign")
    assert s.state == S.HANDLING
    act(cast.clerk_b, "submit_joint_opinion", text="同意主办单位意见。")
    contact = {
        "method": "site_visit",
        "stage": "during",
        "people": "代表、经办人",
        "summary": "现场查看了班线站点。",
        "contacted_on": today.isoformat(),
    }
    act(cast.clerk_a, "log_contact", **contact)
    act(
        cast.clerk_a,
        "draft_reply",
        **{
            **states.REPLY,
            "category": "B",
            "plan": "分两年恢复班线。",
            "target_date": "2027-06-30",
        },
    )
    act(cast.head_a, "sign_reply")
    assert s.state == S.ANSWERED
    act(cast.deputy, "rate", overall="unsatisfied", reasons="班线只恢复了一条。")
    assert s.state == S.REHANDLING and s.round == 2
    act(cast.clerk_a, "log_contact", **contact)
    act(cast.clerk_a, "draft_reply", **states.REPLY)
    act(cast.head_a, "sign_reply")
    act(cast.deputy, "rate", overall="satisfied")
    act(cast.staff, "close", note="代表满意，办结。")
    assert s.state == S.CLOSED
    assert s.version == s.events.count()
    client.force_login(cast.deputy)
    html = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert html.count('data-testid="reply"') == 2
