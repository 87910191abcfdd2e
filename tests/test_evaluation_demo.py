"""The demo's evaluation: the three presets, this year scored by the Hainan points and last year
by the Shenzhen gates, units with scores; the ranking, API and satisfaction agree; a second
run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from minsheng.evaluation import figures, schemes
from minsheng.evaluation.models import Scheme, YearScheme
from minsheng.evaluation.presets import HAINAN, SHENZHEN
from minsheng.evaluation.scoring import Period
from minsheng.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def small_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_presets_and_the_years_schemes():
    staff = User.objects.get(username="staff")
    year = timezone.localdate().year
    assert Scheme.objects.filter(jurisdiction_id=staff.jurisdiction_id).count() == 3
    assert schemes.for_year(staff.jurisdiction_id, year).code == HAINAN
    assert schemes.for_year(staff.jurisdiction_id, year - 1).code == SHENZHEN


def test_the_demo_is_scored_and_the_page_and_api_agree():
    staff = User.objects.get(username="staff")
    year = timezone.localdate().year
    scheme = schemes.for_year(staff.jurisdiction_id, year)
    rows = figures.scores(figures.scope(staff.jurisdiction_id, Period.year(year)), scheme)
    scored = [r for r in rows if r.score.has_data]
    assert len(scored) >= 5 and any(r.score.score < 100 for r in scored)
    c = Client()
    c.force_login(staff)
    api = c.get(f"/api/v1/evaluation/ranking?year={year}").json()
    assert [(r["unit_id"], r["score"]) for r in api["rows"]] == [
        (r.unit_id, r.score.score) for r in rows
    ]
    page = c.get(f"/evaluation/?year={year}")
    assert page.status_code == 200
    _rows, total = figures.satisfaction(staff.jurisdiction_id, year=year)
    assert total.rated > 0


def test_running_the_demo_again_adds_nothing():
    before = (Scheme.objects.count(), YearScheme.objects.count())
    call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
    assert (Scheme.objects.count(), YearScheme.objects.count()) == before


def test_the_demo_campaign_is_partly_worked_through():
    from minsheng.evaluation.models_campaign import Campaign, OpinionForm

    staff = User.objects.get(username="staff")
    campaign = Campaign.objects.get(jurisdiction_id=staff.jurisdiction_id)
    states = dict(campaign.steps.values_list("code", "state"))
    assert len(states) == 14
    assert states["plan"] == "done" and states["collect_opinions"] == "in_progress"
    assert states["self_assessment"] == "in_progress" and states["archive"] == "not_started"
    forms = OpinionForm.objects.filter(campaign=campaign)
    assert forms.exists() and forms.filter(state="submitted").exists()
    c = Client()
    c.force_login(staff)
    page = c.get(f"/evaluation/campaigns/{campaign.pk}/")
    assert page.status_code == 200 and page.context["progress"].done == 1
    assert c.get(f"/evaluation/campaigns/{campaign.pk}/opinions/").status_code == 200
