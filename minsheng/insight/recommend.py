"""The routing recommender: which handling units (and which category) a suggestion's text
points to, with scores and the words behind each.

Trained from the suggestions already assigned (the final lead unit of each, after any
adjustment, is the label; staff's corrections of earlier recommendations are among them, so
each training learns from them), plus one document per unit made of its duty description
(职责): a unit with no history yet can still be recommended, and with too little history
(`MIN_HISTORY`) the model is marked *cold start*, so pages can say so. The model is saved with
joblib, with its format, version (the training time as an id) and training date, and a file of
another format is refused rather than misread.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core); the Django adapter is
`minsheng.insight.adapter`.
"""

from __future__ import annotations

import datetime
import os
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.insight.textmodel import Doc, Scored, TextModel, prepare

__all__ = [
    "FORMAT",
    "MIN_HISTORY",
    "Example",
    "ModelError",
    "Recommendation",
    "RoutingModel",
    "train",
]

FORMAT = "minsheng-routing/1"
MIN_HISTORY = 50  # fewer assigned suggestions than this: the duty descriptions lead

Progress = Callable[[str, int, int], None]


class ModelError(Exception):
    """A saved model that cannot be used (missing, another format, unreadable)."""


@dataclass(frozen=True)
class Example:
    title: str
    body: str
    unit: int
    category: int | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Recommendation:
    units: tuple[Scored, ...]
    categories: tuple[Scored, ...]
    model_version: str
    cold_start: bool


@dataclass
class RoutingModel:
    unit_model: TextModel
    category_model: TextModel | None
    version: str
    trained_at: str  # ISO 8601, UTC
    history: int  # assigned suggestions it learnt from
    duty_units: int  # units whose duty description it read
    cold_start: bool
    unit_names: dict[int, str] = field(default_factory=dict)
    category_names: dict[int, str] = field(default_factory=dict)
    train_s: float = 0.0
    format: str = FORMAT

    def recommend(self, title: str, body: str = "", *, k: int = 3) -> Recommendation:
        doc = prepare(title, body)
        return self.recommend_doc(doc, k=k)

    def recommend_doc(self, doc: Doc, *, k: int = 3) -> Recommendation:
        if not doc.words:  # empty, punctuation or digits only: nothing to go on
            return Recommendation((), (), self.version, self.cold_start)
        units = tuple(self.unit_model.top(doc, k))
        categories = tuple(self.category_model.top(doc, 1)) if self.category_model else ()
        return Recommendation(units, categories, self.version, self.cold_start)

    def save(self, path: Path) -> None:
        """Write atomically (a page reading the old file never sees half a new one)."""
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".routing-", suffix=".tmp")
        os.close(fd)
        try:
            joblib.dump(self, tmp, compress=3)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: Path) -> RoutingModel:
        import joblib

        if not path.is_file():
            raise ModelError(f"no model at {path}")
        try:
            model = joblib.load(path)
        except Exception as error:  # a truncated or foreign file: say so, never crash a page
            raise ModelError(f"{path}: unreadable model ({error.__class__.__name__})") from error
        if not isinstance(model, cls) or getattr(model, "format", None) != FORMAT:
            raise ModelError(f"{path}: not a {FORMAT} model")
        return model


def train(
    examples: Sequence[Example],
    duties: dict[int, str],
    *,
    unit_names: dict[int, str] | None = None,
    category_names: dict[int, str] | None = None,
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> RoutingModel:
    """A routing model from the history and the units' duty descriptions."""
    step = progress or (lambda _stage, _done, _total: None)
    docs: list[Doc] = []
    units: list[Hashable] = []
    weights: list[float] = []
    for i, example in enumerate(examples):
        docs.append(prepare(example.title, example.body))
        units.append(example.unit)
        weights.append(example.weight)
        if i % 200 == 0:
            step("reading", i, len(examples))
    step("reading", len(examples), len(examples))
    history = len(docs)
    duty_units = 0
    for unit, text in sorted(duties.items()):
        doc = prepare(text)
        if doc.words:
            docs.append(doc)
            units.append(unit)
            weights.append(1.0)
            duty_units += 1
    if not docs:
        raise ModelError("nothing to learn from: no assigned suggestions and no duty descriptions")
    unit_model = TextModel().fit(docs, units, sample_weight=weights, progress=progress)
    # The category over the same features (history only: duty documents have none).
    labelled = [(i, e.category) for i, e in enumerate(examples) if e.category]
    category_model = None
    if len({c for _, c in labelled}) >= 2:
        category_model = unit_model.head([i for i, _ in labelled], [c for _, c in labelled])
    del unit_model.train_matrix
    when = now or datetime.datetime.now(datetime.UTC)
    return RoutingModel(
        unit_model=unit_model,
        category_model=category_model,
        version=f"{when:%Y%m%d%H%M%S}-{secrets.token_hex(2)}",
        trained_at=when.isoformat(timespec="seconds"),
        history=history,
        duty_units=duty_units,
        cold_start=history < MIN_HISTORY,
        unit_names=dict(unit_names or {}),
        category_names=dict(category_names or {}),
        train_s=unit_model.train_s + (category_model.train_s if category_model else 0.0),
    )


def label_counts(examples: Sequence[Example]) -> Counter[int]:
    return Counter(e.unit for e in examples)
