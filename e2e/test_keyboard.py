"""The form pattern with the keyboard only: the co-signer picker is one control a few tab stops
away and works with arrows, Enter and Escape; a failed submit puts the focus on the error
summary; no focused field hides under the sticky save bar."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

FOCUSED = "document.activeElement"


def focused(page: Any, script: str) -> Any:
    return page.evaluate(f"(() => {{ const el = {FOCUSED}; return {script}; }})()")


def tab_until(page: Any, selector: str, limit: int = 40) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"{FOCUSED}.matches({selector!r})"):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} tab stops")


def hidden_by_sticky_bar(page: Any) -> str | None:
    """Say how the focused element is covered by a sticky bar, if it is."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;  // the focus left the page
          const r = el.getBoundingClientRect();
          for (const bar of document.querySelectorAll('[data-sticky]')) {
            if (bar.contains(el) || getComputedStyle(bar).position !== 'sticky') continue;
            const b = bar.getBoundingClientRect();
            if (r.bottom > b.top && r.top < b.bottom) {
              const name = el.name || el.id || el.tagName;
              return `${name} (${Math.round(r.top)}–${Math.round(r.bottom)}) under the bar`
                + ` (${Math.round(b.top)}–${Math.round(b.bottom)})`;
            }
          }
          if (r.bottom > window.innerHeight + 1 || r.top < -1) {
            return `${el.name || el.id || el.tagName} outside the window`;
          }
          return null;
        }"""
    )


def test_the_cosigner_picker_is_one_control_a_few_tab_stops_away(page: Any, live_url: str) -> None:
    login(page, live_url, "deputy")
    page.goto(f"{live_url}/suggestions/new/")
    boxes = page.locator("input[name=cosigners]").count()
    assert boxes > 20, f"the demo should offer many co-signers, found {boxes}"
    page.focus("input[name=title]")
    presses = tab_until(page, "[role=combobox]")
    assert presses <= 4, f"the picker is {presses} tab stops after the title"
    combobox = page.locator("[role=combobox]")
    assert combobox.get_attribute("aria-label") == "搜索附议代表"
    # The hundreds of boxes are no longer tab stops: the save buttons come right after.
    after = tab_until(page, "[data-testid=save-draft]")
    assert after <= 4, f"{after} tab stops from the picker to the save button"

    # Type to filter: the matches are counted in a live region.
    combobox.focus()
    name = (
        page.locator("input[name=cosigners]")
        .nth(3)
        .evaluate("el => el.closest('label').textContent.trim()")
    )
    page.keyboard.type(name[:2])
    status = page.locator(".picker-status")
    assert "找到" in status.inner_text()
    assert combobox.get_attribute("aria-expanded") == "true"
    # Arrow down and Enter choose the active match; Escape closes the list.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    active_id = combobox.get_attribute("aria-activedescendant")
    assert active_id, "an option is active"
    chosen_name = page.locator(f"#{active_id}").inner_text()
    page.keyboard.press("Enter")
    assert page.locator(f"#{active_id}").get_attribute("aria-selected") == "true"
    assert page.locator(".picker-chosen li").count() == 1
    assert chosen_name in page.locator(".picker-chosen").inner_text()
    assert page.locator("input[name=cosigners]:checked").count() == 1
    assert "已选上" in status.inner_text()
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.evaluate(f"{FOCUSED}.getAttribute('role')") == "combobox"
    shot(page, "keyboard-cosigner-picker")

    # The chip's remove button unticks it and gives the focus back to the search box.
    page.locator(".picker-remove").click()
    assert page.locator("input[name=cosigners]:checked").count() == 0
    assert page.evaluate(f"{FOCUSED}.getAttribute('role')") == "combobox"


def test_a_failed_submit_puts_the_focus_on_the_error_summary(page: Any, live_url: str) -> None:
    login(page, live_url, "deputy")
    page.goto(f"{live_url}/suggestions/new/")
    page.focus("input[name=title]")
    tab_until(page, "[data-testid=save-draft]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page, "el.hasAttribute('data-error-summary')"), focused(page, "el.outerHTML")
    assert "填写有误" in focused(page, "el.textContent")
    # The summary's link takes the keyboard to the field.
    page.keyboard.press("Tab")
    assert focused(page, "el.getAttribute('href')") == "#id_title"
    page.keyboard.press("Enter")
    assert focused(page, "el.name") == "title"
    assert focused(page, "el.getAttribute('aria-invalid')") == "true"
    shot(page, "keyboard-error-summary")


@pytest.mark.parametrize(
    "path", ["/suggestions/assign/", "/suggestions/list/"], ids=["meeting", "workbench"]
)
def test_no_focused_field_hides_under_a_sticky_bar(page: Any, live_url: str, path: str) -> None:
    login(page, live_url, "staff")
    page.goto(live_url + path)
    bar = page.locator("[data-sticky]")
    if not bar.count():
        pytest.skip(f"no sticky bar on {path} with the demo data")
    assert bar.first.evaluate("el => getComputedStyle(el).position") == "sticky"
    # Tab from the bar down through the rows, then back up: the focused control is never
    # under the bar, whichever way the page scrolls.
    bar.first.locator("input, button").last.focus()
    deepest = 0
    for presses, key in enumerate(["Tab"] * 24 + ["Shift+Tab"] * 24, start=1):
        page.keyboard.press(key)
        covered = hidden_by_sticky_bar(page)
        assert covered is None, f"{covered} after {presses} presses"
        deepest = max(deepest, page.evaluate("window.scrollY"))
    assert deepest > 0, "the page never scrolled: the test proved nothing"


def test_the_deputys_save_buttons_do_not_cover_the_form(page: Any, live_url: str) -> None:
    """A bar stuck to the bottom covers fields before any scrolling: the save buttons end the
    form instead (docs/pages.md)."""
    login(page, live_url, "deputy")
    page.goto(f"{live_url}/suggestions/new/")
    buttons = page.locator(".form-buttons")
    assert buttons.evaluate("el => getComputedStyle(el).position") == "static"
    page.focus("input[name=title]")
    for _ in range(12):
        page.keyboard.press("Tab")
        assert hidden_by_sticky_bar(page) is None
        if focused(page, "el.dataset.testid") == "save-draft":
            break
    assert focused(page, "el.dataset.testid") == "save-draft"


def test_each_meeting_row_picks_its_units_without_a_tab_stop_per_unit(
    page: Any, live_url: str
) -> None:
    login(page, live_url, "staff")
    page.goto(f"{live_url}/suggestions/assign/")
    rows = page.locator("fieldset.assign-row")
    if not rows.count():
        pytest.skip("the demo has no suggestion waiting to be assigned")
    row = rows.first
    # The units are typed or picked from the page's one list (a native combobox), never one
    # checkbox per unit.
    assert row.locator("input[type=checkbox]").count() == 1  # "assign now"
    unit_inputs = row.locator("input[list]")
    assert unit_inputs.count() >= 2
    units = page.locator("datalist option").count()
    assert units >= 8, f"the demo offers {units} units"
    # From the row's include box to the next row's: a handful of stops, not one per unit.
    row.locator("input[name$=-include]").focus()
    stops = 0
    while stops < 15:
        page.keyboard.press("Tab")
        stops += 1
        if not row.evaluate(f"(r) => r.contains({FOCUSED})"):
            break
    assert stops <= 8, f"{stops} tab stops through one row of the meeting ({units} units)"
