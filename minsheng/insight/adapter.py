"""The Django side of the routing recommender: read the history and the units' duties from the
database, train and save one model per jurisdiction, load it (once per file version) and
recommend for a suggestion. The model itself is `minsheng.insight.recommend` (no Django)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from minsheng.insight.recommend import Example, ModelError, Recommendation, RoutingModel, train
from minsheng.people.models import Jurisdiction, Organisation
from minsheng.suggestions.models import Assignment, Category, Suggestion

__all__ = ["examples", "load_model", "model_path", "recommend", "train_jurisdiction"]

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]

_lock = threading.Lock()
_models: dict[Path, tuple[float, RoutingModel | None]] = {}
_recommended: dict[tuple[int, int, str], Recommendation] = {}
RECOMMENDATION_CACHE = 5000


def model_path(jurisdiction_id: int) -> Path:
    return Path(settings.INSIGHT_MODEL_DIR) / f"routing-{jurisdiction_id}.joblib"


def load_model(jurisdiction_id: int) -> RoutingModel | None:
    """The jurisdiction's saved model, read again only when the file changes; None when there
    is none or it cannot be read (logged: a page then falls back to the routing table)."""
    path = model_path(jurisdiction_id)
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    cached = _models.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        try:
            model: RoutingModel | None = RoutingModel.load(path)
        except ModelError as error:
            log.warning("routing model not used: %s", error)
            model = None
        _models[path] = (stamp, model)
    return model


def examples(jurisdiction_id: int) -> list[Example]:
    """Every assigned suggestion with its final lead unit (or its first separately handling
    unit): the answer staff gave, after any adjustment."""
    rows = (
        Assignment.objects.filter(
            suggestion__jurisdiction_id=jurisdiction_id,
            state__in=Assignment.ACTIVE_STATES,
            mode__in=(Assignment.Mode.LEAD, Assignment.Mode.SEPARATE),
        )
        .order_by("suggestion_id", "mode", "pk")
        .values_list(
            "suggestion_id",
            "suggestion__title",
            "suggestion__body",
            "unit_id",
            "suggestion__category_id",
        )
    )
    found: dict[int, Example] = {}
    for pk, title, body, unit, category in rows.iterator(chunk_size=2000):
        if pk not in found:  # lead sorts before separate: one label per suggestion
            found[pk] = Example(title, body, unit, category)
    return list(found.values())


def duties(jurisdiction_id: int) -> dict[int, str]:
    """Each active handling unit's name and duty description: its document for cold start."""
    return {
        pk: f"{name}。{text}"
        for pk, name, text in Organisation.objects.handling_units()
        .filter(jurisdiction_id=jurisdiction_id)
        .values_list("pk", "name", "duties")
    }


def train_jurisdiction(
    jurisdiction: Jurisdiction, progress: Progress | None = None
) -> RoutingModel:
    history = examples(jurisdiction.pk)
    units = dict(Organisation.objects.filter(jurisdiction=jurisdiction).values_list("pk", "name"))
    categories = {c.pk: str(c) for c in Category.objects.filter(jurisdiction=jurisdiction)}
    model = train(
        history,
        duties(jurisdiction.pk),
        unit_names=units,
        category_names=categories,
        progress=progress,
    )
    model.save(model_path(jurisdiction.pk))
    return model


def recommend(suggestion: Suggestion, model: RoutingModel | None = None) -> Recommendation | None:
    """The recommendation for a suggestion's title and body (cached per suggestion version and
    model version), or None without a model."""
    model = model or load_model(suggestion.jurisdiction_id)
    if model is None:
        return None
    key = (suggestion.pk or 0, suggestion.version or 0, model.version)
    found = _recommended.get(key) if suggestion.pk else None
    if found is None:
        found = model.recommend(suggestion.title, suggestion.body, k=5)
        if suggestion.pk:
            if len(_recommended) >= RECOMMENDATION_CACHE:
                _recommended.clear()
            _recommended[key] = found
    return found
