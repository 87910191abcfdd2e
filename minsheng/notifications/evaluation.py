"""Who hears of the evaluation campaign (as `notifications/wishes.py` does for micro-wishes):

- every deputy an opinion form was sent to hears that it waits for them, with the link to
  their own form; sending again reaches only the deputies who got a form in that run (the key
  is one per campaign and deputy, so nobody is told twice). One query, whatever the number.
- a step's owner is reminded the day after its planned end passed while it is still open,
  then weekly (`campaign_step_overdue`, one query for the steps and one for the owners)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minsheng.evaluation.campaign_actions import campaign_changed
from minsheng.evaluation.models_campaign import CampaignStep, OpinionForm, running_step_q
from minsheng.notifications.delivery import Draft
from minsheng.notifications.events import _quiet
from minsheng.notifications.kinds import Kind, declare
from minsheng.notifications.reminders import Window, reminder
from minsheng.notifications.wishes import _deliver
from minsheng.people.models import Role

OPINION_FORM = declare(
    Kind(
        "opinion_form",
        _("Opinion form of the evaluation"),
        _("Your opinion, please: %(campaign)s"),
        _(
            "The congress evaluates the handling of deputies' suggestions (%(campaign)s). "
            "Please rate the handling of your suggestions replied to between %(from_date)s and "
            "%(to_date)s and the units' communication with you; you can change your answer "
            "until the collection closes."
        ),
        _("every deputy who had a reply in the campaign's period, when staff send the forms"),
    )
)


def opinion_drafts(step: CampaignStep, event: Any) -> list[Draft]:
    campaign = step.campaign
    forms = OpinionForm.objects.filter(campaign=campaign).values_list("pk", "deputy_id")
    form_type = ContentType.objects.get_for_model(OpinionForm).pk
    params = {
        "campaign": campaign.title,
        "from_date": campaign.period_start.isoformat(),
        "to_date": campaign.period_end.isoformat(),
    }
    return [
        Draft(
            recipient_id=deputy_id,
            kind=OPINION_FORM.name,
            key=f"{OPINION_FORM.name}:c{campaign.pk}:u{deputy_id}",
            params=params,
            link=reverse("evaluation:opinion", args=[pk]),
            subject=(form_type, pk),
        )
        for pk, deputy_id in forms
        if deputy_id != event.actor_id
    ]


@receiver(campaign_changed, dispatch_uid="notifications.on_campaign_changed")
def on_campaign_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or not isinstance(obj, CampaignStep) or event.action != "send_opinion_forms":
        return
    _deliver(lambda: opinion_drafts(obj, event), event)


# --- a step past its planned end ----------------------------------------------------------------


@reminder(
    Kind(
        "campaign_step_overdue",
        _("Evaluation step overdue"),
        _("Evaluation step overdue: %(step)s"),
        _(
            "The step “%(step)s” of %(campaign)s was planned to end on %(due_date)s and is "
            "%(days)s days late; finish it, or tell the congress office."
        ),
        _(
            "the step's owner (the person named, else the members of its organisation, else "
            "the staff member who created the campaign), the day after its planned end, then "
            "weekly"
        ),
        reminder=True,
    )
)
def campaign_step_overdue(w: Window) -> list[Draft]:
    steps = list(
        CampaignStep.objects.filter(running_step_q(), planned_end__in=w.weekly(1)).values(
            "pk",
            "title",
            "planned_end",
            "owner_person_id",
            "owner_organisation_id",
            "campaign_id",
            "campaign__title",
            "campaign__created_by_id",
        )
    )
    orgs = {s["owner_organisation_id"] for s in steps if s["owner_organisation_id"]}
    members: dict[int, set[int]] = {}
    for org_id, user_id in Role.objects.filter(
        organisation_id__in=orgs, is_active=True, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        members.setdefault(org_id, set()).add(user_id)
    step_type = ContentType.objects.get_for_model(CampaignStep).pk
    drafts = []
    for s in steps:
        if s["owner_person_id"]:
            recipients = {s["owner_person_id"]}
        else:
            recipients = members.get(s["owner_organisation_id"]) or {s["campaign__created_by_id"]}
        day = w.weekly_trigger(s["planned_end"], 1)
        for user_id in sorted(r for r in recipients if r):
            drafts.append(
                Draft(
                    recipient_id=user_id,
                    kind=campaign_step_overdue.kind.name,
                    key=f"campaign_step_overdue:s{s['pk']}:{day:%Y%m%d}",
                    params={
                        "step": s["title"],
                        "campaign": s["campaign__title"],
                        "due_date": s["planned_end"].isoformat(),
                        "days": (day - s["planned_end"]).days,
                    },
                    link=reverse("evaluation:campaign", args=[s["campaign_id"]])
                    + f"#step-{s['pk']}",
                    subject=(step_type, s["pk"]),
                )
            )
    return drafts
