"""factory-boy factories for the people app."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password

from minsheng.people.models import (
    Deputy,
    Jurisdiction,
    Organisation,
    Role,
    Session,
    Term,
    User,
)

PASSWORD = "correct horse battery staple"
# Hashing once keeps the suite fast: argon2 is deliberately slow.
_HASH = make_password(PASSWORD)


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"j{n}")
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = Jurisdiction.Level.PROVINCE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = _HASH
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organisation.Kind.DEPARTMENT
    is_handling_unit = True


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    number = 14
    name = "第十四届"
    start_date = datetime.date(2023, 1, 16)
    is_current = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}次会议")
    start_date = datetime.date(2026, 1, 19)
    end_date = datetime.date(2026, 1, 23)


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SelfAttribute("user.jurisdiction")
    term = factory.SubFactory(TermFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    delegation = factory.SubFactory(
        OrganisationFactory,
        jurisdiction=factory.SelfAttribute("..jurisdiction"),
        kind=Organisation.Kind.DELEGATION,
        is_handling_unit=False,
    )
    contact_phone = "13912345678"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SelfAttribute("user.jurisdiction")
    kind = Role.Kind.STAFF
