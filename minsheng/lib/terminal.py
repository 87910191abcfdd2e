"""Plain-text tables for a terminal, aligned by what a terminal shows rather than by `len`.

A CJK character (East Asian Width "W" or "F": 汉字, full-width punctuation, full-width Latin)
takes two columns of a monospaced terminal, a combining mark none, everything else one (the
ambiguous "A" characters are narrow in the terminals people use with a Chinese locale too).
`str.ljust` counts characters, so a column of Chinese titles or names pushes the next column
out of line.

Pure module: no Django.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["display_width", "ljust", "table"]

WIDE = frozenset({"W", "F"})


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in WIDE else 1


def display_width(text: str) -> int:
    """How many terminal columns `text` takes."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def ljust(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (never cut)."""
    return text + " " * max(0, width - display_width(text))


def table(rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """The lines of a table whose columns are aligned by display width; the last column is
    left ragged (no trailing spaces)."""
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    widths = [
        max((display_width(row[i]) for row in rows if i < len(row)), default=0)
        for i in range(columns - 1)
    ]
    lines = []
    for row in rows:
        cells = [ljust(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append(gap.join([*cells, *row[-1:]]).rstrip())
    return lines
