"""The practical-matter vote in a real browser (issue 9, point 6): staff open a round and take
it to the voting on a desktop, a deputy votes and changes the ballot on a 390 px phone, staff
close and adopt, the results and the links to the ledger show; the demo's finished round shows
its results and the year-end satisfaction. Screenshots go into test-artifacts/vote-*.png."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from e2e.conftest import shot
from e2e.test_wishes_journey import DESKTOP, PHONE, fits, persona

pytestmark = pytest.mark.e2e


def act(page: Any, pk: int, action: str, fill: Any = None) -> None:
    section = page.locator(f"details#vote-{action}")
    if section.count() and section.get_attribute("open") is None:
        section.locator("summary").click()
    form = page.locator(f"form[action='/ledger/vote/{pk}/act/{action}/']")
    assert form.count() == 1, f"no {action!r} form on the round's page"
    if fill is not None:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    errors = page.locator(".error-box, .field-error")
    assert errors.count() == 0, f"{action!r} was refused: {errors.all_inner_texts()}"


def test_a_vote_from_proposals_to_the_ledger(browser: Any, live_url: str) -> None:
    mark = uuid.uuid4().hex[:6]
    with persona(browser, live_url, "staff", DESKTOP) as page:
        page.goto(f"{live_url}/ledger/vote/new/")
        page.fill("input[name=title]", f"票决演练{mark}")
        page.fill("input[name=winners]", "1")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        pk = int(re.search(r"/ledger/vote/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
        for title in (f"社区食堂{mark}", f"加装电梯{mark}"):

            def fill(form: Any, title: str = title) -> None:
                form.locator("input[name=title]").fill(title)
                form.locator("input[name=origin][value=public]").check()
                form.locator("input[name=source_note]").fill("网上征集")

            act(page, pk, "add_candidate", fill)
        act(page, pk, "start_vetting")
        for _ in range(2):
            act(
                page,
                pk,
                "vet",
                lambda f: f.locator("input[name=result][value=shortlisted]").check(),
            )
        act(page, pk, "open_voting")  # the closing day offered: two days from today
        shot(page, "vote-1-staff-voting-1280")

    with persona(browser, live_url, "deputy", PHONE) as page:
        page.goto(f"{live_url}/ledger/vote/{pk}/")
        fits(page, "the ballot")
        rows = page.locator("fieldset.ballot-row")
        assert rows.count() == 2
        rows.nth(0).locator("label.choice-for").click()
        rows.nth(1).locator("label.choice-against").click()
        shot(page, "vote-2-ballot-390")
        with page.expect_navigation():
            page.click("[data-testid=cast]")
        rows = page.locator("fieldset.ballot-row")
        rows.nth(1).locator("label.choice-abstain").click()
        with page.expect_navigation():
            page.click("[data-testid=cast]")
        assert page.locator("[data-testid=results]").count() == 0
        shot(page, "vote-3-ballot-changed-390")

    with persona(browser, live_url, "staff", DESKTOP) as page:
        page.goto(f"{live_url}/ledger/vote/{pk}/")
        act(page, pk, "close")
        assert page.locator("[data-testid=results]").count() == 1
        act(page, pk, "adopt")
        link = page.locator("[data-testid^=item-link-]")
        assert link.count() == 1
        shot(page, "vote-4-adopted-1280")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_demo_vote_shows_results_and_satisfaction(
    browser: Any, live_url: str, viewport: dict[str, int]
) -> None:
    with persona(browser, live_url, "deputy", viewport) as page:
        page.goto(f"{live_url}/ledger/vote/")
        shot(page, f"vote-5-rounds-{viewport['width']}")
        page.locator("[data-testid^=round-] a").last.click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=results]").count() == 1
        assert page.locator("[data-testid=satisfaction] progress").count() == 8
        if viewport is PHONE:
            fits(page, "the demo round")
        shot(page, f"vote-6-demo-round-{viewport['width']}")
