"""Who sees and acts on an evaluation campaign (CONVENTIONS habit 5: the filter beside the
getter).

- Congress staff (and administrators) of the campaign's congress manage it: create it, edit,
  add, reorder and remove steps that have not started, act on every step, see the deputies'
  answers and export them.
- A step's owners act on their own steps and see the campaign page: the person named on the
  step, and everyone with an active role in the step's organisation (a committee's members,
  a unit's clerks and heads, the office's staff).
- A deputy sees only their own opinion form; nobody else opens it (404).
- Everyone else: 403 on the list, 404 on a campaign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from minsheng.people import permissions as people

if TYPE_CHECKING:
    from minsheng.evaluation.models_campaign import Campaign, CampaignStep, OpinionForm
    from minsheng.people.permissions import Person

STAFF = "staff"
OWNER = "owner"  # named on the step, or a member of its organisation
RESPONDENT = "respondent"  # the deputy the opinion form was sent to


def staff_jurisdictions(user: Person) -> set[int]:
    return {j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)}


def member_organisations(user: Person) -> set[int]:
    """Organisations this person holds an active role in."""
    return {r.organisation_id for r in people.active_roles(user) if r.organisation_id}


def owned_step_q(user: Person, prefix: str = "") -> Q:
    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}owner_person": person}) | Q(
        **{f"{prefix}owner_organisation_id__in": member_organisations(person)}
    )


def campaign_filter(user: Person) -> Q:
    from minsheng.evaluation.models_campaign import CampaignStep

    person = people.signed_in(user)
    if person is None:
        return Q(pk__in=[])
    if person.is_superuser:
        return Q()
    owned = CampaignStep.objects.filter(owned_step_q(person), campaign=OuterRef("pk"))
    return Q(jurisdiction_id__in=staff_jurisdictions(person)) | Q(Exists(owned))


def visible_campaigns(user: Person) -> Any:
    from minsheng.evaluation.models_campaign import Campaign

    return Campaign.objects.filter(campaign_filter(user))


def require_campaigns(user: Person) -> None:
    """The list: staff, and people who own a step of some campaign."""
    if not visible_campaigns(user).exists():
        person = people.signed_in(user)
        if person is not None and staff_jurisdictions(person):
            return
        raise PermissionDenied(
            _("The evaluation campaign is for the congress office and the steps' owners.")
        )


def _sees(person: Any, campaign: Campaign) -> bool:
    """`campaign_filter` for one campaign already read: staff of its congress (and superusers)
    from the roles read once per request, else one query for a step of theirs."""
    from minsheng.evaluation.models_campaign import CampaignStep

    if person.is_superuser or campaign.jurisdiction_id in staff_jurisdictions(person):
        return True
    return CampaignStep.objects.filter(owned_step_q(person), campaign_id=campaign.pk).exists()


def get_campaign_for_user(user: Person, pk: Any) -> Campaign:
    from minsheng.evaluation.models_campaign import Campaign

    person = people.signed_in(user)
    try:
        found = Campaign.objects.select_related("scheme", "jurisdiction").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such campaign.") from None
    if person is None or not _sees(person, found):
        raise Http404("No such campaign.")
    return found


def can_manage(user: Person, campaign: Campaign) -> bool:
    return people.is_staff_of(user, campaign.jurisdiction_id)


def require_manage(user: Person, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied(_("Only congress staff manage the evaluation campaign."))


def get_step_for_user(user: Person, pk: Any) -> CampaignStep:
    from minsheng.evaluation.models_campaign import CampaignStep

    person = people.signed_in(user)
    try:
        step = CampaignStep.objects.select_related("campaign").get(pk=pk)
    except (CampaignStep.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such step.") from None
    if person is None or not _sees(person, step.campaign):
        raise Http404("No such step.")
    return step


def is_owner(user: Person, step: CampaignStep) -> bool:
    person = people.signed_in(user)
    if person is None:
        return False
    if step.owner_person_id == person.pk:
        return True
    return step.owner_organisation_id is not None and (
        step.owner_organisation_id in member_organisations(person)
    )


def step_capacities(user: Person, step: CampaignStep) -> set[str]:
    found: set[str] = set()
    if people.signed_in(user) is None:
        return found
    if people.is_staff_of(user, step.campaign.jurisdiction_id):
        found.add(STAFF)
    if is_owner(user, step):
        found.add(OWNER)
    return found


def form_capacities(user: Person, form: OpinionForm) -> set[str]:
    person = people.signed_in(user)
    return {RESPONDENT} if person is not None and form.deputy_id == person.pk else set()


def get_form_for_user(user: Person, pk: Any) -> OpinionForm:
    """A deputy's own opinion form (404 for anyone else, staff too: they read the answers
    on the campaign's opinions page)."""
    from minsheng.evaluation.models_campaign import OpinionForm

    person = people.signed_in(user)
    if person is None:
        raise Http404("No such form.")
    try:
        return OpinionForm.objects.select_related("campaign").get(pk=pk, deputy=person)
    except (OpinionForm.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such form.") from None
