"""The arithmetic of unit scoring (评价办法), pure: no Django, no database.

`figures.py` feeds it one grouped count per indicator for every unit at once (how many items
an indicator counted for the unit, and how many of them met it); everything here works on those
plain numbers:

- an indicator's value is `met / counted` in percent, or **no data** (`None`) when it counted
  nothing for the unit: never 0, never full marks;
- a **points** scheme weighs indicators; the weights must add up to the scheme's total
  (100 by default), otherwise `SchemeError` says by how much they are off. A unit's score is
  the weighted sum of the indicators it has data for, rescaled to the total, and says which
  share of the weight it rests on; with no data for any of them the score is no data;
- a **gates** scheme has gates, each good / pass / fail by its conditions; any failed gate
  fails the unit; a gate whose indicators have no data for a unit is no data, and a unit with no
  data in every gate has no result.

Definitions are plain dicts (stored as JSON on `models.Scheme`):

    points: {"total": 100, "items": [{"indicator": "reply_on_time", "weight": 20,
                                      "label": "办理速度"}, ...]}
    gates:  {"gates": [{"label": "签收", "good": [["sign_on_time", ">=", 100]],
                        "pass": [["sign_on_time", ">=", 90]]}, ...]}

A gate is good when all its good conditions hold, else pass when all its pass conditions hold
(an empty pass list: every unit short of good passes), else it fails.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

POINTS = "points"
GATES = "gates"
STYLES = (POINTS, GATES)

GOOD, PASS, FAIL, NO_DATA = "good", "pass", "fail", "no_data"
# A unit's place in a gates ranking: good before pass before fail; no data last.
GATE_ORDER = {GOOD: 0, PASS: 1, FAIL: 2, NO_DATA: 3}

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
# Weights are compared with this tolerance (a weight of 33.33 three times is 99.99).
WEIGHT_TOLERANCE = 0.01


class SchemeError(ValueError):
    """A scheme definition that cannot be used, with the reason in words."""


@dataclass(frozen=True)
class Period:
    """The days counted: `start` to `end` inclusive. An open item is judged `as_of` a day: the
    day after the end once the period is over, today while it runs; a due date before that day
    has passed."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return cls(start, following - datetime.timedelta(days=1))

    def as_of(self, today: datetime.date) -> datetime.date:
        return min(self.end + datetime.timedelta(days=1), today)


@dataclass(frozen=True)
class Tally:
    """One indicator for one unit: how many items it counted and how many met it."""

    counted: int = 0
    met: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.counted + other.counted, self.met + other.met)

    @property
    def value(self) -> float | None:
        """Met / counted in percent (one decimal); None (no data) when nothing was counted."""
        if self.counted <= 0:
            return None
        return round(100 * self.met / self.counted, 1)


@dataclass(frozen=True)
class Indicator:
    """What the arithmetic needs to know of an indicator: is a higher value better?"""

    key: str
    higher_is_better: bool = True

    def points_value(self, value: float) -> float:
        """The value as a share of full marks (a lower-is-better share is turned round)."""
        return value if self.higher_is_better else 100.0 - value


# --- checking a definition ---------------------------------------------------------------------


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(f"{what} must be a number, not {value!r}.")
    return float(value)


def check(style: str, definition: Mapping[str, Any], known: Iterable[str]) -> None:
    """Raise SchemeError unless `definition` is a usable scheme of `style` over the indicators
    `known`."""
    names = set(known)
    if style == POINTS:
        _check_points(definition, names)
    elif style == GATES:
        _check_gates(definition, names)
    else:
        raise SchemeError(f"Unknown scheme style {style!r}: use one of {', '.join(STYLES)}.")


def _check_points(definition: Mapping[str, Any], names: set[str]) -> None:
    items = definition.get("items")
    if not isinstance(items, list) or not items:
        raise SchemeError("A points scheme needs at least one weighted indicator.")
    total = _number(definition.get("total", 100), "The total")
    if total <= 0:
        raise SchemeError("The total must be more than 0.")
    weights = 0.0
    seen: set[str] = set()
    for item in items:
        key = item.get("indicator") if isinstance(item, Mapping) else None
        if key not in names:
            raise SchemeError(f"Unknown indicator {key!r}.")
        if key in seen:
            raise SchemeError(f"Indicator {key!r} is weighted twice.")
        seen.add(key)
        weight = _number(item.get("weight"), f"The weight of {key}")
        if weight <= 0:
            raise SchemeError(f"The weight of {key} must be more than 0.")
        weights += weight
    if abs(weights - total) > WEIGHT_TOLERANCE:
        raise SchemeError(
            f"The weights add up to {weights:g}, not {total:g}: "
            f"{'add' if weights < total else 'take off'} {abs(total - weights):g}."
        )


def _check_conditions(conditions: Any, names: set[str], where: str) -> None:
    if not isinstance(conditions, list):
        raise SchemeError(f"{where}: the conditions must be a list.")
    for condition in conditions:
        if not isinstance(condition, list | tuple) or len(condition) != 3:
            raise SchemeError(f"{where}: a condition is [indicator, operator, threshold].")
        key, op, threshold = condition
        if key not in names:
            raise SchemeError(f"{where}: unknown indicator {key!r}.")
        if op not in OPERATORS:
            raise SchemeError(f"{where}: unknown operator {op!r} (use {' '.join(OPERATORS)}).")
        if not 0 <= _number(threshold, f"{where}: the threshold") <= 100:
            raise SchemeError(f"{where}: a threshold is a percentage from 0 to 100.")


