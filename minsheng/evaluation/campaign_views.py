"""The evaluation campaign's pages: the list, a new campaign, the campaign page (progress and
every step with its status, owner, dates, lateness, notes, documents and actions), editing
steps before they start, the history, the documents, the deputies' answers (summary, list,
Excel) and the deputy's own opinion form.

Thin views: the access check (`campaign_permissions`), the function (`campaigns`), render."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.audit.models import Event
from minsheng.engine import pages
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.evaluation import campaign_permissions as perms
from minsheng.evaluation import campaigns
from minsheng.evaluation.campaign_actions import STEPS
from minsheng.evaluation.campaign_forms import CampaignForm, OpinionAnswerForm, StepForm
from minsheng.evaluation.models_campaign import (
    Campaign,
    CampaignStep,
    Opinion,
    OpinionForm,
    OpinionItem,
    StepDocument,
)
from minsheng.lib.spreadsheets import CellValue, Column, write_table, xlsx_response
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, User
from minsheng.suggestions.models import WarningColour

RESPONSES_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _day_text(n: int) -> str:
    return _("%(n)s days") % {"n": n}


# --- the list and a new campaign -------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require_campaigns(user)
    day = campaigns.today()
    rows = campaigns.campaigns_with_progress(
        perms.visible_campaigns(user).select_related("scheme").order_by("-year", "-pk"), day
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    listed = []
    for c in page.object_list:
        closed = c.n_done + c.n_skipped
        listed.append(
            {
                "c": c,
                "closed": closed,
                "percent": round(100 * closed / c.n_steps) if c.n_steps else 0,
            }
        )
    can_create = bool(perms.staff_jurisdictions(user)) or user.is_superuser
    return render(
        request,
        "evaluation/campaigns.html",
        {"page": page, "rows": listed, "can_create": can_create},
    )


def _home_jurisdiction(user: User) -> Jurisdiction:
    staff = sorted(perms.staff_jurisdictions(user))
    if user.jurisdiction_id in staff or (user.is_superuser and user.jurisdiction_id):
        return user.jurisdiction  # type: ignore[return-value]
    if staff:
        return Jurisdiction.objects.get(pk=staff[0])
    raise PermissionDenied(_("Only congress staff manage the evaluation campaign."))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    jurisdiction = _home_jurisdiction(user)
    day = campaigns.today()
    form = CampaignForm(
        request.POST or None,
        jurisdiction_id=jurisdiction.pk,
        initial={"year": day.year, "starts_on": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.create(
                by=user,
                jurisdiction=jurisdiction,
                year=data["year"],
                title=data["title"],
                starts_on=data["starts_on"],
                scheme=data["scheme"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The campaign is created with the template's steps."))
            return redirect("evaluation:campaign", campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "evaluation/campaign_new.html", {"form": form}, status=status)


# --- the campaign page --------------------------------------------------------------------------


def _step_events(campaign: Campaign) -> tuple[list[Event], dict[int, list[Event]]]:
    step_type = ContentType.objects.get_for_model(CampaignStep)
    events = list(campaign.events.select_related("actor").order_by("at", "pk"))
    by_step: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        event.label = STEPS.timeline_label(event.action, event.data)  # type: ignore[attr-defined]
        if event.part_type_id == step_type.pk and event.part_id is not None:
            by_step[event.part_id].append(event)
    return events, by_step


def _steps_shown(
    campaign: Campaign, user: User, failed: ActionForm | None, opened: int | None = None
) -> tuple[list[dict[str, Any]], campaigns.Progress]:
    day = campaigns.today()
    steps = list(
        campaign.steps.select_related("owner_person", "owner_organisation").order_by("position")
    )
    documents: dict[int, list[StepDocument]] = defaultdict(list)
    for doc in StepDocument.objects.filter(campaign=campaign).order_by("pk"):
        documents[doc.step_id].append(doc)
    _events, by_step = _step_events(campaign)
    manage = perms.can_manage(user, campaign)
    for step in steps:
        step.campaign = campaign  # the capacities read its congress; no query per step
    shown = []
    for index, step in enumerate(steps):
        colour = step.warning(day)
        late = step.days_late(day)
        start_late = step.start_late(day)
        if step.state == CampaignStep.State.DONE and late:
            lateness = _("done %(days)s late") % {"days": _day_text(late)}
        elif late:
            lateness = _("%(days)s overdue") % {"days": _day_text(late)}
        elif start_late and colour != WarningColour.RED:
            lateness = _("should have started %(days)s ago") % {"days": _day_text(start_late)}
        else:
            lateness = ""
        editable = manage and step.state == CampaignStep.State.NOT_STARTED
        # The forms of one step only (the one opened, or the one whose form was refused):
        # forty collapsed forms cost most of the page; the others show an "act" link.
        offered = STEPS.offered(user, step)
        show = offered and (
            step.pk == opened or (failed is not None and getattr(failed.obj, "pk", None) == step.pk)
        )
        actions = (
            pages.action_views(STEPS, step, user, "evaluation:step_act", failed, names=offered)
            if show
            else []
        )
        for view in actions:
            # Every step offers the same actions: the fields' ids name the step too.
            view.form.auto_id = f"id_s{step.pk}_{view.name}_%s"
        shown.append(
            {
                "step": step,
                "colour": colour,
                "colour_label": WarningColour(colour).label,
                "lateness": lateness,
                "documents": documents.get(step.pk, []),
                "notes": [e for e in by_step.get(step.pk, []) if e.note],
                "actions": actions,
                "offered": [str(STEPS[name].label) for name in offered] if not show else [],
                "prefix": f"step-{step.pk}",
                "editable": editable,
                "can_up": editable
                and index > 0
                and steps[index - 1].state == CampaignStep.State.NOT_STARTED,
                "can_down": editable
                and index < len(steps) - 1
                and steps[index + 1].state == CampaignStep.State.NOT_STARTED,
                "mine": perms.is_owner(user, step),
            }
        )
    return shown, campaigns.progress_of(steps, day)


def _campaign_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    opened = request.GET.get("step", "")
    steps, progress = _steps_shown(
        campaign, user, failed, int(opened) if opened.isdigit() and len(opened) < 12 else None
    )
    manage = perms.can_manage(user, campaign)
    summary = campaigns.summary(campaign) if manage else None
    return render(
        request,
        "evaluation/campaign.html",
        {
            "campaign": campaign,
            "steps": steps,
            "progress": progress,
            "manage": manage,
            "summary": summary,
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, perms.get_campaign_for_user(request.user, pk))


@login_required
@require_POST
def step_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    done = pages.post_action(request, STEPS, step, action, campaigns.ACTIONS.get(action))
    campaign = perms.get_campaign_for_user(user, step.campaign_id)
    if not done.ok:
        return _campaign_page(
            request, campaign, failed=done.form, error=done.error, status=done.status
        )
    uploads = done.data.get("documents")
    if uploads:
        campaigns.attach(CampaignStep.objects.get(pk=step.pk), uploads, by=user)
    if action == "send_opinion_forms":
        messages.info(
            request, _("%(n)s new opinion forms were sent.") % {"n": int(done.result or 0)}
        )
    return redirect(f"{campaign_url(campaign)}?step={step.pk}#step-{step.pk}")


def campaign_url(campaign: Campaign) -> str:
    from django.urls import reverse

    return reverse("evaluation:campaign", args=[campaign.pk])


# --- editing steps before they start --------------------------------------------------------------


def _step_form_page(
    request: HttpRequest, campaign: Campaign, form: StepForm, step: CampaignStep | None
) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "evaluation/step_form.html",
        {"campaign": campaign, "form": form, "step": step},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = perms.get_campaign_for_user(user, pk)
    perms.require_manage(user, campaign)
    form = StepForm(request.POST or None, jurisdiction_id=campaign.jurisdiction_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step = campaigns.add_step(campaign, by=user, **data)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The step is added."))
            return redirect(f"{campaign_url(campaign)}#step-{step.pk}")
    return _step_form_page(request, campaign, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    campaign = step.campaign
    perms.require_manage(user, campaign)
    initial = {
        "title": step.title,
        "description": step.description,
        "owner_person": step.owner_person_id,
        "owner_organisation": step.owner_organisation_id,
        "planned_start": step.planned_start,
        "planned_end": step.planned_end,
    }
    form = StepForm(request.POST or None, jurisdiction_id=campaign.jurisdiction_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.edit_step(step, by=user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The step is changed."))
            return redirect(f"{campaign_url(campaign)}#step-{step.pk}")
    return _step_form_page(request, campaign, form, step)


def _refused(request: HttpRequest, campaign: Campaign, error: WorkflowError) -> HttpResponse:
    return _campaign_page(request, campaign, error=error.message, status=error.status)


@login_required
@require_POST
def step_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    perms.require_manage(user, step.campaign)
    try:
        campaigns.remove_step(step, by=user)
    except WorkflowError as error:
        return _refused(request, step.campaign, error)
    messages.success(request, _("The step is removed."))
    return redirect("evaluation:campaign", step.campaign_id)


@login_required
@require_POST
def step_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    perms.require_manage(user, step.campaign)
    if direction not in ("up", "down"):
        raise Http404("No such direction.")
    try:
        campaigns.move_step(step, by=user, up=direction == "up")
    except WorkflowError as error:
        return _refused(request, step.campaign, error)
    return redirect(f"{campaign_url(step.campaign)}#step-{step.pk}")


# --- history and documents ---------------------------------------------------------------------


@login_required
@require_GET
def campaign_history(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = perms.get_campaign_for_user(request.user, pk)
    events, _by_step = _step_events(campaign)
    titles = dict(campaign.steps.values_list("pk", "title"))
    for event in events:
        step_title = titles.get(event.part_id or 0) or (event.data or {}).get("title", "")
        event.step_title = step_title  # type: ignore[attr-defined]
    events.reverse()
    return render(
        request, "evaluation/campaign_history.html", {"campaign": campaign, "events": events}
    )


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    user = _user(request)
    found = StepDocument.objects.filter(pk=pk).first()
    if found is None or not perms.visible_campaigns(user).filter(pk=found.campaign_id).exists():
        raise Http404("No such file.")
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the deputies' answers (staff) ---------------------------------------------------------------


def _opinion_labels() -> dict[str, str]:
    return {"": _("Not rated"), **{k: str(v) for k, v in Opinion.choices}}


def _responses(campaign: Campaign) -> Any:
    return (
        campaign.opinion_forms.select_related("deputy")
        .prefetch_related("items__suggestion__session")
        .order_by("-submitted_at", "deputy__real_name", "pk")
    )


def _export(campaign: Campaign) -> FileResponse:
    labels = _opinion_labels()
    columns = [
        Column(_("Deputy"), 14),
        Column(_("Answered on"), 14, "date"),
        Column(_("Suggestion"), 40),
        Column(_("Handling"), 14),
        Column(_("Communication"), 14),
        Column(_("Comment"), 60),
    ]

    def rows() -> Any:
        for f in _responses(campaign).iterator(chunk_size=500):
            answered = f.submitted_at.date() if f.submitted_at else None
            shown: list[CellValue] = [
                f.deputy.display_name,
                answered,
                _("(overall)"),
                labels[f.handling] if f.submitted_at else _("Not answered"),
                labels[f.communication] if f.submitted_at else "",
                f.comment,
            ]
            yield shown
            for item in f.items.all():
                yield [
                    f.deputy.display_name,
                    answered,
                    campaigns.suggestion_label(item.suggestion),
                    labels[item.handling],
                    labels[item.communication],
                    item.comment,
                ]

    name = f"opinions-{campaign.year}-{campaign.pk}.xlsx"
    return xlsx_response(
        lambda out: write_table(out, title=_("Deputies' opinions"), columns=columns, rows=rows()),
        name,
    )


@login_required
@require_GET
def opinions(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    campaign = perms.get_campaign_for_user(user, pk)
    perms.require_manage(user, campaign)
    if request.GET.get("format") == "xlsx":
        return _export(campaign)
    summary = campaigns.summary(campaign)
    page = Paginator(_responses(campaign), RESPONSES_PAGE).get_page(request.GET.get("page"))
    labels = _opinion_labels()
    rows = []
    for f in page.object_list:
        rows.append(
            {
                "form": f,
                "handling": labels[f.handling] if f.submitted_at else "",
                "communication": labels[f.communication] if f.submitted_at else "",
                "items": [
                    (
                        campaigns.suggestion_label(i.suggestion),
                        labels[i.handling],
                        labels[i.communication],
                        i.comment,
                    )
                    for i in f.items.all()
                    if i.handling or i.communication or i.comment
                ],
            }
        )
    shares = []
    for key, label in Opinion.choices:
        shares.append(
            (
                label,
                summary.handling[key],
                summary.share(summary.handling, key, summary.answered),
                summary.communication[key],
                summary.share(summary.communication, key, summary.answered),
            )
        )
    return render(
        request,
        "evaluation/opinions.html",
        {
            "campaign": campaign,
            "summary": summary,
            "shares": shares,
            "page": page,
            "rows": rows,
            "step": campaigns.opinions_step(campaign),
        },
    )


# --- the deputy's own form ---------------------------------------------------------------------


@login_required
@require_GET
def my_opinions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    forms = list(
        OpinionForm.objects.filter(deputy=user).select_related("campaign").order_by("-sent_at")
    )
    if not forms and not people.deputy_profiles(user):
        raise PermissionDenied(_("Opinion forms are sent to deputies."))
    return render(request, "evaluation/my_opinions.html", {"forms": forms})


@login_required
@require_http_methods(["GET", "POST"])
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    form_row = perms.get_form_for_user(user, pk)
    items: list[OpinionItem] = campaigns.form_items(form_row)
    answer = OpinionAnswerForm(request.POST or None, form=form_row, items=items)
    refusal = None
    from minsheng.evaluation.campaign_actions import OPINIONS

    refused = OPINIONS.refusal("submit", user, form_row)
    if refused is not None:
        refusal = refused.message
    status = 200
    if request.method == "POST":
        status = 422
        if answer.is_valid():
            data = answer.cleaned_data
            try:
                campaigns.submit_opinion(
                    form_row,
                    by=user,
                    handling=data["handling"],
                    communication=data["communication"],
                    comment=data["comment"],
                    items=answer.answers(),
                    expected_version=data.get("expected_version"),
                )
            except WorkflowError as error:
                answer.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you: your opinion is received."))
                return redirect("evaluation:opinion", form_row.pk)
    return render(
        request,
        "evaluation/opinion.html",
        {"row": form_row, "form": answer, "refusal": refusal, "items": items},
        status=status,
    )
