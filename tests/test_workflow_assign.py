"""Assignment (交办) and signing for it (签收) (DOMAIN §2.3)."""

import datetime

import pytest

from minsheng.people.models import Organisation
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment, Suggestion
from minsheng.suggestions.workflow import UnitPlan
from tests import states
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State
LEAD, JOINT, SEPARATE = Assignment.Mode.LEAD, Assignment.Mode.JOINT, Assignment.Mode.SEPARATE


def test_assigning_to_a_lead_unit_opens_the_handling_clock(cast):
    on = datetime.date(2026, 3, 2)
    s = states.assigned(cast, on=on)
    a = s.assignments.get()
    assert s.state == S.ASSIGNED and s.assigned_on == on
    assert (a.unit, a.mode, a.state) == (cast.unit_a, LEAD, Assignment.State.AWAITING_SIGNATURE)
    assert a.assigned_on == on and a.assigned_by == cast.staff
    assert a.sign_due == datetime.date(2026, 3, 9)
    assert a.adjustment_until == datetime.date(2026, 3, 11)  # 7 working days, no holiday
    assert a.joint_opinion_due is None
    assert s.reply_due == datetime.date(2026, 6, 2)
    assert s.warn_from == datetime.date(2026, 5, 26)  # 5 working days before; 5/30 is a workday
    event = s.events.get(action="assign")
    assert (event.from_state, event.to_state) == (S.REGISTERED, S.ASSIGNED)
    assert event.data["units"] == [[cast.unit_a.pk, str(cast.unit_a), LEAD]]


def test_a_joint_unit_owes_its_opinion_within_a_month(cast):
    s = states.assigned(cast, joint=True, on=datetime.date(2026, 3, 31))
    joint = s.assignments.get(mode=JOINT)
    assert joint.unit == cast.unit_b
    assert joint.joint_opinion_due == datetime.date(2026, 4, 30)
    assert s.assignments.get(mode=LEAD).joint_opinion_due is None


def _plan_error(cast, plan):
    s = states.registered(cast)
    with pytest.raises(workflow.Invalid) as err:
        workflow.assign(s, by=cast.staff, plan=plan)
    s.refresh_from_db()
    assert s.state == S.REGISTERED and not s.assignments.exists() and s.version == 3
    return err.value


def test_a_plan_needs_at_least_one_unit(cast):
    _plan_error(cast, [])


def test_a_plan_has_exactly_one_lead_unit(cast):
    _plan_error(cast, [UnitPlan(cast.unit_a, LEAD), UnitPlan(cast.unit_b, LEAD)])
    _plan_error(cast, [UnitPlan(cast.unit_a, JOINT), UnitPlan(cast.unit_b, JOINT)])


def test_separate_handling_cannot_be_mixed_with_lead_or_joint_units(cast):
    _plan_error(cast, [UnitPlan(cast.unit_a, SEPARATE), UnitPlan(cast.unit_b, LEAD)])
    _plan_error(cast, [UnitPlan(cast.unit_a, SEPARATE), UnitPlan(cast.unit_b, JOINT)])


def test_a_unit_cannot_appear_twice_in_a_plan(cast):
    _plan_error(cast, [UnitPlan(cast.unit_a, LEAD), UnitPlan(cast.unit_a, JOINT)])


def test_an_unknown_mode_is_refused(cast):
    _plan_error(cast, [UnitPlan(cast.unit_a, "boss")])


def test_only_a_handling_unit_can_be_assigned(cast):
    # The special committee supervises; it does not handle suggestions.
    _plan_error(cast, [UnitPlan(cast.committee_org, LEAD)])


def test_a_unit_of_another_congress_cannot_be_assigned(cast):
    foreign = OrganisationFactory(jurisdiction=cast.other_jurisdiction, name="外省交通厅")
    _plan_error(cast, [UnitPlan(foreign, LEAD)])
    _plan_error(cast, [UnitPlan(cast.unit_a, LEAD), UnitPlan(foreign, JOINT)])


def test_separate_handling_gives_every_unit_its_own_assignment(cast):
    s = states.assigned(cast, separate=True)
    assert sorted(s.assignments.values_list("mode", flat=True)) == [SEPARATE, SEPARATE]


def test_only_congress_staff_assign(cast):
    s = states.registered(cast)
    for user in (
        cast.deputy,
        cast.clerk_a,
        cast.head_a,
        cast.supervisor,
        cast.committee,
        cast.outsider,
    ):
        with pytest.raises(workflow.NotAllowed):
            workflow.assign(s, by=user, plan=[UnitPlan(cast.unit_a, LEAD)])


