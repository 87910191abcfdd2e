"""An action's inputs, declared once: the page form's fields and the API body's fields are both
built from these (`minsheng.engine.forms`, `minsheng.engine.schemas`)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Label = Any  # a lazily translated string


class Kind(enum.StrEnum):
    TEXT = "text"  # several lines
    LINE = "line"  # one line
    BOOL = "bool"
    DATE = "date"
    CHOICE = "choice"  # one of `choices`
    REF = "ref"  # another object, by id in the API, picked from `options` on the page


@dataclass(frozen=True)
class Input:
    """One input of an action.

    `choices` are (value, label) pairs; `options(attempt)` lists the objects a REF may name on
    the page (the API resolves the id itself). `page` / `api` say where the input exists:
    a few inputs are only the API's (an assignment date given by id…) or only the page's."""

    name: str
    kind: Kind
    label: Label = ""
    required: bool = True
    default: Any = None
    help: Label = ""  # under the page field
    description: str = ""  # in the API schema (English)
    choices: Sequence[tuple[str, Label]] | Callable[[], Sequence[tuple[str, Label]]] = ()
    max_length: int | None = None
    rows: int = 3
    radio: bool = False
    page: bool = True
    api: bool = True

    def choice_list(self) -> list[tuple[str, Label]]:
        found = self.choices() if callable(self.choices) else self.choices
        return list(found)

    def values(self) -> list[str]:
        return [value for value, _label in self.choice_list()]


def text(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.TEXT, label, **options)


def line(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.LINE, label, **options)


def boolean(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.BOOL, label, **options)


def date(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.DATE, label, **options)


def choice(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.CHOICE, label, **options)


def ref(name: str, label: Label = "", **options: Any) -> Input:
    return Input(name, Kind.REF, label, **options)
