"""The handling dashboard in a real browser on the demo, on a 390 px phone and on a desktop:
staff reach it from the menu, every chart is an inline SVG with its Chinese labels as text
and a data table, the page raises no CSP violation, a table downloads as Excel; a leader
reaches it from the home page; a unit's clerk downloads their own report card from the
evaluation card; in English the charts write English words (no 件, no 无数据); a month's
dashboard shows that month's ranking. Screenshots go into test-artifacts/dashboard-*.png."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e
YEAR = datetime.datetime.now(tz=datetime.UTC).year
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def _context(browser: Any, width: int, locale: str = "zh-CN") -> Any:
    phone = width < 500
    context = browser.new_context(
        locale=locale,
        viewport={"width": width, "height": 844 if phone else 800},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
        accept_downloads=True,
    )
    context.set_default_timeout(60_000)  # a first view draws the charts (then kept as files)
    return context


@pytest.mark.parametrize("width", [390, 1280])
def test_staff_read_the_dashboard(browser: Any, live_url: str, width: int) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.add_init_script(WATCH)
    try:
        login(page, live_url, "staff")
        if width < 500:
            page.click(".menu-toggle")
        with page.expect_navigation():
            page.click("nav >> text=工作看板")
        assert page.url.startswith(f"{live_url}/reports/dashboard/")
        assert page.locator("h1").inner_text() == "办理工作看板"
        charts = page.locator("figure.dash-chart svg[role=img]")
        assert charts.count() >= 8
        for key in ("monthly", "states", "warnings", "satisfaction", "categories", "units"):
            panel = page.locator(f"[data-testid=panel-{key}]")
            assert panel.locator("svg title").count() == 1
            assert panel.locator(f"[data-testid=xlsx-{key}]").count() == 1
        # Chinese text drawn as text, and inside the chart's box on the screen.
        label = page.locator("[data-testid=chart-warnings] svg text", has_text="红灯").first
        box, frame = label.bounding_box(), charts.nth(2).bounding_box()
        assert box and frame and box["x"] >= frame["x"] - 1 and box["height"] >= 9
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.evaluate("window.__csp") == []
        registered = page.locator("[data-figure=registered]").inner_text().replace(",", "")
        assert int(registered) > 0
        shot(page, f"dashboard-{width}")
        with page.expect_download() as info:
            page.click("[data-testid=xlsx-units]")
        sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
        assert sheet.cell(1, 1).value == "承办单位" and sheet.max_row > 5
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_english_dashboard_and_a_month_s_ranking(
    browser: Any, live_url: str, width: int
) -> None:
    context = _context(browser, width, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_url}])
    page = context.new_page()
    page.add_init_script(WATCH)
    try:
        login(page, live_url, "staff")
        page.goto(f"{live_url}/reports/dashboard/?year={YEAR}")
        assert page.locator("h1").inner_text() == "Handling dashboard"
        texts = " ".join(page.locator("figure.dash-chart svg text").all_text_contents())
        assert "件" not in texts and "无数据" not in texts
        assert " items" in texts and "Category A" in texts
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.evaluate("window.__csp") == []
        shot(page, f"dashboard-en-{width}")
        beijing = datetime.timezone(datetime.timedelta(hours=8))
        month = datetime.datetime.now(tz=beijing).date().replace(day=1)
        last = (month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        page.goto(f"{live_url}/reports/dashboard/?start={month}&end={last}")
        ranking = page.locator("[data-testid=panel-ranking]")
        assert ranking.locator("[data-testid=table-ranking] tbody tr").count() > 0
        link = ranking.locator("[data-testid=link-ranking]")
        assert link.get_attribute("href") == f"/evaluation/?month={month:%Y-%m}"
        if width > 500:
            shot(page, "dashboard-en-month-1280")
    finally:
        context.close()


def test_a_leader_opens_the_dashboard_from_home(browser: Any, live_url: str) -> None:
    context = _context(browser, 390)
    page = context.new_page()
    try:
        login(page, live_url, "supervisor")
        link = page.locator("[data-testid=home-dashboard]")
        assert link.is_visible()
        shot(page, "dashboard-leader-home-390")
        with page.expect_navigation():
            link.click()
        assert page.locator("figure.dash-chart svg").count() >= 8
    finally:
        context.close()


def test_a_clerk_downloads_their_unit_s_report_card(browser: Any, live_url: str) -> None:
    context = _context(browser, 1280)
    page = context.new_page()
    try:
        login(page, live_url, "clerk")
        page.goto(f"{live_url}/evaluation/mine/")
        with page.expect_download() as info:
            page.click("[data-testid=card-docx]")
        doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
        texts = [p.text for p in doc.paragraphs]
        assert texts[0].endswith("年度代表建议办理情况评价") and "\n" in texts[0]
        assert "三、评价指标" in texts and len(doc.inline_shapes) >= 1
        response = page.goto(f"{live_url}/reports/dashboard/")
        assert response is not None and response.status == 403
    finally:
        context.close()
