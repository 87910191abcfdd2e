"""The form renderer of every page: Django's own, with its commonest templates written in Python.

Django renders each widget through templates, and a `<select>` includes one template per
`<option>` and another per option's attributes: the list pages' filter bar (sixty units, fifty
categories) spent more time there than in all of its rows. `FastRenderer` produces the same
markup for the plain input types, `<select>`, `<textarea>` and the field label, by the same
rules (the same value formatting and escaping functions the templates use), and hands every
other template to Django. A template name is only taken over while it resolves to Django's
own file, so an app that overrides one gets its template back. `tests/test_form_renderer.py`
compares the two renderers' output widget by widget and on the project's forms.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, SafeString, mark_safe

STOCK = Path(django.forms.__file__).resolve().parent / "templates"
INPUT_TEMPLATES = [
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "hidden",
        "checkbox",
        "date",
        "datetime",
        "time",
        "email",
        "number",
        "password",
        "search",
        "tel",
        "url",
        "color",
        "file",
    )
]
SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
LABEL = "django/forms/label.html"

# What `{{ value }}` does in a template of Django's form engine (autoescape on, no overrides).
_CONTEXT = Context(autoescape=True)


def _text(value: Any) -> str:
    """`{{ value }}`."""
    return str(render_value_in_context(value, _CONTEXT))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a safe value stays safe through the filter)."""
    out = stringformat(value, "s")
    return _text(mark_safe(out) if isinstance(value, SafeData) else out)  # noqa: S308


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """django/forms/widgets/attrs.html and django/forms/attrs.html (where a missing or empty
    `attrs` renders nothing)."""
    if not attrs:
        return ""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: Mapping[str, Any]) -> str:
    w = context["widget"]
    # The template says `widget.value != None`, not `is not None`.
    value = f' value="{_formatted(w["value"])}"' if operator.ne(w["value"], None) else ""
    return f'<input type="{_text(w["type"])}" name="{_text(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(context: Mapping[str, Any]) -> str | None:
    w = context["widget"]
    out = [f'<select name="{_text(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None  # a widget with its own option template: Django renders it
            # The included option template ends with a newline.
            out.append(f"\n  {_option(option)}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out).strip()


def _textarea(context: Mapping[str, Any]) -> str:
    w = context["widget"]
    value = _text(w["value"]) if w["value"] else ""
    return f'<textarea name="{_text(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _label(context: Mapping[str, Any]) -> str:
    if not context["use_tag"]:
        return _text(context["label"]).strip()
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


def _choice(context: Mapping[str, Any]) -> str:
    """One radio button or checkbox of a list (`{{ radio.tag }}`), django/forms/widgets/
    input_option.html: the included input template's newline stays inside the label."""
    w = context["widget"]
    html = _input(context) + "\n"
    if w["wrap_label"]:
        target = w["attrs"].get("id")
        opening = f'<label for="{_text(target)}">' if target else "<label>"
        html = f"{opening}{html} {_text(w['label'])}</label>"
    return html.strip()


INPUT = "django/forms/widgets/input.html"
ATTRS = "django/forms/widgets/attrs.html"
INPUT_OPTION = "django/forms/widgets/input_option.html"
# Each name the renderer takes over, what it does, and every template its output depends on.
TABLE: dict[str, tuple[Callable[[Mapping[str, Any]], str | None], tuple[str, ...]]] = {
    **{name: (_input, (name, INPUT, ATTRS)) for name in INPUT_TEMPLATES},
    SELECT: (_select, (SELECT, SELECT_OPTION, ATTRS)),
    TEXTAREA: (_textarea, (TEXTAREA, ATTRS)),
    LABEL: (_label, (LABEL, "django/forms/attrs.html")),
    **{
        name: (_choice, (name, INPUT_OPTION, INPUT, ATTRS))
        for name in (
            "django/forms/widgets/radio_option.html",
            "django/forms/widgets/checkbox_option.html",
        )
    },
}


class FastRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates above rendered in Python."""

    @cached_property
    def _fast(self) -> dict[str, Callable[[Mapping[str, Any]], str | None]]:
        return {
            name: fn
            for name, (fn, needs) in TABLE.items()
            if all(self._is_stock(needed) for needed in needs)
        }

    def _is_stock(self, template_name: str) -> bool:
        origin = self.get_template(template_name).template.origin.name  # type: ignore[attr-defined]
        return Path(origin).resolve() == STOCK / template_name

    def render(self, template_name: str, context: Any, request: Any = None) -> SafeString | str:
        fast = self._fast.get(template_name)
        if fast is not None and request is None:
            try:
                html = fast(context)
            except (KeyError, AttributeError, TypeError):
                html = None  # a context these functions do not know: Django's template decides
            if html is not None:
                return html
        return super().render(template_name, context, request)
