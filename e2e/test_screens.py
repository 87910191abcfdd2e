"""Screenshots of the pages everyone copies, in Chinese, at 320 px, on a 375 px phone and on a
desktop, into test-artifacts/screens-*.png for people to look at; none scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

SIZES = {"320": (320, 640), "375": (375, 812), "desktop": (1280, 800)}
# persona -> pages (a path, or "first:<css>" for the first link matching css on the last page)
PAGES = {
    "deputy": ["/", "/suggestions/new/", "/suggestions/mine/", "first:.s-card a"],
    "staff": ["/", "/suggestions/list/", "first:td.title a", "/suggestions/assign/"],
    "clerk": ["/suggestions/inbox/"],
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("username", list(PAGES))
def test_screens(browser: Any, live_url: str, username: str, size: str) -> None:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        login(page, live_url, username)
        wide = []
        for n, path in enumerate(PAGES[username]):
            if path.startswith("first:"):
                href = page.locator(path[6:]).first.get_attribute("href")
                page.goto(live_url + href)
            else:
                page.goto(live_url + path)
            shot(page, f"screens-{username}-{n}-{size}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide.append(f"{page.url} is {scroll}px wide")
        assert not wide, wide
    finally:
        context.close()
