"""`minsheng demo --size small` adds suggestions in every state through the real workflow, with
real work for every member of the demo cast, and adds nothing when run again."""

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from minsheng.audit.models import Event
from minsheng.insight.models import RoutingRule, RoutingRuleChange
from minsheng.people.demo import DemoContext
from minsheng.people.models import Jurisdiction, User
from minsheng.suggestions import demo
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Category,
    CoSigner,
    ExtensionRequest,
    Rating,
    Reply,
    Suggestion,
)

pytestmark = pytest.mark.django_db
S = Suggestion.State
SEED = 5


@pytest.fixture(scope="module", autouse=True)
def small_demo(django_db_setup, django_db_blocker):
    """One small demo for the whole module (it takes seconds), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--size", "small", "--seed", str(SEED), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def province():
    return Jurisdiction.objects.get(code="demo-province")


def user(name):
    return User.objects.get(username=name)


def unit_of(name):
    return user(name).roles.get().organisation


def test_small_size_has_about_eighty_suggestions():
    assert Suggestion.objects.filter(jurisdiction=province()).count() == demo.SIZES["small"]


def test_every_state_appears():
    present = set(Suggestion.objects.values_list("state", flat=True))
    assert present == set(S.values)


def test_state_equals_the_last_event_for_every_suggestion():
    # Supervision and later commitment notes log on a suggestion's timeline without changing
    # it (no version bump).
    from minsheng.ledger.commitments import SUGGESTION_NOTES

    supervision = {"supervise", "instruct", "responded", "key_item", "documents"}
    supervision |= SUGGESTION_NOTES
    for s in Suggestion.objects.all():
        events = list(
            s.events.exclude(action__in=supervision)
            .order_by("at", "id")
            .values_list("to_state", flat=True)
        )
        assert events[-1] == s.state, s
        assert s.version == len(events), s


def test_events_spread_from_the_session_to_now():
    session = province().current_session()
    span = Event.objects.aggregate(first=Min("at"), last=Max("at"))
    assert timezone.localtime(span["first"]).date() >= session.start_date
    assert span["last"] <= timezone.now()
    months = {timezone.localtime(at).month for at in Event.objects.values_list("at", flat=True)}
    assert len(months) >= 8


def test_replies_in_all_four_categories_and_b_has_plans():
    sent = Reply.objects.filter(state=Reply.State.SENT)
    assert set(sent.values_list("category", flat=True)) == {"A", "B", "C", "D"}
    for reply in sent.filter(category="B"):
        assert reply.plan and reply.target_date


def test_ratings_of_every_kind():
    kinds = set(Rating.objects.values_list("overall", flat=True))
    assert kinds == {"satisfied", "basically", "unsatisfied", "not_rated"}
    assert not Rating.objects.filter(overall="unsatisfied", reasons="").exists()


def test_rehandling_rounds_overdue_items_and_requests():
    today = timezone.localdate()
    assert Suggestion.objects.filter(round__gte=2).count() >= 3
    overdue = Suggestion.objects.filter(
        state__in=[S.ASSIGNED, S.HANDLING, S.REHANDLING], reply_due__lt=today
    )
    assert overdue.count() >= 3
    assert ExtensionRequest.objects.filter(decision="pending").exists()
    assert ExtensionRequest.objects.filter(decision="approved").exists()
    assert AdjustmentRequest.objects.filter(decision="pending").exists()
    assert Suggestion.objects.filter(is_key=True).exists()
    assert Suggestion.objects.filter(is_complex=True).exists()
    assert Suggestion.objects.filter(state=S.DECLINED).exclude(decline_reason="").exists()
    assert Assignment.objects.filter(mode="joint").exists()
    assert Assignment.objects.filter(mode="separate").exists()
    assert Suggestion.objects.filter(source="between_sessions", number__isnull=False).exists()


def test_demo_deputy_leads_suggestions_in_varied_states():
    led = Suggestion.objects.filter(lead_deputy__user=user("deputy"))
    states = Counter(led.values_list("state", flat=True))
    assert 5 <= led.count() <= 8
    assert {S.DRAFT, S.RETURNED, S.ANSWERED} <= set(states)
    answered = led.get(state=S.ANSWERED)
    assert answered.replies.filter(state="sent", rating__isnull=True).exists()  # to rate


def test_cosigner_has_an_invitation_and_cosigns_others():
    rows = CoSigner.objects.filter(deputy__user=user("cosigner"))
    assert rows.filter(state="invited").exists()
    assert rows.filter(state="confirmed").count() >= 3


def test_transport_unit_has_work_at_every_step():
    unit = unit_of("clerk")
    assert unit.name == "省交通运输厅" and unit_of("head") == unit
    mine = Assignment.objects.filter(unit=unit)
    assert mine.filter(state="awaiting_signature").count() >= 2
    handling = Suggestion.objects.filter(assignments__unit=unit, state=S.HANDLING).distinct()
    assert handling.filter(contacts__assignment__unit=unit).exists()
    assert Reply.objects.filter(assignment__unit=unit, state="draft").exists()  # head to sign
    assert handling.filter(reply_due__lt=timezone.localdate()).exists()  # overdue


def test_education_unit_has_its_own_work_and_no_view_of_transport():
    unit = unit_of("clerk2")
    assert unit.name == "省教育厅"
    mine = Assignment.objects.filter(unit=unit)
    assert mine.filter(state="awaiting_signature").exists()
    assert Reply.objects.filter(assignment__unit=unit, state="draft").exists()
    transport_only = Suggestion.objects.filter(assignments__unit=unit_of("clerk")).exclude(
        assignments__unit=unit
    )
    visible = Suggestion.objects.visible_to(user("clerk2"))
    assert not visible.filter(pk__in=transport_only.values("pk")).exists()


def test_staff_has_suggestions_to_register_and_to_assign():
    assert Suggestion.objects.filter(state=S.SUBMITTED).count() >= 2
    assert Suggestion.objects.filter(state=S.REGISTERED).count() >= 2
    visible = Suggestion.objects.visible_to(user("staff"))
    assert visible.filter(state=S.SUBMITTED).exists()


def test_category_tree_and_routing_table():
    tops = Category.objects.filter(jurisdiction=province(), parent=None)
    assert tops.count() >= 12
    for top in tops:
        assert 2 <= top.children.count() <= 4
    leaves = Category.objects.filter(jurisdiction=province(), parent__isnull=False)
    assert (
        RoutingRule.objects.filter(category__in=leaves).values("category").distinct().count()
        == leaves.count()
    )
    assert RoutingRule.objects.filter(joint_units__isnull=False).exists()
    assert RoutingRule.objects.exclude(region="").exists()
    assert RoutingRuleChange.objects.filter(change="created").count() == RoutingRule.objects.count()


def test_titles_and_bodies_are_chinese_suggestions():
    for title, body in Suggestion.objects.values_list("title", "body"):
        assert title.startswith("关于") and title.endswith("的建议")
        assert len(body) > 30 and "建议" in body


def test_running_the_demo_again_adds_nothing():
    counts = (
        Suggestion.objects.count(),
        Event.objects.count(),
        Category.objects.count(),
        RoutingRule.objects.count(),
        User.objects.count(),
    )
    call_command("demo", "--size", "small", "--seed", str(SEED), stdout=io.StringIO())
    assert counts == (
        Suggestion.objects.count(),
        Event.objects.count(),
        Category.objects.count(),
        RoutingRule.objects.count(),
        User.objects.count(),
    )


def test_plans_are_deterministic_for_a_seed():
    def plans():
        ctx = DemoContext(seed=SEED, size="small", rng=random.Random(SEED), province=province())
        ctx.cast = {
            u.username: u
            for u in User.objects.filter(
                username__in=["admin", "staff", "deputy", "cosigner", "clerk", "head", "clerk2"]
            )
        }
        builder = demo.Builder(ctx)
        builder.configure()
        builder.plan_all()
        return [
            (p.variant, p.title, p.lead.pk, p.code, [s[0] for s in p.steps]) for p in builder.plans
        ], builder.now

    first, now = plans()
    second, _ = plans()
    assert len(first) == demo.SIZES["small"]
    assert [p[:4] for p in first] == [p[:4] for p in second]
    assert all(at <= now for p in first for at in p[4])


def test_the_demo_log_verifies_once_sealed():
    from minsheng.audit import log
    from minsheng.audit.verify import verify

    log.seal()  # in production the commit seals; here the module's transaction never commits
    report = verify()
    assert report.ok, report.problem
    assert report.sealed == Event.objects.count() > demo.SIZES["small"] and report.unsealed == 0
