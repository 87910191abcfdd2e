"""The evaluation campaign's functions: creating a campaign from the template, editing its
steps before they start (add, change, move, remove: edits logged on the campaign, no status),
the typed function of every declared action (`campaign_actions.py`; each hands its change to
the one runner, `minsheng.engine.actions.run`), the deputies who get an opinion form, and the
figures the pages, the API and the export read (progress, response rate, summary)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.audit import log as audit_log
from minsheng.engine import actions as engine
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.evaluation import campaign_permissions as perms
from minsheng.evaluation import campaign_template
from minsheng.evaluation.campaign_actions import OPINIONS, STEPS, campaign_changed
from minsheng.evaluation.models_campaign import (
    OPINIONS_STEP,
    Campaign,
    CampaignStep,
    Opinion,
    OpinionForm,
    OpinionItem,
    StepDocument,
    running_step_q,
)
from minsheng.people.models import Jurisdiction, Organisation, User
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import Reply, RuleSet, Suggestion, WarningColour
from minsheng.workcalendar import work_calendar

Try = engine.Attempt[Any]
S = CampaignStep.State
MAX_TITLE = 100


def today() -> datetime.date:
    return timezone.localdate()


# --- dates and the warning ------------------------------------------------------------------------


def warn_from(jurisdiction_id: int, start: datetime.date, end: datetime.date) -> tuple[Any, bool]:
    """The first yellow day of a step ending on `end` (the shared rule: N working days before
    the due date, not before the step's start) and whether it could still move."""
    yellow = deadlines.yellow_from(end, RuleSet.rules_for(jurisdiction_id), work_calendar())
    return max(yellow.date, start), yellow.uncertain


def _check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start is None or end is None:
        raise Invalid(_("Give the planned start and end."))
    if end < start:
        raise Invalid(_("The planned end cannot be before the planned start."))


def _check_owner(jurisdiction_id: int, person: User | None, org: Organisation | None) -> None:
    if org is not None and org.jurisdiction_id != jurisdiction_id:
        raise Invalid(_("The owner organisation belongs to another congress."))


# --- creating and editing -------------------------------------------------------------------------


def create(
    *,
    by: User,
    jurisdiction: Jurisdiction,
    year: int,
    title: str,
    starts_on: datetime.date,
    scheme: Any = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Campaign:
    """A campaign with the congress's template steps (the default 14 until staff change the
    template), planned from `starts_on`."""
    if not perms.staff_jurisdictions(by) & {jurisdiction.pk} and not by.is_superuser:
        raise NotAllowed(_("Only congress staff manage the evaluation campaign."))
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the campaign a title."))
    if not 2000 <= year <= 2100:
        raise Invalid(_("Give a year between 2000 and 2100."))
    period_start = period_start or datetime.date(year, 1, 1)
    period_end = period_end or datetime.date(year, 12, 31)
    if period_end < period_start:
        raise Invalid(_("The period cannot end before it begins."))
    if scheme is not None and scheme.jurisdiction_id != jurisdiction.pk:
        raise Invalid(_("The scheme belongs to another congress."))
    template = campaign_template.template_for(jurisdiction)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                jurisdiction=jurisdiction,
                year=year,
                title=title,
                scheme=scheme,
                period_start=period_start,
                period_end=period_end,
                starts_on=starts_on,
                created_by=by,
            )
            steps = []
            for index, row in enumerate(template, start=1):
                start = starts_on + datetime.timedelta(days=row.offset_days)
                end = start + datetime.timedelta(days=max(row.duration_days, 1) - 1)
                yellow, uncertain = warn_from(jurisdiction.pk, start, end)
                steps.append(
                    CampaignStep(
                        campaign=campaign,
                        position=index,
                        code=row.code,
                        title=row.title,
                        description=row.description,
                        owner_organisation_id=row.owner_organisation_id,
                        planned_start=start,
                        planned_end=end,
                        warn_from=yellow,
                        due_uncertain=uncertain,
                    )
                )
            CampaignStep.objects.bulk_create(steps)
            event = audit_log.append(
                campaign,
                action="create",
                actor=by,
                to_state="open",
                data={"steps": len(steps), "year": year},
            )
            _announce(campaign, event)
    except IntegrityError:
        raise Invalid(_("This congress already has a campaign of that title this year.")) from None
    return campaign


def _announce(obj: Campaign | CampaignStep, event: Any) -> None:
    """Tell the notifications app of a change made outside the declared actions (the campaign
    created, a step added or changed), once the transaction commits, as the runner does."""
    transaction.on_commit(lambda: campaign_changed.send(sender=type(obj), obj=obj, event=event))


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _editable(step: CampaignStep) -> None:
    if step.state != S.NOT_STARTED:
        raise Conflict(_("Only a step that has not started can be changed, moved or removed."))


def add_step(
    campaign: Campaign,
    *,
    by: User,
    title: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
    description: str = "",
    owner_person: User | None = None,
    owner_organisation: Organisation | None = None,
    after: CampaignStep | None = None,
) -> CampaignStep:
    """A new step, at the end or after `after` (later steps that have not started move
    down; a started step never moves)."""
    perms.require_manage(by, campaign)
    title = (title or "").strip()[:MAX_TITLE]
    if not title:
        raise Invalid(_("Give the step a title."))
    _check_dates(planned_start, planned_end)
    _check_owner(campaign.jurisdiction_id, owner_person, owner_organisation)
    with transaction.atomic():
        _locked_campaign(campaign)
        last = campaign.steps.aggregate(n=Max("position"))["n"] or 0
        position = last + 1
        if after is not None and after.campaign_id == campaign.pk:
            after = CampaignStep.objects.get(pk=after.pk)  # its position now, not as read
            later = campaign.steps.filter(position__gt=after.position)
            if later.exclude(state=S.NOT_STARTED).exists():
                raise Conflict(_("A new step can only go before steps that have not started."))
            position = after.position + 1
            # Two passes so the unique order never sees two steps on one position.
            later.update(position=F("position") + 1000)
            campaign.steps.filter(position__gt=1000).update(position=F("position") - 999)
        yellow, uncertain = warn_from(campaign.jurisdiction_id, planned_start, planned_end)
        step = CampaignStep.objects.create(
            campaign=campaign,
            position=position,
            title=title,
            description=(description or "").strip(),
            owner_person=owner_person,
            owner_organisation=owner_organisation,
            planned_start=planned_start,
            planned_end=planned_end,
            warn_from=yellow,
            due_uncertain=uncertain,
        )
        event = audit_log.append(
            campaign,
            action="add_step",
            actor=by,
            part=step,
            data={"title": title, "position": position},
        )
        _announce(step, event)
    return step


def edit_step(
    step: CampaignStep,
    *,
    by: User,
    title: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
    description: str = "",
    owner_person: User | None = None,
    owner_organisation: Organisation | None = None,
) -> CampaignStep:
    campaign = step.campaign
    perms.require_manage(by, campaign)
    title = (title or "").strip()[:MAX_TITLE]
    if not title:
        raise Invalid(_("Give the step a title."))
    _check_dates(planned_start, planned_end)
    _check_owner(campaign.jurisdiction_id, owner_person, owner_organisation)
    with transaction.atomic():
        row = CampaignStep.objects.select_for_update().get(pk=step.pk)
        _editable(row)
        before = {
            "title": row.title,
            "planned_start": row.planned_start.isoformat(),
            "planned_end": row.planned_end.isoformat(),
            "owner_person": row.owner_person_id,
            "owner_organisation": row.owner_organisation_id,
        }
        row.title, row.description = title, (description or "").strip()
        row.planned_start, row.planned_end = planned_start, planned_end
        row.owner_person, row.owner_organisation = owner_person, owner_organisation
        row.warn_from, row.due_uncertain = warn_from(
            campaign.jurisdiction_id, planned_start, planned_end
        )
        row.version += 1
        row.save()
        after = {
            "title": row.title,
            "planned_start": row.planned_start.isoformat(),
            "planned_end": row.planned_end.isoformat(),
            "owner_person": row.owner_person_id,
            "owner_organisation": row.owner_organisation_id,
        }
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        event = audit_log.append(
            campaign,
            action="edit_step",
            actor=by,
            part=row,
            from_state=row.state,
            to_state=row.state,
            data={"title": row.title, "changed": changed},
        )
        _announce(row, event)
    return row


def remove_step(step: CampaignStep, *, by: User) -> None:
    campaign = step.campaign
    perms.require_manage(by, campaign)
    with transaction.atomic():
        _locked_campaign(campaign)
        row = CampaignStep.objects.select_for_update().get(pk=step.pk)
        _editable(row)
        if row.code == OPINIONS_STEP and row.campaign.opinion_forms.exists():
            raise Conflict(_("Opinion forms were sent from this step; it cannot be removed."))
        audit_log.append(
            campaign,
            action="remove_step",
            actor=by,
            data={"title": row.title, "position": row.position},
        )
        row.delete()


def move_step(step: CampaignStep, *, by: User, up: bool) -> CampaignStep:
    """Swap a step that has not started with its neighbour that has not started either."""
    campaign = step.campaign
    perms.require_manage(by, campaign)
    with transaction.atomic():
        _locked_campaign(campaign)
        row = CampaignStep.objects.select_for_update().get(pk=step.pk)
        _editable(row)
        neighbours = campaign.steps.filter(
            position__lt=row.position if up else 10**6,
            position__gt=row.position if not up else -1,
        ).order_by("-position" if up else "position")
        other = neighbours.first()
        if other is None:
            raise Conflict(
                _("The step is already first.") if up else _("The step is already last.")
            )
        if other.state != S.NOT_STARTED:
            raise Conflict(_("A step cannot move past a step that has started."))
        mine, theirs = row.position, other.position
        CampaignStep.objects.filter(pk=row.pk).update(position=0)
        CampaignStep.objects.filter(pk=other.pk).update(position=mine)
        CampaignStep.objects.filter(pk=row.pk).update(position=theirs)
        row.position = theirs
        audit_log.append(
            campaign,
            action="move_step",
            actor=by,
            part=row,
            data={"title": row.title, "from": mine, "to": theirs},
        )
    return row


# --- the declared actions' typed functions -----------------------------------------------------


def _run(
    action: str,
    step: CampaignStep | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
) -> Any:
    return engine.run(
        STEPS, action, step, by=by, change=change, expected_version=expected_version, inputs=inputs
    )


def start(
    step: CampaignStep | int, *, by: User, note: str = "", expected_version: int | None = None
) -> CampaignStep:
    def change(t: Try) -> CampaignStep:
        t.set(started_on=today())
        t.log(note=note.strip())
        return t.obj

    result: CampaignStep = _run("start", step, by, change, expected_version, {"note": note})
    return result


def finish(
    step: CampaignStep | int, *, by: User, note: str = "", expected_version: int | None = None
) -> CampaignStep:
    def change(t: Try) -> CampaignStep:
        s: CampaignStep = t.obj
        day = today()
        t.set(finished_on=day, started_on=s.started_on or day)
        t.log(note=note.strip(), data={"days_late": max(0, (day - s.planned_end).days)})
        return s

    result: CampaignStep = _run("finish", step, by, change, expected_version, {"note": note})
    return result


def skip(
    step: CampaignStep | int, *, by: User, reason: str, expected_version: int | None = None
) -> CampaignStep:
    def change(t: Try) -> CampaignStep:
        t.set(finished_on=today())
        t.log(note=reason.strip())
        return t.obj

    result: CampaignStep = _run("skip", step, by, change, expected_version, {"reason": reason})
    return result


def reopen(
    step: CampaignStep | int, *, by: User, reason: str, expected_version: int | None = None
) -> CampaignStep:
    def change(t: Try) -> CampaignStep:
        s: CampaignStep = t.obj
        t.set(finished_on=None, started_on=s.started_on or today())
        t.log(note=reason.strip())
        return s

    result: CampaignStep = _run("reopen", step, by, change, expected_version, {"reason": reason})
    return result


def note(
    step: CampaignStep | int, *, by: User, note: str, expected_version: int | None = None
) -> CampaignStep:
    def change(t: Try) -> CampaignStep:
        t.log(note=note.strip())
        return t.obj

    result: CampaignStep = _run("note", step, by, change, expected_version, {"note": note})
    return result


def attach(step: CampaignStep, files: Iterable[Any], *, by: User) -> list[StepDocument]:
    """Store the accepted uploads (`(upload, kind)` pairs) of a step's action: after the
    action, as the ledger's progress evidence is, logged as one `documents` event."""
    from minsheng.suggestions.attachments import save_upload

    saved = [
        save_upload(
            StepDocument(campaign_id=step.campaign_id, step=step, uploaded_by=by), upload, kind
        )
        for upload, kind in files
    ]
    if saved:
        audit_log.append(
            step.campaign,
            actor=by,
            action="documents",
            part=step,
            from_state=step.state,
            to_state=step.state,
            data={"added": [d.original_name for d in saved]},
        )
    return saved


# --- the deputies' opinions ----------------------------------------------------------------------


def replied_in_period(campaign: Campaign) -> dict[int, list[int]]:
    """deputy user id → the ids of their suggestions (as lead deputy) that had a reply sent in
    the campaign's period: whom the forms go to, and what each one asks about."""
    start = timezone.make_aware(datetime.datetime.combine(campaign.period_start, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(campaign.period_end + datetime.timedelta(days=1), datetime.time())
    )
    rows = (
        Reply.objects.filter(
            state=Reply.State.SENT,
            sent_at__gte=start,
            sent_at__lt=end,
            suggestion__jurisdiction_id=campaign.jurisdiction_id,
        )
        .values_list("suggestion__lead_deputy__user_id", "suggestion_id")
        .distinct()
        .order_by("suggestion__lead_deputy__user_id", "suggestion_id")
    )
    found: dict[int, list[int]] = {}
    for user_id, suggestion_id in rows:
        ids = found.setdefault(user_id, [])
        if suggestion_id not in ids:
            ids.append(suggestion_id)
    return found


def send_opinion_forms(
    step: CampaignStep | int, *, by: User, expected_version: int | None = None
) -> int:
    """A form to every deputy who had a reply in the period and has none yet (the inbox tells
    each one, `notifications/evaluation.py`); the number of forms sent now."""

    def change(t: Try) -> int:
        s: CampaignStep = t.obj
        campaign = s.campaign
        wanted = replied_in_period(campaign)
        if not wanted:
            raise Conflict(_("No deputy had a reply in the campaign's period."))
        have = set(campaign.opinion_forms.values_list("deputy_id", flat=True))
        fresh = [user_id for user_id in wanted if user_id not in have]
        OpinionForm.objects.bulk_create(
            OpinionForm(campaign=campaign, deputy_id=user_id) for user_id in fresh
        )
        forms = dict(
            campaign.opinion_forms.filter(deputy_id__in=fresh).values_list("deputy_id", "pk")
        )
        OpinionItem.objects.bulk_create(
            OpinionItem(form_id=forms[user_id], suggestion_id=suggestion_id)
            for user_id in fresh
            for suggestion_id in wanted[user_id]
        )
        t.log(data={"sent": len(fresh), "total": len(have) + len(fresh)})
        return len(fresh)

    sent: int = _run("send_opinion_forms", step, by, change, expected_version, {})
    return sent


@dataclass(frozen=True)
class ItemAnswer:
    suggestion_id: int
    handling: str = ""
    communication: str = ""
    comment: str = ""


def submit_opinion(
    form: OpinionForm | int,
    *,
    by: User,
    handling: str,
    communication: str,
    comment: str = "",
    items: Sequence[ItemAnswer] = (),
    expected_version: int | None = None,
) -> OpinionForm:
    """The deputy's answer: overall ratings required, each suggestion's optional; the same
    form can be sent again (changed) until the opinions step closes."""
    valid = set(Opinion.values) | {""}
    for item in items:
        if item.handling not in valid or item.communication not in valid:
            raise Invalid(_("Choose each rating from the list."))

    def change(t: Try) -> OpinionForm:
        f: OpinionForm = t.obj
        now = timezone.now()
        edited = f.state == OpinionForm.State.SUBMITTED
        t.set(handling=handling, communication=communication, comment=comment.strip())
        if edited:
            t.set(edited_at=now)
        else:
            t.set(submitted_at=now)
        mine = {i.suggestion_id: i for i in f.items.all()}
        for answer in items:
            row = mine.get(answer.suggestion_id)
            if row is None:
                raise Invalid(_("That suggestion is not on your form."))
            row.handling, row.communication = answer.handling, answer.communication
            row.comment = answer.comment.strip()
            row.save(update_fields=["handling", "communication", "comment"])
        t.log(data={"edited": edited, "handling": handling, "communication": communication})
        return f

    inputs = {"handling": handling, "communication": communication, "comment": comment}
    result: OpinionForm = engine.run(
        OPINIONS,
        "submit",
        form,
        by=by,
        change=change,
        expected_version=expected_version,
        inputs=inputs,
    )
    return result


# The typed function of every declared step action.
ACTIONS: dict[str, Callable[..., Any]] = {
    "start": start,
    "finish": finish,
    "skip": skip,
    "reopen": reopen,
    "note": note,
    "send_opinion_forms": send_opinion_forms,
}
assert set(ACTIONS) == set(STEPS.actions)


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0
    red: int = 0
    yellow: int = 0

    @property
    def closed(self) -> int:
        return self.done + self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0


def progress_of(steps: Iterable[CampaignStep], day: datetime.date) -> Progress:
    found = Progress()
    for step in steps:
        found.total += 1
        if step.state == S.DONE:
            found.done += 1
        elif step.state == S.SKIPPED:
            found.skipped += 1
        elif step.state == S.IN_PROGRESS:
            found.in_progress += 1
        colour = step.warning(day)
        if colour == WarningColour.RED:
            found.red += 1
        elif colour == WarningColour.YELLOW:
            found.yellow += 1
    return found


def campaigns_with_progress(rows: Any, day: datetime.date) -> Any:
    """The campaigns with their step counts (one query: grouped counts, no loop per row)."""
    running = running_step_q("steps__")
    return rows.annotate(
        n_steps=Count("steps"),
        n_done=Count("steps", filter=Q(steps__state=S.DONE)),
        n_skipped=Count("steps", filter=Q(steps__state=S.SKIPPED)),
        n_red=Count("steps", filter=running & Q(steps__planned_end__lt=day)),
        n_yellow=Count(
            "steps",
            filter=running & Q(steps__planned_end__gte=day, steps__warn_from__lte=day),
        ),
    )


@dataclass
class Summary:
    sent: int = 0
    answered: int = 0
    handling: Counter[str] = field(default_factory=Counter)
    communication: Counter[str] = field(default_factory=Counter)
    items_rated: int = 0
    items_total: int = 0
    item_handling: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.sent) if self.sent else None

    def share(self, counter: Counter[str], key: str, of: int) -> int | None:
        return round(100 * counter[key] / of) if of else None


def summary(campaign: Campaign) -> Summary:
    """Response rate and how the answers fall (three grouped queries)."""
    found = Summary()
    forms = campaign.opinion_forms.values("state", "handling", "communication").annotate(
        n=Count("pk")
    )
    for row in forms:
        found.sent += row["n"]
        if row["state"] == OpinionForm.State.SUBMITTED:
            found.answered += row["n"]
            found.handling[row["handling"]] += row["n"]
            found.communication[row["communication"]] += row["n"]
    items = (
        OpinionItem.objects.filter(form__campaign=campaign)
        .values("handling")
        .annotate(n=Count("pk"))
    )
    for item in items:
        found.items_total += item["n"]
        if item["handling"]:
            found.items_rated += item["n"]
            found.item_handling[item["handling"]] += item["n"]
    return found


def response_counts(campaign: Campaign) -> Summary:
    """Forms sent and answered only (one aggregate): what the campaign page shows."""
    found = campaign.opinion_forms.aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(state=OpinionForm.State.SUBMITTED))
    )
    return Summary(sent=found["sent"] or 0, answered=found["answered"] or 0)


