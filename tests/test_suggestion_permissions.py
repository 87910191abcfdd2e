"""Who sees a suggestion: `visible_to` and `get_suggestion_for_user` agree for every persona and
state; capacities per persona (DOMAIN §1; CONVENTIONS habit 5)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from minsheng.people import permissions as people
from minsheng.people.models import Deputy, Role
from minsheng.suggestions import permissions, workflow
from minsheng.suggestions.models import Suggestion
from tests import states
from tests.factories import OrganisationFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State

ALL = set(S.values)
WITH_UNIT_A = {S.ASSIGNED, S.HANDLING, S.ANSWERED, S.REHANDLING, S.CLOSED, S.WITHDRAWN}
REGISTERED_ON = {S.REGISTERED, S.ASSIGNED, S.HANDLING, S.ANSWERED, S.REHANDLING, S.CLOSED, S.MERGED}
# persona: the states (of a suggestion led by `deputy`, co-signed by `cosigner`, assigned to
# unit A alone) in which they see it.
SEES = {
    "deputy": ALL,
    "cosigner": ALL,
    "staff": ALL - {S.DRAFT},
    "clerk_a": WITH_UNIT_A,
    "head_a": WITH_UNIT_A,
    "committee": WITH_UNIT_A,  # unit A's counterpart committee
    "clerk_b": set(),
    "head_b": set(),
    # The merged builder merges a suggestion that was never registered: supervisors see only
    # what the office registered.
    "supervisor": REGISTERED_ON - {S.MERGED},
    "outsider": set(),
}

BUILDERS = {
    S.DRAFT: lambda cast: states.draft(cast, cosign=True),
    S.SUBMITTED: lambda cast: states.submitted(cast, cosign=True),
    S.RETURNED: lambda cast: states.returned(cast, cosign=True),
    S.DECLINED: lambda cast: states.declined(cast, cosign=True),
    S.WITHDRAWN: lambda cast: states.withdrawn(cast, before="handling", cosign=True),
    S.REGISTERED: lambda cast: states.registered(cast, cosign=True),
    S.ASSIGNED: lambda cast: states.assigned(cast, cosign=True),
    S.HANDLING: lambda cast: states.handling(cast, cosign=True),
    S.ANSWERED: lambda cast: states.answered(cast, cosign=True),
    S.REHANDLING: lambda cast: states.rehandling(cast, cosign=True),
    S.CLOSED: lambda cast: states.closed(cast, cosign=True),
    S.MERGED: lambda cast: states.merged(cast, cosign=True),
}


def _sees(user, s):
    listed = Suggestion.objects.visible_to(user).filter(pk=s.pk).exists()
    try:
        fetched = permissions.get_suggestion_for_user(user, s.pk) == s
    except Http404:
        fetched = False
    assert listed == fetched, "visible_to and get_suggestion_for_user disagree"
    return listed


@pytest.mark.parametrize("state", S.values)
def test_each_persona_sees_exactly_the_suggestions_of_their_part(cast, state):
    s = BUILDERS[state](cast)
    assert s.state == state
    wrong = {
        name: _sees(getattr(cast, name), s)
        for name, seen_in in SEES.items()
        if _sees(getattr(cast, name), s) != (state in seen_in)
    }
    assert wrong == {}
    assert not _sees(AnonymousUser(), s)
    if state != S.DRAFT:
        assert _sees(cast.admin, s)


def test_the_list_holds_no_duplicates_for_a_person_with_several_parts(cast):
    s = states.handling(cast, cosign=True, joint=True)
    RoleFactory(user=cast.clerk_a, kind=Role.Kind.CLERK, organisation=cast.unit_b)
    people.forget_roles(cast.clerk_a)
    assert list(Suggestion.objects.visible_to(cast.clerk_a)) == [s]


def test_a_draft_is_seen_only_by_its_author_and_invited_co_signers(cast):
    alone = states.draft(cast)
    assert not _sees(cast.cosigner, alone)
    invited = states.draft(cast, cosign=True, title="联名草稿")
    assert _sees(cast.cosigner, invited)
    for name in ("staff", "clerk_a", "supervisor", "committee", "outsider"):
        assert not _sees(getattr(cast, name), invited), name


def test_staff_see_a_draft_they_entered_for_a_deputy_but_their_colleagues_do_not(cast):
    colleague = UserFactory(username="colleague", jurisdiction=cast.jurisdiction)
    RoleFactory(user=colleague, kind=Role.Kind.STAFF)
    s = workflow.create_draft(
        by=cast.staff,
        lead_deputy=Deputy.objects.get(user=cast.deputy),
        title="代录建议",
        body="内容",
        session=cast.term.sessions.get(number=4),
    )
    assert _sees(cast.staff, s) and _sees(cast.deputy, s)
    assert not _sees(colleague, s)
    workflow.submit(s, by=cast.deputy)
    assert _sees(colleague, s)


def test_a_confidential_suggestion_is_hidden_from_supervisors_and_committees(cast):
    s = states.handling(cast, is_confidential=True)
    assert not _sees(cast.supervisor, s) and not _sees(cast.committee, s)
    for name in ("deputy", "staff", "clerk_a", "head_a"):
        assert _sees(getattr(cast, name), s), name


def test_unit_b_sees_a_suggestion_once_it_has_its_own_part(cast):
    s = states.assigned(cast, joint=True)
    assert _sees(cast.clerk_b, s) and _sees(cast.head_b, s)
    separate = states.assigned(cast, separate=True, title="分办")
    assert _sees(cast.clerk_b, separate)


def test_a_moved_assignment_is_no_longer_seen_by_the_unit_that_lost_it(cast):
    s = states.assigned(cast, joint=True)
    request = workflow.request_adjustment(s, by=cast.clerk_b, reason="不对口")
    assert _sees(cast.clerk_b, s)
    unit_c = OrganisationFactory(jurisdiction=cast.jurisdiction, name="财政厅")
    workflow.decide_adjustment(s, by=cast.staff, request_id=request.pk, move_to=unit_c)
    assert not _sees(cast.clerk_b, s) and not _sees(cast.head_b, s)
    assert _sees(cast.clerk_a, s)  # unit A's part is untouched
    assert permissions.capacities(cast.clerk_b, s) == set()


def test_a_person_whose_role_ended_no_longer_sees_the_units_work(cast):
    s = states.handling(cast)
    Role.objects.filter(user=cast.clerk_a).update(is_active=False)
    people.forget_roles(cast.clerk_a)
    assert not _sees(cast.clerk_a, s)


def test_a_bad_or_unknown_id_is_not_found(cast):
    s = states.registered(cast)
    for pk in ("abc", None, s.pk + 1000, "1 OR 1=1"):
        with pytest.raises(Http404):
            permissions.get_suggestion_for_user(cast.staff, pk)


def test_capacities_per_persona(cast):
    s = states.handling(cast, cosign=True, joint=True)
    expected = {
        "deputy": {"lead_deputy"},
        "cosigner": {"cosigner"},
        "staff": {"staff"},
        "admin": {"staff"},
        "clerk_a": {"clerk"},
        "head_a": {"head"},
        "clerk_b": {"clerk"},
        "head_b": {"head"},
        "supervisor": {"supervisor"},
        "committee": set(),
        "outsider": set(),
    }
    for name, caps in expected.items():
        assert permissions.capacities(getattr(cast, name), s) == caps, name
    assert permissions.capacities(AnonymousUser(), s) == set()


def test_units_have_no_capacity_before_they_are_assigned(cast):
    s = states.registered(cast)
    for name in ("clerk_a", "head_a", "clerk_b"):
        assert permissions.capacities(getattr(cast, name), s) == set()
    assert permissions.user_assignments(cast.clerk_a, s) == []


def test_contact_details_are_for_staff_the_deputy_and_the_handling_units(cast):
    s = states.handling(cast, cosign=True)
    for name in ("deputy", "staff", "clerk_a", "head_a"):
        assert permissions.can_see_contact_details(getattr(cast, name), s), name
    for name in ("cosigner", "clerk_b", "supervisor", "committee", "outsider"):
        assert not permissions.can_see_contact_details(getattr(cast, name), s), name
    assert not permissions.can_see_contact_details(AnonymousUser(), s)


def test_a_person_without_a_broad_grant_sees_by_their_ties_as_the_row_by_row_test_does(cast):
    """visible_filter's shapes of the same ties (collected from their indexes in one list or
    beside two columns, or tested row by row after a broad grant) agree, for every persona
    without a broad grant, whichever database runs the test."""
    states.draft(cast, cosign=True)
    states.merged(cast)
    states.closed(cast, joint=True)
    states.handling(cast, separate=True, title="分办的建议")
    secret = states.assigned(cast, title="涉密建议")
    Suggestion.objects.filter(pk=secret.pk).update(is_confidential=True)
    for name in ("deputy", "cosigner", "clerk_a", "head_a", "clerk_b", "head_b", "committee"):
        user = getattr(cast, name)
        people.forget_roles(user)
        ties = permissions.Ties.of(user)
        seen = set(Suggestion.objects.filter(ties.exists()))
        assert seen, name
        assert set(Suggestion.objects.filter(ties.collected(one_list=True))) == seen, name
        assert set(Suggestion.objects.filter(ties.collected(one_list=False))) == seen, name
        assert set(Suggestion.objects.visible_to(user)) == seen, name
