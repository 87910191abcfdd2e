"""Property-based: random sequences of actions by random personas on a few suggestions keep the
workflow's invariants after every step (gapless numbers, no reply without contact, the state is
the summary of the event log, due dates consistent, answered means every unit replied)."""

import datetime
from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.audit.models import Event
from minsheng.suggestions import workflow
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    ExtensionRequest,
    NumberSeries,
    Rating,
    Reply,
    Suggestion,
)
from minsheng.suggestions.workflow import UnitPlan
from tests import states
from tests.conftest import PERSONAS as ALL_PERSONAS

pytestmark = pytest.mark.django_db
S = Suggestion.State
AS = Assignment.State
START = datetime.date(2026, 3, 2)

PERSONAS = list(ALL_PERSONAS)
UNITS = ["clerk_a", "head_a", "clerk_b", "head_b"]
# Who would normally take each action: most steps use one of them so that deep states are
# reached; the rest use anybody, so that refusals are exercised too.
NATURAL = {
    "submit": ["deputy"],
    "confirm_cosign": ["cosigner"],
    "withdraw": ["deputy"],
    "register": ["staff"],
    "decline": ["staff"],
    "return_for_revision": ["staff"],
    "merge": ["staff"],
    "assign": ["staff"],
    "sign": UNITS,
    "request_adjustment": UNITS,
    "decide_adjustment": ["staff"],
    "log_contact": UNITS,
    "submit_joint_opinion": ["clerk_b", "clerk_a"],
    "explain_overdue": ["clerk_a", "clerk_b"],
    "request_extension": ["clerk_a", "clerk_b"],
    "decide_extension": ["staff"],
    "draft_reply": ["clerk_a", "clerk_b"],
    "sign_reply": ["head_a", "head_b"],
    "rate": ["deputy"],
    "rehandle": ["staff"],
    "close": ["staff"],
    "end_of_term": ["staff"],
}
STEPS = [*NATURAL, "expire_ratings", "tick"]


def _args(cast, clock, s, others, action, variant):
    """Plausible arguments for `action` on `s`; `variant` (0-3) picks among the choices."""
    if action == "confirm_cosign":
        return {"accept": variant != 3}
    if action == "withdraw":
        return {"reason": "书面撤回" if variant else " "}
    if action == "decline":
        return [
            {"reason": "personal"},
            {"reason": "other", "note": "说明"},
            {"reason": "other"},
            {"reason": "no_content"},
        ][variant]
    if action == "return_for_revision":
        return {"note": "请修改" if variant else ""}
    if action == "merge":
        return {"into": others[variant % len(others)]}
    if action == "assign":
        a, b = cast.unit_a, cast.unit_b
        return {
            "plan": [
                [UnitPlan(a, "lead")],
                [UnitPlan(a, "lead"), UnitPlan(b, "joint")],
                [UnitPlan(a, "separate"), UnitPlan(b, "separate")],
                [UnitPlan(b, "lead")],
            ][variant]
        }
    if action == "request_adjustment":
        return {"reason": "不对口", "proposed_unit": cast.unit_b if variant % 2 else None}
    if action == "decide_adjustment":
        pending = AdjustmentRequest.objects.filter(assignment__suggestion=s, decision="pending")
        request = pending.order_by("-id").first()
        units = set(s.assignments.exclude(state=AS.CANCELLED).values_list("unit_id", flat=True))
        free = [u for u in (cast.unit_a, cast.unit_b) if u.pk not in units]
        move_to = free[0] if variant % 2 and free else None
        return {"request_id": request.pk if request else 0, "move_to": move_to}
    if action == "log_contact":
        back = datetime.timedelta(days=40 if variant == 3 else 0)  # 3: before the assignment
        return {
            "method": "phone",
            "contacted_on": clock.day - back,
            "people": "代表",
            "summary": "电话沟通",
        }
    if action == "submit_joint_opinion":
        return {"text": "同意主办单位意见"}
    if action == "explain_overdue":
        return {"text": "预算未批复，答复逾期" if variant else " "}
    if action == "request_extension":
        base = s.reply_due or clock.day
        return {
            "until": base + datetime.timedelta(days=[10, 40, 200, 0][variant]),
            "reason": "跨年度",
            "deputy_told": variant != 3,
        }
    if action == "decide_extension":
        request = s.extension_requests.filter(decision="pending").order_by("-id").first()
        return {"request_id": request.pk if request else 0, "approve": variant % 2 == 0}
    if action == "draft_reply":
        fields = {**states.REPLY, "category": "ABCD"[variant]}
        if variant == 1:
            fields.update(plan="分步实施", target_date=datetime.date(2027, 12, 31))
        return fields
    if action == "rate":
        return [
            {"overall": "satisfied"},
            {"overall": "basically"},
            {"overall": "unsatisfied", "reasons": "没有解决"},
            {"overall": "unsatisfied"},
        ][variant]
    if action in ("rehandle", "close"):
        return {"note": "说明" if variant else ""}
    if action == "end_of_term":
        return {"rule": "carry_over" if variant < 2 else "close", "note": "换届"}
    return {}


