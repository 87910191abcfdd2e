"""Similar suggestions as a deputy sees them while writing (the draft form's live panel, on a
phone) and as staff see them on a suggestion's page. Screenshots in
test-artifacts/similar-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


@pytest.mark.viewport(390, 844, is_mobile=True)
def test_the_draft_form_shows_similar_suggestions_live_on_a_phone(page: Any, live_url: str) -> None:
    login(page, live_url, "deputy")
    page.goto(f"{live_url}/suggestions/mine/")
    # One of the deputy's own suggestions: theirs are always theirs to see.
    title = page.locator("[data-testid=card] .s-card-title").first.inner_text().strip()
    page.goto(f"{live_url}/suggestions/new/")
    panel = page.locator("[data-testid=similar-panel]")
    assert panel.is_hidden()  # nothing to show before the deputy writes
    page.fill("input[name=title]", title)
    page.locator("textarea[name=body]").press_sequentially(title[:6], delay=30)
    item = page.locator("[data-testid=similar-item]").first
    item.wait_for()
    assert panel.is_visible()
    text = item.inner_text()
    assert "相似度" in text or "similarity" in text
    assert page.locator("[data-testid=similar-duplicate]").count() == 1  # its own title again
    # Nothing wider than the phone's screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    panel.scroll_into_view_if_needed()
    shot(page, "similar-draft-390")
    # Only punctuation: a clear message, not an error.
    page.fill("input[name=title]", "。。？？")
    page.fill("textarea[name=body]", "！！")
    page.locator("[data-testid=similar-message]").wait_for()
    shot(page, "similar-draft-390-punctuation")


def test_the_staff_page_lists_similar_suggestions(page: Any, live_url: str) -> None:
    login(page, live_url, "staff")
    page.goto(f"{live_url}/suggestions/list/")
    with page.expect_navigation():
        page.locator("main table a[href*='/suggestions/']").first.click()
    section = page.locator("[data-testid=similar-section]")
    section.wait_for()
    assert section.locator("h2").inner_text()
    section.scroll_into_view_if_needed()
    shot(page, "similar-staff-1280")
    page.goto(f"{live_url}/insight/duplicates/")
    assert page.locator("h1").inner_text()
    shot(page, "similar-duplicates-1280")


@pytest.mark.viewport(390, 844, is_mobile=True)
def test_the_staff_section_fits_a_phone(page: Any, live_url: str) -> None:
    login(page, live_url, "staff")
    page.goto(f"{live_url}/suggestions/list/")
    href = page.locator("main table a[href*='/suggestions/']").first.get_attribute("href")
    page.goto(f"{live_url}{href}")
    section = page.locator("[data-testid=similar-section]")
    section.wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    section.scroll_into_view_if_needed()
    shot(page, "similar-staff-390")
