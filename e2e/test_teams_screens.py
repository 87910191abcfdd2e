"""Supervision teams and rectification in a real browser, on a 390 px phone and on a desktop:
the team page, the inspection form, the rectification list and one rectification reported by
the unit. Screenshots go into test-artifacts/teams-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def _no_horizontal_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_team_pages(browser: Any, live_url: str, width: int) -> None:
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
        login(page, live_url, "supervisor")
        page.goto(f"{live_url}/ledger/teams/")
        shot(page, f"teams-list-{width}")
        with page.expect_navigation():
            page.click("[data-testid=teams] a")
        assert page.locator("[data-testid=rectification-rows] tr").count() > 1
        _no_horizontal_scroll(page)
        shot(page, f"teams-detail-{width}")
        with page.expect_navigation():
            page.click("[data-testid=inspect]")
        assert page.locator("fieldset.finding").count() == 5
        shot(page, f"teams-inspect-{width}")
        page.goto(f"{live_url}/ledger/rectifications/?warning=red")
        assert page.locator("[data-testid=rectification-rows] .warn-red").count() >= 1
        _no_horizontal_scroll(page)
        shot(page, f"teams-rectifications-{width}")
        page.goto(f"{live_url}/ledger/rectifications/?state=reported")
        with page.expect_navigation():
            page.click("[data-testid=rectification-rows] a")
        assert page.locator("#rect-close").count() == 1
        shot(page, f"teams-rectification-{width}")
    finally:
        context.close()
