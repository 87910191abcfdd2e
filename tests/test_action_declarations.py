"""What the suggestion page offers is what the workflow accepts: a walk over every state (and the
separate-handling rounds where the rating once drifted) × every persona × every declared action.

An action the page offers (a button or form on /suggestions/<id>/) must succeed with a valid
body, or be refused only for its input (422), or, when the page listed it with a problem to fix
first, be refused with exactly that problem. An action the page does not offer must be refused
by the workflow, with the same words the page's refusal (`why_not`) gives."""

import datetime
import inspect
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.suggestions import workflow
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.models import AdjustmentRequest, Assignment, Rating, Reply, Suggestion
from minsheng.suggestions.workflow import UnitPlan
from tests import states
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db
S = Suggestion.State
SEPARATE = {"separate": True, "cosign": True}


def _reply_of(s, unit, round_=1):
    return Reply.objects.get(suggestion=s, assignment__unit=unit, round=round_)


def _rehandling_separate(cast):
    """分办: unit A's round-1 reply was unsatisfying; unit B's round-1 reply still awaits."""
    s = states.answered(cast, **SEPARATE)
    workflow.rate(
        s,
        by=cast.deputy,
        overall="unsatisfied",
        reasons="只答复了一半。",
        reply_id=_reply_of(s, cast.unit_a).pk,
    )
    s.refresh_from_db()
    return s


def _answered_round_two_separate(cast):
    """The drift state: unit A has answered round 2; unit B's round-1 reply is still unrated."""
    s = _rehandling_separate(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    workflow.sign_reply(s, by=cast.head_a)
    s.refresh_from_db()
    return s


def _adjustment_pending(cast):
    s = states.handling(cast, joint=True, cosign=True)
    workflow.request_adjustment(s, by=cast.clerk_b, reason="不属于本单位职责。")
    s.refresh_from_db()
    return s


def _extension_pending(cast):
    s = states.handling(cast, cosign=True)
    workflow.request_extension(
        s,
        by=cast.clerk_a,
        until=s.reply_due + datetime.timedelta(days=20),
        reason="需跨年度安排资金。",
        deputy_told=True,
    )
    s.refresh_from_db()
    return s


def _draft_waiting_for_contact(cast):
    s = states.handling(cast, cosign=True)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    s.refresh_from_db()
    return s


BUILDERS = {
    "draft": lambda cast: states.draft(cast, cosign=True),
    "submitted": lambda cast: states.submitted(cast, cosign=True),
    "returned": lambda cast: states.returned(cast, cosign=True),
    "declined": lambda cast: states.declined(cast, cosign=True),
    "withdrawn": lambda cast: states.withdrawn(cast, before="handling", cosign=True, joint=True),
    "registered": lambda cast: states.registered(cast, cosign=True),
    "assigned": lambda cast: states.assigned(cast, cosign=True, joint=True),
    "handling": lambda cast: states.handling(cast, cosign=True, joint=True),
    "handling_draft_reply": _draft_waiting_for_contact,
    "handling_adjustment_requested": _adjustment_pending,
    "handling_extension_requested": _extension_pending,
    "answered": lambda cast: states.answered(cast, cosign=True, joint=True),
    "answered_separate": lambda cast: states.answered(cast, **SEPARATE),
    "rehandling": lambda cast: states.rehandling(cast, cosign=True, joint=True),
    "rehandling_separate": _rehandling_separate,
    "answered_round_two_separate": _answered_round_two_separate,
    "closed": lambda cast: states.closed(cast, cosign=True, joint=True),
    "merged": lambda cast: states.merged(cast, cosign=True),
}


def _first_pending(queryset):
    found = queryset.filter(decision="pending").order_by("id").first()
    return found.pk if found else 0


# A valid body for each action, whoever takes it: what a person filling the page form in
# correctly would send. The sub-object is left to the chooser, as the page's default is.
BODIES = {
    "submit": lambda cast, s: {},
    "confirm_cosign": lambda cast, s: {},
    "withdraw": lambda cast, s: {"reason": "书面撤回。"},
    "register": lambda cast, s: {},
    "decline": lambda cast, s: {"reason": "personal"},
    "return_for_revision": lambda cast, s: {"note": "请补充数据。"},
    "merge": lambda cast, s: {"into": states.registered(cast, title="并案目标")},
    "assign": lambda cast, s: {"plan": [UnitPlan(cast.unit_a, Assignment.Mode.LEAD)]},
    "sign": lambda cast, s: {},
    "request_adjustment": lambda cast, s: {"reason": "不对口。"},
    "decide_adjustment": lambda cast, s: {
        "request_id": _first_pending(AdjustmentRequest.objects.filter(assignment__suggestion=s))
    },
    "log_contact": lambda cast, s: {
        "method": "phone",
        "contacted_on": timezone.localdate(),
        "people": "代表",
        "summary": "电话沟通。",
    },
    "submit_joint_opinion": lambda cast, s: {"text": "同意主办单位意见。"},
    "explain_overdue": lambda cast, s: {"text": "预算未批复。"},
    "request_extension": lambda cast, s: {
        "until": (s.reply_due or timezone.localdate()) + datetime.timedelta(days=14),
        "reason": "跨年度。",
        "deputy_told": True,
    },
    "decide_extension": lambda cast, s: {
        "request_id": _first_pending(s.extension_requests.all()),
        "approve": True,
    },
    "draft_reply": lambda cast, s: dict(states.REPLY),
    "sign_reply": lambda cast, s: {},
    "rate": lambda cast, s: {"overall": "satisfied"},
    "rehandle": lambda cast, s: {"note": "回头看。"},
    "close": lambda cast, s: {"note": "办结。"},
    "end_of_term": lambda cast, s: {"rule": "carry_over", "note": "换届。"},
}


class _Rollback(Exception):
    pass


def _try(cast, s, user, action):
    """Call the action with a valid body in a savepoint that is always rolled back."""
    outcome = None
    try:
        with transaction.atomic():
            fresh = Suggestion.objects.get(pk=s.pk)
            try:
                workflow.ACTIONS[action](fresh, by=user, **BODIES[action](cast, fresh))
            except workflow.WorkflowError as error:
                outcome = error
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def _offered_on_the_page(client, user, s):
    client.force_login(user)
    response = client.get(reverse("suggestions:detail", args=[s.pk]))
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def test_every_declared_action_has_a_body_here():
    assert set(BODIES) == set(REGISTRY.actions) == set(workflow.ACTIONS)


@pytest.mark.parametrize("state", list(BUILDERS))
def test_the_page_offers_exactly_what_the_workflow_accepts(client, cast, state):
    s = BUILDERS[state](cast)
    wrong = []
    for name in PERSONAS:
        user = getattr(cast, name)
        offered = _offered_on_the_page(client, user, s)
        s.refresh_from_db()
        assert offered == set(workflow.allowed_actions(user, s)) & offered, name
        for action in REGISTRY.actions:
            error = _try(cast, s, user, action)
            if action in offered:
                problems = REGISTRY.problems(action, user, s)
                if error is None:
                    if problems:
                        wrong.append((name, action, "accepted despite", problems))
                elif problems:
                    if error.message not in problems:
                        wrong.append((name, action, "refused otherwise than shown", error.message))
                elif not isinstance(error, workflow.Invalid):
                    wrong.append((name, action, "offered but refused", error.message))
            elif error is None:
                wrong.append((name, action, "not offered but accepted", None))
            elif (
                # Without a sub-object to pick, the page's refusal is the workflow's, word for word.
                REGISTRY[action].subject is None
                and not isinstance(error, workflow.Invalid)
                and error.message != workflow.why_not(action, user, s)
            ):
                wrong.append((name, action, "refused in other words", error.message))
    assert wrong == []
    # Everything was rolled back.
    assert Suggestion.objects.get(pk=s.pk).version == s.version


def test_the_walk_reaches_offered_and_refused_actions_for_every_kind_of_person(cast, client):
    """The walk is not vacuous: each capacity is offered something somewhere."""
    seen = set()
    for state in ("draft", "submitted", "handling", "answered_round_two_separate"):
        s = BUILDERS[state](cast)
        for name in ("deputy", "cosigner", "staff", "clerk_a", "head_b"):
            if _offered_on_the_page(client, getattr(cast, name), s):
                seen.add(name)
    assert seen == {"deputy", "cosigner", "staff", "clerk_a", "head_b"}


# --- the rating drift in separate handling -----------------------------------------------------


def test_after_unit_a_answers_round_two_the_page_asks_which_reply_and_rates_that_one(client, cast):
    s = _answered_round_two_separate(cast)
    a_round_two = _reply_of(s, cast.unit_a, 2)
    b_round_one = _reply_of(s, cast.unit_b, 1)
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in page.context["actions"] if a.name == "rate")
    # Both replies waiting for the rating are offered: the page no longer hides B's.
    choices = dict(form.fields["reply"].choices)
    assert set(choices) == {a_round_two.pk, b_round_one.pk}
    response = client.post(
        reverse("suggestions:act", args=[s.pk, "rate"]),
        {"expected_version": s.version, "reply": a_round_two.pk, "overall": "satisfied"},
    )
    assert response.status_code == 302
    assert Rating.objects.get(reply=a_round_two).overall == "satisfied"
    assert not Rating.objects.filter(reply=b_round_one).exists()