def test_the_assignment_meeting_assigns_a_batch_all_or_nothing(cast):
    first, second = states.registered(cast), states.registered(cast, title="第二件")
    with pytest.raises(workflow.Invalid):
        workflow.assign_batch(
            [
                (first, [UnitPlan(cast.unit_a, LEAD)]),
                (second, [UnitPlan(cast.committee_org, LEAD)]),
            ],
            by=cast.staff,
        )
    first.refresh_from_db()
    assert first.state == S.REGISTERED and not Assignment.objects.exists()
    done = workflow.assign_batch(
        [(first, [UnitPlan(cast.unit_a, LEAD)]), (second, [UnitPlan(cast.unit_b, LEAD)])],
        by=cast.staff,
        on=datetime.date(2026, 3, 2),
    )
    assert [s.state for s in done] == [S.ASSIGNED, S.ASSIGNED]
    assert {s.assigned_on for s in done} == {datetime.date(2026, 3, 2)}


def test_signing_for_it_starts_handling(cast):
    s = states.assigned(cast)
    s = workflow.sign(s, by=cast.clerk_a)
    a = s.assignments.get()
    assert s.state == S.HANDLING
    assert a.state == Assignment.State.SIGNED and a.signed_by == cast.clerk_a and a.signed_at
    event = s.events.get(action="sign")
    assert (event.from_state, event.to_state, event.part_id) == (S.ASSIGNED, S.HANDLING, a.pk)
    assert event.data["late"] is False


def test_the_unit_head_may_sign_for_it_too(cast):
    assert workflow.sign(states.assigned(cast), by=cast.head_a).state == S.HANDLING


def test_signing_within_seven_days_is_on_time_and_later_is_recorded_as_late(cast):
    on = datetime.date(2026, 3, 2)
    s = states.assigned(cast, on=on)
    with states.frozen(datetime.date(2026, 3, 9)):  # the 7th day: still on time
        workflow.sign(s, by=cast.clerk_a)
    assert s.events.get(action="sign").data["late"] is False
    late = states.assigned(cast, title="迟签的建议", on=on)
    with states.frozen(datetime.date(2026, 3, 10)):
        workflow.sign(late, by=cast.clerk_a)
    assert late.events.get(action="sign").data["late"] is True


def test_a_unit_signs_only_once(cast):
    s = states.handling(cast)
    with pytest.raises(workflow.Conflict):
        workflow.sign(s, by=cast.head_a)


def test_a_unit_without_a_part_cannot_sign(cast):
    s = states.assigned(cast)
    for user in (cast.clerk_b, cast.head_b, cast.staff, cast.deputy, cast.committee):
        with pytest.raises(workflow.NotAllowed):
            workflow.sign(s, by=user)


def test_with_joint_units_the_lead_signing_starts_handling_and_the_joint_unit_signs_later(cast):
    s = states.assigned(cast, joint=True)
    s = workflow.sign(s, by=cast.clerk_a)
    assert s.state == S.HANDLING
    s = workflow.sign(s, by=cast.clerk_b)
    assert s.state == S.HANDLING
    assert set(s.assignments.values_list("state", flat=True)) == {Assignment.State.SIGNED}


def test_a_delegation_is_not_a_handling_unit(cast):
    delegation = Organisation.objects.get(kind=Organisation.Kind.DELEGATION)
    _plan_error(cast, [UnitPlan(delegation, LEAD)])


def test_an_assignment_date_is_never_in_the_future_nor_before_the_term(cast):
    s = states.registered(cast)
    with states.frozen(datetime.date(2026, 3, 2)):
        for on in (datetime.date(2026, 3, 3), datetime.date(2022, 12, 30)):
            with pytest.raises(workflow.Invalid):
                workflow.assign(s, by=cast.staff, plan=[UnitPlan(cast.unit_a, LEAD)], on=on)
        # A meeting held last week may be entered today.
        s = workflow.assign(
            s, by=cast.staff, plan=[UnitPlan(cast.unit_a, LEAD)], on=datetime.date(2026, 2, 24)
        )
    assert s.assigned_on == datetime.date(2026, 2, 24)


def test_a_unit_that_no_longer_exists_is_not_assigned(cast):
    Organisation.objects.filter(pk=cast.unit_b.pk).update(is_active=False)
    cast.unit_b.refresh_from_db()
    _plan_error(cast, [UnitPlan(cast.unit_a, LEAD), UnitPlan(cast.unit_b, JOINT)])
