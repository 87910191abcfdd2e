"""The cast of personas every test shares (CONVENTIONS habit 10)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from minsheng.people.models import Jurisdiction, Organisation, Role, Term, User
from tests.factories import (
    PASSWORD,
    DeputyFactory,
    JurisdictionFactory,
    OrganisationFactory,
    RoleFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

# Speed is measured in bench/, never asserted by a test: no per-example time limit, so a busy
# machine cannot fail a property test with DeadlineExceeded.
hypothesis_settings.register_profile("minsheng", deadline=None)
hypothesis_settings.load_profile("minsheng")


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """A page request activates its language in this thread (LocaleMiddleware) and nothing
    resets it: without this, a test after an English page request sees English dates."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_routing_model(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """No test reads a routing model trained on the developer's machine (var/insight): each
    starts without one; tests that train write into their own directory."""
    settings.INSIGHT_MODEL_DIR = tmp_path_factory.getbasetemp() / "no-routing-model"


@pytest.fixture(autouse=True)
def _own_chart_files(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The dashboard's chart files of the tests go into the test run's directory, not the
    developer's var/charts (a drawing is named by its inputs, so tests may share them)."""
    from minsheng.reports import chart_cache

    settings.REPORTS_CHART_DIR = tmp_path_factory.getbasetemp() / "charts"
    chart_cache.forget()


# Every persona of the cast, for tests that walk all of them.
PERSONAS = (
    "deputy",
    "cosigner",
    "staff",
    "clerk_a",
    "head_a",
    "clerk_b",
    "head_b",
    "supervisor",
    "committee",
    "admin",
    "outsider",
)


@dataclass
class Cast:
    jurisdiction: Jurisdiction
    other_jurisdiction: Jurisdiction
    term: Term
    unit_a: Organisation
    unit_b: Organisation
    committee_org: Organisation
    deputy: User
    cosigner: User
    staff: User
    clerk_a: User
    head_a: User
    clerk_b: User
    head_b: User
    supervisor: User
    committee: User
    admin: User
    outsider: User  # staff of another jurisdiction
    password: str = PASSWORD


@pytest.fixture
def cast(db) -> Cast:  # type: ignore[no-untyped-def]
    j = JurisdictionFactory(code="cast", name="测试省")
    other = JurisdictionFactory(code="other", name="外省")
    term = TermFactory(jurisdiction=j)
    SessionFactory(term=term, number=4)
    committee_org = OrganisationFactory(
        jurisdiction=j,
        name="财政经济委员会",
        kind=Organisation.Kind.SPECIAL_COMMITTEE,
        is_handling_unit=False,
    )
    unit_a = OrganisationFactory(
        jurisdiction=j, name="交通运输厅", counterpart_committee=committee_org
    )
    unit_b = OrganisationFactory(jurisdiction=j, name="教育厅")
    delegation = OrganisationFactory(
        jurisdiction=j,
        name="青川市代表团",
        kind=Organisation.Kind.DELEGATION,
        is_handling_unit=False,
    )

    def person(username: str, kind: str, org: Organisation | None = None, **extra: object) -> User:
        user = UserFactory(username=username, jurisdiction=j)
        RoleFactory(user=user, kind=kind, jurisdiction=j, organisation=org, **extra)
        return user

    deputy = person("deputy", Role.Kind.DEPUTY)
    DeputyFactory(user=deputy, jurisdiction=j, term=term, delegation=delegation)
    cosigner = person("cosigner", Role.Kind.DEPUTY)
    DeputyFactory(
        user=cosigner, jurisdiction=j, term=term, delegation=delegation, contact_phone="13800000002"
    )
    admin = person("admin", Role.Kind.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    outsider = UserFactory(username="outsider", jurisdiction=other)
    RoleFactory(user=outsider, kind=Role.Kind.STAFF, jurisdiction=other)
    return Cast(
        jurisdiction=j,
        other_jurisdiction=other,
        term=term,
        unit_a=unit_a,
        unit_b=unit_b,
        committee_org=committee_org,
        deputy=deputy,
        cosigner=cosigner,
        staff=person("staff", Role.Kind.STAFF),
        clerk_a=person("clerk_a", Role.Kind.CLERK, unit_a),
        head_a=person("head_a", Role.Kind.HEAD, unit_a),
        clerk_b=person("clerk_b", Role.Kind.CLERK, unit_b),
        head_b=person("head_b", Role.Kind.HEAD, unit_b),
        supervisor=person("supervisor", Role.Kind.SUPERVISOR, supervisor_tier=2),
        committee=person("committee", Role.Kind.COMMITTEE, committee_org),
        admin=admin,
        outsider=outsider,
    )
