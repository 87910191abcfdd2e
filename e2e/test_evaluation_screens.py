"""The evaluation pages in a real browser on the demo, on a 390 px phone and on a desktop:
the ranking of the year (Hainan points), a unit's card and the suggestions behind a figure as
the unit's clerk, the satisfaction measurement. Screenshots go into test-artifacts/eval-*.png."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e
# The demo's year is the server's this year (the e2e server runs on the real clock).
YEAR = datetime.datetime.now(tz=datetime.UTC).year


def _no_horizontal_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_evaluation_pages(browser: Any, live_url: str, width: int) -> None:
    phone = width < 500
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 844 if phone else 800},
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_url, "staff")
        page.goto(f"{live_url}/evaluation/?year={YEAR}")
        rows = page.locator("[data-testid=ranking] tbody tr")
        assert rows.count() > 10
        assert (
            page.locator("[data-testid=ranking] [data-testid=result]").first.inner_text()
            != "无数据"
        )
        _no_horizontal_scroll(page)
        shot(page, f"eval-ranking-{width}")
        page.goto(f"{live_url}/evaluation/satisfaction/")
        assert page.locator("[data-testid=rates] tbody tr").count() > 5
        assert page.locator("[data-testid=total-not-rated]").count() == 1
        _no_horizontal_scroll(page)
        shot(page, f"eval-satisfaction-{width}")
        page.context.clear_cookies()
        login(page, live_url, "clerk")
        page.goto(f"{live_url}/evaluation/mine/")
        page.goto(f"{page.url}?year={YEAR}")
        assert page.locator("[data-testid=indicators] tbody tr").count() > 15
        _no_horizontal_scroll(page)
        shot(page, f"eval-card-{width}")
        with page.expect_navigation():
            page.locator("[data-testid=indicator-sign_on_time] a").first.click()
        assert page.locator("[data-testid=members] tbody tr").count() >= 1
        shot(page, f"eval-drill-{width}")
    finally:
        context.close()
