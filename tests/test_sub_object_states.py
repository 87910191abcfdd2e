"""The sub-objects' own state tables (assignment, reply, co-signer, adjustment and extension
requests) and the database constraints for what must never be false."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.suggestions import workflow
from minsheng.suggestions.actions import (
    ADJUSTMENT_DECISIONS,
    ASSIGNMENT_STATES,
    COSIGNER_STATES,
    EXTENSION_DECISIONS,
    REPLY_STATES,
)
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    CoSigner,
    ExtensionRequest,
    Rating,
    Reply,
    Suggestion,
)
from tests import states

pytestmark = pytest.mark.django_db
A = Assignment.State
S = Suggestion.State


@pytest.mark.parametrize(
    ("table", "choices"),
    [
        (ASSIGNMENT_STATES, Assignment.State),
        (REPLY_STATES, Reply.State),
        (COSIGNER_STATES, CoSigner.State),
        (ADJUSTMENT_DECISIONS, AdjustmentRequest.Decision),
        (EXTENSION_DECISIONS, ExtensionRequest.Decision),
    ],
)
def test_each_table_names_exactly_the_models_states(table, choices):
    assert table.states == set(choices.values)


def test_a_move_the_table_does_not_declare_is_refused_and_nothing_is_saved(cast):
    s = states.assigned(cast)
    a = s.assignments.get()
    with pytest.raises(workflow.Conflict):
        ASSIGNMENT_STATES.move(a, A.REPLIED, replied_at=timezone.now())
    assert Assignment.objects.get(pk=a.pk).state == A.AWAITING_SIGNATURE
    assert not ASSIGNMENT_STATES.allows(A.CANCELLED, A.SIGNED)


def test_every_move_the_journey_makes_is_in_the_tables(cast):
    """A whole journey with re-handling, a kept adjustment and a decided extension only moves
    sub-objects along their tables (a move outside them would have raised)."""
    s = states.handling(cast, joint=True, cosign=True)
    request = workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口。")
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk)
    ext = workflow.request_extension(
        s,
        by=cast.clerk_a,
        until=s.reply_due + datetime.timedelta(days=10),
        reason="跨年度。",
        deputy_told=True,
    )
    workflow.decide_extension(s, by=cast.staff, request_id=ext.pk, approve=False)
    assert Assignment.objects.get(pk=request.assignment_id).state == A.SIGNED
    assert ExtensionRequest.objects.get(pk=ext.pk).decided_at is not None


def _violates(change):
    with pytest.raises(IntegrityError), transaction.atomic():
        change()


def test_one_pending_adjustment_request_per_assignment(cast):
    s = states.handling(cast, joint=True)
    request = workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口。")
    _violates(
        lambda: AdjustmentRequest.objects.create(
            assignment_id=request.assignment_id, reason="又一次", requested_by=cast.clerk_b
        )
    )


def test_one_pending_extension_request_per_suggestion(cast):
    s = states.handling(cast, separate=True)
    ext = workflow.request_extension(
        s,
        by=cast.clerk_a,
        until=s.reply_due + datetime.timedelta(days=10),
        reason="跨年度。",
        deputy_told=True,
    )
    other = s.assignments.get(unit=cast.unit_b)
    _violates(
        lambda: ExtensionRequest.objects.create(
            suggestion=s,
            assignment=other,
            requested_until=ext.requested_until,
            reason="也要延期",
            requested_by=cast.clerk_b,
        )
    )
    # Decided, the next one may be asked for.
    workflow.decide_extension(s, by=cast.staff, request_id=ext.pk, approve=False)
    workflow.request_extension(
        s,
        by=cast.clerk_b,
        until=ext.requested_until,
        reason="也要延期。",
        deputy_told=True,
    )


@pytest.mark.parametrize(
    "builder", ["registered", "assigned", "handling", "answered", "rehandling"]
)
def test_a_registered_or_later_suggestion_keeps_its_number(cast, builder):
    s = getattr(states, builder)(cast)
    assert s.number is not None
    _violates(lambda: Suggestion.objects.filter(pk=s.pk).update(number=None))


def test_what_was_never_registered_may_end_without_a_number(cast):
    merged = states.merged(cast)
    closed = workflow.end_of_term(
        states.submitted(cast, title="换届时未立案"), by=cast.staff, rule="close", note="换届。"
    )
    withdrawn = states.withdrawn(cast)
    assert [merged.number, closed.number, withdrawn.number] == [None, None, None]
    assert closed.state == S.CLOSED


def test_a_declined_suggestion_has_its_reason(cast):
    s = states.declined(cast)
    _violates(lambda: Suggestion.objects.filter(pk=s.pk).update(decline_reason=""))


def test_sent_replies_signed_assignments_and_ratings_say_who_and_when(cast):
    s = states.answered(cast)
    reply = s.replies.get()
    _violates(lambda: Reply.objects.filter(pk=reply.pk).update(signed_by=None))
    _violates(lambda: Assignment.objects.filter(pk=reply.assignment_id).update(replied_at=None))
    _violates(lambda: Assignment.objects.filter(pk=reply.assignment_id).update(signed_at=None))
    rating = workflow.rate(s, by=cast.deputy, overall="satisfied")
    _violates(lambda: Rating.objects.filter(pk=rating.pk).update(rated_by=None))


def test_an_answered_invitation_says_when(cast):
    s = states.submitted(cast, cosign=True)
    row = s.cosigners.get()
    _violates(lambda: CoSigner.objects.filter(pk=row.pk).update(answered_at=None))
