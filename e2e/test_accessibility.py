"""axe-core over every page every demo persona reaches, in Chinese and English, on a desktop and
on a 320 px phone; the page must not scroll sideways at 320 px.

axe-core is a pinned devDependency in package.json, installed by `npm ci` (`.ci/run` does it).
It is injected from node_modules and never downloaded here: without it the test is skipped.

Each persona's pages are found by walking the links from the home page and the navigation (each
path once, at most a few suggestion pages per persona), plus the pages every role is expected to
reach. On suggestion pages every action form is opened before axe runs, and the deputy's form
and one action form are also checked after a failed submit (with the error summary showing).

Every persona's pages are checked in Chinese on a desktop; the other three variants (English,
and both languages at 320 px) only for the pages no earlier persona of the same test process
has had checked in all four (the same path, or a record page of the same kind): the personas
share most pages, and those variants test the markup, which is the same.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from e2e.conftest import REPO_ROOT, login

pytestmark = pytest.mark.e2e

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The demo cast (see minsheng/people/demo.py); admin is staff with the admin site on top.
PERSONAS = [
    "staff",
    "deputy",
    "cosigner",
    "clerk",
    "head",
    "clerk2",
    "supervisor",
    "committee",
    "admin",
]
# Pages each persona reaches besides what the links lead to (a 403/404 is fine: it is a page).
KNOWN = [
    "/",
    "/account/",
    "/account/password/",
    "/suggestions/mine/",
    "/suggestions/new/",
    "/suggestions/list/",
    "/suggestions/assign/",
    "/insight/routing/",
    "/suggestions/import/",
    "/suggestions/inbox/",
    "/ledger/",
    "/ledger/new/",
    "/ledger/import/",
    "/gongkai/",
    "/gongkai/tongji/",
    "/gongkai/data/",
    "/gongkai/staff/",
]
# Links not followed: files, the admin site (Django's own), signing out, the API, the feed.
SKIP = re.compile(
    r"^/(admin|api|logout|i18n)/|\.(xlsx|docx|pdf|zip|csv)$|/attachments/|^/gongkai/feed/"
)
DETAIL = re.compile(r"^/suggestions/\d+/$")
MAX_DETAIL_VISITS = 30  # suggestion pages looked at per persona, each kind kept once
# Other record pages alike: a few of each are enough (the list links to fifty).
SAMPLED = [
    re.compile(r"^/ledger/\d+/$"),
    re.compile(r"^/gongkai/\d+/$"),
    re.compile(r"^/gongkai/staff/\d+/$"),
]
MAX_SAMPLED_VISITS = 3
# Pages already checked in every variant by an earlier persona of this test process: a later
# persona checks them in the first variant (its own content) and leaves the other three (the
# same markup in English and at 320 px) to the earlier run. Record pages count as one page per
# kind: a suggestion page per state and actions offered, one ledger item, one public record.
CHECKED_IN_EVERY_VARIANT: set[str] = set()
MAX_PAGES = 40  # a safety net for the walk
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass(frozen=True)
class Variant:
    name: str
    language: str
    width: int
    height: int


VARIANTS = [
    Variant("zh-desktop", "zh-hans", 1280, 800),
    Variant("en-desktop", "en", 1280, 800),
    Variant("zh-320", "zh-hans", 320, 640),
    Variant("en-320", "en", 320, 640),
]


@pytest.fixture(scope="module")
def axe_path() -> Path:
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(REPO_ROOT)} is missing: run `npm ci` to install axe-core")
    return AXE


@pytest.fixture
def context_for(browser: Any, live_url: str) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(variant: Variant) -> Any:
        context = browser.new_context(
            viewport={"width": variant.width, "height": variant.height}, locale="en-US"
        )
        context.set_default_timeout(15_000)
        host = urlsplit(live_url).hostname
        context.add_cookies(
            [{"name": "django_language", "value": variant.language, "domain": host, "path": "/"}]
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def run_axe(page: Any, axe: Path) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        with contextlib.suppress(Exception):  # refused by the page's CSP: evaluated below
            page.add_script_tag(path=str(axe))
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # The Content-Security-Policy (no inline script) refuses an injected <script>; the
        # test's own evaluation is not page script and is not refused.
        page.evaluate(axe.read_text())
    return list(
        page.evaluate(
            """async (tags) => {
              const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                 resultTypes: ['violations']});
              return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }""",
            AXE_TAGS,
        )
    )


def csp_refusals(page: Any) -> list[str]:
    """The page's Content-Security-Policy refusals (inline script or style, a foreign source),
    as the browser reports them in the console."""
    refused: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    return refused


def open_all_actions(page: Any) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def sideways(page: Any) -> str | None:
    """Say what sticks out when the page is wider than the window."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= w) return null;
          const wide = [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > w + 1 && r.width > 0 && getComputedStyle(e).position !== 'fixed';
          }).slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' +
            String(e.className).split(' ').join('.') : '') + ' ' + Math.round(
            e.getBoundingClientRect().right) + 'px');
          return document.documentElement.scrollWidth + 'px wide: ' + wide.join(', ');
        }"""
    )


def links_on(page: Any, live_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("header a[href], main a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        if not url.startswith(live_url):
            continue
        path = url[len(live_url) :]
        if not path.startswith("/") or SKIP.search(path.split("?")[0]):
            continue
        found.append(path)
    return found


def detail_kind(page: Any) -> str:
    """A suggestion page's state and the actions it offers: pages alike are checked once."""
    return str(
        page.evaluate(
            """() => (document.querySelector('article[data-state]')?.dataset.state || '') + ' ' +
              [...document.querySelectorAll('[data-action]')].map(e => e.dataset.action)
                .sort().join(',')"""
        )
    )


