"""An action's inputs are declared once (`Action.inputs`, `Action.checks`): the page form, the
API body (and so the OpenAPI schema) and the typed function's refusals all come from that one
declaration, so they name the same fields and refuse with the same words."""

import datetime

import pytest
from django.utils import timezone

from minsheng.api.schemas import ActionBody
from minsheng.api.suggestions import ACTION_BODIES
from minsheng.engine import inputs
from minsheng.engine.actions import Action, Registry
from minsheng.engine.errors import Invalid
from minsheng.engine.forms import ActionForm as EngineActionForm
from minsheng.engine.inputs import Check, Choice, Flag, Text
from minsheng.suggestions import workflow
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.forms import ActionForm
from minsheng.suggestions.models import DeclineReason, Reply, Suggestion
from tests import states

pytestmark = pytest.mark.django_db


def _form(s, user, name, data=None):
    return ActionForm(data, suggestion=s, user=user, action=name)


# --- the same fields everywhere ----------------------------------------------------------------


def test_every_declared_input_is_a_page_field_and_an_api_field(cast):
    s = states.registered(cast)
    for name, action in REGISTRY.actions.items():
        body = ACTION_BODIES[name].model_fields
        form = _form(s, cast.staff, name)
        for item in action.inputs:
            if item.api:
                assert item.name in body, (name, item.name)
            else:
                assert item.name not in body, (name, item.name)
            if item.page:
                names = [n for group in getattr(item, "parts", {}).values() for n in group]
                for field in names or [item.name]:
                    assert field in form.fields, (name, field)
        extra = set(body) - {i.name for i in action.inputs} - {"expected_version"}
        subject = {action.subject.field} if action.subject and action.subject.api else set()
        assert extra == subject, (name, extra)


def test_the_api_body_carries_the_declared_choices_and_words():
    schema = ACTION_BODIES["decline"].model_json_schema()
    assert schema["title"] == "DeclineIn"
    assert set(schema["properties"]["reason"]["enum"]) == set(DeclineReason.values)
    assert schema["required"] == ["reason"]
    assert schema["properties"]["note"]["description"] == "Required when the reason is `other`."
    rate = ACTION_BODIES["rate"].model_json_schema()["properties"]
    assert rate["process"]["enum"] == ["satisfied", "basically", "unsatisfied", ""]


def test_the_page_form_carries_the_declared_labels_help_and_choices(cast):
    s = states.submitted(cast)
    form = _form(s, cast.staff, "decline")
    declared = {i.name: i for i in REGISTRY["decline"].inputs}
    assert form.fields["reason"].label == declared["reason"].label
    assert [v for v, _label in form.fields["reason"].choices] == DeclineReason.values
    assert form.fields["note"].help_text == declared["note"].help
    assert not form.fields["note"].required


# --- the same refusal, in the same words, from the page and from the function ------------------


CASES = [
    ("submitted", "staff", "decline", {"reason": DeclineReason.OTHER, "note": ""}, "note"),
    ("submitted", "staff", "return_for_revision", {"note": "  "}, "note"),
    ("answered", "deputy", "rate", {"overall": "unsatisfied", "reasons": ""}, "reasons"),
    ("answered", "staff", "rehandle", {"note": ""}, "note"),
]


@pytest.mark.parametrize(("state", "who", "name", "values", "field"), CASES)
def test_page_and_function_refuse_with_the_same_words(cast, state, who, name, values, field):
    s = getattr(states, state)(cast)
    user = getattr(cast, who)
    form = _form(s, user, name, {**values, "expected_version": s.version})
    assert not form.is_valid()
    page_words = form.errors[field][0]
    with pytest.raises(Invalid) as refused:
        workflow.ACTIONS[name](s, by=user, **values)
    assert refused.value.message == page_words


def test_a_b_reply_without_plan_is_refused_alike_on_the_page_and_in_code(cast):
    s = states.handling(cast)
    states.contact(cast, s)
    values = {**states.REPLY, "category": Reply.Category.B, "plan": "", "target_date": None}
    data = {k: ("" if v is None else v) for k, v in values.items()}
    form = _form(s, cast.clerk_a, "draft_reply", {**data, "expected_version": s.version})
    assert not form.is_valid()
    assert "plan" in form.errors and "target_date" in form.errors
    with pytest.raises(Invalid) as refused:
        workflow.draft_reply(s, by=cast.clerk_a, **values)
    assert refused.value.message == form.errors["plan"][0]


