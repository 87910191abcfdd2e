"""The evaluation campaign in a real browser on the demo, on a 390 px phone and on a desktop:
the list, the campaign page (progress, the steps as plain rows with status, owner, dates and
lateness), a step's page (its notes, documents and action forms), the deputies' answers, the
history, and the demo deputy answering their opinion form. Screenshots go into
test-artifacts/campaign-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot
from e2e.test_accessibility import AXE, open_all_actions, run_axe

pytestmark = pytest.mark.e2e


def _no_horizontal_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _axe(page: Any) -> None:
    """No axe violation (the tags of test_accessibility), with every action form open."""
    if not AXE.exists():
        return  # `npm ci` not run: test_accessibility skips with the reason
    open_all_actions(page)
    found = run_axe(page, AXE)
    assert not found, [f"{v['id']} {v['help']} at {v['targets']}" for v in found]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_campaign_pages(browser: Any, live_url: str, width: int) -> None:
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
        page.goto(f"{live_url}/evaluation/campaigns/")
        assert page.locator("[data-testid=campaigns] tbody tr").count() >= 1
        _no_horizontal_scroll(page)
        shot(page, f"campaign-list-{width}")
        with page.expect_navigation():
            page.locator("[data-testid=campaigns] tbody a").first.click()
        assert page.locator("[data-testid=steps] > li").count() == 14
        assert "已完成" in page.locator("[data-testid=progress]").inner_text()
        assert page.locator("[data-step=plan] [data-testid=late]").count() == 1
        _no_horizontal_scroll(page)
        shot(page, f"campaign-page-{width}")
        _axe(page)
        assert page.locator("[data-testid=steps] form").count() == 0  # plain rows
        campaign_url = page.url
        with page.expect_navigation():
            page.locator("[data-step=collect_opinions] [data-testid=step-link]").click()
        assert "/evaluation/steps/" in page.url
        assert page.locator("[data-step=collect_opinions] details.action").count() >= 2
        assert page.locator("[data-testid=notes], [data-testid=actions]").count() >= 1
        _no_horizontal_scroll(page)
        shot(page, f"campaign-step-{width}")
        _axe(page)
        page.goto(campaign_url)
        with page.expect_navigation():
            page.locator("[data-testid=opinions]").click()
        assert "%" in page.locator("[data-testid=rate]").inner_text()
        assert page.locator("[data-testid=answers] tbody tr").count() >= 1
        _no_horizontal_scroll(page)
        shot(page, f"campaign-opinions-{width}")
        _axe(page)
        page.goto(campaign_url)
        with page.expect_navigation():
            page.locator("[data-testid=history]").click()
        assert page.locator("[data-testid=timeline] li").count() >= 5
        shot(page, f"campaign-history-{width}")

        page.context.clear_cookies()
        login(page, live_url, "deputy")
        page.goto(f"{live_url}/evaluation/opinions/")
        with page.expect_navigation():
            page.locator("[data-testid=forms] a").first.click()
        page.locator("input[name=handling][value=satisfied]").check()
        page.locator("input[name=communication][value=basically]").check()
        page.locator("textarea[name=comment]").fill("承办单位答复具体，沟通及时。")
        _no_horizontal_scroll(page)
        shot(page, f"campaign-form-{width}")
        _axe(page)
        with page.expect_navigation():
            page.locator("[data-testid=send-opinion]").click()
        assert page.locator("[data-testid=answered]").count() == 1
        shot(page, f"campaign-form-sent-{width}")
    finally:
        context.close()
