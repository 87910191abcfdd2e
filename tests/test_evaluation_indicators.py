"""Each evaluation indicator on a small hand-built congress with known answers.

Three suggestions of unit A, taken through the real workflow under a frozen clock in 2026:

- S1: assigned 2 March, signed the same day, phone contact, reply A on time, rated 满意
  (process 满意, result 基本满意);
- S2: assigned 2 March with unit B joint, both sign on 12 March (late: due 9 March), B's
  opinion on 12 March (due 2 April: on time), a face-to-face contact, reply C on time,
  rated 不满意: re-handling round 2, never answered;
- S3: assigned 2 March, never signed nor answered; an instruction to unit A on it, never
  answered.

Judged on 31 December 2026 over the year 2026."""

import datetime

import pytest
from django.utils import timezone

from minsheng.evaluation import figures
from minsheng.evaluation.indicators import INDICATORS
from minsheng.evaluation.scoring import Period, Tally
from minsheng.suggestions import workflow
from minsheng.supervision import workflow as supervision
from tests import states

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_2 = D(2026, 3, 2)
YEAR = Period.year(2026)
END = D(2026, 12, 31)


def _contact(cast, s, method="phone"):
    workflow.log_contact(
        s,
        by=cast.clerk_a,
        method=method,
        contacted_on=timezone.localdate(),
        people="赵敏、林建国代表",
        summary="沟通了办理思路。",
    )


def _reply(cast, s, category="A"):
    workflow.draft_reply(s, by=cast.clerk_a, **{**states.REPLY, "category": category})
    workflow.sign_reply(s, by=cast.head_a)


@pytest.fixture
def world(cast):
    with states.frozen(MARCH_2) as clock:
        s1 = states.assigned(cast, title="关于S1的建议", on=MARCH_2)
        s2 = states.assigned(cast, title="关于S2的建议", joint=True, on=MARCH_2)
        s3 = states.assigned(cast, title="关于S3的建议", on=MARCH_2)
        workflow.sign(s1, by=cast.clerk_a)
        _contact(cast, s1)
        _reply(cast, s1, "A")
        workflow.rate(
            s1, by=cast.deputy, overall="satisfied", process="satisfied", result="basically"
        )
        supervision.instruct(s3, by=cast.staff, unit=cast.unit_a, text="请加快办理。")
        clock.advance(10)  # 12 March
        workflow.sign(s2, by=cast.clerk_a)
        workflow.sign(s2, by=cast.clerk_b)
        workflow.submit_joint_opinion(s2, by=cast.clerk_b, text="同意主办单位意见。")
        _contact(cast, s2, "face_to_face")
        _reply(cast, s2, "C")
        workflow.rate(s2, by=cast.deputy, overall="unsatisfied", reasons="没有解决。")
    return {"s1": s1, "s2": s2, "s3": s3}


def _tally(cast, key, unit):
    scope = figures.scope(cast.jurisdiction.pk, YEAR, today=END)
    return figures.tallies(scope, [key])[key].get(unit.pk, Tally())


EXPECTED_A = {
    # key: (counted, met, value)
    "sign_on_time": (3, 1, 33.3),  # S1 on time; S2 late; S3 unsigned past its date
    "reply_on_time": (4, 2, 50.0),  # S1, S2 round 1 on time; S2 round 2 and S3 overdue
    "reply_within_limit": (3, 2, 66.7),  # S1, S2 within 3 months; S3 past them unanswered
    "reply_within_cap": (3, 2, 66.7),
    "extensions": (3, 0, 0.0),
    "contact_before_reply": (2, 2, 100.0),
    "face_to_face": (2, 1, 50.0),
    "follow_up_contact": (2, 0, 0.0),
    "satisfaction": (2, 1, 50.0),
    "satisfied_share": (2, 1, 50.0),
    "unsatisfied_share": (2, 1, 50.0),
    "process_satisfaction": (1, 1, 100.0),
    "result_satisfaction": (1, 1, 100.0),
    "share_a": (2, 1, 50.0),
    "share_b": (2, 0, 0.0),
    "share_c": (2, 1, 50.0),
    "share_d": (2, 0, 0.0),
    "share_ab": (2, 1, 50.0),
    "rehandling": (2, 1, 50.0),
    "instruction_response": (1, 0, 0.0),
    # Both replies (the one-line states.REPLY) leave the request uncovered (护栏 and 警示标志,
    # 投入: one word of it in the reply); S2's C reply gives no reasons either. No justification.
    "reply_norms": (2, 0, 0.0),
}


@pytest.mark.parametrize("key", sorted(EXPECTED_A))
def test_each_indicator_of_unit_a_has_the_known_answer(cast, world, key):
    counted, met, value = EXPECTED_A[key]
    tally = _tally(cast, key, cast.unit_a)
    assert (tally.counted, tally.met, tally.value) == (counted, met, value)


def test_every_indicator_is_tested():
    assert set(EXPECTED_A) | {"joint_on_time", "commitments_fulfilled"} == set(INDICATORS)


