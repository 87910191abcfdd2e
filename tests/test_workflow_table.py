"""A walk over the whole transition table: every action from every state is refused with a
state conflict exactly where the table says, and goes past the state check everywhere else."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.suggestions import permissions, workflow
from minsheng.suggestions.models import Suggestion
from minsheng.suggestions.workflow import TRANSITIONS, UnitPlan
from tests import states
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db
S = Suggestion.State

# Every state reached through the real workflow; joint handling and a co-signer wherever they
# fit, so unit B (joint) and the co-signer hold capacities too.
BUILDERS = {
    S.DRAFT: lambda cast: states.draft(cast, cosign=True),
    S.SUBMITTED: lambda cast: states.submitted(cast, cosign=True),
    S.RETURNED: lambda cast: states.returned(cast, cosign=True),
    S.DECLINED: lambda cast: states.declined(cast, cosign=True),
    S.WITHDRAWN: lambda cast: states.withdrawn(cast, before="handling", cosign=True, joint=True),
    S.REGISTERED: lambda cast: states.registered(cast, cosign=True),
    S.ASSIGNED: lambda cast: states.assigned(cast, cosign=True, joint=True),
    S.HANDLING: lambda cast: states.handling(cast, cosign=True, joint=True),
    S.ANSWERED: lambda cast: states.answered(cast, cosign=True, joint=True),
    S.REHANDLING: lambda cast: states.rehandling(cast, cosign=True, joint=True),
    S.CLOSED: lambda cast: states.closed(cast, cosign=True, joint=True),
    S.MERGED: lambda cast: states.merged(cast, cosign=True),
}


def _quietly(call):
    """Preparation that only works in some states (e.g. a pending request to decide)."""
    try:
        with transaction.atomic():
            return call()
    except workflow.WorkflowError:
        return None


def _decide_adjustment(cast, s):
    request = _quietly(lambda: workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口"))
    return cast.staff, {"request_id": request.pk if request else 0}


def _decide_extension(cast, s):
    until = (s.reply_due or timezone.localdate()) + datetime.timedelta(days=14)
    request = _quietly(
        lambda: workflow.request_extension(
            s, by=cast.clerk_a, until=until, reason="跨年度", deputy_told=True
        )
    )
    return cast.staff, {"request_id": request.pk if request else 0, "approve": True}


def _sign_reply(cast, s):
    _quietly(lambda: states.contact(cast, s))
    _quietly(lambda: workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY))
    return cast.head_a, {}


def _contact_fields():
    return {
        "method": "phone",
        "contacted_on": timezone.localdate(),
        "people": "代表",
        "summary": "电话沟通",
    }


# action: (cast, suggestion) -> (persona holding the right capacity, valid arguments)
CALLS = {
    "submit": lambda cast, s: (cast.deputy, {}),
    "confirm_cosign": lambda cast, s: (cast.cosigner, {}),
    "withdraw": lambda cast, s: (cast.deputy, {"reason": "书面撤回"}),
    "register": lambda cast, s: (cast.staff, {}),
    "decline": lambda cast, s: (cast.staff, {"reason": "personal"}),
    "return_for_revision": lambda cast, s: (cast.staff, {"note": "请修改"}),
    "merge": lambda cast, s: (cast.staff, {"into": states.registered(cast, title="并案目标")}),
    "assign": lambda cast, s: (cast.staff, {"plan": [UnitPlan(cast.unit_a, "lead")]}),
    "sign": lambda cast, s: (cast.clerk_a, {}),
    "request_adjustment": lambda cast, s: (cast.clerk_a, {"reason": "不对口"}),
    "decide_adjustment": _decide_adjustment,
    "log_contact": lambda cast, s: (cast.clerk_a, _contact_fields()),
    "submit_joint_opinion": lambda cast, s: (cast.clerk_b, {"text": "同意"}),
    "explain_overdue": lambda cast, s: (cast.clerk_a, {"text": "预算未批复"}),
    "request_extension": lambda cast, s: (
        cast.clerk_a,
        {
            "until": (s.reply_due or timezone.localdate()) + datetime.timedelta(days=14),
            "reason": "跨年度",
            "deputy_told": True,
        },
    ),
    "decide_extension": _decide_extension,
    "draft_reply": lambda cast, s: (cast.clerk_a, dict(states.REPLY)),
    "sign_reply": _sign_reply,
    "rate": lambda cast, s: (cast.deputy, {"overall": "satisfied"}),
    "rehandle": lambda cast, s: (cast.staff, {"note": "回头看"}),
    "close": lambda cast, s: (cast.staff, {"note": "办结"}),
    "end_of_term": lambda cast, s: (cast.staff, {"rule": "carry_over", "note": "换届"}),
}


class _Rollback(Exception):
    pass


def _outcome(cast, s, action):
    """Prepare and call the action in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            user, kwargs = CALLS[action](cast, s)
            holds = bool(permissions.capacities(user, s) & TRANSITIONS[action].who)
            try:
                workflow.ACTIONS[action](s, by=user, **kwargs)
            except workflow.WorkflowError as err:
                result = err
            else:
                result = None
            raise _Rollback
    except _Rollback:
        return holds, result


