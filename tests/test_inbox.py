"""The handling unit's inbox: its own assignments, their clocks, signing for, heads' replies."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment
from tests import states

pytestmark = pytest.mark.django_db
URL = reverse("suggestions:inbox")
A = Assignment.State


def inbox(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, {row["a"].pk for row in response.context["rows"]}


def test_clerk_sees_only_their_units_assignments(client, cast):
    only_a = states.assigned(cast, title="交通")
    shared = states.assigned(cast, title="联合", joint=True)
    _response, found = inbox(client, cast.clerk_a)
    a_ids = set(Assignment.objects.filter(unit=cast.unit_a).values_list("pk", flat=True))
    assert found == a_ids and len(found) == 2
    _response, found = inbox(client, cast.clerk_b)
    assert found == {shared.assignments.get(unit=cast.unit_b).pk}
    _response, found = inbox(client, cast.clerk_b, q="交通")
    assert found == set()
    assert only_a.assignments.get().pk not in found


def test_people_without_a_unit_have_no_inbox(client, cast):
    for person in (cast.staff, cast.deputy, cast.supervisor, cast.committee, cast.outsider):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_inbox_shows_the_clocks(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        s = states.assigned(cast, joint=True)
        response, _found = inbox(client, cast.clerk_b)
    a = s.assignments.get(unit=cast.unit_b)
    html = response.content.decode()
    assert a.sign_due.strftime("%Y年%-m月%-d日") in html
    assert a.adjustment_until.strftime("%Y年%-m月%-d日") in html
    assert a.joint_opinion_due.strftime("%Y年%-m月%-d日") in html
    lead_html, _found = inbox(client, cast.clerk_a)
    s.refresh_from_db()
    assert s.reply_due.strftime("%Y年%-m月%-d日") in lead_html.content.decode()


def test_clerk_signs_for_from_the_inbox(client, cast):
    s = states.assigned(cast)
    a = s.assignments.get()
    response, _found = inbox(client, cast.clerk_a)
    assert f'data-testid="sign-{a.pk}"'.encode() in response.content
    response = client.post(
        reverse("suggestions:inbox_sign", args=[a.pk]),
        {"version": s.version, "next": f"{URL}?astate=awaiting_signature"},
    )
    assert response.status_code == 302 and response.url == f"{URL}?astate=awaiting_signature"
    a.refresh_from_db()
    assert a.state == A.SIGNED and a.signed_by == cast.clerk_a
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_another_units_assignment_cannot_be_signed(client, cast):
    s = states.assigned(cast)
    a = s.assignments.get()
    client.force_login(cast.clerk_b)
    response = client.post(reverse("suggestions:inbox_sign", args=[a.pk]), {"version": s.version})
    assert response.status_code == 403
    client.force_login(cast.staff)
    response = client.post(reverse("suggestions:inbox_sign", args=[a.pk]))
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.state == A.AWAITING_SIGNATURE


def test_a_stale_page_does_not_sign_and_says_why(client, cast):
    s = states.assigned(cast)
    a = s.assignments.get()
    client.force_login(cast.clerk_a)
    response = client.post(
        reverse("suggestions:inbox_sign", args=[a.pk]), {"version": s.version - 1}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == A.AWAITING_SIGNATURE
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_signing_twice_is_a_message_not_an_error(client, cast):
    s = states.handling(cast)
    a = s.assignments.get()
    client.force_login(cast.clerk_a)
    response = client.post(reverse("suggestions:inbox_sign", args=[a.pk]))
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_filter_by_assignment_state(client, cast):
    waiting = states.assigned(cast, title="待签收")
    signed = states.handling(cast, title="已签收")
    _response, found = inbox(client, cast.clerk_a, astate="awaiting_signature")
    assert found == {waiting.assignments.get().pk}
    _response, found = inbox(client, cast.clerk_a, astate="signed")
    assert found == {signed.assignments.get().pk}
    _response, found = inbox(client, cast.clerk_a, astate="bogus")
    assert len(found) == 2


def test_due_soon_and_overdue(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        late_sign = states.assigned(cast, title="逾期未签收")
    with states.frozen(datetime.date(2026, 3, 10)):
        fresh = states.assigned(cast, title="刚交办")
    with states.frozen(datetime.date(2026, 3, 12)):
        _response, found = inbox(client, cast.clerk_a, due="overdue")
        assert found == {late_sign.assignments.get().pk}
        _response, found = inbox(client, cast.clerk_a, due="soon")
        assert found == set()
    with states.frozen(datetime.date(2026, 3, 15)):
        _response, found = inbox(client, cast.clerk_a, due="soon")
        assert found == {fresh.assignments.get().pk}


def test_heads_see_the_replies_waiting_for_their_signature(client, cast):
    s = states.handling(cast)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    response, _found = inbox(client, cast.head_a)
    to_sign = response.context["to_sign"]
    assert [item["s"].pk for item in to_sign] == [s.pk]
    assert to_sign[0]["problems"]  # no contact logged yet
    states.contact(cast, s)
    response, _found = inbox(client, cast.head_a)
    assert response.context["to_sign"][0]["problems"] == []
    # Clerks have no such section; unit B's head never sees unit A's draft.
    response, _found = inbox(client, cast.clerk_a)
    assert b'data-testid="to-sign"' not in response.content
    response, _found = inbox(client, cast.head_b)
    assert response.context["to_sign"] == []


def test_inbox_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(3):
        states.assigned(cast, title=f"少{i}")
    client.force_login(cast.clerk_a)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for i in range(10):
        states.assigned(cast, title=f"多{i}", joint=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 13


def test_a_withdrawn_suggestion_offers_no_sign_for_and_sinks_to_the_end(client, cast):
    states.withdrawn(cast, before="assigned", title="已撤回")
    waiting = states.assigned(cast, title="待签收")
    response, _found = inbox(client, cast.clerk_a)
    rows = response.context["rows"]
    assert [r["s"].pk for r in rows][0] == waiting.pk
    assert rows[-1]["s"].title == "已撤回" and not rows[-1]["can_sign"]
    _response, found = inbox(client, cast.clerk_a, due="overdue")
    assert found == set()
