"""Whether to show the links to the meeting packs and the overview (no query: roles are cached
on the user with their organisations)."""

from __future__ import annotations

from django import template

from minsheng.people.permissions import signed_in
from minsheng.supervision import overview, packs

register = template.Library()


@register.filter
def may_download_packs(user: object) -> bool:
    person = signed_in(user)  # type: ignore[arg-type]
    return person is not None and bool(packs.candidate_jurisdictions(person))


@register.filter
def may_see_overview(user: object) -> bool:
    person = signed_in(user)  # type: ignore[arg-type]
    return person is not None and overview.may_see_overview(person)
