"""Role predicates and the access-check pairs for people records.

Every later app builds on the same few questions: which jurisdictions may this person see,
which units do they act for, are they congress staff there. The answers are computed once per
request (cached on the user object) from the person's active roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minsheng.people.models import Deputy, Organisation, Role, User

    # Whoever makes a request: a signed-in User, or AnonymousUser (the predicates say no).
    Person: TypeAlias = User | AnonymousUser

_CACHE = "_minsheng_roles"
_DEPUTIES = "_minsheng_deputies"
# Set by the session's backend (`backends.UsernameOrMobileBackend.get_user`) when it read the
# person: False means no active deputy profile, so `deputy_profiles` asks nothing.
IS_DEPUTY = "minsheng_is_deputy"


def signed_in(user: Person) -> User | None:
    """The signed-in User, or None for AnonymousUser: where a question needs a real person."""
    from minsheng.people.models import User

    return user if isinstance(user, User) and user.is_authenticated else None


def active_roles(user: Person) -> list[Role]:
    """The user's active roles, loaded once per user object."""
    from minsheng.people.models import Role

    person = signed_in(user)
    if person is None:
        return []
    cached = getattr(person, _CACHE, None)
    if cached is None:
        cached = list(
            Role.objects.filter(user=person, is_active=True).select_related(
                "organisation", "jurisdiction"
            )
        )
        setattr(person, _CACHE, cached)
    return cached


def forget_roles(user: Person) -> None:
    """Drop the cached roles and deputy profiles (after they change in the same request or
    test)."""
    for name in (_CACHE, _DEPUTIES, IS_DEPUTY):
        if hasattr(user, name):
            delattr(user, name)


def role_kinds(user: Person) -> set[str]:
    kinds = {role.kind for role in active_roles(user)}
    if getattr(user, "is_superuser", False):
        kinds.add("admin")
    return kinds


def has_role(user: Person, kind: str, jurisdiction_id: int | None = None) -> bool:
    if kind == "admin" and getattr(user, "is_superuser", False):
        return True
    for role in active_roles(user):
        if role.kind != kind:
            continue
        if jurisdiction_id is None or jurisdiction_id in _covered(role):
            return True
    return False


def _covered(role: Role) -> set[int]:
    if role.include_descendants:
        return role.jurisdiction.descendant_ids()
    return {role.jurisdiction_id}


def jurisdiction_ids(user: Person) -> set[int]:
    """Jurisdictions whose work this person may see: those of their roles (and, where a role
    says so, the jurisdictions below), plus their home jurisdiction."""
    ids: set[int] = set()
    for role in active_roles(user):
        ids |= _covered(role)
    home = getattr(user, "jurisdiction_id", None)
    if home:
        ids.add(home)
    return ids


def is_admin(user: Person) -> bool:
    return has_role(user, "admin")


def is_staff_of(user: Person, jurisdiction_id: int) -> bool:
    """Congress office staff (or an administrator) of that jurisdiction."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, "staff", jurisdiction_id) or has_role(user, "admin", jurisdiction_id)


def unit_ids(user: Person, kinds: tuple[str, ...] = ("clerk", "head")) -> set[int]:
    """Handling units this person acts for (as clerk and/or head)."""
    return {
        role.organisation_id
        for role in active_roles(user)
        if role.kind in kinds and role.organisation_id is not None
    }


def committee_ids(user: Person) -> set[int]:
    return unit_ids(user, kinds=("committee",))


def supervisor_tiers(user: Person) -> set[int]:
    return {
        role.supervisor_tier
        for role in active_roles(user)
        if role.kind == "supervisor" and role.supervisor_tier is not None
    }


def deputy_profiles(user: Person) -> list[Deputy]:
    """The person's active deputy profiles, loaded once per user object (as the roles)."""
    from minsheng.people.models import Deputy

    person = signed_in(user)
    if person is None:
        return []
    cached = getattr(person, _DEPUTIES, None)
    if cached is None and getattr(person, IS_DEPUTY, None) is False:
        cached = []
        setattr(person, _DEPUTIES, cached)
    if cached is None:
        cached = list(Deputy.objects.filter(user=person, is_active=True).select_related("term"))
        setattr(person, _DEPUTIES, cached)
    return list(cached)


def can_see_contact(user: Person, deputy: Deputy) -> bool:
    """A deputy's contact details: the deputy, congress staff and administrators only."""
    return deputy.user_id == getattr(user, "pk", None) or is_staff_of(user, deputy.jurisdiction_id)


def can_use_admin_site(user: Person) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


# --- access-check pairs (CONVENTIONS habit 5) --------------------------------------------------


def get_deputy_for_user(user: User, pk: int) -> Deputy:
    from minsheng.people.models import Deputy

    try:
        return Deputy.objects.visible_to(user).select_related("user", "delegation").get(pk=pk)
    except (Deputy.DoesNotExist, ValueError, TypeError):
        raise Http404("No such deputy.") from None


def get_organisation_for_user(user: User, pk: int) -> Organisation:
    from minsheng.people.models import Organisation

    try:
        return Organisation.objects.visible_to(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organisation.") from None
