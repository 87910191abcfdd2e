"""The role-aware home page ("my work") is assembled from panels. Each app registers a panel
provider; a provider returns zero or more panels for the person, so the home page grows with
the product without the people app knowing about suggestions or ledgers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Panel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    role: str = ""


PanelProvider = Callable[[HttpRequest], list[Panel]]
_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest) -> list[Panel]:
    found: list[Panel] = []
    for provider in _providers:
        found.extend(provider(request))
    return sorted(found, key=lambda panel: panel.order)
