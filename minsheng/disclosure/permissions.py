"""Who sees which publication record and who acts on it (CONVENTIONS habit 5:
`Publication.objects.visible_to(user)` beside `get_publication_for_user`), and the public
getter the public site uses (`get_public_publication`: a record that is not published, or is
confidential, is a 404 identical to a missing id).

- Staff pages: congress staff (and administrators) of the suggestion's congress see its
  record, with the original texts and the spans; nobody else does.
- The public (everyone, signed in or not): published records only, redacted.
- Actions: congress staff (`STAFF`); the system (`by=None`: the automatic preparation after a
  reply is sent) as `SYSTEM`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.disclosure.models import Publication
    from minsheng.people.permissions import Person

STAFF = "staff"
SYSTEM = "system"


def staff_jurisdictions(user: Person) -> set[int]:
    return {j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)}


def is_staff_anywhere(user: Person) -> bool:
    person = people.signed_in(user)
    return person is not None and (person.is_superuser or bool(staff_jurisdictions(person)))


def publication_filter(user: Person) -> Q:
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if person.is_superuser:
        return Q()
    return Q(jurisdiction_id__in=staff_jurisdictions(person))


def get_publication_for_user(user: Person, pk: Any) -> Publication:
    from minsheng.disclosure.models import Publication

    try:
        return (
            Publication.objects.visible_to(user)
            .select_related("suggestion__lead_deputy__user", "suggestion__session", "jurisdiction")
            .get(pk=pk)
        )
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise Http404("No such publication.") from None


def get_public_publication(pk: Any) -> Publication:
    """A published, non-confidential record, or the same 404 as for an id that never existed."""
    from minsheng.disclosure.models import Publication

    try:
        return (
            Publication.objects.public()
            .select_related(
                "suggestion", "session", "category", "unit", "delegation", "jurisdiction"
            )
            .get(pk=int(pk))
        )
    except (Publication.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such publication.") from None


def capacities(user: Person, publication: Publication) -> set[str]:
    if user is None:
        return {SYSTEM}
    person = people.signed_in(user)
    if person is not None and people.is_staff_of(person, publication.jurisdiction_id):
        return {STAFF}
    return set()
