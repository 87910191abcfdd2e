"""Text cleaned at the door of every page form (see `minsheng.lib.text`)."""

from __future__ import annotations

from django import forms

from minsheng.lib.text import clean_text

__all__ = ["clean_text_fields"]


def clean_text_fields(form: forms.BaseForm) -> None:
    """Clean every text `form` accepted, in place: line breaks become LF and control
    characters are removed (a person cannot see them, so refusing would only puzzle them).
    Call it from `clean()`, after the fields validated. NUL never gets this far: Django's
    CharField refuses it with its own message."""
    for name, value in list(form.cleaned_data.items()):
        if not isinstance(value, str):
            continue
        cleaned = clean_text(value)
        if cleaned == value:
            continue
        field = form.fields.get(name)
        if isinstance(field, forms.CharField) and field.strip:
            cleaned = cleaned.strip()
        if field is not None and field.required and not cleaned:
            # Nothing but control characters: as empty as an empty field.
            form.add_error(name, forms.ValidationError(field.error_messages["required"]))
            continue
        form.cleaned_data[name] = cleaned
