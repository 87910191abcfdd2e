"""Search in a real browser (issue 10, point 3): the public list's search box at phone and
desktop width, signed out (typed with the keyboard, results marked, a snippet, nothing sideways,
axe-core finds nothing; screenshots test-artifacts/search-*.png), odd input answers a page, and
the staff workbench's search box finds through the index."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot
from e2e.test_accessibility import AXE, run_axe, sideways

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1280])
def test_the_public_search_box(browser: Any, live_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    try:
        page.goto(f"{live_url}/gongkai/")
        box = page.get_by_label("搜索")
        box.fill("道路")
        with page.expect_navigation():
            box.press("Enter")
        assert "q=" in page.url
        cards = page.locator("[data-testid=published] li")
        assert cards.count() >= 1
        assert page.locator(".pub-card h2 mark, .pub-snippet mark").count() >= 1
        assert page.locator("[data-testid=count]").inner_text().count("道路") == 1
        shot(page, f"search-public-{width}")
        assert not sideways(page)
        if AXE.exists():
            assert not run_axe(page, AXE)
        for odd in ('"*NEAR(', "。。。", "x" * 2000):
            response = page.goto(f"{live_url}/gongkai/?q={odd}")
            assert response is not None and response.status == 200
        # Past gunicorn's request-line limit (4094 bytes) the server itself answers 414.
        response = page.goto(f"{live_url}/gongkai/?q={'x' * 5000}")
        assert response is not None and response.status < 500
    finally:
        context.close()


def test_the_workbench_search_box(browser: Any, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login(page, live_url, "staff")
        page.goto(f"{live_url}/suggestions/list/?q=道路")
        assert page.locator("table tbody tr, [data-testid^=row-]").count() >= 1
        shot(page, "search-workbench-1280")
    finally:
        context.close()
