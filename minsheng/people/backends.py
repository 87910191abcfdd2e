"""Sign in with a username or an 11-digit mobile number, locked out per account whatever alias
is typed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import HttpRequest

from minsheng.people.models import User


def find_user(login: str) -> User | None:
    """The account a typed login names: its username, else its mobile number."""
    login = login.strip()
    if not login:
        return None
    return (
        User.objects.filter(Q(username=login) | Q(mobile=login))
        # A username that happens to be someone else's mobile number names its own account.
        .order_by(
            Case(When(username=login, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .first()
    )


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: count failures against the account, not the text
    typed, so five failures under the username also lock the mobile number and vice versa.
    A login that names no account is counted as typed."""
    typed: Any = None
    if credentials:
        typed = credentials.get("username")
    elif request is not None:
        typed = request.POST.get("username")
    typed = str(typed or "").strip()
    user = find_user(typed)
    return user.get_username() if user is not None else typed


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
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in person of a session, read with whether they hold an active deputy
        profile (`permissions.IS_DEPUTY`): most requests are by staff and unit clerks, whose
        pages then skip the deputy-profile query every visibility rule asks."""
        from minsheng.people.models import Deputy
        from minsheng.people.permissions import IS_DEPUTY

        deputy = Deputy.objects.filter(user=OuterRef("pk"), is_active=True)
        user = User._default_manager.annotate(**{IS_DEPUTY: Exists(deputy)}).filter(pk=user_id)
        found = user.first()
        return found if found is not None and self.user_can_authenticate(found) else None
