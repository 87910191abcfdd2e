"""The dashboard: its figures are the report's and the API's, every table downloads as Excel,
the charts are SVG the page's CSP accepts with Chinese text kept as text, leaders read it, and
a unit's report card (Word) is in the official layout and only for those who see the unit."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from minsheng.evaluation import schemes
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.presets import HAINAN
from minsheng.people.models import ApiToken
from minsheng.reports import chart_cache, charts, dashboard, figures
from minsheng.reports.cards import CARD_HEADINGS
from tests import states
from tests.official_layout import assert_official_layout, open_docx
from tests.test_reports_figures import AUTUMN, api_count, year  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _xlsx(response):
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


@pytest.fixture
def scheme(cast):
    schemes.load_presets(cast.jurisdiction)
    found = Scheme.objects.get(jurisdiction=cast.jurisdiction, code=HAINAN)
    schemes.use_for_year(cast.jurisdiction, 2026, found)
    return found


def test_the_dashboard_figures_are_the_report_s(cast, year):  # noqa: F811
    period = year["period"]
    found = figures.compute(period, AUTUMN)
    panels = dashboard.build(period, AUTUMN)
    assert panels["totals"].extra["totals"] == found.totals
    monthly = figures.monthly(period, AUTUMN)
    assert sum(m.registered for m in monthly) == found.totals.registered
    assert sum(m.answered for m in monthly) == found.totals.answered
    assert monthly[0].month.isoformat() == "2026-01-01" and monthly[-1].month.month == 9
    assert sum(figures.states(period).values()) == found.totals.registered
    lights = figures.warnings(period, AUTUMN)
    assert lights.red == found.totals.overdue
    assert lights.total == found.totals.in_handling
    assert [r[1] for r in panels["categories"].table.rows] == [g.count for g in found.by_category]
    assert [r[1] for r in panels["units"].table.rows] == [g.count for g in found.by_unit]
    sat = panels["satisfaction"].table.rows
    assert [r[1] for r in sat[:4]] == list(found.satisfaction.counts.values())
    assert sat[-1][2] == found.satisfaction.satisfied_rate
    abcd = panels["reply_categories"].table.rows
    assert [r[2] for r in abcd] == list(found.categories.counts.values())
    delegations = figures.by_delegation(period, AUTUMN)
    assert sum(g.count for g in delegations) == found.totals.registered


def test_the_dashboard_numbers_equal_the_api_s(client, cast, year):  # noqa: F811
    period = year["period"]
    panels = dashboard.build(period, AUTUMN)
    with states.frozen(AUTUMN):
        red = api_count(client, cast.staff, overdue=True)
    warnings = {r[0]: r[1] for r in panels["warnings"].table.rows}
    assert list(warnings.values())[0] == red
    units = {r[0]: r[1] + r[2] for r in panels["units"].table.rows}
    for unit in (cast.unit_a, cast.unit_b):
        assert units[unit.name] == api_count(client, cast.staff, unit=unit.pk)
    by_state = {r[0]: r[1] for r in panels["states"].table.rows}
    assert sum(by_state.values()) == panels["totals"].table.rows[0][1]


def test_the_ranking_is_the_evaluation_api_s(client, cast, year, scheme):  # noqa: F811
    with states.frozen(AUTUMN):
        panels = dashboard.build(year["period"], AUTUMN)
        _token, raw = ApiToken.issue(cast.staff, "dash")
        api = client.get(
            "/api/v1/evaluation/ranking", {"year": 2026}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        ).json()
    rows = panels["ranking"].table.rows
    assert rows, panels["ranking"].note
    listed = api[next(k for k, v in api.items() if isinstance(v, list))]
    assert [(r["rank"], r["unit"], r["score"]) for r in listed] == [tuple(r) for r in rows]


def test_the_page_shows_charts_tables_and_downloads(client, cast, year, scheme):  # noqa: F811
    client.force_login(cast.staff)
    with states.frozen(AUTUMN):
        page = client.get(reverse("reports:dashboard"), {"year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="registered">5<' in body
    for key in dashboard.KEYS:
        if key != "totals":
            assert f'data-testid="panel-{key}"' in body
        assert reverse("reports:dashboard_table", args=[key]) in body
    svgs = re.findall(r"<svg .*?</svg>", body, flags=re.DOTALL)
    assert len(svgs) == len(dashboard.KEYS) - 1
    for svg in svgs:
        assert ' style="' not in svg and "<style" not in svg and "<script" not in svg
        assert 'role="img"' in svg and "<title id=" in svg
    assert "交通运输" in body  # a category's name, as text in the chart and the table
    assert re.search(r"<text[^>]*>[^<]*交通运输", body)
    ids = re.findall(r' id="([^"]+)"', body)
    assert len(ids) == len(set(ids)), "duplicate ids"


@pytest.mark.parametrize("key", dashboard.KEYS)
def test_every_table_downloads_as_excel(client, cast, year, scheme, key):  # noqa: F811
    client.force_login(cast.staff)
    with states.frozen(AUTUMN):
        panel = dashboard.table(key, year["period"], AUTUMN)
        sheet = _xlsx(client.get(reverse("reports:dashboard_table", args=[key]), {"year": 2026}))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == panel.table.headers
    assert rows[1:] == [list(r) for r in panel.table.rows]


def test_an_unknown_table_is_404_and_a_bad_period_400(client, cast):
    client.force_login(cast.staff)
    assert client.get("/reports/dashboard/nonsense.xlsx").status_code == 404
    assert client.get(reverse("reports:dashboard"), {"year": "x"}).status_code == 400
    url = reverse("reports:dashboard_table", args=["units"])
    assert client.get(url, {"start": "2026-05-01"}).status_code == 400


def test_an_empty_period_is_a_valid_dashboard(client, cast):
    client.force_login(cast.staff)
    page = client.get(reverse("reports:dashboard"), {"year": 2001})
    assert page.status_code == 200
    assert 'data-testid="empty-units"' in page.content.decode()


def test_leaders_read_the_reports_and_the_dashboard_others_do_not(client, cast, year):  # noqa: F811
    client.force_login(cast.supervisor)
    assert client.get(reverse("reports:dashboard"), {"year": 2026}).status_code == 200
    assert client.get(reverse("reports:index"), {"year": 2026}).status_code == 200
    home = client.get("/").content.decode()
    assert 'data-testid="home-dashboard"' in home
    for user in (cast.clerk_a, cast.head_a, cast.deputy, cast.committee):
        client.force_login(user)
        assert client.get(reverse("reports:dashboard")).status_code == 403
        assert client.get(reverse("reports:dashboard_table", args=["units"])).status_code == 403


def test_the_svg_keeps_text_as_text_and_a_dollar_is_not_tex():
    svg = charts.bar_chart("标题 $x$", ["甲$1", "乙"], [3, 4], fmt="svg", key="t", alt="说明")
    assert "甲$1" in svg  # a label as text, not TeX (the title is the panel's heading)
    assert svg.startswith("<svg ") and 'viewBox="' in svg and ' width="' not in svg.split(">")[0]
    assert '<title id="chart-t-title">说明</title>' in svg
    png = charts.bar_chart("标题", ["甲"], [1])
    assert png.startswith(b"\x89PNG")


# --- the unit's report card --------------------------------------------------------------------


def test_the_unit_card_is_an_official_document_with_the_unit_s_figures(client, cast, year, scheme):  # noqa: F811
    client.force_login(cast.clerk_a)
    with states.frozen(AUTUMN):
        response = client.get(reverse("reports:unit_card", args=[cast.unit_a.pk]), {"year": 2026})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = open_docx(response.content)
    assert_official_layout(doc)
    text = [p.text for p in doc.paragraphs]
    assert text[0] == f"{cast.unit_a.name}\n2026年度代表建议办理情况评价"
    for heading in CARD_HEADINGS:
        assert heading in text
    with states.frozen(AUTUMN):
        group = next(
            g for g in figures.by_unit(year["period"], AUTUMN) if g.name == cast.unit_a.name
        )
    basic = doc.tables[0]
    assert basic.rows[1].cells[0].text == str(group.count)
    assert basic.rows[1].cells[2].text == str(group.answered)
    assert any("按海南" in t or "按" in t and "得分" in t for t in text)
    assert len(doc.inline_shapes) >= 1  # the indicators' chart


def test_a_unit_s_clerk_gets_only_their_own_card(client, cast, year):  # noqa: F811
    client.force_login(cast.clerk_a)
    assert client.get(reverse("reports:unit_card", args=[cast.unit_b.pk])).status_code == 404
    client.force_login(cast.deputy)
    assert client.get(reverse("reports:unit_card", args=[cast.unit_a.pk])).status_code == 403
    client.force_login(cast.staff)
    url = reverse("reports:unit_card", args=[cast.unit_b.pk])
    assert client.get(url, {"year": "abc"}).status_code == 400
    assert client.get(url, {"year": 2026}).status_code == 200


def test_the_command_writes_the_unit_card(cast, year, tmp_path):  # noqa: F811
    out = tmp_path / "card.docx"
    call_command(
        "report", "card", "--unit", str(cast.unit_a.pk), "--year", "2026", "--out", str(out)
    )
    doc = open_docx(out.read_bytes())
    assert_official_layout(doc)
    code = ["--jurisdiction", cast.jurisdiction.code]
    call_command("report", "card", "--unit", cast.unit_b.name, *code, "--out", str(out))
    with pytest.raises(CommandError):
        call_command("report", "card", "--unit", "没有这个单位", *code, "--out", str(out))
    with pytest.raises(CommandError):
        call_command("report", "card", *code, "--out", str(out))


# --- the chart files, the cached panels, the English charts, the month's ranking ---------------


@pytest.fixture
def own_folder(settings, tmp_path):
    settings.REPORTS_CHART_DIR = tmp_path / "charts"
    return settings.REPORTS_CHART_DIR


def test_a_drawn_chart_is_a_file_shared_by_every_process(own_folder, monkeypatch):
    chart = chart_cache.Chart.bar("t", "标题", ["甲", "乙"], [3, 4], value_labels=("3件", "4件"))
    first, drawn = chart_cache.svg(chart, "说明")
    assert drawn and first.startswith("<svg ")
    files = list(chart_cache.folder().glob("*.svg"))
    assert [f.read_text() for f in files] == [first]
    assert not list(chart_cache.folder().glob(".*.tmp"))  # written whole, then renamed
    # Another process (an empty memory) reads the file and draws nothing.
    chart_cache.forget()
    monkeypatch.setattr(charts, "bar_chart", lambda *a, **k: pytest.fail("drawn again"))
    again, drawn = chart_cache.svg(chart, "说明")
    assert (again, drawn) == (first, False)
    # Other inputs, another language: another file.
    monkeypatch.undo()
    with translation.override("en"):
        assert chart_cache.svg(chart, "说明")[1]
    assert chart_cache.svg(chart_cache.Chart.bar("t", "标题", ["甲"], [3]), "说明")[1]
    assert len(list(chart_cache.folder().glob("*.svg"))) == 3


def test_a_file_cut_short_is_drawn_again_and_the_folder_is_bounded(settings, own_folder):
    chart = chart_cache.Chart.bar("t", "标题", ["甲"], [1])
    text, _drawn = chart_cache.svg(chart, "a")
    (path,) = chart_cache.folder().glob("*.svg")
    path.write_text(text[:100])
    chart_cache.forget()
    assert chart_cache.svg(chart, "a") == (text, True)
    settings.REPORTS_CHART_FILES = 4
    for n in range(6):
        (chart_cache.folder() / f"{n:064x}.svg").write_text("<svg ></svg>")
    chart_cache.svg(chart_cache.Chart.bar("t", "标题", ["乙"], [2]), "b")
    assert len(list(chart_cache.folder().glob("*.svg"))) <= 4
    assert chart_cache.clear() >= 1 and not list(chart_cache.folder().glob("*.svg"))


def test_the_command_draws_the_dashboard_ahead_and_clears_it(cast, year, scheme, own_folder):  # noqa: F811
    out = io.StringIO()
    code = ["--jurisdiction", cast.jurisdiction.code]
    call_command("report", "dashboard", "--year", "2026", *code, stdout=out)
    files = set(chart_cache.folder().glob("*.svg"))
    assert len(files) == 2 * (len(dashboard.KEYS) - 1)  # every chart, in Chinese and English
    out = io.StringIO()
    code = ["--jurisdiction", cast.jurisdiction.code]
    call_command("report", "dashboard", "--year", "2026", *code, stdout=out)
    assert out.getvalue().startswith("0 ") and set(chart_cache.folder().glob("*.svg")) == files
    call_command("report", "dashboard", "--clear", stdout=io.StringIO())
    assert not list(chart_cache.folder().glob("*.svg"))
    with pytest.raises(CommandError):
        call_command("report", "annual", "--year", "2026")  # no --out


def test_the_page_s_panels_are_kept_until_the_data_changes(client, cast, year, scheme):  # noqa: F811
    client.force_login(cast.staff)
    url = reverse("reports:dashboard")
    with states.frozen(AUTUMN):
        with CaptureQueriesContext(connection) as first:
            client.get(url, {"year": 2026})
        with CaptureQueriesContext(connection) as again:
            page = client.get(url, {"year": 2026})
        assert 'data-figure="registered">5<' in page.content.decode()
        assert len(again) <= len(first) - 15, [q["sql"] for q in again]
        with states.frozen(datetime.date(2026, 6, 1)):
            states.registered(cast, title="六：新立案")
        page = client.get(url, {"year": 2026})
    assert 'data-figure="registered">6<' in page.content.decode()


def _svgs(body: str) -> str:
    return "".join(re.findall(r"<svg .*?</svg>", body, flags=re.DOTALL))


@pytest.mark.parametrize("year_asked", [2026, 2001])
def test_the_english_dashboard_s_charts_speak_english(client, cast, year, scheme, year_asked):  # noqa: F811
    client.force_login(cast.staff)
    with states.frozen(AUTUMN):
        chinese = _svgs(
            client.get(reverse("reports:dashboard"), {"year": year_asked}).content.decode()
        )
        client.cookies["django_language"] = "en"
        english = _svgs(
            client.get(reverse("reports:dashboard"), {"year": year_asked}).content.decode()
        )
    assert english and chinese
    assert "件" not in english and "无数据" not in english and "月<" not in english
    if year_asked == 2026:
        assert re.search(r">\d+ items<", english) and ">Category A<" in english
        assert re.search(r">\d+ points<", english) and ">Jan<" in english
        assert re.search(r">\d+件<", chinese) and ">A类<" in chinese and ">1月<" in chinese
    else:  # nothing to draw
        assert ">No data<" in english and ">无数据<" in chinese


def test_the_word_charts_stay_chinese_under_the_english_ui():
    with translation.override("en"):
        svg = charts.bar_chart("标题", ["甲"], [0, 0][:1], fmt="svg", key="w")
        more = charts.bar_chart("标题", ["甲"], [2], fmt="svg", key="w")
    assert ">无数据<" in svg and ">2件<" in more


def test_a_month_s_dashboard_ranks_as_the_ranking_page_and_the_api(client, cast, year, scheme):  # noqa: F811
    march = figures.Period(cast.jurisdiction, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert march.is_calendar_month and not march.is_calendar_year
    with states.frozen(AUTUMN):
        panel = dashboard.table("ranking", march, AUTUMN)
        _token, raw = ApiToken.issue(cast.staff, "dash")
        api = client.get(
            "/api/v1/evaluation/ranking", {"month": "2026-03"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        ).json()
        client.force_login(cast.staff)
        page = client.get(reverse("evaluation:ranking"), {"month": "2026-03"}).content.decode()
        whole = client.get(
            reverse("reports:dashboard"), {"start": "2026-03-01", "end": "2026-03-31"}
        ).content.decode()
    assert api["period_start"] == "2026-03-01" and api["period_end"] == "2026-03-31"
    assert [(r["rank"], r["unit"], r["score"]) for r in api["rows"]] == [
        tuple(r) for r in panel.table.rows
    ]
    order = re.findall(r'data-testid="unit-(\d+)"', page)
    assert order and [int(u) for u in order] == [r["unit_id"] for r in api["rows"]]
    assert panel.chart is not None and panel.link.endswith("?month=2026-03")
    assert 'data-testid="chart-ranking"' in whole and "month=2026-03" in whole
    # Any other period keeps the note and draws no ranking.
    other = figures.Period(cast.jurisdiction, datetime.date(2026, 3, 1), datetime.date(2026, 3, 30))
    assert not other.is_calendar_month
    panel = dashboard.table("ranking", other, AUTUMN)
    assert panel.chart is None and not panel.table.rows and "自然月" in panel.note


def test_the_home_panel_s_figures_are_kept_under_the_event_log_head(client, cast, year, scheme):  # noqa: F811
    """The staff home's headline figures read every suggestion of the year: a home page shown
    again between two changes reads them from the cache; the next change (an event, sealed
    once committed) shows on the next page."""
    from minsheng.audit import log

    client.force_login(cast.staff)
    with states.frozen(AUTUMN):
        log.seal()
        assert 'data-figure="registered">5<' in client.get("/").content.decode()
        with CaptureQueriesContext(connection) as again:
            page = client.get("/").content.decode()
        assert 'data-figure="registered">5<' in page
        assert not [q for q in again if '"between_sessions"' in q["sql"]]
        with states.frozen(datetime.date(2026, 6, 1)):
            states.registered(cast, title="六：新立案")
        log.seal()
        assert 'data-figure="registered">6<' in client.get("/").content.decode()
