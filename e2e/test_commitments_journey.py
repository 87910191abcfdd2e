"""A B commitment in a real browser: the transport department's clerk finds an open commitment
of the demo, drafts the second reply, the head signs it, the deputy sees it solved; staff read
the resolution rate and the look-back. Screenshots on a 390 px phone and a desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@contextmanager
def persona(browser: Any, live_url: str, username: str, viewport: dict[str, int]) -> Iterator[Any]:
    phone = viewport["width"] < 500
    context = browser.new_context(
        locale="zh-CN", viewport=dict(viewport), is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        login(page, live_url, username)
        yield page
    finally:
        context.close()


def test_second_reply_solves_a_commitment(browser: Any, live_url: str) -> None:
    with persona(browser, live_url, "clerk", PHONE) as page:
        page.goto(f"{live_url}/ledger/commitments/?status=open")
        shot(page, "commitments-list-phone")
        link = page.locator("table[data-testid=commitments] td.title a").first
        href = link.get_attribute("href")
        assert href and re.fullmatch(r"/ledger/commitments/\d+/", href)
        page.goto(f"{live_url}{href}")
        page.locator("details#commitment-draft_follow_up summary").click()
        form = page.locator("details#commitment-draft_follow_up form")
        form.locator("input[name=category][value=A]").check()
        form.locator("textarea[name=text]").fill("项目已全部完工并通过验收。")
        form.locator("select[name=contact_method]").select_option("phone")
        form.locator("input[name=contacted_on]").fill(
            page.evaluate("new Date().toISOString().slice(0,10)")
        )
        shot(page, "commitment-draft-phone")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator(".error-box").count() == 0
    with persona(browser, live_url, "head", DESKTOP) as page:
        page.goto(f"{live_url}{href}")
        with page.expect_navigation():
            page.locator("form#commitment-sign_follow_up button[type=submit]").click()
        assert "已解决" in page.locator("[data-testid=status]").inner_text()
        shot(page, "commitment-solved-desktop")
    with persona(browser, live_url, "staff", DESKTOP) as page:
        page.goto(f"{live_url}/ledger/commitments/resolution/?by=unit_category")
        assert page.locator("[data-testid=total-rate]").count() == 1
        shot(page, "commitments-resolution-desktop")
        page.goto(f"{live_url}/ledger/commitments/look-back/")
        shot(page, "commitments-look-back-desktop")
    with persona(browser, live_url, "staff", PHONE) as page:
        page.goto(f"{live_url}/ledger/commitments/resolution/")
        shot(page, "commitments-resolution-phone")
        page.goto(f"{live_url}{href}")
        shot(page, "commitment-staff-phone")
