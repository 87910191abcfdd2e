"""No template carries what the Content-Security-Policy refuses: inline <script>, on* event
handler attributes, style="" attributes or <style> blocks. Scripts and styles live in static/."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_there_are_templates():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_has_nothing_the_policy_refuses(path):
    text = path.read_text()
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on* handler attribute", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> block", STYLE_BLOCK),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found = pattern.search(text)
        assert found is None, f"{name}: {found.group(0)[:80] if found else ''}"


def test_the_policy_allows_no_inline_script_or_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("script-src", "style-src", "default-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_pages_carry_the_policy(client, cast):
    client.force_login(cast.deputy)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