def _check_invariants():
    """Each invariant over every suggestion, in a handful of queries."""
    suggestions = list(Suggestion.objects.all())
    events, assignments = defaultdict(list), defaultdict(list)
    # The suggestions' own events (a B reply's ledger commitment logs on its ledger item too).
    mine = Event.objects.filter(subject_type=ContentType.objects.get_for_model(Suggestion))
    for e in mine.order_by("id").values("subject_id", "action", "from_state", "to_state"):
        events[e["subject_id"]].append(e)
    for a in Assignment.objects.exclude(state=AS.CANCELLED).values(
        "suggestion_id", "mode", "state"
    ):
        assignments[a["suggestion_id"]].append(a)
    # Numbers are gapless and unique per (session, series), and the series knows the last one.
    numbers = defaultdict(list)
    for s in suggestions:
        if s.number is not None:
            numbers[(s.session_id, s.series)].append(s.number)
    last = {(n.session_id, n.series): n.last_number for n in NumberSeries.objects.all()}
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), key
        assert last[key] == len(found), key
    # No reply is sent without a contact logged by its unit in its round.
    contacted = ContactLog.objects.filter(
        assignment_id=OuterRef("assignment_id"), round=OuterRef("round")
    )
    sent = Reply.objects.filter(state=Reply.State.SENT)
    assert not sent.filter(~Exists(contacted)).exists()
    assert not sent.filter(rating_due=None).exists()
    # 'Not rated' is never somebody's rating, and only sent replies are rated.
    assert not Rating.objects.exclude(reply__state=Reply.State.SENT).exists()
    assert not Rating.objects.filter(overall="not_rated").exclude(rated_by=None).exists()
    assert not Rating.objects.exclude(overall="not_rated").filter(rated_by=None).exists()
    assert (
        not ExtensionRequest.objects.filter(decision="pending")
        .values("suggestion_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    by_pk = {s.pk: s for s in suggestions}
    for s in suggestions:
        log = events[s.pk]
        # The state is the summary of the log; the version counts its events.
        assert s.version == len(log), s.title
        assert log[0]["from_state"] == "" and log[-1]["to_state"] == s.state
        for before, after in zip(log, log[1:], strict=False):
            assert after["from_state"] == before["to_state"], (before, after)
        if s.state in (S.ASSIGNED, S.HANDLING, S.REHANDLING):
            assert s.reply_due is not None and s.warn_from is not None
            assert s.warn_from <= s.reply_due
        active = assignments[s.pk]
        if s.state == S.ANSWERED:
            assert all(a["state"] == AS.REPLIED for a in active if a["mode"] != "joint")
        if s.state in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.DECLINED, S.REGISTERED):
            assert not active
        assert sum(a["mode"] == "lead" for a in active) <= 1
        if s.state == S.MERGED:
            assert by_pk[s.merged_into_id].state not in (S.DRAFT, S.RETURNED, S.DECLINED)
        assert (s.number is not None) == any(e["action"] == "register" for e in log)


# Buttons that end a suggestion's life are left to the random steps, so that the buttons carry
# most sequences deep into handling, replies, ratings and re-handling.
FINAL = {"withdraw", "decline", "merge", "end_of_term", "close"}


def _offers(cast, s):
    """The buttons the cast sees on `s` (allowed_actions), as (action, persona) pairs."""
    return [
        (action, name)
        for name in PERSONAS
        if name not in ("admin", "supervisor", "committee", "outsider")  # no buttons of their own
        for action in workflow.allowed_actions(getattr(cast, name), s)
        if action not in FINAL
    ]


def _people(cast, unit):
    return ("clerk_a", "head_a") if unit == cast.unit_a else ("clerk_b", "head_b")


def _progress(cast, s):
    """The next step of an ordinary life (what the people involved would do next), as
    (action, persona) or (None, None)."""
    if s.state in (S.DRAFT, S.RETURNED):
        if s.cosigners.filter(state="invited").exists():
            return "confirm_cosign", "cosigner"
        return "submit", "deputy"
    if s.state in (S.SUBMITTED, S.REGISTERED):
        return ("register", "staff") if s.state == S.SUBMITTED else ("assign", "staff")
    if s.state == S.ANSWERED:
        return "rate", "deputy"
    if s.state not in (S.ASSIGNED, S.HANDLING, S.REHANDLING):
        return None, None
    active = list(s.assignments.exclude(state=AS.CANCELLED).select_related("unit"))
    for a in active:
        clerk, head = _people(cast, a.unit)
        if a.state == AS.AWAITING_SIGNATURE:
            return "sign", clerk
        if a.state == AS.ADJUSTMENT_REQUESTED:
            return "decide_adjustment", "staff"
        if a.mode == "joint" and a.state == AS.SIGNED:
            return "submit_joint_opinion", clerk
    for a in active:
        clerk, head = _people(cast, a.unit)
        if a.mode == "joint" or a.state != AS.SIGNED:
            continue
        if not ContactLog.objects.filter(assignment=a, round=s.round).exists():
            return "log_contact", clerk
        if not Reply.objects.filter(assignment=a, round=s.round).exists():
            return "draft_reply", clerk
        return "sign_reply", head
    return None, None


def _pick(cast, s, step, who):
    if step == "progress":
        return _progress(cast, s)
    if step == "button":  # what a person would click: one of the page's buttons
        offers = _offers(cast, s)
        return offers[who % len(offers)] if offers else (None, None)
    natural = NATURAL[step]
    return step, (natural[who % len(natural)] if who < 10 else PERSONAS[who - 10])


STEP = st.tuples(
    st.sampled_from(["progress"] * len(STEPS) + ["button"] * len(STEPS) + STEPS),
    st.integers(0, 9 + len(PERSONAS)),
    st.integers(0, 3),
    st.integers(0, 3),
)


def test_random_action_sequences_keep_the_invariants(cast):
    with states.frozen(START):
        base = [
            states.draft(cast, cosign=True, title="草稿"),
            states.submitted(cast, title="闭会期间", source=Suggestion.Source.BETWEEN_SESSIONS),
            states.handling(cast, joint=True, title="会办"),
            states.handling(cast, separate=True, title="分办"),
        ]
    pks = [s.pk for s in base]
    _check_invariants()

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(STEP, min_size=15, max_size=40))
    def run(steps):
        # Every example starts from the same four suggestions and the same day.
        with states.frozen(START) as clock, transaction.atomic():
            for step, who, index, variant in steps:
                if step == "tick":
                    clock.advance([1, 5, 25, 40][variant])
                elif step == "expire_ratings":
                    workflow.expire_ratings()
                else:
                    s = Suggestion.objects.get(pk=pks[index])
                    action, name = _pick(cast, s, step, who)
                    if action is not None:
                        others = [Suggestion.objects.get(pk=pk) for pk in pks if pk != s.pk]
                        try:
                            kwargs = _args(cast, clock, s, others, action, variant)
                            workflow.ACTIONS[action](s, by=getattr(cast, name), **kwargs)
                        except workflow.WorkflowError:
                            pass
                _check_invariants()
            transaction.set_rollback(True)

    run()
