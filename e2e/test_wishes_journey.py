"""A micro-wish comes true in a real browser on a 390 px phone (issue 9, point 7): the community
worker posts a wish, staff verify it, a deputy claims it, fulfils it with a photo, the community
confirms, and the public wish wall (signed out) shows it fulfilled, without the wisher's name,
phone or address. A screenshot of every step goes into test-artifacts/wishes-*.png."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@contextmanager
def visitor(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    phone = viewport["width"] < 500
    context = browser.new_context(
        locale="zh-CN",
        viewport=dict(viewport),
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
    finally:
        context.close()


@contextmanager
def persona(browser: Any, live_url: str, username: str, viewport: dict[str, int] = PHONE) -> Any:
    with visitor(browser, viewport) as page:
        login(page, live_url, username)
        yield page


def fits(page: Any, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{where} is {width}px wide on a {viewport}px screen"


def act(page: Any, pk: int, action: str, fill: Any = None) -> None:
    """Take one declared action through its form on the wish's page."""
    section = page.locator(f"details#wish-action-{action}")
    if section.count() and section.get_attribute("open") is None:
        section.locator("summary").click()
    form = page.locator(f"form[action='/wishes/{pk}/act/{action}/']")
    assert form.count() == 1, f"no {action!r} form on the wish's page"
    if fill is not None:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    errors = page.locator(".error-box, .field-error")
    assert errors.count() == 0, f"{action!r} was refused: {errors.all_inner_texts()}"
    assert re.search(rf"/wishes/{pk}/$", page.url), f"{action!r} ended on {page.url}"


def test_a_micro_wish_comes_true_on_a_phone(browser: Any, live_url: str, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex[:6]
    title = f"一台助行器（{mark}）"
    name, phone, address = f"王秀英{mark}", "13911112222", f"幸福里小区3栋{mark}号"
    photo = tmp_path / "送达照片.png"
    photo.write_bytes(PNG)

    # 1. The community worker posts the wish.
    with persona(browser, live_url, "community") as page:
        page.goto(f"{live_url}/wishes/new/")
        fits(page, "the wish form")
        shot(page, "wishes-1-post-form-390")
        page.fill("input[name=title]", title)
        page.fill("textarea[name=description]", "腿脚不便，想要一台带座椅的助行器。")
        page.select_option("select[name=category]", "health")
        page.check("input[name=group][value=elderly_alone]")
        page.fill("input[name=wisher_name]", name)
        page.fill("input[name=wisher_phone]", phone)
        page.fill("input[name=wisher_address]", address)
        with page.expect_navigation():
            page.click("[data-testid=post-wish]")
        match = re.search(r"/wishes/(\d+)/$", page.url)
        assert match, page.url
        pk = int(match.group(1))
        assert page.locator("[data-testid=wisher-name]").inner_text() == name
        fits(page, "the posted wish")
        shot(page, "wishes-2-posted-390")

    # Not on the public wall before staff verify it.
    with visitor(browser, PHONE) as public:
        public.goto(f"{live_url}/wishes/")
        assert title not in public.content()

    # 2. Staff verify it from the queue.
    with persona(browser, live_url, "staff") as page:
        page.goto(f"{live_url}/wishes/queue/")
        assert page.locator(f"[data-testid=wish-{pk}]").count() == 1
        fits(page, "the verification queue")
        shot(page, "wishes-3-queue-390")
        page.goto(f"{live_url}/wishes/{pk}/")
        act(page, pk, "verify")
        assert page.locator("[data-testid=state]").inner_text() == "可认领"

    # 3. The deputy claims it from the wall, then 4. fulfils it with a photo.
    with persona(browser, live_url, "deputy") as page:
        page.goto(f"{live_url}/wishes/?show=open")
        card = page.locator(f"[data-testid=wish-{pk}]")
        assert card.count() == 1
        fits(page, "the wish wall (signed in)")
        with page.expect_navigation():
            card.locator("a").click()
        assert name not in page.content()  # not before the claim
        act(page, pk, "claim")
        assert "林建国代表" in page.locator("[data-testid=claimant]").inner_text()
        assert page.locator("[data-testid=wisher-name]").inner_text() == name  # to deliver
        fits(page, "the claimed wish")
        shot(page, "wishes-4-claimed-390")
        page.goto(f"{live_url}/wishes/mine/")
        assert page.locator(f"[data-testid=claims] [data-testid=wish-{pk}]").count() == 1
        shot(page, "wishes-5-my-claims-390")
        page.goto(f"{live_url}/wishes/{pk}/")

        def fulfil(form: Any) -> None:
            form.locator("textarea[name=note]").fill("已送到老人家中，当面交接。")
            form.locator("input[name=evidence]").set_input_files(str(photo))

        act(page, pk, "fulfil", fulfil)
        assert page.locator("[data-testid=state]").inner_text() == "已完成"
        shot(page, "wishes-6-fulfilled-390")

    # 5. The community confirms.
    with persona(browser, live_url, "community") as page:
        page.goto(f"{live_url}/")
        assert page.locator(f"[data-testid=wishes-to-confirm] a[href='/wishes/{pk}/']").count()
        page.goto(f"{live_url}/wishes/{pk}/")
        assert page.locator("[data-testid=evidence] a").count() == 1
        act(page, pk, "confirm")
        assert page.locator("[data-testid=state]").inner_text() == "社区已确认"
        shot(page, "wishes-7-confirmed-390")

    # 6. Signed out, the public wall shows it fulfilled, without the private fields.
    for viewport, label in ((PHONE, "390"), (DESKTOP, "1280")):
        with visitor(browser, viewport) as public:
            public.goto(f"{live_url}/wishes/?show=fulfilled")
            card = public.locator(f"[data-testid=wish-{pk}]")
            assert card.count() == 1
            assert card.get_attribute("data-state") == "confirmed"
            assert "林建国代表" in card.inner_text()
            html = public.content()
            for secret in (name, phone, address):
                assert secret not in html
            fits(public, f"the public wall at {label}")
            shot(public, f"wishes-8-wall-fulfilled-{label}")
