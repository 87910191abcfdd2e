"""Small declared state tables for the sub-objects an action changes (a unit's assignment, a
reply, a co-signing invitation, a request staff decide).

The parent record's actions go through the runner; the sub-objects they touch change state only
through `StateTable.move()`, which refuses a move the table does not declare. What must never be
false is also a database constraint on the model (see the models' `Meta.constraints`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from minsheng.engine.errors import Conflict


@dataclass(frozen=True)
class StateTable:
    """state → the states it may move to, for one model's `field`."""

    name: str
    moves: Mapping[str, frozenset[str]]
    field: str = "state"

    @classmethod
    def of(cls, name: str, moves: Mapping[str, Iterable[str]], field: str = "state") -> StateTable:
        return cls(name, {state: frozenset(to) for state, to in moves.items()}, field)

    @property
    def states(self) -> frozenset[str]:
        found = set(self.moves)
        for targets in self.moves.values():
            found |= targets
        return frozenset(found)

    def allows(self, source: str, target: str) -> bool:
        return target in self.moves.get(source, frozenset())

    def move(self, obj: Any, target: str, **values: Any) -> None:
        """Set the new state (and `values`) and save just those fields."""
        source = getattr(obj, self.field)
        if not self.allows(source, target):
            raise Conflict(
                _("A %(record)s cannot go from “%(source)s” to “%(target)s”.")
                % {"record": obj._meta.verbose_name, "source": source, "target": target}
            )
        setattr(obj, self.field, target)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save(update_fields=[self.field, *values])
