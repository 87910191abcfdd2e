"""Who hears of the evaluation campaign (as `notifications/wishes.py` does for micro-wishes):

- every deputy an opinion form was sent to hears that it waits for them, with the link to
  their own form; sending again reaches only the deputies who got a form in that run (the key
  is one per campaign and deputy, so nobody is told twice). One query, whatever the number.
- a step's owners (the person named, else the active people of its organisation) hear that
  the campaign started with the steps that are theirs (one message each, when the campaign is
  created), that a step was given to them (added with them as owner, or its owner changed:
  only the new owners), and that staff reopened a step of theirs, with the reason
  (`campaign_step_assigned`, `campaign_step_reopened`). Nobody hears of their own act.
- a step's owners are reminded the day its warning turns yellow (`campaign_step_due_soon`: the
  shared rule's working days before the planned end, not before the step's start), and the
  day after its planned end passed while it is still open, then weekly
  (`campaign_step_overdue`). Each is one query for the steps and one for the owners."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minsheng.evaluation.campaign_actions import campaign_changed
from minsheng.evaluation.models_campaign import (
    Campaign,
    CampaignStep,
    OpinionForm,
    running_step_q,
)
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


# --- a step's owners ----------------------------------------------------------------------------


def owners_of(steps: Iterable[dict[str, Any]]) -> dict[int, set[int]]:
    """step id → who owns it: the person named, else the people with an active role in its
    organisation (one query for all the organisations). `steps` are rows with `pk`,
    `owner_person_id` and `owner_organisation_id`."""
    rows = list(steps)
    orgs = {s["owner_organisation_id"] for s in rows if s["owner_organisation_id"]}
    members: dict[int, set[int]] = {}
    if orgs:
        for org_id, user_id in Role.objects.filter(
            organisation_id__in=orgs, is_active=True, user__is_active=True
        ).values_list("organisation_id", "user_id"):
            members.setdefault(org_id, set()).add(user_id)
    return {
        s["pk"]: (
            {s["owner_person_id"]}
            if s["owner_person_id"]
            else set(members.get(s["owner_organisation_id"], ()))
        )
        for s in rows
    }


STEP_FIELDS = (
    "pk",
    "title",
    "planned_start",
    "planned_end",
    "owner_person_id",
    "owner_organisation_id",
)

STEP_ASSIGNED = declare(
    Kind(
        "campaign_step_assigned",
        _("Evaluation step assigned to you"),
        _("Evaluation step for you: %(step)s"),
        _(
            "You are now an owner of the step “%(step)s” of %(campaign)s, planned from "
            "%(start_date)s to %(due_date)s. Start it on the step's page when the work begins."
        ),
        _(
            "the owners of evaluation campaign steps (the person named, else the people of its "
            "organisation): when a campaign starts, and when a step is given to them"
        ),
        variants=(
            (
                "started",
                _("Evaluation campaign started: %(campaign)s"),
                _(
                    "The evaluation campaign %(campaign)s has started. Your steps in it "
                    "(%(n)s): %(steps)s; the first is planned to start on %(start_date)s."
                ),
            ),
        ),
    )
)

STEP_REOPENED = declare(
    Kind(
        "campaign_step_reopened",
        _("Evaluation step reopened"),
        _("Evaluation step reopened: %(step)s"),
        _("The step “%(step)s” of %(campaign)s was reopened and is in progress again: %(reason)s"),
        _("the owners of an evaluation campaign step, when congress staff reopen it"),
    )
)


def _step_link(step_id: int) -> str:
    return reverse("evaluation:step", args=[step_id])


def _step_draft(
    kind: Kind, user_id: int, key: str, step: dict[str, Any], campaign: Campaign, **more: Any
) -> Draft:
    return Draft(
        recipient_id=user_id,
        kind=kind.name,
        key=key,
        params={
            "step": step["title"],
            "campaign": campaign.title,
            "start_date": step["planned_start"].isoformat(),
            "due_date": step["planned_end"].isoformat(),
            **more,
        },
        link=_step_link(step["pk"]),
        subject=(ContentType.objects.get_for_model(CampaignStep).pk, step["pk"]),
    )


def started_drafts(campaign: Campaign, event: Any) -> list[Draft]:
    """One message to each owner of some step of the new campaign, listing their steps."""
    steps = list(campaign.steps.order_by("position").values(*STEP_FIELDS))
    owners = owners_of(steps)
    theirs: dict[int, list[dict[str, Any]]] = {}
    for step in steps:
        for user_id in owners[step["pk"]]:
            theirs.setdefault(user_id, []).append(step)
    drafts = []
    for user_id, mine in sorted(theirs.items()):
        if not user_id or user_id == event.actor_id:
            continue
        drafts.append(
            Draft(
                recipient_id=user_id,
                kind=STEP_ASSIGNED.name,
                key=f"{STEP_ASSIGNED.name}:c{campaign.pk}:u{user_id}",
                params={
                    "variant": "started",
                    "campaign": campaign.title,
                    "n": len(mine),
                    "steps": "、".join(s["title"] for s in mine),
                    "start_date": mine[0]["planned_start"].isoformat(),
                },
                link=reverse("evaluation:campaign", args=[campaign.pk]),
                subject=(ContentType.objects.get_for_model(Campaign).pk, campaign.pk),
            )
        )
    return drafts


def _owners_before(event: Any, step: dict[str, Any]) -> set[int]:
    """Who owned the step before an `edit_step` event (nobody, for a new step)."""
    if event.action != "edit_step":
        return set()
    changed = (event.data or {}).get("changed") or {}
    person = changed.get("owner_person", [step["owner_person_id"]])[0]
    org = changed.get("owner_organisation", [step["owner_organisation_id"]])[0]
    return owners_of([{"pk": 0, "owner_person_id": person, "owner_organisation_id": org}])[0]


def assigned_drafts(step: CampaignStep, event: Any) -> list[Draft]:
    """The step's owners who were not its owners before (a new step: all of them)."""
    changed = (event.data or {}).get("changed") or {}
    if event.action == "edit_step" and not {"owner_person", "owner_organisation"} & set(changed):
        return []
    row = CampaignStep.objects.filter(pk=step.pk).values(*STEP_FIELDS).first()
    if row is None:
        return []
    fresh = owners_of([row])[row["pk"]] - _owners_before(event, row)
    return [
        _step_draft(
            STEP_ASSIGNED,
            user_id,
            f"{STEP_ASSIGNED.name}:s{row['pk']}:u{user_id}:e{event.pk}",
            row,
            step.campaign,
        )
        for user_id in sorted(fresh)
        if user_id and user_id != event.actor_id
    ]