def _check_gates(definition: Mapping[str, Any], names: set[str]) -> None:
    gates = definition.get("gates")
    if not isinstance(gates, list) or not gates:
        raise SchemeError("A gates scheme needs at least one gate.")
    for number, gate in enumerate(gates, start=1):
        if not isinstance(gate, Mapping):
            raise SchemeError(f"Gate {number} is not a gate.")
        where = f"Gate {gate.get('label') or number}"
        if not gate.get("good"):
            raise SchemeError(f"{where} has no condition for good.")
        _check_conditions(gate.get("good"), names, where)
        _check_conditions(gate.get("pass", []), names, where)


def indicator_keys(style: str, definition: Mapping[str, Any]) -> list[str]:
    """The indicators a definition reads, in its order."""
    keys: list[str] = []
    if style == POINTS:
        keys = [item["indicator"] for item in definition.get("items", [])]
    else:
        for gate in definition.get("gates", []):
            for condition in [*gate.get("good", []), *gate.get("pass", [])]:
                keys.append(condition[0])
    return list(dict.fromkeys(keys))


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Part:
    """One weighted indicator or one gate of a unit's result."""

    label: str
    indicators: list[str]
    result: str | None = None  # gates: good / pass / fail / no_data
    weight: float | None = None  # points
    points: float | None = None  # points earned (None: no data)


@dataclass
class Score:
    """A unit's result under one scheme."""

    unit_id: int
    style: str
    parts: list[Part] = field(default_factory=list)
    score: float | None = None  # points: the rescaled total (None: no data)
    weight_covered: float = 0.0  # points: the weight of the indicators with data
    result: str = NO_DATA  # gates: good / pass / fail / no_data
    rank: int | None = None

    @property
    def has_data(self) -> bool:
        return self.score is not None if self.style == POINTS else self.result != NO_DATA


Values = Mapping[str, float | None]


def score_points(
    unit_id: int,
    definition: Mapping[str, Any],
    values: Values,
    indicators: Mapping[str, Indicator],
) -> Score:
    total = float(definition.get("total", 100))
    result = Score(unit_id=unit_id, style=POINTS)
    earned = 0.0
    for item in definition["items"]:
        key, weight = item["indicator"], float(item["weight"])
        value = values.get(key)
        part = Part(label=item.get("label") or key, indicators=[key], weight=weight)
        if value is not None:
            part.points = round(weight * indicators[key].points_value(value) / 100, 2)
            earned += part.points
            result.weight_covered += weight
        result.parts.append(part)
    if result.weight_covered > 0:
        result.score = round(earned * total / result.weight_covered, 1)
    return result


def _holds(conditions: Sequence[Sequence[Any]], values: Values) -> bool | None:
    """All conditions hold (True), one fails (False), or one has no data (None)."""
    for key, op, threshold in conditions:
        value = values.get(key)
        if value is None:
            return None
        if not OPERATORS[op](value, float(threshold)):
            return False
    return True


def gate_result(gate: Mapping[str, Any], values: Values) -> str:
    good = _holds(gate["good"], values)
    if good is None:
        return NO_DATA
    if good:
        return GOOD
    passed = _holds(gate.get("pass", []), values)
    if passed is None:
        return NO_DATA
    return PASS if passed else FAIL


def score_gates(unit_id: int, definition: Mapping[str, Any], values: Values) -> Score:
    result = Score(unit_id=unit_id, style=GATES)
    for number, gate in enumerate(definition["gates"], start=1):
        keys = list(dict.fromkeys(c[0] for c in [*gate["good"], *gate.get("pass", [])]))
        result.parts.append(
            Part(
                label=gate.get("label") or str(number),
                indicators=keys,
                result=gate_result(gate, values),
            )
        )
    outcomes = {part.result for part in result.parts}
    if FAIL in outcomes:
        result.result = FAIL
    elif outcomes == {NO_DATA}:
        result.result = NO_DATA
    elif PASS in outcomes or NO_DATA in outcomes:
        # A gate without data cannot make the unit good; the others decide pass or fail.
        result.result = PASS
    else:
        result.result = GOOD
    return result


def score(
    unit_id: int,
    style: str,
    definition: Mapping[str, Any],
    values: Values,
    indicators: Mapping[str, Indicator],
) -> Score:
    if style == POINTS:
        return score_points(unit_id, definition, values, indicators)
    return score_gates(unit_id, definition, values)


def values_of(tallies: Mapping[str, Mapping[int, Tally]], unit_id: int) -> dict[str, float | None]:
    """One unit's indicator values from the grouped tallies of every indicator."""
    return {key: per_unit.get(unit_id, Tally()).value for key, per_unit in tallies.items()}


def rank(scores: list[Score]) -> list[Score]:
    """Order units best first and number them (equal results share a rank); units with no
    data come last, unranked."""

    def key(s: Score) -> tuple[int, float]:
        if s.style == POINTS:
            return (0 if s.score is not None else 1, -(s.score or 0.0))
        good = sum(1 for p in s.parts if p.result == GOOD)
        return (GATE_ORDER[s.result], -float(good))

    ordered = sorted(scores, key=lambda s: (*key(s), s.unit_id))
    previous: tuple[int, float] | None = None
    place = 0
    for position, s in enumerate(ordered, start=1):
        if not s.has_data:
            s.rank = None
            continue
        if key(s) != previous:
            place, previous = position, key(s)
        s.rank = place
    return ordered
