"""The routing recommender as staff see it: the assignment meeting pre-filled from the
recommender (trained on the demo's assignments), each row with its units, scores and the words
behind them, and the accuracy page. Screenshots in test-artifacts/insight-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def test_the_assignment_meeting_shows_recommendations(page: Any, live_url: str) -> None:
    login(page, live_url, "staff")
    page.goto(f"{live_url}/suggestions/assign/")
    first = page.locator("[data-testid=recommended]").first
    first.wait_for()
    items = first.locator("li")
    assert items.count() >= 1
    text = items.first.inner_text()
    assert "%" in text
    # The row's lead input is pre-filled with the recommended (or pinned) unit.
    row = page.locator("fieldset.assign-row").first
    lead = row.locator("input[name$='-lead']").input_value()
    assert lead
    # The words shown are words of the suggestion (its title is on the row).
    words = first.locator(".why span").first.inner_text().split("、")
    assert words and all(w.strip() for w in words)
    shot(page, "insight-assign-meeting")

    page.goto(f"{live_url}/insight/routing/")
    model = page.locator("[data-testid=model]")
    assert "版本" in model.inner_text() or "Version" in model.inner_text()
    assert page.locator("[data-testid=accuracy] table").count() == 1
    shot(page, "insight-routing-accuracy")
