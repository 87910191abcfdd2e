"""A long list's rows written by one format string per row instead of template nodes.

A template's variable node costs a lookup, a localisation and an escape; 50 rows of a dozen
cells each are most of a list page's rendering. `RowMarkup` keeps the row's markup in one
place, as a `str.format` string with named fields, and fills it per row with the values
escaped (a `SafeString` value, such as a badge built with `format_html`, is kept as is):

    ROW = RowMarkup('<tr><td data-label="{l_title}"><a href="{url}">{title}</a></td></tr>',
                    data=("title",))
    {"rows": ROW.render(rows, l_title=_("Title"))}      # the template writes {{ rows }}

`data` names the fields holding stored Chinese text (titles, names); on a page in another
language they are wrapped in `<span lang="zh-Hans">`, as the `|zh` filter does. The fields
given once to `render` (column labels) are escaped once. Numbers are written as they are
(no thousands separator), so give a formatted string where one is wanted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Names, titles, bodies and units are Chinese whatever language the page is in.
DATA_LANGUAGE = "zh-Hans"


def escape(value: object) -> str:
    """`conditional_escape` without its lazy-string wrapper (a list escapes hundreds of
    values): markup that is already safe (`__html__`) as is, anything else as text, with the
    same five characters escaped."""
    kind = type(value)
    if kind is str:  # the commonest: stored text (a SafeString is a subclass, asked below)
        return html.escape(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def chinese_page() -> bool:
    """Whether the page is in Chinese (its `<html lang>` then covers the stored data)."""
    return (get_language() or "").startswith("zh")


def zh(value: object) -> SafeString:
    """Stored Chinese text for markup built in Python, escaped, and on a page in another
    language wrapped in `<span lang="zh-Hans">` (the `|zh` filter's rule)."""
    text = "" if value is None else escape(value)
    if not text or chinese_page():
        return mark_safe(text)  # noqa: S308 - escaped above
    return mark_safe(f'<span lang="{DATA_LANGUAGE}">{text}</span>')  # noqa: S308


class RowMarkup:
    def __init__(self, row: str, data: Iterable[str] = ()) -> None:
        self.row = row
        self.data = tuple(data)

    def render(self, rows: Iterable[Mapping[str, object]], **common: object) -> SafeString:
        fixed = {key: escape(value) for key, value in common.items()}
        wrap = () if chinese_page() else self.data
        out = []
        for row in rows:
            values = dict(fixed)
            for key, value in row.items():
                values[key] = "" if value is None else escape(value)
            for key in wrap:
                if values.get(key):
                    values[key] = f'<span lang="{DATA_LANGUAGE}">{values[key]}</span>'
            out.append(self.row.format_map(values))
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped above
