"""Hot topics as staff and supervisors see them, at phone and desktop width, on the demo's
suggestions: topic cards with key terms, size, growth and linked representatives; the form's
refusal of a reversed period. Screenshots in test-artifacts/insight-topics-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

# The first load clusters the period (a few seconds on a busy machine); later loads are cached.
FIRST_LOAD_MS = 120_000


@pytest.mark.parametrize("width", [390, 1280])
def test_topics_page(page: Any, live_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_url, "staff")
    page.goto(f"{live_url}/insight/topics/", timeout=FIRST_LOAD_MS)
    cards = page.locator("[data-testid=topic]")
    assert cards.count() >= 2
    first = cards.first
    terms = first.locator(".topic-terms").inner_text().split("、")
    assert 1 <= len(terms) <= 4 and all(t.strip() for t in terms)
    assert first.locator("[data-figure=growth]").inner_text().strip()
    link = first.locator(".topic-items a").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/suggestions/")
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"insight-topics-{width}")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(href)


def test_reversed_period_is_refused(page: Any, live_url: str) -> None:
    login(page, live_url, "supervisor")
    page.goto(f"{live_url}/insight/topics/?from=2026-06-30&to=2026-01-01")
    assert page.locator(".has-error").count() >= 1
    assert page.locator("[data-testid=topic]").count() == 0