def walk(page: Any, live_url: str) -> dict[str, str]:
    """The pages a signed-in persona reaches: the known ones and whatever their links lead to,
    each path once (the first query string seen for it), and one suggestion page for each kind
    (state and actions offered) among the first few dozen linked; each with its kind (the
    path, or what a record page is: `page_kind`)."""
    queue = list(KNOWN)
    seen_paths: set[str] = set()
    kinds: set[str] = set()
    pages: dict[str, str] = {}
    details = 0
    sampled = [0] * len(SAMPLED)
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        bare = path.split("?")[0]
        if bare in seen_paths:
            continue
        seen_paths.add(bare)
        kind = next((n for n, pattern in enumerate(SAMPLED) if pattern.match(bare)), None)
        if kind is not None:
            if sampled[kind] >= MAX_SAMPLED_VISITS:
                continue
            sampled[kind] += 1
        if DETAIL.match(bare):
            if details >= MAX_DETAIL_VISITS:
                continue
            details += 1
        response = page.goto(live_url + path, timeout=60_000)  # the dashboard's first view
        if response is None or response.status >= 400 or page.url.startswith(live_url + "/login"):
            continue
        shown = bare
        if DETAIL.match(bare):
            shown = f"suggestion {detail_kind(page)}"
            if shown in kinds:
                continue
            kinds.add(shown)
        elif kind is not None:
            shown = f"record {SAMPLED[kind].pattern}"
        pages[path] = shown
        queue.extend(links_on(page, live_url))
    return pages


def failed_submits(page: Any, live_url: str, pages: dict[str, str]) -> Iterator[str]:
    """Leave forms with errors (required fields emptied, so nothing changes), and yield a name
    for each page left showing its error summary: the deputy's form, one action form."""
    page.on("dialog", lambda dialog: dialog.accept())
    if "/suggestions/new/" in pages:
        page.goto(f"{live_url}/suggestions/new/")
        with page.expect_navigation():
            page.click("[data-testid=save-draft]")
        yield "/suggestions/new/ (failed submit)"
    for path in pages:
        if not DETAIL.match(path):
            continue
        page.goto(live_url + path)
        forms = page.locator(
            "details.action form:has(textarea[required], input[type=text][required])"
        )
        if not forms.count():
            continue
        form = forms.first
        form.locator("xpath=ancestor::details").evaluate("d => { d.open = true; }")
        for box in form.locator("textarea[required], input[type=text][required]").all():
            box.fill("")
        with page.expect_navigation():
            form.locator("button[type=submit]").last.click()
        yield f"{path} (failed {form.get_attribute('action')})"
        return


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_passes_axe(
    browser: Any, live_url: str, axe_path: Path, context_for: Any, username: str
) -> None:
    problems: list[str] = []
    first = context_for(VARIANTS[0]).new_page()
    login(first, live_url, username)
    pages = walk(first, live_url)
    assert len(pages) >= 3, f"{username} reached only {list(pages)}"
    new = [path for path, kind in pages.items() if kind not in CHECKED_IN_EVERY_VARIANT]
    print(username, len(pages), "pages,", len(new), "new:", list(pages))
    cookies = first.context.cookies()
    for variant in VARIANTS:
        context = context_for(variant)
        context.add_cookies([c for c in cookies if c["name"] != "django_language"])
        page = context.new_page()
        refused = csp_refusals(page)
        for path in pages if variant is VARIANTS[0] else new:
            page.goto(live_url + path)
            if DETAIL.match(path.split("?")[0]):
                open_all_actions(page)
            where = f"{variant.name} {username} {path}"
            problems.extend(f"{where}: refused by the CSP: {text}" for text in refused)
            problems.extend(
                f"{where}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
                for v in run_axe(page, axe_path)
            )
            refused.clear()  # injecting axe may be refused too: that is the test's, not the page's
            if variant.width <= 320 and (wide := sideways(page)):
                problems.append(f"{where}: scrolls sideways at {variant.width}px, {wide}")
        for name in failed_submits(page, live_url, pages):
            where = f"{variant.name} {username} {name}"
            if not page.locator("[data-error-summary]").count():
                problems.append(f"{where}: no error summary after the failed submit")
            problems.extend(
                f"{where}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
                for v in run_axe(page, axe_path)
            )
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
    CHECKED_IN_EVERY_VARIANT.update(pages.values())
