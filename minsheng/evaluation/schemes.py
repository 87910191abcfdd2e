"""Making and choosing scheme versions: every change is a new version, a year uses one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from minsheng.evaluation import scoring
from minsheng.evaluation.indicators import INDICATORS
from minsheng.evaluation.models import Scheme, YearScheme
from minsheng.evaluation.presets import PRESETS
from minsheng.people.models import Jurisdiction, User


def create(
    jurisdiction: Jurisdiction,
    *,
    code: str,
    name: str,
    style: str,
    definition: dict[str, Any],
    by: User | None = None,
    description: str = "",
    source: str = "",
) -> Scheme:
    """A new scheme, or the next version of the scheme with this code. Raises SchemeError
    (with the reason) for a definition that cannot be used."""
    scoring.check(style, definition, INDICATORS)
    with transaction.atomic():
        last = (
            Scheme.objects.select_for_update()
            .filter(jurisdiction=jurisdiction, code=code)
            .aggregate(v=Max("version"))["v"]
        )
        return Scheme.objects.create(
            jurisdiction=jurisdiction,
            code=code,
            version=(last or 0) + 1,
            name=name,
            style=style,
            definition=definition,
            description=description,
            source=source,
            created_by=by,
        )


def revise(scheme: Scheme, *, by: User | None = None, **changes: Any) -> Scheme:
    """Edit a scheme: the next version with the changes; the old one stays as it was (the
    years that use it keep it until they are pointed at the new one)."""
    values = {
        "name": scheme.name,
        "style": scheme.style,
        "definition": scheme.definition,
        "description": scheme.description,
        "source": scheme.source,
        **changes,
    }
    return create(scheme.jurisdiction, code=scheme.code, by=by, **values)


def latest(jurisdiction_id: int) -> list[Scheme]:
    """The newest version of each scheme of a congress."""
    rows = list(Scheme.objects.filter(jurisdiction_id=jurisdiction_id).order_by("code", "-version"))
    newest: dict[str, Scheme] = {}
    for row in rows:
        newest.setdefault(row.code, row)
    return list(newest.values())


def use_for_year(jurisdiction: Jurisdiction, year: int, scheme: Scheme) -> YearScheme:
    if scheme.jurisdiction_id != jurisdiction.pk:
        raise scoring.SchemeError("The scheme belongs to another congress.")
    row, _created = YearScheme.objects.update_or_create(
        jurisdiction=jurisdiction, year=year, defaults={"scheme": scheme}
    )
    return row


def for_year(jurisdiction_id: int, year: int) -> Scheme | None:
    row = (
        YearScheme.objects.filter(jurisdiction_id=jurisdiction_id, year=year)
        .select_related("scheme")
        .first()
    )
    return row.scheme if row else None


def load_presets(jurisdiction: Jurisdiction, *, by: User | None = None) -> list[Scheme]:
    """The three presets of DOMAIN.md §6 for a congress (version 1 each); idempotent: a preset
    already there, in any version, is left as it is."""
    made = []
    for code, preset in PRESETS.items():
        if Scheme.objects.filter(jurisdiction=jurisdiction, code=code).exists():
            continue
        made.append(create(jurisdiction, code=code, by=by, **preset))
    return made
