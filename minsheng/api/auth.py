from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from minsheng.people.models import ApiToken


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


class ActiveSession(SessionAuth):
    """The signed-in browser session (CSRF-checked for unsafe methods by django-ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user
