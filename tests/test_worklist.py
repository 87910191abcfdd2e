"""The home page's worklist (待办): each person's counts of what to do now, each a link."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.audit import log
from minsheng.suggestions import workflow
from tests import states

pytestmark = pytest.mark.django_db


def _rows(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    panel = next((p for p in response.context["panels"] if p.role == "worklist"), None)
    return {r.label: r.count for r in panel.context["rows"]} if panel else None


def test_a_deputy_sees_invitations_and_drafts_ready_to_submit(client, cast):
    s = states.draft(cast, cosign=True)
    assert list(_rows(client, cast.cosigner).values()) == [1]  # the invitation
    assert sum(_rows(client, cast.deputy).values()) == 0
    workflow.confirm_cosign(s, by=cast.cosigner)
    assert list(_rows(client, cast.deputy).values()) == [1]
    assert sum(_rows(client, cast.cosigner).values()) == 0


def test_a_clerk_is_told_to_contact_the_deputy_and_a_head_to_sign(client, cast):
    s = states.handling(cast)
    clerk = _rows(client, cast.clerk_a)
    assert len(clerk) == 1 and list(clerk.values()) == [1]  # no contact logged yet
    states.contact(cast, s)
    assert _rows(client, cast.clerk_a) == {}
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    head = _rows(client, cast.head_a)
    assert list(head.values()) == [1]  # the draft waiting for the head's signature
    assert _rows(client, cast.clerk_b) == {}


def test_staff_see_what_waits_for_the_office(client, cast):
    states.submitted(cast)
    states.registered(cast, title="待交办")
    s = states.handling(cast, joint=True, title="有调整申请")
    workflow.request_adjustment(s, by=cast.clerk_b, reason="不属于本单位职责。")
    rows = _rows(client, cast.staff)
    assert sorted(rows.values()) == [1, 1, 1]
    assert _rows(client, cast.supervisor) is None  # supervisors have their own panels


def test_the_worklist_costs_the_same_queries_for_more_items(client, cast):
    states.handling(cast)
    log.seal()  # the changes' events, as on commit: the home's kept figures are counted afresh
    client.force_login(cast.staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for n in range(6):
        states.submitted(cast, title=f"建议{n}")
        states.handling(cast, title=f"办理{n}")
    log.seal()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)
