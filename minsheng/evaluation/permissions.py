"""Who sees which units' scores (DOMAIN.md §1, §5-§6).

- Congress staff and administrators: every unit of their congress (they run the evaluation).
- The congress's leaders and supervisors (a supervisor role of any tier): every unit, read only.
- A special-committee member: the committee's counterpart units (对口督办), read only.
- A unit's clerks and heads: their own unit's card and its drill-downs, never the ranking.
- Deputies and the public: nothing (the results go to the public through publication).

Figures count every suggestion; the suggestions listed behind a figure are always narrowed by
`Suggestion.objects.visible_to(user)` (a supervisor never sees a confidential one there).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User


@dataclass(frozen=True)
class Audience:
    jurisdiction_id: int
    all_units: bool
    unit_ids: frozenset[int]
    can_rank: bool  # the ranking and the satisfaction measurement

    def may_see_unit(self, unit_id: int) -> bool:
        return self.all_units or unit_id in self.unit_ids


def audience_for(user: User) -> Audience | None:
    """What this person may see of the evaluation of their congress, or None."""
    jurisdiction_id = user.jurisdiction_id
    if jurisdiction_id is None:
        return None
    if people.is_staff_of(user, jurisdiction_id) or people.has_role(
        user, "supervisor", jurisdiction_id
    ):
        return Audience(jurisdiction_id, True, frozenset(), True)
    committees = people.committee_ids(user)
    if committees:
        counterparts = Organisation.objects.filter(
            jurisdiction_id=jurisdiction_id, counterpart_committee_id__in=committees
        ).values_list("pk", flat=True)
        return Audience(jurisdiction_id, False, frozenset(counterparts), True)
    units = Organisation.objects.filter(
        jurisdiction_id=jurisdiction_id, pk__in=people.unit_ids(user)
    ).values_list("pk", flat=True)
    if units:
        return Audience(jurisdiction_id, False, frozenset(units), False)
    return None


def require_audience(user: User, *, rank: bool = False) -> Audience:
    found = audience_for(user)
    if found is None or (rank and not found.can_rank):
        raise PermissionDenied(
            _("The evaluation is for the congress office, its leaders and the units.")
        )
    return found


def get_unit_for_user(user: User, pk: int) -> Organisation:
    """A handling unit whose card this person may see (404 otherwise: no hint it exists)."""
    found = require_audience(user)
    try:
        unit = Organisation.objects.handling_units().get(
            pk=pk, jurisdiction_id=found.jurisdiction_id
        )
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such unit.") from None
    if not found.may_see_unit(unit.pk):
        raise Http404("No such unit.")
    return unit
