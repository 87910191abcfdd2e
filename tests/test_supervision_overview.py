"""The leaders' one-screen overview: what it counts, who has it, and that it costs a fixed
number of queries whatever the size of the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.supervision import workflow as supervision
from tests import states

pytestmark = pytest.mark.django_db
URL = "/supervision/overview/"


def _topic(cast, suggestions, title="农村公路专题"):
    item = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title=title,
        year=timezone.localdate().year,
        suggestions=suggestions,
        lead_unit=cast.unit_a,
    )
    return supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())


@pytest.fixture
def busy(cast):
    late = states.handling(cast, title="超期的建议")
    fine = states.handling(cast, joint=True, title="按时的建议")
    secret = states.handling(cast, title="涉密的建议", is_confidential=True)
    item = _topic(cast, [late, fine])
    supervision.supervise(
        item,
        by=cast.staff,
        kind="visit",
        happened_on=timezone.localdate(),
        participants="副主任一行",
        notes="实地察看农村公路护栏。",
    )
    instruction = supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text="请月底前报送。")
    supervision.respond(instruction, by=cast.clerk_a, response="已报送进展。")
    supervision.instruct(secret, by=cast.staff, unit=cast.unit_a, text="涉密批示。")
    return {"late": late, "fine": fine, "secret": secret, "item": item}


def _later(s):
    return s.reply_due + datetime.timedelta(days=2)


@pytest.mark.parametrize("who", ["staff", "supervisor", "committee", "admin"])
def test_the_overview_renders_for_the_office_leaders_and_committees(client, cast, busy, who):
    client.force_login(getattr(cast, who))
    response = client.get(URL)
    assert response.status_code == 200
    o = response.context["o"]
    assert o.key_items == 1
    assert [i.title for i in o.items] == ["农村公路专题"]
    labels = [str(e.label) for e in o.activity]
    assert labels, "the latest supervision is listed"
    body = response.content.decode()
    assert 'data-testid="tiles"' in body


@pytest.mark.parametrize("who", ["deputy", "cosigner", "clerk_a", "head_a", "clerk_b"])
def test_the_overview_is_refused_to_deputies_and_units(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 403


def test_signed_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_office_counts_confidential_suggestions_and_a_committee_does_not(client, cast, busy):
    client.force_login(cast.staff)
    staff = client.get(URL).context["o"]
    assert staff.in_handling == 3
    client.force_login(cast.committee)
    committee = client.get(URL).context["o"]
    assert committee.in_handling == 2
    notes = [e.note for e in committee.activity]
    assert "涉密批示。" not in notes
    assert "涉密批示。" in [e.note for e in staff.activity]


def test_red_lights_fill_the_tiles_the_units_and_the_overdue_list(client, cast, busy):
    with states.frozen(_later(busy["late"])):
        client.force_login(cast.supervisor)
        o = client.get(URL).context["o"]
    assert o.red == 2  # both non-confidential ones are due the same day
    assert [u.name for u in o.units] == ["交通运输厅"]
    assert o.units[0].red == 2
    assert [s.title for s in o.overdue] == ["超期的建议", "按时的建议"]
    assert o.overdue[0].days_late == 2
    assert o.items[0].n_red == 2


def test_the_activity_shows_each_act_once_with_its_subject(client, cast, busy):
    client.force_login(cast.staff)
    o = client.get(URL).context["o"]
    actions = [e.action for e in o.activity]
    # decide, supervise, instruct, responded on the key item; instruct on the secret suggestion
    assert actions.count("supervise") == 1
    assert actions.count("responded") == 1
    assert actions.count("instruct") == 2
    titles = {e.subject_title for e in o.activity}
    assert "农村公路专题" in titles


def test_the_session_filter_ignores_bad_values(client, cast, busy):
    client.force_login(cast.staff)
    assert client.get(URL, {"session": "nonsense"}).status_code == 200
    assert client.get(URL, {"session": "999999"}).context["session_id"] is None
    session = busy["late"].session_id
    assert client.get(URL, {"session": session}).context["o"].in_handling == 3


def test_the_overview_takes_the_same_queries_for_10_and_40_suggestions(client, cast):
    def count(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    def add(start, n):
        made = [
            states.handling(cast, title=f"建议{i}", joint=i % 3 == 0)
            for i in range(start, start + n)
        ]
        item = _topic(cast, made, title=f"专题{start}")
        supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text=f"批示{start}")
        supervision.supervise(
            item,
            by=cast.staff,
            kind="meeting",
            happened_on=timezone.localdate(),
            participants="各单位",
            notes=f"推进会{start}",
        )
        return made

    add(0, 10)
    few = {who: count(getattr(cast, who)) for who in ("staff", "supervisor", "committee")}
    add(10, 15)
    add(25, 15)
    made = add(40, 5)
    with states.frozen(_later(made[0])):
        for who, n in few.items():
            assert count(getattr(cast, who)) == n, who


def test_the_warning_board_and_key_items_page_link_to_the_overview_and_packs(client, cast, busy):
    client.force_login(cast.supervisor)
    for name in ("supervision:warnings", "supervision:key_items"):
        body = client.get(reverse(name)).content.decode()
        assert reverse("supervision:overview") in body
        assert reverse("supervision:packs") in body
    client.force_login(cast.clerk_a)
    body = client.get(reverse("supervision:warnings")).content.decode()
    assert reverse("supervision:overview") not in body
    assert reverse("supervision:packs") in body
    client.force_login(cast.deputy)
    body = client.get(reverse("supervision:warnings")).content.decode()
    assert reverse("supervision:packs") not in body


def test_the_latest_activity_keeps_the_words_of_acts_about_a_confidential_suggestion(client, cast):
    from django.utils import timezone

    from minsheng.supervision import workflow as supervision
    from minsheng.supervision.models import Record
    from tests import states

    secret = states.handling(cast, title="涉密", is_confidential=True)
    public = states.handling(cast, title="公开")
    item = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="专题",
        year=2026,
        suggestions=[secret, public],
        lead_unit=cast.unit_a,
    )
    item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
    supervision.instruct(
        item, by=cast.staff, unit=cast.unit_a, text="涉密批示词句", suggestion=secret
    )
    supervision.supervise(
        item,
        by=cast.staff,
        kind=Record.Kind.VISIT,
        happened_on=timezone.localdate(),
        participants="周晓梅",
        notes="公开督办词句",
        suggestion=public,
    )
    client.force_login(cast.committee)
    html = client.get("/supervision/overview/").content.decode()
    assert "公开督办词句" in html and "涉密批示词句" not in html
    client.force_login(cast.staff)
    assert "涉密批示词句" in client.get("/supervision/overview/").content.decode()
