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
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
from minsheng.suggestions.numbers import format_number

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


# --- the campaign page and a step's page ----------------------------------------------------------


def _lateness(step: CampaignStep, day: Any, colour: str) -> str:
    late = step.days_late(day)
    start_late = step.start_late(day)
    if step.state == CampaignStep.State.DONE and late:
        return _("done %(days)s late") % {"days": _day_text(late)}
    if late:
        return _("%(days)s overdue") % {"days": _day_text(late)}
    if start_late and colour != WarningColour.RED:
        return _("should have started %(days)s ago") % {"days": _day_text(start_late)}
    return ""


def _steps_shown(campaign: Campaign, user: User) -> tuple[list[dict[str, Any]], campaigns.Progress]:
    """The campaign page's rows: every step as one plain row (status, owner, dates, lateness,
    its documents' count); its notes, documents and controls are on the step's own page.
    One query for the steps and their documents' counts, whatever their number."""
    day = campaigns.today()
    steps = list(
        campaign.steps.select_related("owner_person", "owner_organisation")
        .annotate(n_documents=Count("documents"))
        .order_by("position")
    )
    mine = perms.member_organisations(user)  # the roles are read once, not per step
    shown = []
    for step in steps:
        colour = step.warning(day)
        shown.append(
            {
                "step": step,
                "colour": colour,
                "colour_label": WarningColour(colour).label,
                "lateness": _lateness(step, day, colour),
                "mine": step.owner_person_id == user.pk or step.owner_organisation_id in mine,
                "owner": " · ".join(
                    name
                    for name in (
                        step.owner_person.display_name if step.owner_person else "",
                        step.owner_organisation.name if step.owner_organisation else "",
                    )
                    if name
                ),
                "planned": f"{date_format(step.planned_start)} – {date_format(step.planned_end)}",
            }
        )
    return shown, campaigns.progress_of(steps, day)


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = _user(request)
    steps, progress = _steps_shown(campaign, user)
    manage = perms.can_manage(user, campaign)
    summary = campaigns.response_counts(campaign) if manage else None
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
    campaign = perms.get_campaign_for_user(request.user, pk)
    opened = request.GET.get("step", "")
    if opened.isdigit() and len(opened) < 12:
        # The step's controls used to open on the campaign page (?step=ID): its page now.
        return redirect("evaluation:step", int(opened))
    return _campaign_page(request, campaign)


def _step_page(
    request: HttpRequest,
    step: CampaignStep,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """One step: its facts, notes and documents, the actions the reader may take on it and,
    for staff before it starts, the controls that change, move or remove it."""
    user = _user(request)
    day = campaigns.today()
    step = (
        CampaignStep.objects.select_related("owner_person", "owner_organisation", "campaign")
        .filter(pk=step.pk)
        .first()
        or step
    )
    campaign = step.campaign
    order = list(campaign.steps.order_by("position").values("pk", "position", "state", "title"))
    index = next((i for i, row in enumerate(order) if row["pk"] == step.pk), 0)
    before = order[index - 1] if index > 0 else None
    after = order[index + 1] if index + 1 < len(order) else None
    step_type = ContentType.objects.get_for_model(CampaignStep)
    events = list(
        campaign.events.filter(part_type=step_type, part_id=step.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )
    for event in events:
        event.label = STEPS.timeline_label(event.action, event.data)  # type: ignore[attr-defined]
    offered = STEPS.offered(user, step)
    actions = pages.action_views(STEPS, step, user, "evaluation:step_act", failed, names=offered)
    for view in actions:
        # Several actions ask for a note: the fields' ids name the action too.
        view.form.auto_id = f"id_{view.name}_%s"
    manage = perms.can_manage(user, campaign)
    editable = manage and step.state == CampaignStep.State.NOT_STARTED
    not_started = CampaignStep.State.NOT_STARTED
    colour = step.warning(day)
    return render(
        request,
        "evaluation/campaign_step.html",
        {
            "campaign": campaign,
            "step": step,
            "number": index + 1,
            "total": len(order),
            "before": before,
            "after": after,
            "colour": colour,
            "colour_label": WarningColour(colour).label,
            "lateness": _lateness(step, day, colour),
            "notes": [e for e in events if e.note],
            "documents": list(step.documents.order_by("pk")),
            "actions": actions,
            "prefix": f"step-{step.pk}",
            "editable": editable,
            "can_up": editable and before is not None and before["state"] == not_started,
            "can_down": editable and after is not None and after["state"] == not_started,
            "mine": perms.is_owner(user, step),
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def step_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, perms.get_step_for_user(request.user, pk))


@login_required
@require_POST
def step_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    done = pages.post_action(request, STEPS, step, action, campaigns.ACTIONS.get(action))
    if not done.ok:
        return _step_page(request, step, failed=done.form, error=done.error, status=done.status)
    uploads = done.data.get("documents")
    if uploads:
        campaigns.attach(CampaignStep.objects.get(pk=step.pk), uploads, by=user)
    if action == "send_opinion_forms":
        messages.info(
            request, _("%(n)s new opinion forms were sent.") % {"n": int(done.result or 0)}
        )
    return redirect("evaluation:step", step.pk)


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
            return redirect("evaluation:step", step.pk)
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
            return redirect("evaluation:step", step.pk)
    return _step_form_page(request, campaign, form, step)


def _refused(request: HttpRequest, step: CampaignStep, error: WorkflowError) -> HttpResponse:
    return _step_page(request, step, error=error.message, status=error.status)


@login_required
@require_POST
def step_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    step = perms.get_step_for_user(user, pk)
    perms.require_manage(user, step.campaign)
    try:
        campaigns.remove_step(step, by=user)
    except WorkflowError as error:
        return _refused(request, step, error)
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
        return _refused(request, step, error)
    return redirect(f"{campaign_url(step.campaign)}#step-{step.pk}")


# --- history and documents ---------------------------------------------------------------------


@login_required
@require_GET
def campaign_history(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = perms.get_campaign_for_user(request.user, pk)
    events = list(campaign.events.select_related("actor").order_by("at", "pk"))
    titles = dict(campaign.steps.values_list("pk", "title"))
    for event in events:
        event.label = STEPS.timeline_label(event.action, event.data)  # type: ignore[attr-defined]
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
        .prefetch_related("items__suggestion")
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
    forms = campaign.opinion_forms.select_related("deputy").order_by(
        "-submitted_at", "deputy__real_name", "pk"
    )
    page = Paginator(forms, RESPONSES_PAGE).get_page(request.GET.get("page"))
    labels = _opinion_labels()
    # The page's rated or commented suggestions, in one query of plain values (no prefetch of
    # every item with its suggestion: most are not rated one by one).
    items: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for form_id, handling, communication, comment, series, number, title in (
        OpinionItem.objects.filter(form_id__in=[f.pk for f in page.object_list])
        .exclude(handling="", communication="", comment="")
        .order_by("form_id", "suggestion_id")
        .values_list(
            "form_id",
            "handling",
            "communication",
            "comment",
            "suggestion__series",
            "suggestion__number",
            "suggestion__title",
        )
    ):
        items[form_id].append(
            (
                f"{format_number(series, number)} {title}".strip(),
                labels[handling],
                labels[communication],
                comment,
            )
        )
    rows = [
        {
            "form": f,
            "handling": labels[f.handling] if f.submitted_at else "",
            "communication": labels[f.communication] if f.submitted_at else "",
            "items": items.get(f.pk, []),
        }
        for f in page.object_list
    ]
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
