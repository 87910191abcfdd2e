"""Redaction (脱敏): find personal data in a text and mask it. Pure: no Django, no database.

A *span* is `(start, end, kind)` over the original text; the original is never changed. The
public text is `apply(text, spans)`: every span replaced by `MASK`. Publication records store
the spans (automatic and manual), so a reviewer can see and undo each one and the original text
stays as the unit sent it.

Detectors (each a function `text -> list[Span]`):

- `phone`: mainland mobiles (1[3-9] and 9 digits, optionally +86, spaces or dashes in 3-4-4)
  and landlines with their area code (0 + 2-3 digits, then 7-8 digits, optional extension);
  service numbers without an area code (12345, 95598, 400-…) are public and left alone;
- `id_card`: 18-character resident identity numbers whose birth date is a real date and whose
  check character is right (GB 11643-1999, ISO 7064 MOD 11-2);
- `bank_card`: 16-19 digits (optionally grouped by spaces or dashes) passing the Luhn check;
- `email`;
- `address`: house-level addresses: a building number followed by a building, unit, floor or
  room (…号3栋2单元501室, …小区5幢302室); a street address alone (…路12号) is not house-level;
- `plate`: licence plates (云A·12345, 粤B D12345 new-energy), province letter then the series;
- `known`: the exact strings given (the deputies' own phone, e-mail, address from the database;
  a reply's contact phones), wherever they appear.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

MASK = "＊＊＊"


class Span(NamedTuple):
    start: int
    end: int
    kind: str


# --- phones -------------------------------------------------------------------------------------

_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s])\s?[2-9]\d{6,7}(?:(?:-|转)\d{1,5})?(?!\d)"
    r"|(?<![0-9A-Za-z])0\d{2,3}[2-9]\d{6,7}(?!\d)"
)


def phones(text: str) -> list[Span]:
    found = [Span(m.start(), m.end(), "phone") for m in _MOBILE.finditer(text)]
    found += [Span(m.start(), m.end(), "phone") for m in _LANDLINE.finditer(text)]
    return found


# --- identity cards -------------------------------------------------------------------------------

_ID = re.compile(r"(?<![\dA-Za-z])[1-9]\d{16}[\dXx](?![\dA-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_valid(number: str) -> bool:
    """An 18-character resident identity number with a real birth date and the right check."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def id_cards(text: str) -> list[Span]:
    return [
        Span(m.start(), m.end(), "id_card") for m in _ID.finditer(text) if id_card_valid(m.group())
    ]


# --- bank cards ---------------------------------------------------------------------------------

_CARD = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[-\s]?\d{4}){2}[-\s]?\d{4,7}(?!\d)")


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def bank_cards(text: str) -> list[Span]:
    found = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and not id_card_valid(digits):
            found.append(Span(m.start(), m.end(), "bank_card"))
    return found


# --- e-mail ---------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def emails(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


# --- house-level addresses ------------------------------------------------------------------------

_N = r"(?:\d+|[一二三四五六七八九十]+)"
_BUILDING = rf"{_N}(?:栋|幢|座|号楼)"
_UNIT = rf"{_N}单元"
_FLOOR = rf"{_N}(?:楼|层)"
_ROOM = r"\d+(?:室|号房|户)"
# After a building number (…号) at least one house-level part; without one, a building and a
# unit or a room.
_ADDRESS = re.compile(
    rf"\d+号(?:院)?(?:{_BUILDING})?(?:{_UNIT})?(?:{_FLOOR})?(?:{_ROOM})?"
    rf"|{_BUILDING}(?:{_UNIT})?(?:{_FLOOR})?(?:{_ROOM})?"
    rf"|{_UNIT}(?:{_FLOOR})?{_ROOM}"
)
_HOUSE_PART = re.compile(rf"{_BUILDING}|{_UNIT}|{_ROOM}")


def addresses(text: str) -> list[Span]:
    found = []
    for m in _ADDRESS.finditer(text):
        value = m.group()
        parts = _HOUSE_PART.findall(value)
        if value.endswith("号") or not parts:
            continue
        if not re.match(r"\d+号", value) and len(parts) < 2:
            continue  # "3栋" alone is a building of a school or a hospital, not a home
        found.append(Span(m.start(), m.end(), "address"))
    return found


# --- licence plates ------------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])[{_PROVINCES}][A-HJ-NP-Z][·•\s-]?"
    r"(?:[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警])(?![A-Za-z0-9])"
)


def plates(text: str) -> list[Span]:
    found = []
    for m in _PLATE.finditer(text):
        series = re.sub(r"[·•\s-]", "", m.group())[2:]
        if any(ch.isdigit() for ch in series):  # 京A·ABCDE is not a plate anyone was issued
            found.append(Span(m.start(), m.end(), "plate"))
    return found


# --- known strings --------------------------------------------------------------------------------


def known(text: str, values: Iterable[str]) -> list[Span]:
    """Every occurrence of each given value (at least 4 characters, so a one-character name
    part does not mask half the text)."""
    found = []
    for value in {v.strip() for v in values if v and len(v.strip()) >= 4}:
        start = text.find(value)
        while start != -1:
            found.append(Span(start, start + len(value), "contact"))
            start = text.find(value, start + len(value))
    return found


DETECTORS: dict[str, Callable[[str], list[Span]]] = {
    "phone": phones,
    "id_card": id_cards,
    "bank_card": bank_cards,
    "email": emails,
    "address": addresses,
    "plate": plates,
}


def detect(text: str, known_values: Iterable[str] = ()) -> list[Span]:
    """Every span any detector finds, merged (overlaps joined, the first kind kept)."""
    spans: list[Span] = known(text, known_values)
    # Identity cards before bank cards and phones: a longer match wins its digits.
    for detector in DETECTORS.values():
        spans.extend(detector(text))
    return merge(spans)


def merge(spans: Iterable[Sequence[object]]) -> list[Span]:
    """Sorted, overlapping or touching spans joined into one."""
    ordered = sorted(
        (Span(int(s[0]), int(s[1]), str(s[2])) for s in spans),  # type: ignore[call-overload]
        key=lambda s: (s.start, -s.end),
    )
    out: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if out and span.start <= out[-1].end:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            out.append(span)
    return out


def apply(text: str, spans: Iterable[Sequence[object]]) -> str:
    """The public text: each span replaced by MASK. Spans outside the text are clipped."""
    pieces, at = [], 0
    for span in merge(spans):
        start, end = max(span.start, 0), min(span.end, len(text))
        if start >= len(text) or end <= at:
            continue
        start = max(start, at)
        pieces.append(text[at:start])
        pieces.append(MASK)
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def occurrences(text: str, fragment: str) -> list[Span]:
    """The spans of every occurrence of `fragment` (a reviewer's manual redaction)."""
    fragment = fragment.strip()
    if not fragment:
        return []
    found, start = [], text.find(fragment)
    while start != -1:
        found.append(Span(start, start + len(fragment), "manual"))
        start = text.find(fragment, start + len(fragment))
    return found
