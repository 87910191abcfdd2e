"""The evaluation pages, Excel downloads, satisfaction figures, scheme versions and the demo
hook: on the hand-built congress of test_evaluation_indicators (unit A's three suggestions)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from minsheng.evaluation import figures, schemes
from minsheng.evaluation.models import Scheme, YearScheme
from minsheng.evaluation.presets import HAINAN, PRESETS, QINGDAO, SHENZHEN
from minsheng.evaluation.scoring import Period, SchemeError
from minsheng.suggestions import workflow
from tests import states
from tests.test_evaluation_indicators import MARCH_2, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def hainan(cast):
    schemes.load_presets(cast.jurisdiction)
    scheme = Scheme.objects.get(jurisdiction=cast.jurisdiction, code=HAINAN)
    schemes.use_for_year(cast.jurisdiction, 2026, scheme)
    return scheme


def _client(user):
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_presets_load_once_with_their_definitions(cast):
    made = schemes.load_presets(cast.jurisdiction)
    assert {s.code for s in made} == {SHENZHEN, HAINAN, QINGDAO}
    assert schemes.load_presets(cast.jurisdiction) == []
    for s in made:
        assert s.version == 1 and s.definition == PRESETS[s.code]["definition"]


def test_editing_a_scheme_makes_a_new_version_and_the_year_keeps_its_own(cast, hainan):
    items = [
        {"indicator": "reply_on_time", "weight": 40},
        {"indicator": "satisfaction", "weight": 60},
    ]
    new = schemes.revise(hainan, definition={"total": 100, "items": items})
    assert (new.code, new.version) == (HAINAN, 2)
    hainan.refresh_from_db()
    assert hainan.version == 1 and len(hainan.definition["items"]) == 3
    assert schemes.for_year(cast.jurisdiction.pk, 2026) == hainan
    schemes.use_for_year(cast.jurisdiction, 2026, new)
    assert schemes.for_year(cast.jurisdiction.pk, 2026) == new
    assert YearScheme.objects.filter(jurisdiction=cast.jurisdiction).count() == 1


def test_a_revision_whose_weights_do_not_add_up_is_refused(cast, hainan):
    with pytest.raises(SchemeError, match="add up to 90, not 100"):
        schemes.revise(hainan, definition={"items": [{"indicator": "reply_on_time", "weight": 90}]})
    assert Scheme.objects.filter(code=HAINAN).count() == 1


def test_the_admin_saves_an_edit_as_the_next_version_and_refuses_bad_weights(cast, hainan):
    admin = _client(cast.admin)
    url = f"/admin/evaluation/scheme/{hainan.pk}/change/"
    form = {
        "jurisdiction": cast.jurisdiction.pk,
        "code": HAINAN,
        "name": "海南计分制（修订）",
        "style": "points",
        "definition": '{"items": [{"indicator": "reply_on_time", "weight": 30}]}',
        "description": "",
        "source": "",
    }
    response = admin.post(url, form)
    assert response.status_code == 200
    assert "The weights add up to 30, not 100: add 70." in response.content.decode()
    form["definition"] = '{"items": [{"indicator": "reply_on_time", "weight": 100}]}'
    response = admin.post(url, form)
    assert response.status_code == 302
    versions = list(Scheme.objects.filter(code=HAINAN).values_list("version", "name"))
    assert sorted(versions) == [(1, "海南计分制"), (2, "海南计分制（修订）")]


def test_the_ranking_scores_the_units_and_shows_no_data(cast, world, hainan):  # noqa: F811
    with states.frozen(D(2026, 12, 31)):
        page = _client(cast.staff).get("/evaluation/?year=2026")
        rows = figures.scores(figures.scope(cast.jurisdiction.pk, Period.year(2026)), hainan)
    assert page.status_code == 200
    body = page.content.decode()
    a = next(r for r in rows if r.unit_id == cast.unit_a.pk)
    b = next(r for r in rows if r.unit_id == cast.unit_b.pk)
    # Unit A: on time 50 % of 20, satisfaction 50 % of 50, A/B 50 % of 30 = 50.
    assert (a.score.score, a.score.rank) == (50.0, 1)
    assert (b.score.score, b.score.rank) == (None, None)  # a joint unit: nothing to score
    assert f'data-testid="unit-{cast.unit_b.pk}"' in body and "No data" in body
    assert f"/evaluation/units/{cast.unit_a.pk}/reply_on_time/?year=2026" in body


def test_a_month_with_nothing_is_an_empty_but_valid_ranking(cast, world, hainan):  # noqa: F811
    page = _client(cast.staff).get("/evaluation/?month=2026-01")
    assert page.status_code == 200
    assert page.content.decode().count("No data") >= 2


def test_bad_periods_and_schemes_are_a_400_with_the_reason(cast, hainan):
    c = _client(cast.staff)
    for query, message in [
        ("month=2026-13", "Give the month as YYYY-MM"),
        ("month=soon", "Give the month as YYYY-MM"),
        ("year=20x6", "Give the year as four digits"),
        ("year=2026&scheme=999999", "No such scheme."),
    ]:
        response = c.get(f"/evaluation/?{query}")
        assert response.status_code == 400 and message in response.content.decode(), query


def test_a_year_without_a_scheme_says_so(cast):
    page = _client(cast.staff).get("/evaluation/?year=2026")
    assert page.status_code == 200 and 'data-testid="no-scheme"' in page.content.decode()


def test_the_ranking_downloads_as_excel_with_the_pages_figures(cast, world, hainan):  # noqa: F811
    with states.frozen(D(2026, 12, 31)):
        response = _client(cast.staff).get("/evaluation/?year=2026&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Unit", "Result", "办理速度")
    first = rows[1]
    assert first[:3] == (1, cast.unit_a.name, "50") and "No data" in rows[2]


def test_the_unit_card_and_its_drill_down(cast, world, hainan):  # noqa: F811
    with states.frozen(D(2026, 12, 31)):
        c = _client(cast.clerk_a)
        card = c.get(f"/evaluation/units/{cast.unit_a.pk}/?year=2026")
        drill = c.get(f"/evaluation/units/{cast.unit_a.pk}/sign_on_time/?year=2026")
        sheet = c.get(f"/evaluation/units/{cast.unit_a.pk}/sign_on_time/?year=2026&format=xlsx")
    assert card.status_code == 200
    text = card.content.decode()
    assert "33.3%" in text and "No data" in text  # sign-for; commitments (none due)
    assert "Reply-norm findings are not an indicator yet" in text
    body = drill.content.decode()
    assert "1 of 3 met: 33.3%." in body
    for key in ("s1", "s2", "s3"):
        assert f"/suggestions/{world[key].pk}/" in body
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert sorted(r[3] for r in rows[1:]) == ["No", "No", "Yes"]


def test_a_supervisor_sees_the_figure_but_not_a_confidential_suggestion_behind_it(cast):
    with states.frozen(MARCH_2):
        states.assigned(cast, title="涉密建议", is_confidential=True, on=MARCH_2)
    with states.frozen(D(2026, 12, 31)):
        drill = _client(cast.supervisor).get(
            f"/evaluation/units/{cast.unit_a.pk}/sign_on_time/?year=2026"
        )
    body = drill.content.decode()
    assert "0 of 1 met" in body and "1 counted item is of a suggestion you may not see" in body
    assert "涉密建议" not in body


def test_satisfaction_rates_keep_not_rated_apart(cast, world):  # noqa: F811
    with states.frozen(D(2026, 3, 12)):
        s4 = states.answered(cast, title="关于S4的建议")
    with states.frozen(D(2026, 6, 30)):
        workflow.expire_ratings()
    rows, total = figures.satisfaction(cast.jurisdiction.pk, by="unit", year=2026)
    a = next(r for r in rows if r.key == cast.unit_a.pk)
    assert (a.satisfied, a.basically, a.unsatisfied, a.not_rated) == (1, 0, 1, 1)
    assert a.rate == 50.0  # not rated is neither satisfied nor counted
    assert (a.process_rated, a.process_rate, a.result_rated, a.result_rate) == (1, 100.0, 1, 100.0)
    by_delegation, _total = figures.satisfaction(cast.jurisdiction.pk, by="delegation")
    assert [r.label for r in by_delegation] == ["青川市代表团"]
    assert total.rated == 2 and total.not_rated == 1
    assert s4.pk


def test_the_unsatisfied_list_says_what_happened_next(cast, world):  # noqa: F811
    with states.frozen(D(2026, 3, 20)):
        s2 = world["s2"]
        states.contact(cast, s2)
        workflow.draft_reply(s2, by=cast.clerk_a, **states.REPLY)
        workflow.sign_reply(s2, by=cast.head_a)
        workflow.rate(s2, by=cast.deputy, overall="basically")
    visible = figures.Suggestion.objects.visible_to(cast.staff)
    [row] = figures.unsatisfied(visible)
    assert row.rating.reasons == "没有解决。"
    assert row.next_reply is not None and row.next_reply.round == 2
    assert row.next_rating == "basically"
    page = _client(cast.staff).get("/evaluation/satisfaction/?year=2026")
    body = page.content.decode()
    assert "没有解决。" in body and "round 2 replied on" in body
    sheet = _client(cast.staff).get(
        "/evaluation/satisfaction/?year=2026&format=xlsx&table=unsatisfied"
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][5] == "没有解决。" and rows[1][8] == "Basically satisfied (基本满意)"


def test_a_committee_member_sees_only_the_counterpart_units(cast, world, hainan):  # noqa: F811
    c = _client(cast.committee)
    page = c.get("/evaluation/?year=2026").content.decode()
    assert f'data-testid="unit-{cast.unit_a.pk}"' in page
    assert f'data-testid="unit-{cast.unit_b.pk}"' not in page
    assert c.get(f"/evaluation/units/{cast.unit_b.pk}/").status_code == 404


def test_the_api_ranking_equals_the_figures(cast, world, hainan):  # noqa: F811
    with states.frozen(D(2026, 12, 31)):
        data = _client(cast.staff).get("/api/v1/evaluation/ranking?year=2026").json()
        unit = _client(cast.clerk_a).get(f"/api/v1/evaluation/units/{cast.unit_a.pk}?year=2026")
    first = data["rows"][0]
    assert (first["unit_id"], first["score"], first["rank"]) == (cast.unit_a.pk, 50.0, 1)
    values = {i["key"]: i["value"] for i in unit.json()["indicators"]}
    assert values["sign_on_time"] == 33.3 and values["commitments_fulfilled"] is None


def test_the_ranking_costs_the_same_queries_for_more_suggestions_and_units(
    cast,
    world,  # noqa: F811
    hainan,
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganisationFactory

    c = _client(cast.staff)
    with CaptureQueriesContext(connection) as before:
        c.get("/evaluation/?year=2026")
    with states.frozen(MARCH_2):
        for n in range(3):
            states.answered(cast, title=f"关于更多建议{n}的建议")
    for n in range(5):
        OrganisationFactory(jurisdiction=cast.jurisdiction, name=f"新单位{n}")
    with django_assert_num_queries(len(before.captured_queries)):
        page = c.get("/evaluation/?year=2026")
    assert page.content.decode().count('data-testid="unit-') == 7


def test_a_units_satisfaction_rate_opens_the_same_ratings_as_its_card(cast, world):  # noqa: F811
    c = _client(cast.staff)
    page = c.get("/evaluation/satisfaction/?year=2026&by=unit").content.decode()
    link = f"/evaluation/units/{cast.unit_a.pk}/satisfaction/?year=2026"
    assert f'href="{link}">50.0%' in page
    assert "1 of 2 met: 50%." in c.get(link).content.decode()


def test_the_presets_command_for_one_congress_or_a_clear_error(cast):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("evaluation_presets", "--jurisdiction", "cast", stdout=out)
    assert "cast: 3 preset(s) created" in out.getvalue()
    with pytest.raises(CommandError, match="No congress with the code 'nowhere'"):
        call_command("evaluation_presets", "--jurisdiction", "nowhere")
