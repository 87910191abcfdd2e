"""`RowMarkup` (lib/rowmarkup.py): a list's rows from one format string, every value escaped."""

from __future__ import annotations

import html

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from minsheng.lib.rowmarkup import RowMarkup, escape

ROW = RowMarkup(
    '<tr data-testid="r-{pk}"><td data-label="{l_title}">{title}</td><td>{badge}</td></tr>',
    data=("title",),
)


def test_values_and_labels_are_escaped():
    out = ROW.render([{"pk": 1, "title": '<script>"x"</script>', "badge": ""}], l_title="<b>")
    assert isinstance(out, SafeString)
    assert out == (
        '<tr data-testid="r-1"><td data-label="&lt;b&gt;">'
        "&lt;script&gt;&quot;x&quot;&lt;/script&gt;</td><td></td></tr>"
    )


def test_safe_markup_is_kept_and_none_is_empty():
    badge = format_html('<span class="warn">{}</span>', "<超期>")
    out = ROW.render([{"pk": 2, "title": None, "badge": badge}], l_title="标题")
    assert '<td><span class="warn">&lt;超期&gt;</span></td>' in out
    assert '<td data-label="标题"></td>' in out


def test_stored_chinese_is_marked_on_an_english_page_only():
    rows = [{"pk": 3, "title": "城区道路改造", "badge": ""}, {"pk": 4, "title": "", "badge": ""}]
    with override("en"):
        out = ROW.render(rows, l_title="Title")
        assert '<span lang="zh-Hans">城区道路改造</span>' in out
        assert out.count("lang=") == 1  # an empty value gets no wrapper
    with override("zh-hans"):
        assert "lang=" not in ROW.render(rows, l_title="标题")


def test_one_row_per_item_in_order():
    rows = [{"pk": n, "title": f"项目{n}", "badge": ""} for n in range(5)]
    out = ROW.render(rows, l_title="标题")
    assert [int(x.split('"')[0]) for x in out.split('data-testid="r-')[1:]] == list(range(5))


@given(st.text())
def test_escape_matches_djangos(text: str):
    assert escape(text) == conditional_escape(text) == html.escape(text)
    safe = format_html("<i>{}</i>", text)
    assert escape(safe) == str(safe)


@given(st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False), st.dates()))
def test_escape_of_other_values_matches_djangos(value: object):
    assert escape(value) == conditional_escape(value)


def test_zh_escapes_and_marks_stored_text_on_other_pages():
    from minsheng.lib.rowmarkup import zh

    with override("en"):
        assert zh("<社区>") == '<span lang="zh-Hans">&lt;社区&gt;</span>'
        assert zh("") == "" and zh(None) == ""
    with override("zh-hans"):
        assert zh("<社区>") == "&lt;社区&gt;"
