"""The assignment meeting: the routing table proposes, staff confirm or change, all or nothing."""

import datetime
import re

import pytest
from django.urls import reverse

from minsheng.insight.models import RoutingRule
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, Suggestion
from tests import states
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("suggestions:assign_meeting")
S = Suggestion.State


@pytest.fixture
def rule(cast):
    rule = RoutingRule.objects.create(
        jurisdiction=cast.jurisdiction, category=states.category(cast), lead_unit=cast.unit_a
    )
    rule.joint_units.add(cast.unit_b)
    return rule


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def label(unit):
    return unit.short_name or unit.name


def unit_input(html, name):
    """The value of the (first) input named `name` in the page."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag[0])
    return value[1] if value else ""


def row_data(s, *, include=True, mode="lead", lead=None, others=(), version=None):
    prefix = f"s{s.pk}"
    data = {f"{prefix}-mode": mode, f"{prefix}-version": s.version if version is None else version}
    if include:
        data[f"{prefix}-include"] = "on"
    if lead is not None:
        data[f"{prefix}-lead"] = lead.pk
    data[f"{prefix}-others"] = [u.pk for u in others]
    return data


def post(client, cast, rows, on="2026-03-02"):
    client.force_login(cast.staff)
    data = {"on": on}
    for row in rows:
        data.update(row)
    return client.post(URL, data)


def test_rows_start_from_the_routing_tables_proposal(client, cast, rule):
    s = states.registered(cast)
    states.submitted(cast, title="还没立案")
    response = page(client, cast.staff)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["s"].pk for r in rows] == [s.pk]
    form = rows[0]["form"]
    assert form.initial["include"] is True
    assert form.initial["lead"] == cast.unit_a.pk
    assert form.initial["others"] == [cast.unit_b.pk]
    html = response.content.decode()
    # The lead unit is shown by name in the row's unit input, picked from the page's one list.
    assert unit_input(html, f"s{s.pk}-lead") == label(cast.unit_a)
    assert f'<option value="{label(cast.unit_a)}">' in html
    assert 'data-testid="routing-table"' in html and "交通运输厅" in html


def test_a_row_without_a_rule_is_not_ticked(client, cast):
    states.registered(cast)
    response = page(client, cast.staff)
    form = response.context["rows"][0]["form"]
    assert form.initial["include"] is False and form.initial["lead"] is None


def test_only_staff_may_hold_the_meeting(client, cast):
    states.registered(cast)
    for person in (cast.clerk_a, cast.head_a, cast.deputy, cast.supervisor, cast.committee):
        assert page(client, person).status_code == 403
    response = page(client, cast.outsider)  # staff of another congress: only its own work
    assert response.status_code == 200 and response.context["rows"] == []


def test_confirming_the_proposal_assigns_with_the_chosen_date(client, cast, rule):
    one = states.registered(cast, title="一")
    two = states.registered(cast, title="二")
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(
            client,
            cast,
            [
                row_data(one, lead=cast.unit_a, others=[cast.unit_b]),
                row_data(two, lead=cast.unit_b),
            ],
            on="2026-03-02",
        )
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.state == two.state == S.ASSIGNED
    assert one.assigned_on == datetime.date(2026, 3, 2)
    assert set(one.assignments.values_list("unit__name", "mode")) == {
        ("交通运输厅", "lead"),
        ("教育厅", "joint"),
    }
    assert list(two.assignments.values_list("unit__name", "mode")) == [("教育厅", "lead")]


def test_staff_can_switch_to_separate_handling(client, cast, rule):
    s = states.registered(cast)
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(
            client,
            cast,
            [
                row_data(s, mode="separate", lead=cast.unit_a, others=[cast.unit_b]),
            ],
        )
    assert response.status_code == 302
    assert set(s.assignments.values_list("mode", flat=True)) == {"separate"}
    assert s.assignments.count() == 2


def test_unticked_rows_are_left_alone(client, cast, rule):
    one = states.registered(cast, title="一")
    two = states.registered(cast, title="二")
    with states.frozen(datetime.date(2026, 3, 5)):
        post(client, cast, [row_data(one, lead=cast.unit_a), row_data(two, include=False)])
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.state, two.state) == (S.ASSIGNED, S.REGISTERED)


def test_one_bad_row_assigns_nothing_and_keeps_every_choice(client, cast, rule):
    good = states.registered(cast, title="好")
    bad = states.registered(cast, title="坏")
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(
            client,
            cast,
            [
                row_data(good, lead=cast.unit_b, others=[cast.unit_a]),
                row_data(bad, lead=cast.unit_a, others=[cast.unit_a]),  # lead also joint
            ],
        )
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    rows = {r["s"].pk: r for r in response.context["rows"]}
    assert rows[bad.pk]["form"].errors["others"]
    assert not rows[good.pk]["form"].errors
    html = response.content.decode()
    # The staff's change on the good row (unit B as lead) is still there.
    assert unit_input(html, f"s{good.pk}-lead") == label(cast.unit_b)


def test_separate_handling_needs_two_units(client, cast, rule):
    s = states.registered(cast)
    response = post(client, cast, [row_data(s, mode="separate", lead=cast.unit_a)])
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].errors["others"]
    s.refresh_from_db()
    assert s.state == S.REGISTERED


def test_a_row_the_workflow_refuses_is_marked_and_nothing_is_assigned(
    client, cast, rule, monkeypatch
):
    good = states.registered(cast, title="好")
    refused = states.registered(cast, title="被拒")
    real_assign = workflow.assign

    def assign(s, **kwargs):
        if s.pk == refused.pk:
            raise workflow.Invalid("该单位不能承办。")
        return real_assign(s, **kwargs)

    monkeypatch.setattr(workflow, "assign", assign)
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(
            client,
            cast,
            [
                row_data(good, lead=cast.unit_a),
                row_data(refused, lead=cast.unit_a),
            ],
        )
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    good.refresh_from_db()
    assert good.state == S.REGISTERED
    rows = {r["s"].pk: r for r in response.context["rows"]}
    assert rows[refused.pk]["error"] == "该单位不能承办。"
    assert rows[good.pk]["error"] == ""
    assert "该单位不能承办。" in response.content.decode()


def test_a_row_changed_meanwhile_assigns_nothing(client, cast, rule):
    s = states.registered(cast)
    response = post(client, cast, [row_data(s, lead=cast.unit_a, version=s.version - 1)])
    assert response.status_code == 200
    assert response.context["rows"][0]["error"]
    assert not Assignment.objects.exists()


def test_the_assignment_date_cannot_be_in_the_future(client, cast, rule):
    s = states.registered(cast)
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(client, cast, [row_data(s, lead=cast.unit_a)], on="2026-03-06")
        assert response.status_code == 200
        assert response.context["meeting"].errors["on"]
        response = post(client, cast, [row_data(s, lead=cast.unit_a)], on="not a date")
        assert response.context["meeting"].errors["on"]
    assert not Assignment.objects.exists()


def test_units_of_another_congress_cannot_be_chosen(client, cast, rule):
    foreign = OrganisationFactory(jurisdiction=cast.other_jurisdiction, name="外省交通厅")
    s = states.registered(cast)
    client.force_login(cast.staff)
    response = client.post(
        URL,
        {
            "on": "2026-03-02",
            f"s{s.pk}-include": "on",
            f"s{s.pk}-mode": "lead",
            f"s{s.pk}-lead": foreign.pk,
            f"s{s.pk}-version": s.version,
        },
    )
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].errors["lead"]
    assert not Assignment.objects.exists()


def test_nothing_ticked_is_a_message_not_an_error(client, cast, rule):
    s = states.registered(cast)
    response = post(client, cast, [row_data(s, include=False)])
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.state == S.REGISTERED


def test_the_meeting_page_takes_few_queries(client, cast, rule, django_assert_max_num_queries):
    for i in range(10):
        states.registered(cast, title=f"建议{i}")
    client.force_login(cast.staff)
    with django_assert_max_num_queries(25):
        response = client.get(URL)
    assert len(response.context["rows"]) == 10


def test_units_are_sent_once_however_many_rows(client, cast, rule):
    extra = [
        OrganisationFactory(jurisdiction=cast.jurisdiction, name=f"单位{i}") for i in range(30)
    ]
    assert extra
    for i in range(3):
        states.registered(cast, title=f"建议{i}")
    html = page(client, cast.staff).content.decode()
    form = html.split('data-testid="meeting-form"', 1)[1].split("</form>", 1)[0]
    # One list of the 32 units for the three rows, not one per row.
    assert form.count("<datalist") == 1 and form.count("<option") == 32
    assert "<select" not in form
    # A row carries a few unit inputs (the lead, the proposed joint unit, two spare), each
    # using that list.
    assert form.count('list="meeting-units"') == 3 * (1 + 1 + 2)


def test_the_meeting_is_paged(client, cast, rule):
    from minsheng.suggestions.views.office import MEETING_PAGE

    made = [states.registered(cast, title=f"建议{i}") for i in range(MEETING_PAGE + 2)]
    first = page(client, cast.staff)
    assert len(first.context["rows"]) == MEETING_PAGE
    second = page(client, cast.staff, page=2)
    assert [r["s"].pk for r in second.context["rows"]] == [s.pk for s in made[MEETING_PAGE:]]
    assert 'rel="next"' in first.content.decode()


def test_a_unit_typed_by_name_is_assigned(client, cast, rule):
    s = states.registered(cast)
    data = row_data(s)
    data[f"s{s.pk}-lead"] = label(cast.unit_b)
    data[f"s{s.pk}-others"] = [label(cast.unit_a), ""]
    with states.frozen(datetime.date(2026, 3, 5)):
        response = post(client, cast, [data])
    assert response.status_code == 302
    modes = dict(Assignment.objects.filter(suggestion=s).values_list("unit_id", "mode"))
    assert modes == {cast.unit_b.pk: "lead", cast.unit_a.pk: "joint"}


def test_an_unknown_unit_name_is_a_row_error(client, cast, rule):
    s = states.registered(cast)
    data = row_data(s)
    data[f"s{s.pk}-lead"] = "没有这个单位"
    response = post(client, cast, [data])
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].errors["lead"]
    assert not Assignment.objects.exists()
