"""Each demo persona signs in and sees the home-page panels of their roles; the login page,
the language switch and signing out work in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.conftest import login, shot, submit_login

pytestmark = pytest.mark.e2e

# username -> (name shown in the header, role panels expected on the home page). The demo's
# ledger gives staff and supervisors lagging items and rectifications to accept, and the units
# items to move forward (and rectifications where the demo's teams found something).
CAST = {
    "admin": (
        "系统管理员",
        {"worklist", "staff", "staff_work", "supervision", "wishes", "ledger", "rectification"},
    ),
    "staff": (
        "周晓梅",
        {"worklist", "staff", "staff_work", "supervision", "wishes", "ledger", "rectification"},
    ),
    "deputy": ("林建国", {"worklist", "deputy", "deputy_work", "wishes"}),
    "cosigner": ("陈思远", {"worklist", "deputy", "deputy_work", "wishes"}),
    "clerk": ("赵敏", {"worklist", "unit", "unit_work", "supervision", "wishes", "ledger"}),
    "head": ("孙立新", {"worklist", "unit", "unit_work", "supervision", "wishes", "ledger"}),
    "clerk2": ("吴雪", {"worklist", "unit", "unit_work", "supervision", "ledger", "rectification"}),
    "supervisor": ("郑宏", {"supervisor", "supervision", "ledger", "rectification"}),
    "committee": ("何静", {"committee", "supervision", "wishes", "ledger"}),
    # The demo gives the community fulfilled micro-wishes to confirm.
    "community": ("李春燕", {"wishes"}),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def panel_roles(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "section.card.panel[data-panel]", "els => els.map(e => e.dataset.panel)"
        )
    )


def sign_out_button(page: Any) -> Any:
    return page.locator("header form[action*='logout'] button[type=submit]")


@pytest.mark.parametrize("username", list(CAST))
def test_home_shows_the_panels_of_each_role(page: Any, live_url: str, username: str) -> None:
    name, expected = CAST[username]
    login(page, live_url, username)

    assert page.locator("[data-testid=who]").inner_text().strip() == name
    # The main navigation is visible on a desktop screen.
    assert page.locator("nav.menu a", has_text="我的工作").is_visible()
    assert page.locator("[data-testid=roles] .badge").count() >= 1
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # Exactly the panels of the roles held: a deputy sees no unit panel, and so on. Staff may
    # also see the calendar warning, which depends on today's date and the entered years.
    found = panel_roles(page)
    assert expected <= found
    # Staff and leaders also get the dashboard's panel (reports/panels.py).
    optional = {"calendar", "dashboard"} if "staff" in expected else set()
    optional |= {"dashboard"} if "supervisor" in expected else set()
    assert found - expected <= optional
    for role in expected:
        assert page.locator(f"section.panel[data-panel={role}] h2").first.is_visible()
    shot(page, f"home-{username}")


@pytest.mark.viewport(375, 812, is_mobile=True)
def test_home_fits_a_phone(page: Any, live_url: str) -> None:
    login(page, live_url, "deputy")

    assert panel_roles(page) == {"worklist", "deputy", "deputy_work", "wishes"}
    assert page.locator("[data-testid=who]").is_visible()
    assert sign_out_button(page).is_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "home-deputy-phone")
    assert scroll_width <= 375, f"page is {scroll_width}px wide on a 375px phone"

    # The collapsed menu opens with a tap and still fits the screen.
    menu_links = page.locator("header nav.menu a")
    assert not menu_links.first.is_visible()
    page.locator("header .menu-toggle").tap()
    assert menu_links.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "home-deputy-phone-menu")


def test_wrong_password_shows_an_error_and_stays_on_login(page: Any, live_url: str) -> None:
    submit_login(page, live_url, "deputy", "not-the-password")

    assert page.url.split("?")[0] == f"{live_url}/login/"
    # The error summary (templates/form_errors.html) shows the error and has the focus.
    error = page.locator("[data-error-summary]")
    assert error.is_visible()
    assert error.evaluate("el => el === document.activeElement")
    assert error.inner_text().strip()
    assert CJK.search(error.inner_text()), "the error message is not in Chinese"
    assert page.locator("[data-testid=who]").count() == 0
    # The username is kept, the password is not.
    assert page.input_value("input[name=username]") == "deputy"
    assert page.input_value("input[name=password]") == ""
    shot(page, "login-error")


def test_language_switch_to_english_and_back(page: Any, live_url: str) -> None:
    login(page, live_url, "deputy")
    heading = page.locator("main h1")
    chinese_heading = heading.inner_text().strip()
    assert CJK.search(chinese_heading), f"home heading {chinese_heading!r} is not in Chinese"

    with page.expect_navigation():
        page.click("header form.lang-form button[value=en]")
    page.wait_for_url(f"{live_url}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading.inner_text().strip() == "My work"
    assert sign_out_button(page).inner_text().strip() == "Sign out"
    # The choice sticks across pages.
    page.goto(f"{live_url}/")
    assert heading.inner_text().strip() == "My work"
    shot(page, "home-deputy-en")

    with page.expect_navigation():
        page.click("header form.lang-form button[value=zh-hans]")
    page.wait_for_url(f"{live_url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert heading.inner_text().strip() == chinese_heading
    assert sign_out_button(page).inner_text().strip() == "退出登录"


def test_sign_out_returns_to_the_login_page(page: Any, live_url: str) -> None:
    login(page, live_url, "staff")

    with page.expect_navigation():
        sign_out_button(page).click()
    page.wait_for_url(f"{live_url}/login/")
    assert page.locator("[data-testid=who]").count() == 0
    assert page.locator("input[name=password]").is_visible()
    # The session is gone: the home page asks to sign in again.
    page.goto(f"{live_url}/")
    assert page.url.startswith(f"{live_url}/login/")
