from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChineseFirstMiddleware:
    """The UI is Chinese unless the person chose English with the language switch (a cookie).

    Django would otherwise follow the browser's Accept-Language, so a browser set to English
    would show English to a congress user who never asked for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on everything served to a signed-in person (pages,
    Excel exports, Word letters, attachments) and on every API answer but the public site's
    (/api/v1/public/ without credentials): they carry deputies' phones and unpublished
    suggestions, which no shared proxy and no browser cache on a shared office computer should
    keep. Static files never get here (WhiteNoise answers them first,
    with its own long-lived caching)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) or (
            request.path.startswith("/api/") and not _public_api(request)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


PUBLIC_API = "/api/v1/public/"


def _public_api(request: HttpRequest) -> bool:
    """The public site's JSON (what /gongkai/ shows) asked without credentials: it gets the
    public site's own caching (`disclosure.caching`)."""
    return request.path.startswith(PUBLIC_API) and not request.headers.get("Authorization")


class UserLanguageMiddleware:
    """A signed-in person's pages in the language they chose (`User.language`, kept by the
    language switch), on any browser; after AuthenticationMiddleware, inside LocaleMiddleware
    (which keeps answering for people signed out, from the switch's cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if chosen:
            code = user.language_code  # type: ignore[union-attr]
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
