"""Sign in with a username or an 11-digit mobile number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from minsheng.people.models import User


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        username = username.strip()
        user = User.objects.filter(Q(username=username) | Q(mobile=username)).first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