def reopened_drafts(step: CampaignStep, event: Any) -> list[Draft]:
    row = {
        "pk": step.pk,
        "title": step.title,
        "planned_start": step.planned_start,
        "planned_end": step.planned_end,
        "owner_person_id": step.owner_person_id,
        "owner_organisation_id": step.owner_organisation_id,
    }
    return [
        _step_draft(
            STEP_REOPENED,
            user_id,
            f"{STEP_REOPENED.name}:s{step.pk}:e{event.pk}",
            row,
            step.campaign,
            reason=event.note or "",
        )
        for user_id in sorted(owners_of([row])[step.pk])
        if user_id and user_id != event.actor_id
    ]


@receiver(campaign_changed, dispatch_uid="notifications.on_campaign_changed")
def on_campaign_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get():
        return
    if isinstance(obj, Campaign) and event.action == "create":
        _deliver(lambda: started_drafts(obj, event), event)
    elif not isinstance(obj, CampaignStep):
        return
    elif event.action == "send_opinion_forms":
        _deliver(lambda: opinion_drafts(obj, event), event)
    elif event.action in ("add_step", "edit_step"):
        _deliver(lambda: assigned_drafts(obj, event), event)
    elif event.action == "reopen":
        _deliver(lambda: reopened_drafts(obj, event), event)


# --- the reminders' steps ------------------------------------------------------------------------


def _open_steps(*q: Any, **filters: Any) -> list[dict[str, Any]]:
    return list(
        CampaignStep.objects.filter(*q, **filters).values(
            *STEP_FIELDS,
            "warn_from",
            "campaign_id",
            "campaign__title",
            "campaign__created_by_id",
        )
    )


def _per_owner(steps: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """(step, recipient) pairs: the step's owners, else the campaign's creator."""
    owners = owners_of(steps)
    return [
        (s, user_id)
        for s in steps
        for user_id in sorted(r for r in (owners[s["pk"]] or {s["campaign__created_by_id"]}) if r)
    ]


def _reminder_draft(kind: Kind, user_id: int, s: dict[str, Any], day: Any, **more: Any) -> Draft:
    return Draft(
        recipient_id=user_id,
        kind=kind.name,
        key=f"{kind.name}:s{s['pk']}:{day:%Y%m%d}",
        params={
            "step": s["title"],
            "campaign": s["campaign__title"],
            "due_date": s["planned_end"].isoformat(),
            **more,
        },
        link=_step_link(s["pk"]),
        subject=(ContentType.objects.get_for_model(CampaignStep).pk, s["pk"]),
    )


# --- a step due soon ------------------------------------------------------------------------------


@reminder(
    Kind(
        "campaign_step_due_soon",
        _("Evaluation step due soon"),
        _("Evaluation step due soon: %(step)s"),
        _(
            "The step “%(step)s” of %(campaign)s is planned to end on %(due_date)s "
            "(yellow warning); finish it on time, or tell the congress office."
        ),
        _(
            "the step's owner (the person named, else the members of its organisation, else "
            "the staff member who created the campaign), the day its warning turns yellow"
        ),
        reminder=True,
    )
)
def campaign_step_due_soon(w: Window) -> list[Draft]:
    steps = _open_steps(running_step_q(), warn_from__in=w.days)
    return [
        _reminder_draft(campaign_step_due_soon.kind, user_id, s, s["warn_from"])
        for s, user_id in _per_owner(steps)
        if s["warn_from"] <= s["planned_end"]
    ]


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
    drafts = []
    for s, user_id in _per_owner(_open_steps(running_step_q(), planned_end__in=w.weekly(1))):
        day = w.weekly_trigger(s["planned_end"], 1)
        drafts.append(
            _reminder_draft(
                campaign_step_overdue.kind, user_id, s, day, days=(day - s["planned_end"]).days
            )
        )
    return drafts