def _is_state_conflict(err, s):
    expected = _("This cannot be done while the suggestion is “%(state)s”.") % {
        "state": s.get_state_display()
    }
    return isinstance(err, workflow.Conflict) and err.message == expected


def test_every_action_of_the_table_is_walked():
    assert set(CALLS) == set(TRANSITIONS) == set(workflow.ACTIONS)
    assert set(BUILDERS) == set(S.values)
    for rule in TRANSITIONS.values():
        assert rule.sources <= set(S.values)
        assert rule.target is None or rule.target in S.values


@pytest.mark.parametrize("state", S.values)
def test_each_action_is_refused_for_its_state_exactly_where_the_table_says(cast, state):
    s = BUILDERS[state](cast)
    assert s.state == state
    wrong = []
    for action, rule in TRANSITIONS.items():
        holds, err = _outcome(cast, s, action)
        if state in rule.sources:
            # Someone in the cast can act here, and the state is not what stops them.
            if not holds or isinstance(err, workflow.NotAllowed) or _is_state_conflict(err, s):
                wrong.append((action, "should pass the state check", err and err.message))
        elif holds and not _is_state_conflict(err, s):
            wrong.append((action, "should be a state conflict", err and err.message))
        elif not holds and not isinstance(err, workflow.NotAllowed):
            wrong.append((action, "nobody holds the capacity: NotAllowed", err and err.message))
    assert wrong == []
    s.refresh_from_db()
    assert s.state == state  # every attempt was rolled back


@pytest.mark.parametrize("state", S.values)
def test_the_table_target_is_where_a_successful_action_goes(cast, state):
    s = BUILDERS[state](cast)
    for action, rule in TRANSITIONS.items():
        if state not in rule.sources or rule.target is None:
            continue
        try:
            with transaction.atomic():
                user, kwargs = CALLS[action](cast, s)
                try:
                    workflow.ACTIONS[action](s, by=user, **kwargs)
                except workflow.WorkflowError:
                    raise _Rollback from None
                assert Suggestion.objects.get(pk=s.pk).state == rule.target, action
                raise _Rollback
        except _Rollback:
            pass


@pytest.mark.parametrize("state", S.values)
def test_offered_actions_are_a_subset_of_the_table_for_the_state(cast, state):
    s = BUILDERS[state](cast)
    in_table = {a for a, rule in TRANSITIONS.items() if state in rule.sources}
    for name in PERSONAS:
        user = getattr(cast, name)
        offered = set(workflow.allowed_actions(user, s))
        assert offered <= in_table, (name, offered - in_table)
        caps = permissions.capacities(user, s)
        assert all(caps & TRANSITIONS[a].who for a in offered), name


def test_the_buttons_follow_the_persons_part(cast):
    s = states.handling(cast, joint=True, cosign=True)
    assert "draft_reply" in workflow.allowed_actions(cast.clerk_a, s)
    assert "draft_reply" not in workflow.allowed_actions(cast.clerk_b, s)  # joint unit
    assert "submit_joint_opinion" in workflow.allowed_actions(cast.clerk_b, s)
    assert "sign" not in workflow.allowed_actions(cast.clerk_a, s)  # already signed
    assert workflow.allowed_actions(cast.supervisor, s) == []
    assert workflow.allowed_actions(cast.outsider, s) == []
    assert "withdraw" in workflow.allowed_actions(cast.deputy, s)