def test_a_justified_finding_meets_the_reply_norms(cast):
    with states.frozen(MARCH_2):
        s = states.handling(cast)
        _contact(cast, s)
        fields = {**states.REPLY, "category": "C", "norm_justification": "原因已当面向代表说明。"}
        workflow.draft_reply(s, by=cast.clerk_a, **fields)
        workflow.sign_reply(s, by=cast.head_a)
    tally = _tally(cast, "reply_norms", cast.unit_a)
    assert (tally.counted, tally.met) == (1, 1)


def test_replies_signed_before_the_checker_are_no_data(cast):
    with states.frozen(MARCH_2):
        s = states.handling(cast)
        _contact(cast, s)
        _reply(cast, s)
    s.replies.update(norm_check=None)
    assert _tally(cast, "reply_norms", cast.unit_a).counted == 0


def test_joint_opinions_on_time_count_for_the_joint_unit(cast, world):
    assert _tally(cast, "joint_on_time", cast.unit_b) == Tally(1, 1)
    assert _tally(cast, "joint_on_time", cast.unit_a).value is None
    assert _tally(cast, "sign_on_time", cast.unit_b) == Tally(1, 0)


def test_a_unit_without_items_has_no_data_never_zero(cast, world):
    for key in ("reply_on_time", "satisfaction", "share_a", "commitments_fulfilled"):
        assert _tally(cast, key, cast.unit_b).value is None


def test_commitments_fulfilled_counts_solved_commitments_due_in_the_period(cast):
    from minsheng.ledger import commitments
    from minsheng.ledger.models import LedgerItem

    with states.frozen(MARCH_2):
        s = states.answered(cast, category_code="B")  # target date 2027-12-31
        item = LedgerItem.objects.get(source_suggestion=s)
    scope = figures.scope(cast.jurisdiction.pk, Period.year(2027), today=D(2028, 1, 5))
    assert figures.tallies(scope, ["commitments_fulfilled"])["commitments_fulfilled"] == {
        cast.unit_a.pk: Tally(1, 0)
    }
    with states.frozen(D(2026, 6, 1)):
        commitments.draft_follow_up(
            item,
            by=cast.clerk_a,
            category="A",
            text="已解决。",
            contact_method="phone",
            contacted_on=D(2026, 6, 1),
            contact_leader="孙立新",
            contact_leader_phone="0871-1234567",
            case_officer="赵敏",
            case_officer_phone="0871-7654321",
        )
        commitments.sign_follow_up(item, by=cast.head_a)
    tally = figures.tallies(scope, ["commitments_fulfilled"])["commitments_fulfilled"]
    assert tally == {cast.unit_a.pk: Tally(1, 1)}
    # In 2026 no commitment was due: no data.
    empty = figures.scope(cast.jurisdiction.pk, YEAR, today=END)
    assert figures.tallies(empty, ["commitments_fulfilled"])["commitments_fulfilled"] == {}


def test_an_empty_period_counts_nothing(cast, world):
    scope = figures.scope(cast.jurisdiction.pk, Period.year(2025), today=END)
    assert all(not per_unit for per_unit in figures.tallies(scope).values())


def test_a_month_counts_only_its_own_items(cast, world):
    march = figures.scope(cast.jurisdiction.pk, Period.month(2026, 3), today=END)
    april = figures.scope(cast.jurisdiction.pk, Period.month(2026, 4), today=END)
    assert figures.tallies(march, ["sign_on_time"])["sign_on_time"][cast.unit_a.pk] == Tally(3, 1)
    assert figures.tallies(april, ["sign_on_time"])["sign_on_time"] == {}
    # S2's re-handling round was due in April (a month from 12 March) and is overdue.
    assert figures.tallies(april, ["reply_on_time"])["reply_on_time"][cast.unit_a.pk] == Tally(1, 0)


def test_the_drill_down_lists_the_suggestions_behind_the_figure(cast, world):
    scope = figures.scope(cast.jurisdiction.pk, YEAR, today=END)
    found = figures.members(scope, "sign_on_time", cast.unit_a.pk)
    assert sorted((m.suggestion_id, m.met) for m in found) == sorted(
        [(world["s1"].pk, True), (world["s2"].pk, False), (world["s3"].pk, False)]
    )
    tally = _tally(cast, "reply_on_time", cast.unit_a)
    found = figures.members(scope, "reply_on_time", cast.unit_a.pk)
    assert len(found) == tally.counted and sum(m.met for m in found) == tally.met


def test_tallies_take_one_query_per_part_whatever_the_number_of_units(
    cast, world, django_assert_max_num_queries
):
    scope = figures.scope(cast.jurisdiction.pk, YEAR, today=END)
    parts = sum(len(d.parts(scope)) for d in INDICATORS.values())
    # + the content type, the rule set and the distinct assignment dates of the two limits
    with django_assert_max_num_queries(parts + 8):
        figures.tallies(scope)
