"""Pages of supervision teams and rectification: entering a team, recording an inspection with
several findings, the rectification list's filters, acting on a rectification, the section on
the ledger item's page, and bad input answered with a reason (never a 500)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from minsheng.ledger.models_teams import Rectification, Team
from tests import team_states as ts

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _english(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _today():
    return timezone.localdate()


def test_staff_enter_a_team(client, cast):
    item = ts.item(cast, starts_on=_today())
    client.force_login(cast.staff)
    assert client.get("/ledger/teams/new/").status_code == 200
    bad = client.post("/ledger/teams/new/", {"name": "", "year": "x"})
    assert bad.status_code == 422
    answer = client.post(
        "/ledger/teams/new/",
        {
            "name": "第二督查组",
            "year": _today().year,
            "leader": cast.supervisor.pk,
            "members": [cast.committee.pk],
            "items": [item.pk],
        },
    )
    team = Team.objects.get(name="第二督查组")
    assert answer.status_code == 302 and answer["Location"] == f"/ledger/teams/{team.pk}/"
    page = client.get(f"/ledger/teams/{team.pk}/")
    assert page.status_code == 200 and item.title in page.content.decode()
    client.force_login(cast.clerk_a)
    assert client.get("/ledger/teams/new/").status_code == 403


def test_a_member_records_an_inspection_with_several_findings(client, cast):
    item = ts.item(cast, starts_on=_today())
    team = ts.team(cast, [item])
    client.force_login(cast.committee)
    url = f"/ledger/teams/{team.pk}/inspect/"
    assert client.get(url).status_code == 200
    due = (_today() + datetime.timedelta(days=20)).isoformat()
    form = {
        "item": item.pk,
        "on": _today().isoformat(),
        "place": "青川市",
        "participants": "全体",
        "notes": "现场查看",
        "f-TOTAL_FORMS": "3",
        "f-INITIAL_FORMS": "0",
        "f-0-problem": "台账不全",
        "f-0-owner_unit": cast.unit_a.pk,
        "f-0-due": due,
        "f-1-problem": "资金未到位",
        "f-1-owner_unit": cast.unit_b.pk,
        "f-1-due": due,
        "f-1-owner_person": "李科长",
        "f-2-problem": "",
        "evidence": SimpleUploadedFile("现场.pdf", PDF),
    }
    # A finding without its unit is refused with the reason, nothing saved.
    missing = client.post(url, {**form, "f-1-owner_unit": "", "evidence": ""})
    assert missing.status_code == 422
    assert "Choose the unit that must fix it." in missing.content.decode()
    assert not Rectification.objects.exists()
    answer = client.post(url, form)
    assert answer.status_code == 302
    rects = list(Rectification.objects.order_by("pk"))
    assert [(r.problem, r.owner_unit) for r in rects] == [
        ("台账不全", cast.unit_a),
        ("资金未到位", cast.unit_b),
    ]
    assert team.inspections.get().evidence.count() == 1
    # The ledger item's page lists them.
    client.force_login(cast.staff)
    page = client.get(f"/ledger/{item.pk}/").content.decode()
    assert 'data-testid="team-section"' in page and "台账不全" in page
    # A person outside the team may not record one.
    client.force_login(cast.clerk_a)
    assert client.post(url, form).status_code in (403, 404)


def test_the_unit_reports_and_the_leader_closes_on_the_page(client, cast):
    rect = ts.rectification(cast, on=_today())
    client.force_login(cast.clerk_a)
    page = client.get(f"/ledger/rectifications/{rect.pk}/")
    assert page.status_code == 200 and 'id="rect-report"' in page.content.decode()
    act = f"/ledger/rectifications/{rect.pk}/act/"
    empty = client.post(act + "report/", {"on": _today().isoformat(), "report": ""})
    assert empty.status_code == 422
    assert "Say what was done to fix the problem." in empty.content.decode()
    done = client.post(
        act + "report/",
        {
            "on": _today().isoformat(),
            "report": "已整改到位",
            "evidence": SimpleUploadedFile("整改.pdf", PDF),
        },
    )
    assert done.status_code == 302
    rect.refresh_from_db()
    assert rect.state == "reported" and rect.evidence.count() == 1
    assert client.post(act + "close/", {}).status_code == 403
    client.force_login(cast.supervisor)
    assert (
        client.post(act + "report/", {"on": _today().isoformat(), "report": "x"}).status_code == 403
    )
    assert client.post(act + "close/", {"note": "通过"}).status_code == 302
    rect.refresh_from_db()
    assert rect.state == "closed"
    again = client.post(act + "close/", {})
    assert again.status_code == 409
    assert client.post(act + "nonsense/", {}).status_code == 404


def test_the_list_filters_by_state_unit_and_warning(client, cast):
    rect = ts.rectification(cast, on=_today() - datetime.timedelta(days=40))
    other = ts.inspected(
        cast, rect.team, rect.item, on=_today(), units=[cast.unit_b]
    ).rectifications.get()
    client.force_login(cast.staff)

    def shown(query):
        page = client.get("/ledger/rectifications/" + query)
        assert page.status_code == 200
        body = page.content.decode()
        return {r.pk for r in (rect, other) if f'data-testid="rect-{r.pk}"' in body}

    assert shown("") == {rect.pk, other.pk}
    assert shown("?warning=red") == {rect.pk}  # due 10 days ago
    assert shown("?warning=green") == {other.pk}
    assert shown(f"?unit={cast.unit_b.pk}") == {other.pk}
    assert shown("?state=closed") == set()
    assert shown("?state=evil&unit=99999999999999999999&warning=x&page=zz") == {rect.pk, other.pk}
    client.force_login(cast.clerk_b)
    assert shown("") == {other.pk}


def test_home_panels_show_what_to_rectify_and_what_to_accept(client, cast):
    rect = ts.rectification(cast, on=_today())
    client.force_login(cast.clerk_a)
    home = client.get("/").content.decode()
    assert 'data-testid="rect-to-fix"' in home and rect.problem in home
    client.force_login(cast.supervisor)
    assert 'data-testid="rect-to-accept"' not in client.get("/").content.decode()
    from minsheng.ledger import workflow_teams

    workflow_teams.report(rect, by=cast.clerk_a, on=_today(), report="已整改")
    assert 'data-testid="rect-to-accept"' in client.get("/").content.decode()
    client.force_login(cast.clerk_b)
    assert 'data-testid="rect-to-fix"' not in client.get("/").content.decode()
