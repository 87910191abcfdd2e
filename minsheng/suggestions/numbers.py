"""Suggestion numbers, written and read in one place.

A session has two series: the session's own (第0012号, series "S") and the between-sessions one
(闭会期间第0003号, series "B", the words of DOMAIN.md §1). Pages, the API, exports, letters and the
merge form all format numbers here, in one way, so a letter's title and its opening, a page and
its Excel export never write the same number differently. Reading is lenient: 闭第3号, the short
form people type, finds the same suggestion as 闭会期间第3号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

SESSION = "S"
BETWEEN = "B"

# "0012", "第0012号", "闭第3号", "闭会期间第0003号", "闭 第 0003 号", "#12"; at most 9 digits (the
# column is an int).
_NUMBER = re.compile(
    r"^\s*(?P<between>闭(?:\s*会\s*期\s*间)?)?\s*第?\s*#?\s*0*(?P<n>\d{1,9})\s*号?\s*$"
)
BETWEEN_WORDS = "闭会期间"


@dataclass(frozen=True)
class ParsedNumber:
    number: int
    # "B" when the text says 闭; None when it names no series (a plain 12 or 第0012号).
    series: str | None

    def q(self, prefix: str = "") -> Q:
        """Suggestions carrying this number; a number without 闭 matches either series."""
        found = Q(**{f"{prefix}number": self.number})
        if self.series is not None:
            found &= Q(**{f"{prefix}series": self.series})
        return found


def format_number(series: str, number: int | None) -> str:
    """第0012号 / 闭会期间第0003号. An unnumbered suggestion gives ""."""
    if number is None:
        return ""
    prefix = BETWEEN_WORDS if series == BETWEEN else ""
    return f"{prefix}第{number:04d}号"


def parse_number(text: str) -> ParsedNumber | None:
    """The number a person typed, or None when the text is not a number."""
    match = _NUMBER.match(text or "")
    if not match or int(match["n"]) == 0:
        return None
    return ParsedNumber(int(match["n"]), BETWEEN if match["between"] else None)
