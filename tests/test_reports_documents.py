"""The annual report, the press brief and the workbook, read back from the files: the official
layout, the expected headings, tables and chart images, and numbers equal to the API's counts;
the command and the staff page that produce them."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.lib.letters import to_bytes
from minsheng.people.models import ApiToken
from minsheng.reports import documents, figures
from minsheng.suggestions.models import Suggestion
from tests import states
from tests.official_layout import assert_official_layout, open_docx
from tests.test_reports_figures import AUTUMN, SPRING

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cast):
    with states.frozen(SPRING):
        s1 = states.closed(cast, joint=True, title="关于农村公路护栏的建议")
        s2 = states.answered(cast, category_code="B", title="关于校车安全的建议")
        s3 = states.handling(cast, title="关于乡村医生待遇的建议")
    Suggestion.objects.filter(pk=s1.pk).update(is_key=True)
    return {"period": figures.Period.year(cast.jurisdiction, 2026), "s": [s1, s2, s3]}


def api_count(client, user, **params):
    _token, raw = ApiToken.issue(user, "report test")
    response = client.get("/api/v1/suggestions", params, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def table_after(doc, caption: str):
    """The table that follows the paragraph `caption` in the body."""
    paragraph = next(p for p in doc.paragraphs if p.text == caption)
    following = paragraph._p.getnext()
    while not following.tag.endswith("}tbl"):
        following = following.getnext()
    return next(t for t in doc.tables if t._tbl is following)


def test_the_annual_report_has_its_headings_tables_and_charts(client, cast, year):
    found = figures.compute(year["period"], AUTUMN)
    doc = open_docx(to_bytes(documents.annual_report(found)))
    assert_official_layout(doc)
    paragraphs = texts(doc)
    assert paragraphs[0] == "关于2026年度代表建议办理工作情况的报告"
    for heading in documents.HEADINGS:
        assert heading in paragraphs
    assert len(doc.tables) == 8
    # Charts as images: by category, result categories, ratings.
    assert len(doc.inline_shapes) == 3
    images = [r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 3 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)
    # The numbers are the API's counts of the same suggestions.
    overall = table_after(doc, "表1　代表建议总体情况")
    header = [c.text for c in overall.rows[0].cells]
    values = dict(zip(header, [c.text for c in overall.rows[1].cells], strict=True))
    assert values["立案"] == str(api_count(client, cast.staff))
    assert values["已答复"] == str(api_count(client, cast.staff, state=["answered", "closed"]))
    assert values["重点督办"] == str(api_count(client, cast.staff, key=True))
    with states.frozen(AUTUMN):
        assert values["逾期"] == str(api_count(client, cast.staff, overdue=True))
    units = table_after(doc, "表3　按承办单位统计（主办、分办件数；会办另计）")
    rows = {r.cells[1].text: r.cells[2].text for r in units.rows[1:]}
    assert rows[cast.unit_a.name] == str(api_count(client, cast.staff, unit=cast.unit_a.pk))
    key = table_after(doc, "表6　重点督办建议办理情况")
    assert [c.text for c in key.rows[1].cells][2:] == [
        "关于农村公路护栏的建议",
        cast.unit_a.name,
        "已办结",
        "A",
        "满意",
    ]
    assert doc.paragraphs[-1].text == "2026年9月30日"


def test_an_empty_period_gives_an_empty_but_valid_report(cast):
    found = figures.compute(figures.Period.year(cast.jurisdiction, 2031), AUTUMN)
    doc = open_docx(to_bytes(documents.annual_report(found)))
    assert_official_layout(doc)
    paragraphs = texts(doc)
    for heading in documents.HEADINGS:
        assert heading in paragraphs
    assert "2031年度，未有立案的代表建议。" in paragraphs
    assert len(doc.inline_shapes) == 0
    overall = doc.tables[0]
    assert [c.text for c in overall.rows[1].cells][-1] == "无数据"  # no rate, not 0 %
    brief = open_docx(to_bytes(documents.press_brief(found)))
    assert "本期暂无已解决的重点督办建议可作典型案例。" in texts(brief)
    wb = load_workbook(io.BytesIO(_workbook_bytes(found)))
    assert wb["按类别"].max_row == 1


def _workbook_bytes(found) -> bytes:
    out = io.BytesIO()
    documents.workbook(found).save(out)
    return out.getvalue()


def test_the_press_brief_has_headline_figures_and_highlighted_cases(cast, year):
    found = figures.compute(year["period"], AUTUMN)
    doc = open_docx(to_bytes(documents.press_brief(found)))
    assert_official_layout(doc)
    paragraphs = texts(doc)
    assert "1．立案代表建议3件，已答复2件。" in paragraphs
    case = next(p for p in paragraphs if p.startswith("（一）"))
    assert "关于农村公路护栏的建议" in case and "代表评价为“满意”" in case


def test_the_workbook_has_every_figure_as_numbers(cast, year):
    found = figures.compute(year["period"], AUTUMN)
    wb = load_workbook(io.BytesIO(_workbook_bytes(found)))
    assert wb.sheetnames == [
        "总体情况",
        "按类别",
        "按承办单位",
        "答复类别",
        "代表评价",
        "重点督办建议",
        "答复承诺",
        "逾期未答复",
    ]
    overall = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=3, values_only=True)}
    assert (overall["立案"], overall["已答复"], overall["按时答复率（%）"]) == (3, 2, 100)
    units = {row[0]: row[1:] for row in wb["按承办单位"].iter_rows(min_row=2, values_only=True)}
    assert units[cast.unit_a.name][:2] == (3, 0) and units[cast.unit_b.name][:2] == (0, 1)
    assert [r[0] for r in wb["逾期未答复"].iter_rows(min_row=2, values_only=True)] == [
        year["s"][2].display_number
    ]


# --- the command -------------------------------------------------------------------------------


def test_the_command_writes_the_annual_report(cast, year, tmp_path):
    out = tmp_path / "report.docx"
    with states.frozen(AUTUMN):
        call_command(
            "report",
            "annual",
            "--year",
            "2026",
            "--jurisdiction",
            cast.jurisdiction.code,
            "--out",
            str(out),
        )
    doc = open_docx(out.read_bytes())
    assert doc.paragraphs[0].text == "关于2026年度代表建议办理工作情况的报告"
    book = tmp_path / "stats.xlsx"
    call_command(
        "report",
        "workbook",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--jurisdiction",
        cast.jurisdiction.code,
        "--out",
        str(book),
    )
    assert load_workbook(book)["总体情况"]["B3"].value == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "2026", "--jurisdiction", "nowhere"],
        ["--from", "2026-01-01", "--jurisdiction", "{code}"],
        ["--from", "2026-02-30", "--to", "2026-03-01", "--jurisdiction", "{code}"],
        ["--from", "2026-05-01", "--to", "2026-03-01", "--jurisdiction", "{code}"],
        ["--year", "20260", "--jurisdiction", "{code}"],
    ],
)
def test_the_command_refuses_bad_input_with_a_reason(cast, tmp_path, args):
    args = [a.format(code=cast.jurisdiction.code) for a in args]
    with pytest.raises(CommandError):
        call_command("report", "annual", *args, "--out", str(tmp_path / "x.docx"))


# --- the page ----------------------------------------------------------------------------------


def test_the_staff_page_shows_the_figures_and_offers_the_documents(client, cast, year):
    client.force_login(cast.staff)
    with states.frozen(AUTUMN):
        page = client.get(reverse("reports:index"), {"year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="registered">3<' in body and 'data-figure="overdue">1<' in body
    for name in ("reports:annual", "reports:brief", "reports:workbook"):
        assert reverse(name) in body
    with states.frozen(AUTUMN):
        annual = client.get(reverse("reports:annual"), {"year": 2026})
    assert annual.status_code == 200 and "attachment" in annual["Content-Disposition"]
    assert open_docx(annual.content).paragraphs[0].text == "关于2026年度代表建议办理工作情况的报告"
    brief = client.get(reverse("reports:brief"), {"year": 2026})
    assert brief.status_code == 200
    book = client.get(reverse("reports:workbook"), {"year": 2026})
    wb = load_workbook(io.BytesIO(b"".join(book.streaming_content)))
    assert wb["总体情况"]["B3"].value == 3


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "20260"},
        {"start": "2026-05-01", "end": "2026-03-01"},
        {"start": "2026-05-01"},
        {"start": "2020-01-01", "end": "2026-03-01"},
        {"jurisdiction": "999999"},
    ],
)
def test_bad_periods_are_a_form_error_not_a_crash(client, cast, params):
    client.force_login(cast.staff)
    for name in ("reports:index", "reports:annual"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert (
            'class="errorlist' in response.content.decode() or "error" in response.content.decode()
        )


def test_only_congress_staff_and_leaders_produce_reports(client, cast):
    for user in (cast.clerk_a, cast.deputy, cast.committee):
        client.force_login(user)
        assert client.get(reverse("reports:index")).status_code == 403
        assert client.get(reverse("reports:annual")).status_code == 403
    client.force_login(cast.supervisor)  # a leader reads them
    assert client.get(reverse("reports:index")).status_code == 200
    client.logout()
    assert client.get(reverse("reports:index")).status_code == 302


def test_a_year_s_report_is_quick_enough_to_download_at_once(cast, year):
    """Synchronous download: the whole annual report (figures, three charts, the document)."""
    import time

    began = time.perf_counter()
    to_bytes(documents.annual_report(figures.compute(year["period"], AUTUMN)))
    assert time.perf_counter() - began < 10


def test_staff_of_another_congress_get_only_their_own(client, cast, year):
    client.force_login(cast.outsider)
    page = client.get(reverse("reports:index"), {"year": 2026})
    assert page.status_code == 200 and 'data-figure="registered">0<' in page.content.decode()
    asked = {"year": 2026, "jurisdiction": cast.jurisdiction.pk}
    assert client.get(reverse("reports:index"), asked).status_code == 400
    assert client.get(reverse("reports:annual"), asked).status_code == 400


def test_the_brief_highlights_only_solved_cases_the_deputy_was_content_with(cast, year):
    s1 = year["s"][0]
    found = figures.compute(year["period"], AUTUMN)
    assert [i.pk for i in documents.highlighted_cases(found)] == [s1.pk]
    for item in found.key:
        item.rating = "unsatisfied"
    assert documents.highlighted_cases(found) == []
    Suggestion.objects.filter(pk=s1.pk).update(is_confidential=True)
    found = figures.compute(year["period"], AUTUMN)
    assert documents.highlighted_cases(found) == []
