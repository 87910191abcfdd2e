"""Who hears of the evaluation campaign (as `notifications/wishes.py` does for micro-wishes):
every deputy an opinion form was sent to hears that it waits for them, with the link to their
own form. Sending again reaches only the deputies who got a form in that run (the key is one
per campaign and deputy, so nobody is told twice). One query, whatever the number of forms."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minsheng.evaluation.campaign_actions import campaign_changed
from minsheng.evaluation.models_campaign import CampaignStep, OpinionForm
from minsheng.notifications.delivery import Draft
from minsheng.notifications.events import _quiet
from minsheng.notifications.kinds import Kind, declare
from minsheng.notifications.wishes import _deliver

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
