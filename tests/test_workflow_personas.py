"""Every action by a persona without the capacity for it is NotAllowed (403); each persona who
holds it succeeds from the same starting point."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from minsheng.suggestions import workflow
from minsheng.suggestions.workflow import UnitPlan
from tests import states
from tests.conftest import PERSONAS as ALL_PERSONAS

pytestmark = pytest.mark.django_db

PERSONAS = list(ALL_PERSONAS)
STAFF = {"staff", "admin"}  # the administrator is staff of every congress
UNITS = {"clerk_a", "head_a", "clerk_b", "head_b"}


class _Rollback(Exception):
    pass


def _attempt(call):
    """Run `call` and undo whatever it did; return the workflow error it raised, if any."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return None
    except workflow.WorkflowError as err:
        return err


def _joint_handling(cast):
    return states.handling(cast, joint=True, cosign=True)


def _with_adjustment(cast):
    s = states.assigned(cast, joint=True, cosign=True)
    request = workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口")
    return s, {"request_id": request.pk}


def _with_extension(cast):
    s = _joint_handling(cast)
    request = workflow.request_extension(
        s, by=cast.clerk_a, until=_later(s), reason="跨年度", deputy_told=True
    )
    return s, {"request_id": request.pk, "approve": True}


def _later(s):
    """A date after the reply due date and well before the 6-month cap."""
    return s.reply_due + datetime.timedelta(days=14)


def _extension_request(cast):
    s = _joint_handling(cast)
    return s, {"until": _later(s), "reason": "跨年度", "deputy_told": True}


def _overdue(cast):
    """Joint handling assigned long ago: the reply is overdue today."""
    on = timezone.localdate() - datetime.timedelta(days=200)
    return states.handling(cast, joint=True, cosign=True, on=on), {"text": "预算未批复，答复逾期。"}


def _ready_to_sign(cast):
    s = _joint_handling(cast)
    workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意")
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **states.REPLY)
    return s, {}


def _confirmed_draft(cast):
    s = states.draft(cast, cosign=True)
    workflow.confirm_cosign(s, by=cast.cosigner)
    return s, {}


def _merge(cast):
    into = states.registered(cast, title="目标")
    return states.submitted(cast, cosign=True), {"into": into}


def _plain(helper, **kwargs):
    def build(cast):
        return getattr(states, helper)(cast, cosign=True), dict(kwargs)

    return build


CASES = {
    # action: (build -> (suggestion, kwargs), personas who may act)
    "submit": (_confirmed_draft, {"deputy"}),
    "confirm_cosign": (_plain("draft"), {"cosigner"}),
    "withdraw": (_plain("handling", reason="撤回"), {"deputy"}),
    "register": (_plain("submitted"), STAFF),
    "decline": (_plain("submitted", reason="personal"), STAFF),
    "return_for_revision": (_plain("submitted", note="请修改"), STAFF),
    "merge": (_merge, STAFF),
    "assign": (
        lambda cast: (
            states.registered(cast, cosign=True),
            {"plan": [UnitPlan(cast.unit_a, "lead")]},
        ),
        STAFF,
    ),
    "sign": (lambda cast: (states.assigned(cast, joint=True, cosign=True), {}), UNITS),
    "request_adjustment": (
        lambda cast: (states.assigned(cast, joint=True, cosign=True), {"reason": "不对口"}),
        UNITS,
    ),
    "decide_adjustment": (_with_adjustment, STAFF),
    "log_contact": (
        lambda cast: (
            _joint_handling(cast),
            {
                "method": "phone",
                "contacted_on": timezone.localdate(),
                "people": "代表",
                "summary": "电话沟通",
            },
        ),
        UNITS,
    ),
    "submit_joint_opinion": (
        lambda cast: (_joint_handling(cast), {"text": "同意"}),
        {"clerk_b", "head_b"},
    ),
    "explain_overdue": (_overdue, {"clerk_a", "head_a"}),
    "request_extension": (lambda cast: _extension_request(cast), {"clerk_a", "head_a"}),
    "decide_extension": (_with_extension, STAFF),
    "draft_reply": (
        lambda cast: (_joint_handling(cast), dict(states.REPLY)),
        {"clerk_a", "head_a"},
    ),
    "sign_reply": (_ready_to_sign, {"head_a"}),
    "rate": (_plain("answered", overall="satisfied"), {"deputy"}),
    "rehandle": (_plain("answered", note="回头看"), STAFF),
    "close": (_plain("rehandling", note="办结"), STAFF),
    "end_of_term": (_plain("handling", rule="carry_over", note="换届"), STAFF),
}


def test_every_action_of_the_table_is_covered():
    assert set(CASES) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("action", sorted(CASES))
def test_only_the_personas_with_the_capacity_may_act(cast, action):
    build, allowed = CASES[action]
    s, kwargs = build(cast)
    for name in PERSONAS:
        err = _attempt(
            lambda name=name: workflow.ACTIONS[action](s, by=getattr(cast, name), **kwargs)
        )
        if name in allowed:
            assert err is None, (name, err and err.message)
        else:
            assert isinstance(err, workflow.NotAllowed), (name, err)


def test_an_anonymous_visitor_may_do_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    s = states.submitted(cast)
    with pytest.raises(workflow.NotAllowed):
        workflow.register(s, by=AnonymousUser())
    assert workflow.allowed_actions(AnonymousUser(), s) == []
