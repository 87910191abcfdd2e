"""An action's inputs, declared once with the action (`Action.inputs`, `Action.checks`).

Each input knows the page form field it becomes, the API body field it becomes and how either
value turns into the keyword argument the action's typed function takes; a `Check` is a rule
over the inputs with its message, attached to one field. From the declaration:

- `ActionForm` (`minsheng.engine.forms`) builds the page form: its fields, labels, help,
  choices (per record: `Ref.options`), initial values, and the checks as field errors;
- `body_model()` builds the API body (a pydantic model named `<Action>In`, so the OpenAPI
  schema shows it) and `from_api()` turns a validated body into keyword arguments, resolving the
  ids of `Ref` inputs through the same `options` the page offers;
- the runner (`run(..., inputs=…)`) refuses a blank required input, a value outside a choice
  and a failed check with `Invalid` (422), so code that calls the typed function directly meets
  the same rules in the same words.

Kinds: `Text` (a textarea), `Line` (one line), `Choice`, `Flag` (a checkbox, or a yes/no
radio), `Day` (a date), `Number` (a whole or decimal number within bounds), `Ref` (one object
among `options`), `Refs` (several of them), `Files` (page only). An app adds a
composite kind by subclassing `Input` (the assignment plan: several page fields, one API list).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, Literal

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from pydantic import ConfigDict, create_model
from pydantic import Field as PydanticField

from minsheng.engine.errors import Invalid
from minsheng.lib.schema_text import CleanStr, Id

if TYPE_CHECKING:
    from minsheng.engine.actions import Action, Attempt

Label = Any  # a lazily translated string (gettext_lazy)
NOTHING: Any = type("Nothing", (), {"__repr__": lambda self: "NOTHING"})()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


@dataclass(frozen=True)
class Input:
    """One input: `name` is the keyword of the action's typed function, the page field's name
    and the API body's key."""

    name: str
    _: KW_ONLY
    label: Label = ""
    required: bool = True
    help: Label = ""  # the page's help text
    doc: str = ""  # the API field's description (English, like the rest of the API docs)
    # The refusal when a required input is blank (page and runner alike).
    blank: Label = ""
    page: bool = True
    api: bool = True
    # When given, the API field may be left out and takes this value (the page still asks).
    api_default: Any = NOTHING
    # The page's initial value, from the record (and the chosen sub-object).
    initial: Callable[[Attempt[Any]], Any] | None = None
    # Passed to the typed function (files are stored by the page after the action instead).
    keyword: bool = True

    empty: Any = None  # the value of a left-out optional input

    # -- page --

    def form_fields(self, attempt: Attempt[Any]) -> dict[str, forms.Field]:
        field = self.form_field(attempt)
        if self.label:
            field.label = self.label
        if self.help:
            field.help_text = self.help
        if self.blank:
            field.error_messages["required"] = self.blank
        return {self.name: field}

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        raise NotImplementedError

    def form_initial(self, attempt: Attempt[Any]) -> dict[str, Any]:
        if self.initial is None:
            return {}
        return {self.name: self.initial(attempt)}

    def from_form(self, cleaned: Mapping[str, Any], attempt: Attempt[Any]) -> Any:
        return cleaned.get(self.name, self.empty)

    def form_errors(
        self, cleaned: Mapping[str, Any], attempt: Attempt[Any]
    ) -> list[tuple[str, str]]:
        """Errors only a composite input can see (several page fields together)."""
        return []

    # -- API --

    def api_type(self) -> Any:
        raise NotImplementedError

    def api_field(self) -> tuple[Any, Any]:
        annotation = self.api_type()
        description = self.doc or None
        if self.required and self.api_default is NOTHING:
            return annotation, PydanticField(description=description)
        default = self.empty if self.api_default is NOTHING else self.api_default
        if default is None:
            annotation = annotation | None
        return annotation, PydanticField(default, description=description)

    def from_api(self, value: Any, attempt: Attempt[Any]) -> Any:
        return value

    # -- the runner: what every caller's value must satisfy --

    def is_blank(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def refusal(self, value: Any, attempt: Attempt[Any]) -> str | None:
        if self.required and self.is_blank(value):
            return str(self.blank or _("“%(field)s” is required.") % {"field": self.label})
        return None


@dataclass(frozen=True, kw_only=True)
class Text(Input):
    rows: int = 3
    max_length: int = 20000
    empty: Any = ""

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return forms.CharField(
            required=self.required,
            max_length=self.max_length,
            widget=forms.Textarea(attrs={"rows": self.rows}),
        )

    def api_type(self) -> Any:
        from typing import Annotated

        return Annotated[CleanStr, PydanticField(max_length=self.max_length)]


@dataclass(frozen=True, kw_only=True)
class Line(Text):
    max_length: int = 200

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return forms.CharField(required=self.required, max_length=self.max_length)


@dataclass(frozen=True, kw_only=True)
class Choice(Input):
    choices: Sequence[tuple[str, Label]] = ()
    radio: bool = False
    blank_label: Label = ""  # the empty option of an optional choice
    empty: Any = ""

    def values(self) -> list[str]:
        return [value for value, _label in self.choices]

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        choices = list(self.choices)
        if not self.required:
            choices = [("", self.blank_label or "—"), *choices]
        widget = forms.RadioSelect if self.radio else forms.Select
        return forms.ChoiceField(required=self.required, choices=choices, widget=widget)

    def api_type(self) -> Any:
        values = tuple(self.values())
        if not self.required:
            values = (*values, "")
        return Literal[values]  # type: ignore[valid-type]

    def refusal(self, value: Any, attempt: Attempt[Any]) -> str | None:
        if not self.required and value in ("", None):
            return None
        if value not in self.values():
            return str(self.blank or _("Choose “%(field)s” from the list.") % {"field": self.label})
        return None


def _yes(value: Any) -> bool:
    return value in (True, "yes", "True", "true", "1", "on")


@dataclass(frozen=True, kw_only=True)
class Flag(Input):
    """A yes/no input. As a checkbox, `required` means it must be ticked; with `radio` (the
    yes and no labels) it means the person must answer."""

    radio: tuple[Label, Label] | None = None
    required: bool = False
    empty: Any = False

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        if self.radio is None:
            return forms.BooleanField(required=self.required)
        yes, no = self.radio
        return forms.TypedChoiceField(
            required=self.required,
            coerce=_yes,
            empty_value=None,
            choices=[("yes", yes), ("no", no)],
            widget=forms.RadioSelect,
        )

    def form_initial(self, attempt: Attempt[Any]) -> dict[str, Any]:
        found = super().form_initial(attempt)
        if self.radio is not None and self.name in found and isinstance(found[self.name], bool):
            found[self.name] = "yes" if found[self.name] else "no"
        return found

    def api_type(self) -> Any:
        return bool

    def is_blank(self, value: Any) -> bool:
        return value is None or (self.radio is None and value is False)


@dataclass(frozen=True, kw_only=True)
class Day(Input):
    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return forms.DateField(required=self.required, widget=DateInput())

    def api_type(self) -> Any:
        return datetime.date


@dataclass(frozen=True, kw_only=True)
class Number(Input):
    """A number between `minimum` and `maximum` (whole unless `decimal_places`): the page and
    the runner refuse one outside the bounds with the same words."""

    minimum: int | None = None
    maximum: int | None = None
    decimal_places: int = 0
    # The refusal for a value outside the bounds ("%(min)s", "%(max)s" may be used).
    bounds: Label = ""

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        if self.decimal_places:
            return forms.DecimalField(
                required=self.required, decimal_places=self.decimal_places, max_digits=14
            )
        return forms.IntegerField(required=self.required)

    def api_type(self) -> Any:
        return decimal.Decimal if self.decimal_places else int

    def _out_of_bounds(self) -> str:
        if self.bounds:
            return str(self.bounds) % {"min": self.minimum, "max": self.maximum}
        if self.minimum is not None and self.maximum is not None:
            message = _("“%(field)s” must be between %(min)s and %(max)s.")
        elif self.minimum is not None:
            message = _("“%(field)s” must be at least %(min)s.")
        else:
            message = _("“%(field)s” must be at most %(max)s.")
        return message % {"field": self.label, "min": self.minimum, "max": self.maximum}

    def refusal(self, value: Any, attempt: Attempt[Any]) -> str | None:
        found = super().refusal(value, attempt)
        if found or value is None:
            return found
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            return self._out_of_bounds()
        return None


class _ObjectChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, describe: Callable[[Any], str], **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


@dataclass(frozen=True, kw_only=True)
class Ref(Input):
    """One object among `options(attempt)` (the suggestion's congress's handling units, its
    active categories…): a select on the page, an id in the API resolved through the same
    options, so neither may name what the other would not offer."""

    options: Callable[[Attempt[Any]], models.QuerySet[Any]]
    unknown: Label = ""  # the refusal for an id that is not among the options ("%(id)s")
    describe: Callable[[Any], str] = str
    empty_label: Label = "—"

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return _ObjectChoice(
            queryset=self.options(attempt),
            required=self.required,
            describe=self.describe,
            empty_label=self.empty_label,
        )

    def api_type(self) -> Any:
        return Id

    def _unknown(self, value: Any) -> str:
        return str(self.unknown or _("No such choice for “%(field)s”: %(id)s.")) % {
            "field": self.label,
            "id": value,
        }

    def from_api(self, value: Any, attempt: Attempt[Any]) -> Any:
        if value is None:
            return None
        found = self.options(attempt).filter(pk=value).first()
        if found is None:
            raise Invalid(self._unknown(value))
        return found

    def refusal(self, value: Any, attempt: Attempt[Any]) -> str | None:
        """Code passes objects: one the page would not offer is refused as the API refuses
        an unknown id."""
        found = super().refusal(value, attempt)
        if found or value is None:
            return found
        pk = getattr(value, "pk", value)
        if not self.options(attempt).filter(pk=pk).exists():
            return self._unknown(pk)
        return None


class _ObjectsChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, describe: Callable[[Any], str], **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


@dataclass(frozen=True, kw_only=True)
class Refs(Ref):
    """Several objects among `options(attempt)`: checkboxes on the page, a list of ids in the
    API, resolved through the same options."""

    required: bool = False
    empty: Any = ()

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return _ObjectsChoice(
            queryset=self.options(attempt),
            required=self.required,
            describe=self.describe,
            widget=forms.CheckboxSelectMultiple,
        )

    def api_type(self) -> Any:
        return list[Id]

    def from_form(self, cleaned: Mapping[str, Any], attempt: Attempt[Any]) -> Any:
        return list(cleaned.get(self.name) or ())

    def from_api(self, value: Any, attempt: Attempt[Any]) -> Any:
        wanted = list(dict.fromkeys(value or ()))
        found = {obj.pk: obj for obj in self.options(attempt).filter(pk__in=wanted)}
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise Invalid(self._unknown(", ".join(str(pk) for pk in missing)))
        return [found[pk] for pk in wanted]

    def is_blank(self, value: Any) -> bool:
        return not value

    def refusal(self, value: Any, attempt: Attempt[Any]) -> str | None:
        if self.required and self.is_blank(value):
            return str(self.blank or _("“%(field)s” is required.") % {"field": self.label})
        pks = [getattr(obj, "pk", obj) for obj in value or ()]
        if not pks:
            return None
        known = set(self.options(attempt).filter(pk__in=pks).values_list("pk", flat=True))
        missing = [pk for pk in pks if pk not in known]
        return self._unknown(", ".join(str(pk) for pk in missing)) if missing else None


@dataclass(frozen=True, kw_only=True)
class Files(Input):
    """Files uploaded with the page form (the API sends files elsewhere)."""

    field: Callable[[], forms.Field]
    required: bool = False
    api: bool = False
    keyword: bool = False
    empty: Any = ()

    def form_field(self, attempt: Attempt[Any]) -> forms.Field:
        return self.field()


@dataclass(frozen=True)
class Check:
    """A rule over an action's inputs (and the attempt: the record, the chosen sub-object):
    `test` answers None, or the refusal shown on the page at `field`."""

    field: str
    test: Callable[[Mapping[str, Any], Attempt[Any]], str | None]


# --- what the runner, the page and the API share -----------------------------------------------


def refusals(
    action: Action, values: Mapping[str, Any], attempt: Attempt[Any]
) -> list[tuple[str, str]]:
    """Every (field, message) the declared inputs and checks refuse for these values."""
    found: list[tuple[str, str]] = []
    for item in action.inputs:
        if item.name not in values:
            continue
        reason = item.refusal(values[item.name], attempt)
        if reason:
            found.append((item.name, reason))
    failed = {name for name, _message in found}
    for check in action.checks:
        if check.field in failed:
            continue
        reason = check.test(values, attempt)
        if reason:
            found.append((check.field, str(reason)))
    return found


def validate(action: Action, values: Mapping[str, Any], attempt: Attempt[Any]) -> None:
    """Raise the first refusal as `Invalid` (the runner's input step)."""
    found = refusals(action, values, attempt)
    if found:
        raise Invalid(found[0][1])


def camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def body_model(action: Action, base: type[Any], prefix: str = "") -> type[Any]:
    """The API body of `action`: `<prefix><Action>In` (the prefix tells apart the bodies of
    two registries' actions of the same name), with `expected_version`, the sub-object's id
    (`assignment_id`, `reply_id`…) when the API names it, and every API input."""
    fields: dict[str, Any] = {}
    subject = action.subject
    if subject is not None and subject.api:
        if subject.required:
            fields[subject.field] = (Id, PydanticField(description=subject.description or None))
        else:
            fields[subject.field] = (
                Id | None,
                PydanticField(None, description=subject.description or None),
            )
    for item in action.inputs:
        if item.api:
            fields[item.name] = item.api_field()
    model: type[Any] = create_model(  # type: ignore[call-overload]
        f"{prefix}{camel(action.name)}In",
        __base__=base,
        __doc__=action.summary or None,
        **fields,
    )
    return model


def from_api(action: Action, payload: Any, attempt: Attempt[Any]) -> dict[str, Any]:
    """A validated API body as the typed function's keyword arguments (ids of `Ref` inputs
    resolved through their options; 422 for one that is not offered)."""
    kwargs: dict[str, Any] = {}
    subject = action.subject
    if subject is not None and subject.api:
        kwargs[subject.field] = getattr(payload, subject.field)
    for item in action.inputs:
        if item.api:
            kwargs[item.name] = item.from_api(getattr(payload, item.name), attempt)
    return kwargs


BODY_CONFIG = ConfigDict(extra="forbid")
