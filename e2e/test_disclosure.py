"""The public site (/gongkai/) in a real browser at phone size, signed out: the list, a
permalink, the statistics and the filters, with screenshots in test-artifacts/gongkai-*.png;
nothing scrolls sideways, the headings are in order, every filter has its label, the keyboard
reaches the filters and the first suggestion; axe-core finds nothing. And the staff's review
page on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot
from e2e.test_accessibility import AXE, run_axe, sideways

pytestmark = pytest.mark.e2e

PHONES = {"320": (320, 640), "375": (375, 812)}


def _headings(page: Any) -> list[int]:
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('main h1, main h2, main h3')]"
            ".map(h => Number(h.tagName[1]))"
        )
    )


@pytest.mark.parametrize("size", list(PHONES))
def test_the_public_site_on_a_phone(browser: Any, live_url: str, size: str) -> None:
    width, height = PHONES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True)
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"{live_url}/gongkai/")
        assert page.locator("h1").count() == 1
        cards = page.locator("[data-testid=published] li")
        assert cards.count() >= 10, "the demo publishes hundreds"
        count = page.locator("[data-testid=count]").inner_text()
        assert any(ch.isdigit() for ch in count)
        shot(page, f"gongkai-list-{size}")
        for select in page.locator("form[role=search] select").all():
            label = page.locator(f"label[for='{select.get_attribute('id')}']")
            assert label.count() == 1, select.get_attribute("name")
        # The keyboard reaches the filters and then the suggestions' links.
        reached = []
        for _ in range(60):
            page.keyboard.press("Tab")
            reached.append(
                page.evaluate(
                    "() => document.activeElement.tagName + ' ' + "
                    "(document.activeElement.getAttribute('href') || '')"
                )
            )
        assert any(r.startswith("SELECT") for r in reached), reached
        assert any(
            r.startswith("A /gongkai/") and r.rstrip("/").split("/")[-1].isdigit() for r in reached
        ), reached
        href = cards.first.locator("a").get_attribute("href")
        page.goto(live_url + href)
        assert page.locator("[data-testid=title]").inner_text()
        assert page.locator("[data-testid=reply]").count() >= 1
        shot(page, f"gongkai-detail-{size}")
        page.goto(f"{live_url}/gongkai/tongji/")
        assert page.locator("[data-testid=per-unit] tbody tr").count() >= 2
        shot(page, f"gongkai-statistics-{size}")
        year = page.locator("#f-year option").nth(1).get_attribute("value")
        page.goto(f"{live_url}/gongkai/?year={year}")
        shot(page, f"gongkai-filtered-{size}")
        missing = page.goto(f"{live_url}/gongkai/999999/")
        assert missing is not None and missing.status == 404
        for path in ("/gongkai/", href, "/gongkai/tongji/"):
            page.goto(live_url + path)
            if wide := sideways(page):
                problems.append(f"{path} scrolls sideways at {width}px: {wide}")
            levels = _headings(page)
            if levels[:1] != [1] or any(
                b > a + 1 for a, b in zip(levels, levels[1:], strict=False)
            ):
                problems.append(f"{path}: headings out of order {levels}")
            if AXE.exists():
                problems.extend(
                    f"{path} {size}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
                    for v in run_axe(page, AXE)
                )
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_review_page_on_a_phone(browser: Any, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, live_url, "staff")
        page.goto(f"{live_url}/gongkai/staff/")
        shot(page, "gongkai-queue-375")
        rows = page.locator("[data-testid=queue] tbody tr a")
        assert rows.count() >= 1
        page.goto(live_url + rows.first.get_attribute("href"))
        assert page.locator("[data-mask-form]").count() >= 2
        shot(page, "gongkai-review-375")
        assert not sideways(page)
        if AXE.exists():
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            found = run_axe(page, AXE)
            assert not found, found
    finally:
        context.close()
