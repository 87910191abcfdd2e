from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    """The UI is Chinese unless the person chose English with the language switch (a cookie).

    Django would otherwise follow the browser's Accept-Language, so a browser set to English
    would show English to a congress user who never asked for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
