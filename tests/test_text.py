"""The one definition of acceptable text (minsheng.lib.text)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.lib.text import clean_text, forbidden_characters, has_forbidden_characters

# What openpyxl refuses in a cell (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE) and what XML 1.0
# refuses in a Word document: the outputs the cleaned text must always fit.
OPENPYXL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("普通文本", "普通文本"),
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("第一行\r第二行", "第一行\n第二行"),
        ("Word 的换行\v第二行", "Word 的换行\n第二行"),  # Shift+Enter in Word
        ("分页\f第二页", "分页\n第二页"),
        ("列\t保留", "列\t保留"),
        ("空\x00字节", "空字节"),
        ("响铃\x07退格\x08转义\x1b", "响铃退格转义"),
        ("删除\x7f", "删除"),
        ("C1\x85\x9f控制", "C1控制"),
        ("孤立\ud800代理", "孤立代理"),
        ("非字符\ufffe\uffff", "非字符"),
        ("\r\n\r\n", "\n\n"),
        ("emoji 🙂 stays", "emoji 🙂 stays"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_the_predicate_names_only_what_would_be_dropped() -> None:
    assert not has_forbidden_characters("行一\r\n行二\v\f\t")
    assert has_forbidden_characters("a\x00b")
    assert has_forbidden_characters("\ud800")
    assert forbidden_characters("a\x00b\x00c\x1b") == ["U+0000", "U+001B"]
    assert forbidden_characters("clean") == []


@given(st.text())
def test_cleaned_text_fits_every_output(value: str) -> None:
    cleaned = clean_text(value)
    assert not OPENPYXL_ILLEGAL.search(cleaned)
    assert not XML_ILLEGAL.search(cleaned)
    assert "\x00" not in cleaned
    assert "\r" not in cleaned
    assert not has_forbidden_characters(cleaned)


@given(st.text())
def test_cleaning_is_idempotent(value: str) -> None:
    assert clean_text(clean_text(value)) == clean_text(value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_controls_is_unchanged(value: str) -> None:
    assert clean_text(value) == value.replace("\ufffe", "").replace("\uffff", "")
