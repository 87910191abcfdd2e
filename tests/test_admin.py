"""The admin: configuration is editable, the routing table keeps its history, and no admin path
can change the state of a suggestion or anything that happens to it."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from minsheng.audit.models import Event
from minsheng.insight.models import RoutingRule, RoutingRuleChange
from minsheng.people.models import Organisation
from minsheng.suggestions.models import (
    Category,
    RuleSet,
    Suggestion,
)
from minsheng.workcalendar.models import CalendarDay, CalendarYear
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.admin)
    return client


def url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# --- configuration -----------------------------------------------------------------------------


def rule_set_form(cast, **changes):
    data = {
        "jurisdiction": cast.jurisdiction.pk,
        "reply_months": 3,
        "reply_cap_months": 6,
        "sign_days": 7,
        "adjustment_workdays": 7,
        "joint_opinion_months": 1,
        "rehandling_months": 1,
        "rating_workdays": 20,
        "publication_workdays": 20,
        "between_session_assign_workdays": 5,
        "warning_workdays": 5,
        "instruction_days": 7,
        "instruction_complex_months": 1,
        "clearance_month": 12,
        "clearance_day": 31,
    }
    return {**data, **changes}


def test_admin_adds_a_rule_set_with_help_texts(admin_client, cast):
    page = admin_client.get(url(RuleSet, "add"))
    form = page.context["adminform"].form
    for name in RuleSet.FIELDS:
        assert str(form.fields[name].help_text) in page.content.decode()
        assert form.fields[name].help_text
    response = admin_client.post(url(RuleSet, "add"), rule_set_form(cast, adjustment_workdays=10))
    assert response.status_code == 302
    assert RuleSet.objects.get(jurisdiction=cast.jurisdiction).adjustment_workdays == 10


def test_rule_set_refuses_zero_and_a_cap_below_the_reply_limit(admin_client, cast):
    response = admin_client.post(url(RuleSet, "add"), rule_set_form(cast, rating_workdays=0))
    assert response.status_code == 200 and not RuleSet.objects.exists()
    assert response.context["adminform"].form.errors["rating_workdays"]
    response = admin_client.post(
        url(RuleSet, "add"), rule_set_form(cast, reply_months=4, reply_cap_months=3)
    )
    assert response.status_code == 200 and not RuleSet.objects.exists()


def test_calendar_days_are_entered_and_filtered_by_year(admin_client):
    for day, note in ((datetime.date(2027, 2, 6), "春节"), (datetime.date(2027, 10, 1), "国庆")):
        response = admin_client.post(url(CalendarDay, "add"), {"date": day, "note": note})
        assert response.status_code == 302
    CalendarDay.objects.create(date=datetime.date(2026, 10, 8), is_workday=False, note="国庆")
    page = admin_client.get(url(CalendarDay), {"year": "2027"})
    assert page.status_code == 200
    shown = {d.date for d in page.context["cl"].queryset}
    assert shown == {datetime.date(2027, 2, 6), datetime.date(2027, 10, 1)}
    assert b"?year=2027" in page.content and b"?year=2026" in page.content


def test_a_year_cannot_be_declared_complete_before_its_holidays(admin_client):
    response = admin_client.post(url(CalendarYear, "add"), {"year": 2027, "note": "国办发明电"})
    assert response.status_code == 200 and not CalendarYear.objects.exists()
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_workday=False, note="元旦")
    response = admin_client.post(url(CalendarYear, "add"), {"year": 2027, "note": "国办发明电"})
    assert response.status_code == 302 and CalendarYear.objects.filter(year=2027).exists()


def test_category_tree_refuses_a_cycle_and_another_congress(admin_client, cast):
    top = Category.objects.create(jurisdiction=cast.jurisdiction, name="交通运输")
    child = Category.objects.create(jurisdiction=cast.jurisdiction, name="农村公路", parent=top)
    foreign = Category.objects.create(jurisdiction=cast.other_jurisdiction, name="教育")
    base = {
        "jurisdiction": cast.jurisdiction.pk,
        "name": "交通运输",
        "sort_order": 0,
        "is_active": "on",
    }
    response = admin_client.post(url(Category, "change", top.pk), {**base, "parent": child.pk})
    assert response.status_code == 200
    response = admin_client.post(url(Category, "add"), {**base, "name": "x", "parent": foreign.pk})
    assert response.status_code == 200
    response = admin_client.post(url(Category, "add"), {**base, "name": "公交", "parent": top.pk})
    assert response.status_code == 302
    assert admin_client.get(url(Category)).status_code == 200


# --- the routing table's history ---------------------------------------------------------------


def routing_form(cast, category, lead, joint=()):
    return {
        "jurisdiction": cast.jurisdiction.pk,
        "category": category.pk,
        "region": "",
        "lead_unit": lead.pk,
        "joint_units": [u.pk for u in joint],
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }


def test_every_routing_change_is_kept_with_before_after_and_who(admin_client, cast):
    category = states.category(cast)
    response = admin_client.post(url(RoutingRule, "add"), routing_form(cast, category, cast.unit_a))
    assert response.status_code == 302, response.content
    rule = RoutingRule.objects.get()
    created = RoutingRuleChange.objects.get()
    assert created.change == "created" and created.before is None
    assert created.after["lead_unit"] == str(cast.unit_a) and created.changed_by == cast.admin

    response = admin_client.post(
        url(RoutingRule, "change", rule.pk),
        routing_form(cast, category, cast.unit_a, joint=[cast.unit_b]),
    )
    assert response.status_code == 302
    changed = RoutingRuleChange.objects.filter(change="changed").get()
    assert changed.before["joint_units"] == [] and changed.after["joint_units"] == [
        str(cast.unit_b)
    ]

    page = admin_client.get(url(RoutingRule, "change", rule.pk)).content.decode()
    assert str(cast.unit_b) in page  # the history inline shows the change

    response = admin_client.post(url(RoutingRule, "delete", rule.pk), {"post": "yes"})
    assert response.status_code == 302 and not RoutingRule.objects.exists()
    deleted = RoutingRuleChange.objects.get(change="deleted")
    assert deleted.after is None and deleted.before["joint_units"] == [str(cast.unit_b)]
    assert deleted.changed_by == cast.admin
    assert admin_client.get(url(RoutingRuleChange)).status_code == 200


def test_bulk_delete_of_routing_rules_is_recorded_per_rule(admin_client, cast):
    for name in ("交通运输", "教育"):
        RoutingRule.objects.create(
            jurisdiction=cast.jurisdiction,
            category=states.category(cast, name),
            lead_unit=cast.unit_a,
        )
    ids = list(RoutingRule.objects.values_list("pk", flat=True))
    response = admin_client.post(
        url(RoutingRule), {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert RoutingRuleChange.objects.filter(change="deleted").count() == 2


def test_unchanged_save_adds_no_history(admin_client, cast):
    category = states.category(cast)
    admin_client.post(url(RoutingRule, "add"), routing_form(cast, category, cast.unit_a))
    rule = RoutingRule.objects.get()
    admin_client.post(
        url(RoutingRule, "change", rule.pk), routing_form(cast, category, cast.unit_a)
    )
    assert RoutingRuleChange.objects.count() == 1


def test_routing_rule_refuses_units_of_another_congress_and_lead_as_joint(admin_client, cast):
    foreign = Organisation.objects.create(
        jurisdiction=cast.other_jurisdiction,
        name="外省交通厅",
        kind="department",
        is_handling_unit=True,
    )
    category = states.category(cast)
    response = admin_client.post(url(RoutingRule, "add"), routing_form(cast, category, foreign))
    assert response.status_code == 200
    response = admin_client.post(
        url(RoutingRule, "add"), routing_form(cast, category, cast.unit_a, joint=[cast.unit_a])
    )
    assert response.status_code == 200
    assert not RoutingRule.objects.exists() and not RoutingRuleChange.objects.exists()


# --- suggestions are browse-only ---------------------------------------------------------------


def test_suggestion_list_filters_and_search(admin_client, cast):
    states.answered(cast)
    states.registered(cast, title="关于加强校园安全的建议")
    page = admin_client.get(url(Suggestion), {"state__exact": "answered"})
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    page = admin_client.get(url(Suggestion), {"q": "校园"})
    assert page.context["cl"].result_count == 1
    assert "第0002号" in page.content.decode()


def test_suggestion_page_is_read_only(admin_client, cast):
    s = states.answered(cast)
    page = admin_client.get(url(Suggestion, "change", s.pk))
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    response = admin_client.post(url(Suggestion, "change", s.pk), {"state": "closed"})
    assert response.status_code == 403
    s.refresh_from_db()
    assert s.state == Suggestion.State.ANSWERED
    assert admin_client.get(url(Suggestion, "add")).status_code == 403
    assert admin_client.post(url(Suggestion, "delete", s.pk), {"post": "yes"}).status_code == 403


def test_events_cannot_be_added_changed_or_deleted(admin_client, cast):
    s = states.registered(cast)
    event = Event.objects.filter(suggestion=s).first()
    assert admin_client.get(url(Event)).status_code == 200
    assert admin_client.get(url(Event, "change", event.pk)).status_code == 200
    assert admin_client.get(url(Event, "add")).status_code == 403
    assert admin_client.post(url(Event, "change", event.pk), {"note": "x"}).status_code == 403
    assert admin_client.post(url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(
        url(Event), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert Event.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)


def test_no_admin_path_can_write_a_state_field(cast):
    """Every registered admin of a model with a state-like field is browse-only or keeps that
    field read-only, and offers no bulk action that is not a workflow call."""
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    state_fields = {"state", "decision", "overall"}
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "suggestions":
            continue
        names = {f.name for f in model._meta.get_fields()} & state_fields
        if not names:
            continue
        checked += 1
        assert not model_admin.has_add_permission(request), model
        if model_admin.has_change_permission(request):
            assert names <= set(model_admin.get_readonly_fields(request)), model
        assert not set(model_admin.get_actions(request)) - {"recompute_now"}, model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request), inline
    assert checked >= 6  # suggestion, assignment, reply, rating, extension, adjustment


@pytest.mark.parametrize(
    "model",
    [
        "assignment",
        "reply",
        "rating",
        "contactlog",
        "extensionrequest",
        "adjustmentrequest",
        "jointopinion",
        "insight.routingrulechange",
    ],
)
def test_record_lists_open_for_browsing(admin_client, cast, model):
    states.closed(cast, joint=True)
    app, _dot, model = model.rpartition(".")
    app = app or "suggestions"
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403


def test_reply_and_rating_pages_are_read_only(admin_client, cast):
    s = states.closed(cast)
    reply = s.replies.get()
    page = admin_client.get(reverse("admin:suggestions_reply_change", args=[reply.pk]))
    assert page.status_code == 200 and 'name="category"' not in page.content.decode()
    rating = s.ratings.get()
    page = admin_client.get(reverse("admin:suggestions_rating_change", args=[rating.pk]))
    assert page.status_code == 200 and 'name="overall"' not in page.content.decode()
