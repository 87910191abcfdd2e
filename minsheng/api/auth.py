from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

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
    """The signed-in browser session (CSRF-checked for unsafe methods)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # A caller that sent a token, or has no signed-in session, is not a browser session:
        # it gets the 401 of a failed authentication, never a CSRF complaint.
        if "authorization" in request.headers or not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403,
                _(
                    "The CSRF check failed: send the page's CSRF token in the X-CSRFToken "
                    "header, or use an API token."
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user
