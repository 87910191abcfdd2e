"""The page form of any declared action, built from its declaration (`Action.inputs`).

One class serves every action: the fields, labels, help texts, choices and initial values come
from the inputs, the choice of sub-object (which of the person's units, which reply, which
request) from the action's `Subject`, and the declared checks become field errors. The form
only checks and converts what the person typed; `workflow_kwargs()` hands it to the action's
typed function, whose runner applies the same declaration again. Every action form carries the
record's version, so a change made by someone else in the meantime is a clear conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from minsheng.engine.actions import Action, Attempt, Registry
from minsheng.engine.inputs import refusals
from minsheng.lib.forms import clean_text_fields


class FieldGroup:
    """Some of a form's fields, for templates that lay a form out in parts."""

    def __init__(self, form: forms.Form, names: Iterable[str]) -> None:
        self.form, self.names = form, list(names)

    def hidden_fields(self) -> list[Any]:
        return []

    def visible_fields(self) -> list[Any]:
        return [self.form[name] for name in self.names if name in self.form.fields]


class ActionForm(forms.Form):
    """The page form of `action` on `obj` for `user`, from the action's declaration."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, registry: Registry[Any], obj: Any, user: Any, action: str, **kwargs: Any
    ) -> None:
        self.registry, self.obj, self.user, self.action = registry, obj, user, action
        self.declaration: Action = registry[action]
        self.attempt: Attempt[Any] = registry.attempt(action, obj, user)
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        subject = self.declaration.subject
        self.options: list[Any] = subject.options(self.attempt) if subject else []
        super().__init__(*args, **kwargs)
        if subject is not None and (subject.required or len(self.options) > 1):
            self.fields[subject.name] = forms.TypedChoiceField(
                label=subject.label,
                coerce=int,
                choices=[(o.pk, subject.describe(o)) for o in self.options],
            )
            self.order_fields([subject.name])
        # The inputs read the chosen sub-object (the draft of the unit chosen, its request).
        self.attempt.subject = self.chosen()
        initial: dict[str, Any] = {"expected_version": obj.version}
        if subject is not None and self.options:
            initial[subject.name] = self.options[0].pk
        for item in self.inputs:
            self.fields.update(item.form_fields(self.attempt))
            initial.update(item.form_initial(self.attempt))
        if self.declaration.prefill is not None:
            initial.update(self.declaration.prefill(self.attempt))
        self.initial = {**initial, **self.initial}

    @property
    def inputs(self) -> list[Any]:
        return [item for item in self.declaration.inputs if item.page]

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)  # control characters removed at the door (minsheng.lib.text)
        if self.errors:
            return self.cleaned_data
        self.attempt.subject = self.chosen()
        for item in self.inputs:
            for name, message in item.form_errors(self.cleaned_data, self.attempt):
                self.add_error(name, message)
        if self.errors:
            return self.cleaned_data
        for name, message in refusals(self.declaration, self.values(every=True), self.attempt):
            self.add_error(name if name in self.fields else None, message)
        return self.cleaned_data

    def values(self, *, every: bool = False) -> dict[str, Any]:
        """The inputs as the typed function's keyword arguments (`every`: with the page-only
        ones, for the checks)."""
        return {
            item.name: item.from_form(self.cleaned_data, self.attempt)
            for item in self.inputs
            if item.keyword or every
        }

    def subject_kwargs(self) -> dict[str, Any]:
        """The chosen sub-object, as the workflow function's keyword (`assignment_id`…)."""
        subject = self.declaration.subject
        if subject is None:
            return {}
        chosen = self.cleaned_data.get(subject.name)
        return {subject.field: chosen} if chosen else {}

    def workflow_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the typed function, besides `by` and `expected_version`."""
        return {**self.subject_kwargs(), **self.values()}

    def chosen(self) -> Any:
        """The sub-object the person chose (or the first one offered)."""
        subject = self.declaration.subject
        if subject is None:
            return None
        picked = self.cleaned_data.get(subject.name) if hasattr(self, "cleaned_data") else None
        if picked is None and self.is_bound:
            try:
                picked = int(self.data.get(subject.name, ""))
            except (TypeError, ValueError):
                picked = None
        for obj in self.options:
            if obj.pk == picked:
                return obj
        return self.options[0] if self.options else None

    def part(self, *names: str) -> FieldGroup:
        return FieldGroup(self, names)

    @property
    def parts(self) -> dict[str, FieldGroup]:
        """The inputs' own layout groups (a composite input's page fields), by name."""
        found: dict[str, FieldGroup] = {}
        for item in self.inputs:
            for key, names in getattr(item, "parts", {}).items():
                found[key] = FieldGroup(self, names)
            if not getattr(item, "parts", None):
                found[item.name] = FieldGroup(self, [item.name])
        return found

    @property
    def needs_input(self) -> bool:
        return bool(self.visible_fields())
