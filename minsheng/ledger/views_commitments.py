"""Commitment pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.suggestions.models import Suggestion


def panel(request: HttpRequest, s: Suggestion) -> dict[str, Any] | None:
    return None
