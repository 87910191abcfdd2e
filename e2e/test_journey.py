"""The whole life of one suggestion in a real browser (issue 3, "Tests"): the deputy writes and
submits it on a phone, staff register and assign it, the unit's clerk signs for it, logs a
contact and drafts a reply, the head signs and sends it, the deputy is not satisfied, the unit
handles it again, the deputy is satisfied, and staff close it.

Every persona has its own browser context and signs in through the login form; every step goes
through the suggestion page's action forms (posting to /suggestions/<pk>/act/<action>/).
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import DESKTOP, login, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
LEAD_UNIT = "省交通运输厅"
# A transport category whose routing rule names no joint unit: the lead unit's reply need not
# wait for a joint opinion (the rule the head's signature checks).
CATEGORY = "城乡公交"

# The Chinese labels of the states (locale/zh_Hans/LC_MESSAGES/django.po).
SUBMITTED = "已提交"
REGISTERED = "已立案"
ASSIGNED = "已交办"
HANDLING = "办理中"
ANSWERED = "已答复"
REHANDLING = "重新办理中"
CLOSED = "已办结"


@contextmanager
def persona(browser: Any, live_url: str, username: str, *, phone: bool = False) -> Iterator[Any]:
    """A signed-in page in a fresh browser context: a 375x812 phone or a 1280x800 desktop."""
    options: dict[str, Any] = {"locale": "zh-CN"}
    if phone:
        options.update(viewport=dict(PHONE), is_mobile=True, has_touch=True, device_scale_factor=2)
    else:
        options.update(viewport=dict(DESKTOP))
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Irreversible actions ask through window.confirm: the person says yes. The questions are
    # kept in `page.asked` so that the test can check they were asked.
    page.asked = []

    def answer(dialog: Any) -> None:
        page.asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    try:
        login(page, live_url, username)
        yield page
    finally:
        context.close()


def today_in_china() -> datetime.date:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def open_detail(page: Any, live_url: str, pk: int) -> None:
    page.goto(f"{live_url}/suggestions/{pk}/")
    assert page.locator("[data-testid=title]").is_visible()


def state_of(page: Any) -> str:
    return page.locator("[data-testid=state]").inner_text().strip()


def assert_state(page: Any, expected: str) -> None:
    found = state_of(page)
    assert found == expected, f"the page shows the state {found!r}, expected {expected!r}"


def actions_offered(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "[data-testid=actions] [data-action]", "els => els.map(e => e.dataset.action)"
        )
    )


def act(
    page: Any, live_url: str, pk: int, action: str, fill: Callable[[Any], None] | None = None
) -> None:
    """Take an action through its form on the suggestion page: open its collapsible section
    when it has one, fill it in, send it and check the page comes back without an error."""
    assert action in actions_offered(page), (
        f"no {action!r} form on the page; offered: {sorted(actions_offered(page))}"
    )
    form = page.locator(f"form[action='/suggestions/{pk}/act/{action}/']")
    section = page.locator(f"details#action-{action}")
    if section.count() and section.get_attribute("open") is None:
        section.locator("summary").click()
    if fill is not None:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    errors = page.locator(".error-box, .field-error")
    assert errors.count() == 0, f"{action!r} was refused: {errors.all_inner_texts()}"
    assert page.url == f"{live_url}/suggestions/{pk}/", f"{action!r} ended on {page.url}"


def fill_contact(summary: str, stage: str) -> Callable[[Any], None]:
    def fill(form: Any) -> None:
        form.locator("select[name=method]").select_option("phone")
        form.locator("select[name=stage]").select_option(stage)
        form.locator("input[name=contacted_on]").fill(today_in_china().isoformat())
        form.locator("input[name=people]").fill("赵敏（经办人）、林建国代表")
        form.locator("textarea[name=summary]").fill(summary)

    return fill


def fill_reply(text: str) -> Callable[[Any], None]:
    def fill(form: Any) -> None:
        form.locator("input[name=category][value=A]").check()
        form.locator("textarea[name=text]").fill(text)
        form.locator("input[name=contact_leader]").fill("孙立新")
        form.locator("input[name=contact_leader_phone]").fill("0571-87000001")
        form.locator("input[name=case_officer]").fill("赵敏")
        form.locator("input[name=case_officer_phone]").fill("0571-87000002")

    return fill


def fill_rating(overall: str, reasons: str) -> Callable[[Any], None]:
    def fill(form: Any) -> None:
        form.locator(f"input[name=overall][value={overall}]").check()
        form.locator("textarea[name=reasons]").fill(reasons)

    return fill


def assert_fits_phone(page: Any, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width}px wide on a {PHONE['width']}px phone"


def test_a_suggestion_from_the_phone_to_closed(browser: Any, live_url: str) -> None:
    title = f"关于优化城乡公交末班车时间的建议（测试{uuid.uuid4().hex[:6]}）"

    with (
        persona(browser, live_url, "deputy", phone=True) as deputy,
        persona(browser, live_url, "staff") as staff,
        persona(browser, live_url, "clerk") as clerk,
        persona(browser, live_url, "head") as head,
    ):
        # 1. The deputy writes and submits it on a phone.
        deputy.goto(f"{live_url}/suggestions/new/")
        form = deputy.locator("[data-testid=suggestion-form]")
        form.locator("input[name=title]").fill(title)
        form.locator("textarea[name=body]").fill(
            "城乡公交末班车发车时间过早，群众晚间出行不便。\n建议：一、延长末班车时间；"
            "二、在学校和医院周边增设夜间班次。"
        )
        category = form.locator("select[name=category] option", has_text=CATEGORY).first
        form.locator("select[name=category]").select_option(category.get_attribute("value"))
        assert_fits_phone(deputy, "the suggestion form")
        shot(deputy, "journey-00-deputy-form")
        with deputy.expect_navigation():
            form.locator("[data-testid=save-submit]").tap()
        match = re.fullmatch(rf"{re.escape(live_url)}/suggestions/(\d+)/", deputy.url)
        assert match, f"submitting ended on {deputy.url}"
        pk = int(match.group(1))
        assert len(deputy.asked) == 1, "submitting did not ask for confirmation"
        assert deputy.locator("[data-testid=title]").inner_text().strip() == title
        assert_state(deputy, SUBMITTED)
        assert_fits_phone(deputy, "the suggestion page")
        shot(deputy, "journey-01-deputy-submit")

        # 2. Staff find it on the workbench, register it and assign it to the lead unit.
        staff.goto(f"{live_url}/suggestions/list/?q={quote(title)}")
        with staff.expect_navigation():
            staff.locator("[data-testid=workbench-table] a", has_text=title).click()
        assert staff.url == f"{live_url}/suggestions/{pk}/"
        assert_state(staff, SUBMITTED)
        act(staff, live_url, pk, "register")
        assert_state(staff, REGISTERED)
        # In session 第0012号, between sessions 闭会期间第0003号.
        number = staff.locator("[data-testid=number]").inner_text().strip()
        assert re.fullmatch(r"(闭会期间)?第\d{4}号", number), number

        def assign_to_lead_unit(form: Any) -> None:
            form.locator("input[name=mode][value=lead]").check()
            form.locator("select[name=lead_unit]").select_option(label=LEAD_UNIT)
            # Only the lead unit: untick any joint unit the routing table proposed.
            for box in form.locator("input[name=joint_units]:checked").all():
                box.uncheck()
            form.locator("textarea[name=note]").fill("按路由表交办，由省交通运输厅主办。")

        act(staff, live_url, pk, "assign", assign_to_lead_unit)
        assert_state(staff, ASSIGNED)
        units = staff.locator("[data-testid=assignments] li.unit")
        assert units.count() == 1
        assert LEAD_UNIT in units.first.inner_text()
        shot(staff, "journey-02-staff-assigned")

        # 3. The clerk finds it in the unit's inbox, signs for it, logs a contact, drafts.
        clerk.goto(f"{live_url}/suggestions/inbox/")
        assert clerk.locator("[data-testid=inbox-table] a", has_text=title).count() >= 1
        open_detail(clerk, live_url, pk)
        assert_state(clerk, ASSIGNED)
        act(clerk, live_url, pk, "sign")
        assert_state(clerk, HANDLING)
        act(
            clerk,
            live_url,
            pk,
            "log_contact",
            fill_contact("电话联系林建国代表，了解末班车时间的具体诉求。", "before"),
        )
        assert clerk.locator("[data-testid=contacts] li").count() == 1
        act(
            clerk,
            live_url,
            pk,
            "draft_reply",
            fill_reply("经研究，已协调公交公司将末班车延长至21时30分，并增开两条夜间线路。"),
        )
        assert_state(clerk, HANDLING)
        assert clerk.locator("[data-testid=reply][data-reply-state=draft]").count() == 1
        shot(clerk, "journey-03-clerk-drafted")
        # The reply-norm check of the saved draft: a one-sentence reply is too short.
        norms = clerk.locator("[data-testid=reply-norms]")
        assert norms.locator("li[data-code=too-short]").count() == 1
        norms.scroll_into_view_if_needed()
        shot(clerk, "journey-03b-clerk-reply-norms")

        # 4. The head signs and sends the reply.
        open_detail(head, live_url, pk)
        act(head, live_url, pk, "sign_reply")
        assert len(head.asked) == 1, "signing the reply did not ask for confirmation"
        assert_state(head, ANSWERED)
        assert head.locator("[data-testid=reply][data-reply-state=sent]").count() == 1
        assert "签发时的检查结果" in head.locator("[data-testid=reply-norms]").inner_text()
        shot(head, "journey-04-head-signed")

        # 5. The deputy is not satisfied: the unit handles it again.
        open_detail(deputy, live_url, pk)
        assert_state(deputy, ANSWERED)
        assert deputy.locator("[data-testid=reply][data-reply-state=sent]").count() == 1
        assert deputy.locator("[data-testid=reply-norms]").count() == 0
        # The rating form is open at once on the deputy's page.
        assert deputy.locator("details#action-rate textarea[name=reasons]").is_visible()
        assert_fits_phone(deputy, "the rating form")
        deputy.locator("details#action-rate").scroll_into_view_if_needed()
        shot(deputy, "journey-05-deputy-rate-form")
        act(
            deputy,
            live_url,
            pk,
            "rate",
            fill_rating("unsatisfied", "夜间班次仍未覆盖城郊结合部，群众出行困难没有解决。"),
        )
        assert_state(deputy, REHANDLING)
        assert "不满意" in deputy.locator("[data-testid=ratings]").inner_text()
        assert deputy.locator("[data-testid=timeline] li[data-event=rehandle]").count() == 1
        assert_fits_phone(deputy, "the suggestion page in re-handling")
        shot(deputy, "journey-05-deputy-unsatisfied")

        # 6. A new round: the clerk talks to the deputy again and drafts a new reply; the head
        # signs it.
        open_detail(clerk, live_url, pk)
        assert_state(clerk, REHANDLING)
        act(
            clerk,
            live_url,
            pk,
            "log_contact",
            fill_contact("电话回访林建国代表，商定城郊结合部夜间班次方案。", "during"),
        )
        assert clerk.locator("[data-testid=contacts] li").count() == 2
        act(
            clerk,
            live_url,
            pk,
            "draft_reply",
            fill_reply("重新办理后，城郊结合部已开通两条夜间公交线路，末班车延至22时。"),
        )
        shot(clerk, "journey-06-clerk-second-draft")
        open_detail(head, live_url, pk)
        assert_state(head, REHANDLING)
        act(head, live_url, pk, "sign_reply")
        assert_state(head, ANSWERED)
        assert head.locator("[data-testid=reply][data-reply-state=sent]").count() == 2

        # 7. The deputy is satisfied this time.
        open_detail(deputy, live_url, pk)
        assert_state(deputy, ANSWERED)
        act(deputy, live_url, pk, "rate", fill_rating("satisfied", "问题已解决，感谢。"))
        assert_state(deputy, ANSWERED)
        ratings = deputy.locator("[data-testid=ratings] li")
        assert ratings.count() == 2
        assert "满意" in ratings.last.inner_text()
        assert "rate" not in actions_offered(deputy)
        assert_fits_phone(deputy, "the suggestion page after rating")
        shot(deputy, "journey-07-deputy-satisfied")

        # 8. Staff close it; the timeline tells the whole story.
        open_detail(staff, live_url, pk)
        act(
            staff,
            live_url,
            pk,
            "close",
            lambda form: form.locator("textarea[name=note]").fill("代表满意，同意办结。"),
        )
        assert_state(staff, CLOSED)
        assert not actions_offered(staff)
        events = staff.eval_on_selector_all(
            "[data-testid=timeline] li[data-event]", "els => els.map(e => e.dataset.event)"
        )
        for action, times in (
            ("create", 1),
            ("submit", 1),
            ("register", 1),
            ("assign", 1),
            ("sign", 1),
            ("log_contact", 2),
            ("draft_reply", 2),
            ("sign_reply", 2),
            ("rate", 2),
            ("rehandle", 1),
            ("close", 1),
        ):
            assert events.count(action) == times, f"timeline {events}: {action} x{times}?"
        timeline = staff.locator("[data-testid=timeline]").inner_text()
        assert CLOSED in timeline and REHANDLING in timeline
        shot(staff, "journey-99-closed")

        # The deputy sees it closed too.
        open_detail(deputy, live_url, pk)
        assert_state(deputy, CLOSED)
