"""Template helpers of the page pattern in docs/pages.md."""

from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

from minsheng.lib.rowmarkup import DATA_LANGUAGE, chinese_page, escape

register = template.Library()


@register.filter
def data_lang(bound_field: forms.BoundField) -> str:
    """`lang="zh-Hans"` for a field whose choices are stored data (deputies, units,
    categories), so an English page still has them read as Chinese; "" otherwise, and on
    Chinese pages, which say so on <html>."""
    if isinstance(bound_field.field, forms.ModelChoiceField) and not chinese_page():
        return DATA_LANGUAGE
    return ""


@register.filter(needs_autoescape=True)
def zh(value: object, autoescape: bool = True) -> str:
    """Stored Chinese data (a name, a title, a body) inside a page in another language, marked
    so screen readers and fonts treat it as Chinese: `{{ s.title|zh }}`. Chinese pages already
    say so on <html>, and get the value unchanged."""
    text = (
        conditional_escape(value if isinstance(value, SafeData) else str(value))
        if autoescape
        else str(value)
    )
    if value in (None, "") or chinese_page():
        return text
    return format_html('<span lang="{}">{}</span>', DATA_LANGUAGE, text)


@register.simple_tag
def data_lang_attr() -> str:
    """` lang="zh-Hans"` for an element holding only stored data, on a page in another
    language: `<div{% data_lang_attr %}>…</div>`."""
    return "" if chinese_page() else format_html(' lang="{}"', DATA_LANGUAGE)


@register.simple_tag
def options(choices: object, selected: object = None, data: bool = False) -> str:
    """A filter's `<option>`s in one step instead of a loop of template nodes per option:
    `{% options kinds filters.kind %}` over `(value, label)` pairs, over objects with `pk`
    and `name` (units), or over plain values that are their own labels (years). `data=True`
    marks the labels as stored Chinese data on pages in another language (as `|zh` does)."""
    wanted = "" if selected is None else str(selected)
    lang = "" if not data or chinese_page() else f' lang="{DATA_LANGUAGE}"'
    out = []
    for choice in choices:  # type: ignore[attr-defined]
        if isinstance(choice, (tuple, list)):
            value, label = choice[0], choice[1]
        elif isinstance(choice, (int, str)):
            value = label = choice  # a year, a month: the value is its own label
        else:
            value, label = choice.pk, choice.name
        value = str(value)
        mark = " selected" if value == wanted and wanted != "" else ""
        out.append(f'<option value="{escape(value)}"{mark}{lang}>{escape(label)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - every value and label escaped above


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> str:
    """The main navigation's app links for this person (`people/nav.py`), as `<li>`s."""
    from minsheng.people import nav

    request = context.get("request")
    kinds = context.get("user_role_kinds") or set()
    return nav.markup(set(kinds), request.path if request is not None else "")
