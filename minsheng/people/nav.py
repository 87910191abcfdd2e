"""The main navigation's app links: one declaration of who sees which link.

`base.html` writes them with `{% main_nav %}` (people/templatetags/pages.py) in one step
instead of a page of `{% if %}` and `{% url %}` nodes per request: the frame is on every page,
so its cost is paid by every list. A link shows when the person holds one of its role kinds
(`permissions.role_kinds`, administrators included) and none of its `unless` kinds; `roles`
empty means everyone signed in. A link whose URL name does not resolve (an app left out of a
deployment) is left out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

OFFICE = frozenset({"staff", "admin"})
OVERSIGHT = OFFICE | {"supervisor", "committee"}
UNITS = frozenset({"clerk", "head"})


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str | Promise
    roles: frozenset[str] = frozenset()  # any of these kinds; empty: everyone signed in
    unless: frozenset[str] = frozenset()  # none of these kinds

    def shown_to(self, kinds: set[str]) -> bool:
        if self.roles and not (self.roles & kinds):
            return False
        return not (self.unless & kinds)


LINKS: tuple[Link, ...] = (
    Link("suggestions:mine", _("My suggestions"), frozenset({"deputy"})),
    Link("suggestions:new", _("Write a suggestion"), frozenset({"deputy"})),
    Link("suggestions:inbox", _("Assignments"), UNITS),
    Link("suggestions:workbench", _("Suggestions"), OVERSIGHT),
    Link("suggestions:assign_meeting", _("Assignment meeting"), OFFICE),
    Link("suggestions:import", _("Import"), OFFICE),
    Link("reports:dashboard", _("Dashboard"), OFFICE | {"supervisor"}),
    Link("reports:index", _("Handling reports"), OFFICE | {"supervisor"}),
    Link("supervision:key_items", _("Supervision"), OVERSIGHT | UNITS),
    Link("ledger:items", _("Ledgers"), OVERSIGHT | UNITS | {"deputy"}),
    Link("wishes:wall", _("Micro-wishes")),
    Link("insight:topics", _("Hot topics"), OFFICE | {"supervisor"}),
    Link("insight:duplicates", _("Near-duplicate suggestions"), OFFICE),
    Link("disclosure:queue", _("Publication queue"), OFFICE),
    Link("wishes:new", _("Post a micro-wish"), frozenset({"community"})),
    Link("wishes:queue", _("Wishes to verify"), OFFICE),
    Link("commitments:list", _("Commitments"), OVERSIGHT | UNITS),
    Link("evaluation:ranking", _("Evaluation"), OVERSIGHT),
    Link("evaluation:campaigns", _("Evaluation campaigns"), OFFICE),
    Link("evaluation:my_opinions", _("Opinion forms"), frozenset({"deputy"})),
    # A unit's own scores; whoever sees the ranking has them there.
    Link("evaluation:mine", _("Our evaluation"), UNITS, unless=OVERSIGHT),
)


@functools.lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, urlconf: str | None) -> str | None:
    """A link's path, reversed once per script prefix and URLconf (not per request)."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def links_for(kinds: set[str], links: Iterable[Link] = LINKS) -> list[tuple[str, str]]:
    """(path, label) of the links this person sees, in the menu's order."""
    prefix = get_script_prefix()
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    found = []
    for link in links:
        if not link.shown_to(kinds):
            continue
        url = _url(link.url_name, prefix, urlconf)
        if url is not None:
            found.append((url, str(link.label)))
    return found


def markup(kinds: set[str], path: str, links: Iterable[Link] = LINKS) -> SafeString:
    """The links as `<li>`s, the current page's marked `aria-current="page"`."""
    out = []
    for url, label in links_for(kinds, links):
        current = ' aria-current="page"' if url == path else ""
        out.append(
            f'<li><a href="{conditional_escape(url)}"{current}>{conditional_escape(label)}</a></li>'
        )
    return mark_safe("".join(out))  # noqa: S308 - the paths and labels are escaped above
