"""What a change request changes, as the event log keeps it: for each changed field its
`before` and `after` as shown to people, and the `value` to apply (JSON, so the request and
the event hold the same thing)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from minsheng.ledger import progress
from minsheng.ledger.models import LedgerItem
from minsheng.people.models import Organisation

FIELDS = (
    "title",
    "description",
    "starts_on",
    "ends_on",
    "pace",
    "responsible_unit",
    "responsible_person",
    "lead_leader",
    "leader_in_charge",
    "co_units",
    "budget",
    "location",
    "milestones",
)


def _steps_text(item: LedgerItem) -> str:
    return progress.format_milestones(
        progress.Step(m.title, m.due, m.weight, m.done_on is not None)
        for m in item.milestones.all()
    )


def _normal_milestones(text: str) -> str:
    try:
        return progress.format_milestones(progress.parse_milestones(text or ""))
    except progress.PlanError:
        return (text or "").strip()


def current(item: LedgerItem) -> dict[str, Any]:
    """The item's changeable values as JSON-able values."""
    return {
        "title": item.title,
        "description": item.description,
        "starts_on": item.starts_on.isoformat(),
        "ends_on": item.ends_on.isoformat() if item.ends_on else None,
        "pace": item.pace,
        "responsible_unit": item.responsible_unit_id,
        "responsible_person": item.responsible_person,
        "lead_leader": item.lead_leader,
        "leader_in_charge": item.leader_in_charge,
        "co_units": sorted(item.co_units.values_list("pk", flat=True)),
        "budget": str(item.budget) if item.budget is not None else None,
        "location": item.location,
        "milestones": _steps_text(item),
    }


def _as_json(name: str, value: Any) -> Any:
    if name == "milestones":
        return _normal_milestones(value or "")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.01")))
    if name == "responsible_unit":
        return getattr(value, "pk", value)
    if name == "co_units":
        return sorted(getattr(u, "pk", u) for u in value or ())
    if isinstance(value, str):
        return value.strip()
    return value


def _shown(name: str, value: Any, units: Mapping[int, str]) -> Any:
    if name == "responsible_unit":
        return units.get(value, "") if value else ""
    if name == "co_units":
        return "、".join(units.get(pk, str(pk)) for pk in value)
    if name == "pace":
        return str(dict(LedgerItem.Pace.choices).get(value, value))
    return "" if value is None else value


def diff(item: LedgerItem, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields `values` would change, with before/after for people and the value to apply."""
    before = current(item)
    changed: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        if name not in values:
            continue
        after = _as_json(name, values[name])
        if after in ("", None) and before[name] in ("", None):
            continue
        if after != before[name]:
            changed[name] = {"old": before[name], "value": after}
    unit_ids = set()
    for name in ("responsible_unit", "co_units"):
        for side in changed.get(name, {}).values():
            unit_ids |= set(side if isinstance(side, list) else [side] if side else [])
    units = dict(Organisation.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    for name, change in changed.items():
        change["before"] = _shown(name, change.pop("old"), units)
        change["after"] = _shown(name, change["value"], units)
    return changed
