from typing import Any

from django.conf import settings
from django.http import HttpRequest

from minsheng.people import permissions


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_role_kinds": permissions.role_kinds(user) if user is not None else set(),
    }
