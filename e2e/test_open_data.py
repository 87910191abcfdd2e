"""Open data (/gongkai/data/) in a real browser, signed out, at 390 and 1280 px: the per-year
downloads, the feed and the API links, screenshots in test-artifacts/gongkai-data-*.png; the
CSV download opens as UTF-8 with a BOM, the feed is announced on the public pages; nothing
scrolls sideways, axe-core finds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import shot
from e2e.test_accessibility import AXE, run_axe, sideways

pytestmark = pytest.mark.e2e

SIZES = {"390": (390, 844), "1280": (1280, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_open_data_page(browser: Any, live_url: str, size: str) -> None:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 600, accept_downloads=True
    )
    page = context.new_page()
    try:
        page.goto(f"{live_url}/gongkai/")
        feed = page.locator("link[rel=alternate][type='application/atom+xml']")
        assert feed.get_attribute("href") == "/gongkai/feed/"
        with page.expect_navigation():
            page.get_by_role("link", name="开放数据").click()
        assert page.locator("h1").inner_text() == "开放数据"
        rows = page.locator("[data-testid=downloads] tbody tr")
        assert rows.count() >= 1, "the demo publishes hundreds"
        shot(page, f"gongkai-data-{size}")
        assert not sideways(page), sideways(page)
        if AXE.exists():
            found = run_axe(page, AXE)
            assert not found, found
        with page.expect_download() as info:
            rows.first.locator("a[href$='.csv']").click()
        data = open(info.value.path(), "rb").read()  # noqa: PTH123, SIM115
        assert data.startswith(b"\xef\xbb\xbf")
        assert "标题" in data.decode("utf-8-sig").splitlines()[0]
        answer = page.request.get(f"{live_url}/gongkai/feed/")
        assert answer.ok and b"<entry>" in answer.body()
        api = page.request.get(f"{live_url}/api/v1/public/suggestions?page_size=5").json()
        assert api["count"] >= 10 and len(api["items"]) == 5
    finally:
        context.close()
