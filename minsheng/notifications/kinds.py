"""Every kind of notification, declared once: its name, the label people choose by in their
preferences, and the title and message templates, rendered from the notification's `params`
in the reader's language: the inbox and the API the language of the page or request, email,
SMS and the robots the recipient's (`User.language`, else the site's).

Event kinds are declared in `events.py` and reminder kinds in `reminders.py`, each next to the
rule that makes it; both register here, so the preferences page and the API list them all.
Parameters ending in `_date` are ISO dates and are shown as dates (2026年3月5日).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

Label = Any  # a lazily translated string


@dataclass(frozen=True)
class Kind:
    name: str
    label: Label  # what the preferences page lists
    title: Label  # "%(number)s: …" with named placeholders from params
    body: Label
    audience: Label  # who gets it, for the preferences page and the README table
    reminder: bool = False
    # Other words for some outcomes, chosen by params["variant"] (approved / rejected…).
    variants: tuple[tuple[str, Label, Label], ...] = ()
    choosable: bool = True  # offered in the preferences (the digest itself is not)

    def templates(self, variant: str | None) -> tuple[Label, Label]:
        for name, title, body in self.variants:
            if name == variant:
                return title, body
        return self.title, self.body


KINDS: dict[str, Kind] = {}


def declare(kind: Kind) -> Kind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name} is declared twice")
    KINDS[kind.name] = kind
    return kind


def choosable() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.choosable]


def _shown(params: dict[str, Any]) -> dict[str, Any]:
    shown = {}
    for name, value in params.items():
        if name.endswith("_date") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        shown[name] = value
    return shown


def render(
    kind_name: str, params: dict[str, Any], fallback: tuple[str, str] = ("", "")
) -> tuple[str, str]:
    """(title, message) in the active language; the stored words if the kind is gone or the
    params no longer fit its templates."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return fallback
    values = _shown(params)
    title, body = kind.templates(params.get("variant"))
    try:
        return str(title) % values, str(body) % values
    except (KeyError, TypeError, ValueError):
        return fallback


DIGEST = declare(
    Kind(
        "digest",
        _("Daily digest"),
        _("Minsheng: %(count)s messages today"),
        "%(lines)s",
        _("people who chose a daily digest"),
        choosable=False,
    )
)