def test_the_page_default_and_the_workflow_default_are_the_same_reply(client, cast):
    s = _answered_round_two_separate(cast)
    client.force_login(cast.deputy)
    page = client.get(reverse("suggestions:detail", args=[s.pk]))
    form = next(a.form for a in page.context["actions"] if a.name == "rate")
    page_default = form.initial["reply"]
    rating = workflow.rate(s, by=cast.deputy, overall="basically")  # no reply named
    assert rating.reply_id == page_default


def test_a_form_posted_without_a_choice_when_several_replies_wait_asks_for_one(client, cast):
    s = _answered_round_two_separate(cast)
    client.force_login(cast.deputy)
    response = client.post(
        reverse("suggestions:act", args=[s.pk, "rate"]),
        {"expected_version": s.version, "overall": "satisfied"},
    )
    assert response.status_code == 422
    assert any("reply" in a.form.errors for a in response.context["actions"])
    assert (
        not Rating.objects.filter(suggestion=s, rated_by=cast.deputy)
        .exclude(overall="unsatisfied")
        .exists()
    )


# --- the inputs of each action name the declared sub-object the same way everywhere ------------


def test_the_api_body_the_page_form_and_the_function_name_the_declared_sub_object(cast):
    from minsheng.api.suggestions import ACTION_BODIES
    from minsheng.suggestions.forms import ACTION_FORMS

    s = _answered_round_two_separate(cast)
    for name, action in REGISTRY.actions.items():
        fields = ACTION_BODIES[name].model_fields
        params = inspect.signature(workflow.ACTIONS[name]).parameters
        subject = action.subject
        picks = {"assignment_id", "reply_id", "request_id"}
        if subject is None or not subject.api:
            assert not picks & set(fields), name
            continue
        assert subject.field in fields and subject.field in params, name
        assert fields[subject.field].is_required() == subject.required, name
        form = ACTION_FORMS[name](suggestion=s, user=cast.deputy, action=name)
        assert form.declaration is action
