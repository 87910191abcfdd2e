"""Every answer under /api/ is JSON, whatever failed: an unknown path or a non-integer id
(Django's resolver, not django-ninja, answers those), a method the path does not take, a body
larger than DATA_UPLOAD_MAX_MEMORY_SIZE, an unexpected error. django-ninja's own handlers
(minsheng/api/main.py) already answer JSON; this catches what happens around them."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("minsheng.api")

API_PREFIX = "/api/"


def error_detail(status: int, request: HttpRequest | None = None, allow: str = "") -> str:
    """The translated `detail` of an error status."""
    if status == 400:
        return _("The request is not valid.")
    if status == 401:
        return _(
            "Authentication required: send a valid API token as 'Authorization: Bearer <token>'."
        )
    if status == 403:
        return _("You are not allowed to do this.")
    if status == 404:
        return _("Not found.")
    if status == 405:
        return _("This method is not allowed here. Allowed: %(methods)s.") % {
            "methods": allow or "-"
        }
    if status == 413:
        return _("The request body is too large: at most %(kb)s KB.") % {
            "kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        }
    if status >= 500:
        return _("Something went wrong on the server. It has been logged; please try again later.")
    return _("The request failed (HTTP %(status)s).") % {"status": status}


def json_error(status: int, allow: str = "") -> JsonResponse:
    response = JsonResponse({"detail": error_detail(status, allow=allow)}, status=status)
    if allow:
        response["Allow"] = allow
    return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if settings.DEBUG and response.status_code >= 500:
            return response  # keep Django's debug page while developing
        if _is_json(response) and _has_detail(response):
            return response
        replaced = json_error(response.status_code, allow=response.get("Allow", ""))
        for header in ("Vary", "WWW-Authenticate"):
            if header in response:
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return json_error(413)
        return None  # Django logs it and answers 500; __call__ turns that into JSON


def _has_detail(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return True
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and "detail" in body
