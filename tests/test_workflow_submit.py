"""Submitting (提出): drafts, co-signers' confirmation, between-session suggestions
(DOMAIN §2.1)."""

import datetime

import pytest

from minsheng.audit.models import Event
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Category, CoSigner, Suggestion
from tests import states
from tests.factories import DeputyFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State


def _deputy(user):
    return Deputy.objects.get(user=user)


def test_a_new_draft_starts_the_event_log(cast):
    s = states.draft(cast)
    assert s.state == S.DRAFT and s.version == 1 and s.number is None
    event = Event.objects.get(suggestion=s)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "create",
        "",
        S.DRAFT,
        cast.deputy,
    )


def test_only_the_deputy_or_congress_staff_can_write_a_suggestion(cast):
    session = cast.term.sessions.get(number=4)
    for user in (cast.cosigner, cast.clerk_a, cast.supervisor, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.create_draft(
                by=user,
                lead_deputy=_deputy(cast.deputy),
                title="标题",
                body="内容",
                session=session,
            )
    on_behalf = workflow.create_draft(
        by=cast.staff, lead_deputy=_deputy(cast.deputy), title="标题", body="内容", session=session
    )
    assert on_behalf.created_by == cast.staff and on_behalf.lead_deputy.user == cast.deputy


def test_a_draft_needs_a_title_and_content(cast):
    session = cast.term.sessions.get(number=4)
    for title, body in (("", "内容"), ("标题", "   "), ("  ", "")):
        with pytest.raises(workflow.Invalid):
            workflow.create_draft(
                by=cast.deputy,
                lead_deputy=_deputy(cast.deputy),
                title=title,
                body=body,
                session=session,
            )
    assert not Suggestion.objects.exists()


def test_the_lead_deputy_cannot_also_co_sign(cast):
    with pytest.raises(workflow.Invalid):
        workflow.create_draft(
            by=cast.deputy,
            lead_deputy=_deputy(cast.deputy),
            title="标题",
            body="内容",
            session=cast.term.sessions.get(number=4),
            cosigners=[_deputy(cast.deputy)],
        )


def test_co_signers_must_be_deputies_of_the_same_congress(cast):
    stranger = UserFactory(username="stranger", jurisdiction=cast.other_jurisdiction)
    other_term = TermFactory(jurisdiction=cast.other_jurisdiction)
    foreign = DeputyFactory(user=stranger, jurisdiction=cast.other_jurisdiction, term=other_term)
    with pytest.raises(workflow.Invalid):
        workflow.create_draft(
            by=cast.deputy,
            lead_deputy=_deputy(cast.deputy),
            title="标题",
            body="内容",
            session=cast.term.sessions.get(number=4),
            cosigners=[foreign],
        )


def test_the_session_must_belong_to_the_deputys_congress(cast):
    foreign_session = SessionFactory(term=TermFactory(jurisdiction=cast.other_jurisdiction))
    with pytest.raises(workflow.Invalid):
        workflow.create_draft(
            by=cast.deputy,
            lead_deputy=_deputy(cast.deputy),
            title="标题",
            body="内容",
            session=foreign_session,
        )


def test_the_category_must_belong_to_the_same_congress(cast):
    foreign = Category.objects.create(jurisdiction=cast.other_jurisdiction, name="外省分类")
    with pytest.raises(workflow.Invalid):
        workflow.create_draft(
            by=cast.deputy,
            lead_deputy=_deputy(cast.deputy),
            title="标题",
            body="内容",
            session=cast.term.sessions.get(number=4),
            category=foreign,
        )
    s = states.draft(cast)
    with pytest.raises(workflow.Invalid):
        workflow.edit_draft(s, by=cast.deputy, title="标题", body="内容", category=foreign)


def test_submit_waits_until_every_co_signer_has_confirmed(cast):
    s = states.draft(cast, cosign=True)
    with pytest.raises(workflow.Conflict) as err:
        workflow.submit(s, by=cast.deputy)
    assert str(_deputy(cast.cosigner)) in err.value.message
    s.refresh_from_db()
    assert s.state == S.DRAFT and s.version == 1


def test_a_confirmed_co_signer_lets_the_lead_submit(cast):
    s = states.draft(cast, cosign=True)
    workflow.confirm_cosign(s, by=cast.cosigner)
    row = CoSigner.objects.get(suggestion=s)
    assert row.state == CoSigner.State.CONFIRMED and row.answered_at is not None
    s = workflow.submit(s, by=cast.deputy)
    assert s.state == S.SUBMITTED and s.submitted_at is not None


def test_a_co_signer_who_refuses_does_not_block_the_submission(cast):
    s = states.draft(cast, cosign=True)
    workflow.confirm_cosign(s, by=cast.cosigner, accept=False)
    assert CoSigner.objects.get(suggestion=s).state == CoSigner.State.REFUSED
    assert workflow.submit(s, by=cast.deputy).state == S.SUBMITTED


def test_a_co_signer_answers_the_invitation_only_once(cast):
    s = states.draft(cast, cosign=True)
    workflow.confirm_cosign(s, by=cast.cosigner)
    with pytest.raises(workflow.Conflict):
        workflow.confirm_cosign(s, by=cast.cosigner, accept=False)
    assert CoSigner.objects.get(suggestion=s).state == CoSigner.State.CONFIRMED


def test_only_an_invited_co_signer_can_confirm(cast):
    s = states.draft(cast, cosign=True)
    for user in (cast.deputy, cast.staff, cast.clerk_a, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.confirm_cosign(s, by=user)


def test_only_the_lead_deputy_submits(cast):
    s = states.draft(cast, cosign=True)
    workflow.confirm_cosign(s, by=cast.cosigner)
    for user in (cast.cosigner, cast.staff, cast.clerk_a, cast.supervisor, cast.outsider):
        with pytest.raises(workflow.NotAllowed):
            workflow.submit(s, by=user)


def test_staff_record_signatures_made_on_paper_as_confirmations(cast):
    s = workflow.create_draft(
        by=cast.staff,
        lead_deputy=_deputy(cast.deputy),
        title="纸质建议",
        body="内容",
        session=cast.term.sessions.get(number=4),
        cosigners=[_deputy(cast.cosigner)],
        cosigned_on_paper=True,
    )
    assert CoSigner.objects.get(suggestion=s).state == CoSigner.State.CONFIRMED
    assert workflow.submit(s, by=cast.deputy).state == S.SUBMITTED


def test_only_staff_may_record_paper_signatures(cast):
    with pytest.raises(workflow.NotAllowed):
        workflow.create_draft(
            by=cast.deputy,
            lead_deputy=_deputy(cast.deputy),
            title="标题",
            body="内容",
            session=cast.term.sessions.get(number=4),
            cosigners=[_deputy(cast.cosigner)],
            cosigned_on_paper=True,
        )


def test_a_between_session_suggestion_must_be_assigned_within_5_working_days(cast):
    # Submitted on Monday 2026-09-28: the National Day holiday (Oct 1-7) does not count and the
    # swapped Saturday 2026-10-10 does: 9/29, 9/30, 10/8, 10/9, 10/10.
    with states.frozen(datetime.date(2026, 9, 28)):
        s = states.submitted(cast, source=Suggestion.Source.BETWEEN_SESSIONS)
    assert s.series == "B"
    assert s.assign_due == datetime.date(2026, 10, 10)


def test_a_proposal_converted_into_a_suggestion_is_numbered_with_the_session(cast):
    s = states.registered(cast, source=Suggestion.Source.FROM_PROPOSAL)
    assert (s.series, s.display_number, s.assign_due) == ("S", "第0001号", None)


def test_a_suggestion_made_in_session_has_no_assignment_deadline(cast):
    s = states.submitted(cast)
    assert s.series == "S" and s.assign_due is None


def test_the_lead_deputy_edits_a_draft_or_a_returned_suggestion(cast):
    s = states.draft(cast)
    s = workflow.edit_draft(s, by=cast.deputy, title="新标题", body="新内容")
    assert (s.title, s.state, s.version) == ("新标题", S.DRAFT, 2)
    returned = states.returned(cast)
    returned = workflow.edit_draft(returned, by=cast.deputy, title="补充后的标题", body="补充")
    assert workflow.submit(returned, by=cast.deputy).state == S.SUBMITTED


def test_nobody_else_edits_a_draft_and_a_submitted_one_is_frozen(cast):
    s = states.draft(cast, cosign=True)
    for user in (cast.cosigner, cast.staff, cast.clerk_a):
        with pytest.raises(workflow.NotAllowed):
            workflow.edit_draft(s, by=user, title="改", body="改")
    workflow.confirm_cosign(s, by=cast.cosigner)
    workflow.submit(s, by=cast.deputy)
    with pytest.raises(workflow.Conflict):
        workflow.edit_draft(s, by=cast.deputy, title="改", body="改")