def test_a_future_contact_date_is_refused_alike(cast):
    s = states.handling(cast)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    values = {"method": "phone", "stage": "before", "people": "王", "summary": "谈了"}
    form = _form(
        s,
        cast.clerk_a,
        "log_contact",
        {**values, "contacted_on": tomorrow.isoformat(), "expected_version": s.version},
    )
    assert not form.is_valid()
    with pytest.raises(Invalid) as refused:
        workflow.log_contact(s, by=cast.clerk_a, contacted_on=tomorrow, **values)
    assert refused.value.message == form.errors["contacted_on"][0]


def test_the_api_refuses_a_ref_that_the_page_would_not_offer(client, cast):
    """A category of another congress is not among the register form's options, and the API
    resolves ids through the same options: 422, nothing registered."""
    from minsheng.people.models import Jurisdiction
    from minsheng.suggestions.models import Category

    s = states.submitted(cast)
    other = Jurisdiction.objects.create(name="别省", code="990000", level="province")
    foreign = Category.objects.create(jurisdiction=other, name="外省类别")
    form = _form(s, cast.staff, "register")
    assert foreign not in form.fields["category"].queryset
    client.force_login(cast.staff)
    response = client.post(
        f"/api/v1/suggestions/{s.pk}/actions/register",
        {"category": foreign.pk},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    s.refresh_from_db()
    assert s.state == Suggestion.State.SUBMITTED


# --- a new action is one declaration -----------------------------------------------------------


def test_a_new_action_gets_its_form_body_and_refusals_from_its_declaration(cast):
    """Declare an action on a registry of its own: the page form, the API body and the runner's
    input step follow, with no form or schema class written for it."""
    registry: Registry[Suggestion] = Registry(
        model=Suggestion,
        capacities=REGISTRY.capacities,
        append=REGISTRY.append,
        notify=lambda obj, event: None,
        lock_row=REGISTRY.lock_row,
    )

    def _needs_reason(values, attempt):
        if values.get("urgent") and not values.get("why", "").strip():
            return "Say why it is urgent."
        return None

    registry.declare(
        Action(
            "flag_for_review",
            sources=frozenset(Suggestion.IN_HANDLING) | {Suggestion.State.REGISTERED},
            target=None,
            who=frozenset({"staff"}),
            label="Flag for review",
            done="Flagged for review",
            summary="Flag it for the office's review",
            inputs=(
                Choice("level", label="Level", choices=[("low", "Low"), ("high", "High")]),
                Flag("urgent", label="Urgent"),
                Text("why", label="Why", required=False, doc="Why it is urgent."),
            ),
            checks=(Check("why", _needs_reason),),
        )
    )
    action = registry["flag_for_review"]
    body = inputs.body_model(action, ActionBody)
    schema = body.model_json_schema()
    assert schema["title"] == "FlagForReviewIn"
    assert set(schema["properties"]) == {"expected_version", "level", "urgent", "why"}
    assert schema["properties"]["level"]["enum"] == ["low", "high"]

    s = states.registered(cast)
    form = EngineActionForm(
        {"level": "high", "urgent": "on", "why": "", "expected_version": s.version},
        registry=registry,
        obj=s,
        user=cast.staff,
        action="flag_for_review",
    )
    assert set(form.fields) == {"expected_version", "level", "urgent", "why"}
    assert not form.is_valid() and form.errors["why"] == ["Say why it is urgent."]

    from minsheng.engine.actions import run

    def change(t):
        t.log(note="flagged")
        return t.obj

    with pytest.raises(Invalid, match="Say why it is urgent."):
        run(
            registry,
            "flag_for_review",
            s,
            by=cast.staff,
            change=change,
            inputs={"level": "high", "urgent": True, "why": ""},
        )
    with pytest.raises(Invalid):
        run(registry, "flag_for_review", s, by=cast.staff, change=change, inputs={"level": "x"})
    run(
        registry,
        "flag_for_review",
        s,
        by=cast.staff,
        change=change,
        inputs={"level": "low", "urgent": False, "why": ""},
    )
    assert s.events.filter(action="flag_for_review").count() == 1


def test_an_optional_input_may_be_left_out_of_the_api_body_a_required_one_not():
    assert Text("x").api_field()[1].is_required()
    assert not Text("x", required=False).api_field()[1].is_required()
    assert not Flag("y", required=True, api_default=True).api_field()[1].is_required()