def opinions_step(campaign: Campaign) -> CampaignStep | None:
    return campaign.steps.filter(code=OPINIONS_STEP).first()


def form_items(form: OpinionForm) -> list[OpinionItem]:
    return list(
        form.items.select_related("suggestion", "suggestion__session").order_by("suggestion_id")
    )


def suggestion_label(s: Suggestion) -> str:
    return f"{s.display_number} {s.title}".strip()


# --- the calendar changed: the warning days follow ----------------------------------------------


def recompute_warnings(by: Any = None) -> int:
    """Recompute the stored warning day of every open step (after the calendar or a rule set
    changed); logs each change on its campaign."""
    changed = 0
    for step in CampaignStep.objects.filter(state__in=CampaignStep.OPEN_STATES).select_related(
        "campaign"
    ):
        yellow, uncertain = warn_from(
            step.campaign.jurisdiction_id, step.planned_start, step.planned_end
        )
        if (yellow, uncertain) != (step.warn_from, step.due_uncertain):
            old = step.warn_from
            CampaignStep.objects.filter(pk=step.pk).update(
                warn_from=yellow, due_uncertain=uncertain
            )
            audit_log.append(
                step.campaign,
                action="recompute_due",
                actor=by,
                part=step,
                from_state=step.state,
                to_state=step.state,
                data={"warn_from": [old.isoformat() if old else None, yellow.isoformat()]},
            )
            changed += 1
    return changed
