"""The one definition of acceptable text, applied at every door (pages, API, imports).

Stored text must be safe to show in a page, write into an Excel cell (openpyxl refuses C0
controls), a Word letter (XML 1.0 refuses C0 controls, lone surrogates, U+FFFE and U+FFFF) and
PostgreSQL (which refuses NUL). Acceptable text is any Unicode text whose only control
characters are tab and newline.

- Line breaks are normalised to ``\\n``: CRLF and a lone CR (old Mac, some browsers), and Word's
  vertical tab (Shift+Enter, a manual line break) and form feed (a page break) become a newline,
  so what the writer meant survives.
- Every other C0 control (NUL included), DEL, the C1 controls (U+0080..U+009F), lone surrogates
  and the non-characters U+FFFE and U+FFFF are *forbidden*: `clean_text` drops them and
  `has_forbidden_characters` tells whether a value holds any (for a channel that refuses instead
  of removing).

Pure module: no Django.
"""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN_RE", "clean_text", "forbidden_characters", "has_forbidden_characters"]

# Line breaks other than "\n" that carry meaning and become "\n". CRLF first, so it makes one.
_LINE_BREAK_RE = re.compile("\r\n|[\r\v\f]")

# What is dropped. Tab (\x09) and newline (\x0a) are kept; \r, \v and \f never reach this
# expression from clean_text (they were turned into newlines), but the predicate is asked about
# raw input, so they are absent from this class on purpose and handled by _LINE_BREAK_RE.
FORBIDDEN_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Return `value` with line breaks normalised to LF and every forbidden character removed."""
    return FORBIDDEN_RE.sub("", _LINE_BREAK_RE.sub("\n", value))


def has_forbidden_characters(value: str) -> bool:
    """True when `value` holds a character that `clean_text` would drop (not a line break)."""
    return FORBIDDEN_RE.search(value) is not None


def forbidden_characters(value: str) -> list[str]:
    """The forbidden characters in `value`, each once, in order, as ``U+XXXX`` for messages."""
    seen: dict[str, None] = {}
    for match in FORBIDDEN_RE.finditer(value):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)
