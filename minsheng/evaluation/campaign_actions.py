"""The campaign's actions, each declared once on the shared engine (as the ledger's and the
micro-wishes' are): a step's status and a deputy's opinion form change only through them.
The typed functions are in `campaigns.py`; pages, the API and the demo go through them.

    step:  not_started ──start──▶ in_progress ──finish──▶ done
              │                    │    ▲                  │
              └──skip (staff)──────┴──▶ skipped ──reopen───┘ (staff: back to in progress)
           note (any state: a note and documents, the state unchanged)
           send_opinion_forms (the opinions step, in progress: a form to every deputy who had
           a reply in the campaign's period, through the inbox)
    opinion form:  sent ──submit──▶ submitted ──submit (edit)──▶ submitted, until the
                   opinions step closes

Events are logged on the campaign (the step or the form is the event's part), so the
campaign's history is one query over its events."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.engine.actions import Action, Attempt, EventRecord, Registry, Rule, Words
from minsheng.engine.inputs import Choice, Files, Text
from minsheng.evaluation import campaign_permissions as perms
from minsheng.evaluation.models_campaign import (
    OPINIONS_STEP,
    CampaignStep,
    Opinion,
    OpinionForm,
)

S = CampaignStep.State
STAFF, OWNER, RESPONDENT = perms.STAFF, perms.OWNER, perms.RESPONDENT
MAX_DOCUMENTS = 10

# Sent after a campaign action commits (receivers get the step or form and the event), and
# after the campaign is created (the campaign) or a step is added or changed (the step).
campaign_changed = Signal()

Try = Attempt[Any]


def _notify(obj: Any, event: Any) -> None:
    campaign_changed.send(sender=type(obj), obj=obj, event=event)


def _on_campaign(record: EventRecord) -> Any:
    """Log the event on the campaign, with the step or the form as its part."""
    return audit_log.append(
        record.obj.campaign,
        part=record.obj,
        actor=record.by,
        action=record.action,
        from_state=record.from_state,
        to_state=record.to_state,
        note=record.note,
        data=dict(record.data),
    )


def _lock_step(pk: int) -> CampaignStep:
    return (
        CampaignStep.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pk)
    )


def _lock_form(pk: int) -> OpinionForm:
    return OpinionForm.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pk)


STEPS: Registry[CampaignStep] = Registry(
    model=CampaignStep,
    capacities=perms.step_capacities,
    append=_on_campaign,
    notify=_notify,
    lock_row=_lock_step,
    other_events={
        "create": gettext_lazy("Campaign created"),
        "add_step": gettext_lazy("Step added"),
        "edit_step": gettext_lazy("Step changed"),
        "remove_step": gettext_lazy("Step removed"),
        "move_step": gettext_lazy("Step moved"),
        "documents": gettext_lazy("Documents added"),
        "recompute_due": gettext_lazy("Warning day recomputed"),
    },
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this step."),
        stale=gettext_lazy(
            "Someone else changed this step while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the step is “%(state)s”."),
    ),
)

OPINIONS: Registry[OpinionForm] = Registry(
    model=OpinionForm,
    capacities=perms.form_capacities,
    append=_on_campaign,
    notify=_notify,
    lock_row=_lock_form,
    words=Words(
        not_allowed=gettext_lazy("This opinion form is not yours."),
        stale=gettext_lazy(
            "This form was changed while you were looking at it. Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the form is “%(state)s”."),
    ),
)


def _documents() -> Any:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField()


DOCUMENTS = Files("documents", field=_documents, label=gettext_lazy("Documents"))


def _few_documents(values: Any, attempt: Try) -> str | None:
    if len(values.get("documents") or ()) > MAX_DOCUMENTS:
        return str(_("Attach at most %(n)s files.") % {"n": MAX_DOCUMENTS})
    return None


# --- rules ----------------------------------------------------------------------------------------


def _is_opinions_step(attempt: Try) -> str | None:
    if attempt.obj.code != OPINIONS_STEP:
        return str(_("Opinion forms are sent from the “collect deputies' opinions” step."))
    return None


def _opinions_step_open(attempt: Try) -> str | None:
    form: OpinionForm = attempt.obj
    closed = CampaignStep.objects.filter(
        campaign_id=form.campaign_id, code=OPINIONS_STEP, state__in=CampaignStep.CLOSED_STATES
    ).exists()
    if closed:
        return str(_("The collection of opinions is closed; the form can no longer be changed."))
    return None


OPINION_CHOICES = tuple(Opinion.choices)

STEPS.declare(
    Action(
        "start",
        sources=frozenset({S.NOT_STARTED}),
        target=S.IN_PROGRESS,
        who=frozenset({STAFF, OWNER}),
        label=gettext_lazy("Start the step"),
        done=gettext_lazy("Started"),
        summary="Start the step",
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
    Action(
        "finish",
        sources=frozenset({S.IN_PROGRESS}),
        target=S.DONE,
        who=frozenset({STAFF, OWNER}),
        label=gettext_lazy("Mark the step done"),
        done=gettext_lazy("Done"),
        summary="Mark the step done, with a note and documents",
        inputs=(
            Text("note", label=gettext_lazy("What was done"), rows=3, required=False),
            DOCUMENTS,
        ),
        checks=(),
    ),
    Action(
        "skip",
        sources=frozenset({S.NOT_STARTED, S.IN_PROGRESS}),
        target=S.SKIPPED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Skip the step"),
        done=gettext_lazy("Skipped"),
        summary="Skip the step (this year's campaign does without it), with the reason",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why"),
                rows=2,
                blank=gettext_lazy("Say why the step is skipped."),
            ),
        ),
        confirm=gettext_lazy("Skip this step?"),
        danger=True,
    ),
    Action(
        "reopen",
        sources=frozenset({S.DONE, S.SKIPPED}),
        target=S.IN_PROGRESS,
        who=frozenset({STAFF}),
        label=gettext_lazy("Reopen the step"),
        done=gettext_lazy("Reopened"),
        summary="Reopen a done or skipped step, with the reason",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why"),
                rows=2,
                blank=gettext_lazy("Say why the step is reopened."),
            ),
        ),
    ),
    Action(
        "note",
        sources=frozenset(S.values),
        target=None,
        who=frozenset({STAFF, OWNER}),
        label=gettext_lazy("Add a note or documents"),
        done=gettext_lazy("Note"),
        summary="Add a note (and, on the page, documents) to the step",
        inputs=(
            Text(
                "note",
                label=gettext_lazy("Note"),
                rows=3,
                blank=gettext_lazy("Write the note."),
            ),
            DOCUMENTS,
        ),
    ),
    Action(
        "send_opinion_forms",
        sources=frozenset({S.IN_PROGRESS}),
        target=None,
        who=frozenset({STAFF, OWNER}),
        label=gettext_lazy("Send the opinion forms to the deputies"),
        done=gettext_lazy("Opinion forms sent"),
        summary=(
            "Send an opinion form to every deputy who had a reply in the campaign's period "
            "(through the inbox); a second run sends only to deputies who have none yet"
        ),
        rules=(Rule(_is_opinions_step),),
        confirm=gettext_lazy("Send an opinion form to every deputy who had a reply?"),
        timeline=lambda data: (
            str(_("Opinion forms sent to %(n)s deputies") % {"n": data["sent"]})
            if "sent" in data
            else None
        ),
    ),
)

OPINIONS.declare(
    Action(
        "submit",
        sources=frozenset({OpinionForm.State.SENT, OpinionForm.State.SUBMITTED}),
        target=OpinionForm.State.SUBMITTED,
        who=frozenset({RESPONDENT}),
        label=gettext_lazy("Send my opinion"),
        done=gettext_lazy("Opinion received"),
        summary="The deputy answers the opinion form (changeable until the step closes)",
        rules=(Rule(_opinions_step_open),),
        inputs=(
            Choice(
                "handling",
                label=gettext_lazy("The handling of your suggestions"),
                choices=OPINION_CHOICES,
                radio=True,
                blank=gettext_lazy("Rate the handling."),
            ),
            Choice(
                "communication",
                label=gettext_lazy("The units' communication with you"),
                choices=OPINION_CHOICES,
                radio=True,
                blank=gettext_lazy("Rate the communication."),
            ),
            Text("comment", label=gettext_lazy("Comment"), rows=4, required=False),
        ),
        timeline=lambda data: str(_("Opinion changed")) if data.get("edited") else None,
    ),
)
