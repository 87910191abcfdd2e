"""Database rules for people records."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from minsheng.people.models import Role, Session, User
from tests.factories import RoleFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unit_roles_need_an_organisation(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=cast.deputy, kind="clerk", jurisdiction=cast.jurisdiction)


def test_supervisors_need_a_tier(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=cast.deputy, kind="supervisor", jurisdiction=cast.jurisdiction)


def test_a_role_is_held_once(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(user=cast.staff, kind="staff", jurisdiction=cast.jurisdiction)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(
            user=cast.clerk_a,
            kind="clerk",
            jurisdiction=cast.jurisdiction,
            organisation=cast.unit_a,
        )


def test_one_current_term_per_jurisdiction(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(jurisdiction=cast.jurisdiction, number=15, is_current=True)


def test_session_dates_must_be_ordered(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            term=cast.term,
            number=9,
            name="x",
            start_date=datetime.date(2026, 2, 2),
            end_date=datetime.date(2026, 2, 1),
        )


def test_in_session_vs_between_sessions(cast):
    session = cast.term.sessions.get(number=4)
    assert session.is_in_session(datetime.date(2026, 1, 20))
    assert not session.is_in_session(datetime.date(2026, 3, 1))
    assert cast.jurisdiction.current_session() == session


def test_many_users_may_have_no_mobile(db):
    UserFactory(mobile="")
    UserFactory(mobile="")
    assert User.objects.filter(mobile__isnull=True).count() >= 2


def test_mobile_numbers_are_unique(db):
    UserFactory(mobile="13900001111")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(mobile="13900001111")
