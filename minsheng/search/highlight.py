"""Highlighting in Python, on the rows a page shows (framework-free apart from Django's `escape`
conventions, done here by `html.escape`): the query's words are marked with <mark> in the text
shown, every other character escaped, so neither the query nor the text can inject markup.
Matching is on the same normalised form as the index (NFKC, lower case), mapped back to the
characters of the original text."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from minsheng.insight.words import INVISIBLE

SNIPPET_CHARS = 120
BEFORE = 30
ELLIPSIS = "…"


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text normalised character by character, and for each normalised character the index
    of the original one it came from."""
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text) and not INVISIBLE.search(text) and whole.isascii() == text.isascii():
        # The common case (CJK, full-width letters and digits fold one to one): the same
        # positions, without a normalisation per character.
        return whole, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = INVISIBLE.sub("", unicodedata.normalize("NFKC", char)).lower()
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def spans(text: str, marks: Iterable[str]) -> list[tuple[int, int]]:
    """The original text's spans holding a mark, merged, in order."""
    words = sorted({m for m in marks if m}, key=len, reverse=True)
    if not text or not words:
        return []
    folded, origin = _normalised(text)
    found: list[tuple[int, int]] = []
    for word in words:
        latin = word.isascii()
        pattern = re.escape(word)
        if latin:
            # A Latin word or number is marked whole (ai is not marked inside said).
            pattern = rf"(?<![0-9a-z]){pattern}(?![0-9a-z])"
        for m in re.finditer(pattern, folded):
            found.append((origin[m.start()], origin[m.end() - 1] + 1))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, marks: Iterable[str], found: list[tuple[int, int]] | None = None) -> str:
    """The text as safe HTML with the marks in <mark>."""
    found = spans(text, marks) if found is None else found
    out: list[str] = []
    at = 0
    for start, end in found:
        out.append(html.escape(text[at:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def snippet(texts: Iterable[str | None], marks: Iterable[str], size: int = SNIPPET_CHARS) -> str:
    """Safe HTML: a window of the first text with a hit, around its first hit, marked; the
    start of the first non-empty text when none has a hit."""
    marks = tuple(marks)
    first = ""
    for text in texts:
        if not text:
            continue
        text = " ".join(text.split())
        first = first or text
        found = spans(text, marks)
        if not found:
            continue
        start = max(0, found[0][0] - BEFORE)
        end = min(len(text), start + size)
        window = text[start:end]
        shifted = [
            (max(s - start, 0), min(e - start, len(window)))
            for s, e in found
            if s < end and e > start
        ]
        return (
            (ELLIPSIS if start else "")
            + mark(window, marks, shifted)
            + (ELLIPSIS if end < len(text) else "")
        )
    if not first:
        return ""
    return html.escape(first[:size]) + (ELLIPSIS if len(first) > size else "")
