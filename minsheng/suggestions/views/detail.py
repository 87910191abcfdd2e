"""The suggestion page: everything about one suggestion that the person may see, the forms of
the actions they may take now, and the attachment downloads.

Thin views (CONVENTIONS habit 4): fetch with the access check, validate a form, call the
workflow function, respond. A refused action re-renders the page with the person's input kept
and the reason shown at the form, with the status the API would answer (403, 409 or 422).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from minsheng.audit.models import Event
from minsheng.people import permissions as people
from minsheng.people.models import User
from minsheng.suggestions import attachments as files
from minsheng.suggestions import permissions as perms
from minsheng.suggestions import workflow
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.forms import ACTION_FORMS, ActionForm
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Attachment,
    DeclineReason,
    Rating,
    Reply,
    Suggestion,
    WarningColour,
)
from minsheng.suggestions.numbers import format_number

S = Suggestion.State

# A human label for every event the log records (DOMAIN.md §2): the actions' timeline words
# from their declarations, and the events that are not buttons (creation, edits, merges into
# this one, expired ratings, recomputed dates).
EVENT_LABELS: dict[str, Any] = {
    **{name: action.done for name, action in REGISTRY.actions.items()},
    **REGISTRY.other_events,
}

# The lead unit first, as the reply norms list them; the joint units after it.
MODE_ORDER: dict[str, int] = {
    Assignment.Mode.LEAD: 0,
    Assignment.Mode.SEPARATE: 1,
    Assignment.Mode.JOINT: 2,
}

WARNING_LABELS: dict[str, Any] = {
    c.value: c.label for c in WarningColour if c != WarningColour.NONE
}


def state_label(value: str) -> str:
    for choices in (Suggestion.State, Assignment.State):
        if value in choices.values:
            return str(choices(value).label)
    return value


def event_label(event: Event) -> str:
    return REGISTRY.timeline_label(event.action, event.data or {})


def event_detail(event: Event) -> str:
    """A short line from the event's data that the note does not already say."""
    data = event.data or {}
    if event.action == "rate" and data.get("overall") in Rating.Overall.values:
        return str(Rating.Overall(data["overall"]).label)
    if event.action == "decline" and data.get("reason") in DeclineReason.values:
        return str(DeclineReason(data["reason"]).label)
    if event.action == "assign":
        return pgettext("list separator", ", ").join(
            _("%(unit)s (%(mode)s)") % {"unit": unit[1], "mode": Assignment.Mode(unit[2]).label}
            for unit in data.get("units", [])
            if unit[2] in Assignment.Mode.values
        )
    if event.action == "decide_adjustment" and data.get("moved_to"):
        return _("Moved to %(unit)s") % {"unit": data["moved_to"]}
    if event.action in ("request_extension", "decide_extension") and data.get("until"):
        return _("Until %(date)s") % {"date": data["until"]}
    if event.action == "register" and data.get("number"):
        return format_number(str(data.get("series") or ""), int(data["number"]))
    if event.action == "sign_reply" and data.get("category"):
        return _("Category %(category)s") % {"category": data["category"]}
    if event.action == "recompute_due" and data.get("after"):
        return _("Reply due %(before)s → %(after)s") % {
            "before": (data.get("before") or ["—"])[0],
            "after": data["after"][0],
        }
    return ""


# Other apps add sections to the suggestion page (supervision, later publication and ledgers):
# (template, provider); a provider returns the section's context, or None to leave it out.
# The suggestions app never imports them: they register themselves in their AppConfig.ready().
DetailPanel = tuple[str, Callable[[HttpRequest, Suggestion], dict[str, Any] | None]]
DETAIL_PANELS: list[DetailPanel] = []


def register_panel(template: str, provider: Callable[..., dict[str, Any] | None]) -> None:
    if (template, provider) not in DETAIL_PANELS:
        DETAIL_PANELS.append((template, provider))


# Advice beside the reply forms (draft and sign) from other apps: the insight app's reply-norm
# check. `advice(suggestion, assignment)` returns lines to show; it never stops the action.
ReplyAdvice = Callable[[Suggestion, Assignment], list[str]]
REPLY_ADVICE: list[ReplyAdvice] = []


def register_reply_advice(advice: ReplyAdvice) -> None:
    if advice not in REPLY_ADVICE:
        REPLY_ADVICE.append(advice)


@dataclass
class ActionView:
    name: str
    label: str
    form: ActionForm
    open: bool = False
    confirm: str = ""
    danger: bool = False
    warnings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)

    @property
    def templates(self) -> list[str]:
        return [f"suggestions/actions/{self.name}.html", "suggestions/actions/_form.html"]


def _reply_warnings(user: User, s: Suggestion, action: str, form: ActionForm) -> list[str]:
    """What still stops the action (its declaration's offered rules: the co-signers still to
    confirm, the head's reply still missing a contact log); for the clerk drafting, what will
    stop the head signing."""
    if action != "draft_reply":
        return REGISTRY.problems(action, user, s)
    found: list[str] = []
    for a in form.assignments:
        for problem in workflow.reply_problems(s, a):
            if len(form.assignments) > 1:
                problem = _("%(unit)s: %(problem)s") % {"unit": a.unit, "problem": problem}
            found.append(problem)
    return found


def _reply_advice(s: Suggestion, action: str, form: ActionForm) -> list[str]:
    """The other apps' advice on the unit's draft, beside the draft and sign forms."""
    if action not in ("draft_reply", "sign_reply") or not REPLY_ADVICE:
        return []
    found = []
    for a in form.assignments:
        for line in (line for advice in REPLY_ADVICE for line in advice(s, a)):
            if len(form.assignments) > 1:
                line = _("%(unit)s: %(problem)s") % {"unit": a.unit, "problem": line}
            found.append(line)
    return found


def _action_views(
    request: HttpRequest, s: Suggestion, failed: ActionForm | None = None
) -> list[ActionView]:
    user: User = request.user  # type: ignore[assignment]
    found = []
    for name in workflow.allowed_actions(user, s):
        if failed is not None and failed.action == name:
            form = failed
        else:
            form = ACTION_FORMS[name](suggestion=s, user=user, action=name)
        declared = REGISTRY[name]
        view = ActionView(
            name=name,
            label=str(declared.label),
            form=form,
            open=form is failed,
            confirm=str(declared.confirm),
            danger=declared.danger,
        )
        view.warnings = _reply_warnings(user, s, name, form)
        view.advice = _reply_advice(s, name, form)
        found.append(view)
    return found


def _can_see_reply(user: User, s: Suggestion, reply: Reply, caps: set[str]) -> bool:
    """A draft reply is the unit's working paper: its unit and the congress office see it,
    the deputy only once it is signed and sent."""
    if reply.state == Reply.State.SENT:
        return True
    if perms.STAFF in caps:
        return True
    return reply.assignment.unit_id in people.unit_ids(user)


def can_download(user: User, s: Suggestion, attachment: Attachment) -> bool:
    if attachment.reply is None:
        return True
    return _can_see_reply(user, s, attachment.reply, perms.capacities(user, s))


def _detail_context(request: HttpRequest, s: Suggestion) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    caps = perms.capacities(user, s)
    assignments = sorted(
        s.assignments.select_related("unit", "signed_by").prefetch_related(
            Prefetch(
                "adjustment_requests",
                queryset=AdjustmentRequest.objects.select_related(
                    "proposed_unit", "requested_by", "decided_by"
                ),
            ),
        ),
        key=lambda a: (a.state == Assignment.State.CANCELLED, MODE_ORDER.get(a.mode, 9), a.pk),
    )
    replies = [
        r
        for r in s.replies.select_related(
            "assignment__unit", "signed_by", "drafted_by", "rating__rated_by"
        ).prefetch_related("attachments")
        if _can_see_reply(user, s, r, caps)
    ]
    rounds: dict[int, list[Reply]] = {}
    for reply in replies:
        rounds.setdefault(reply.round, []).append(reply)
    events = list(s.events.select_related("actor"))
    assignment_type = ContentType.objects.get_for_model(Assignment).pk
    unit_of = {a.pk: a.unit for a in assignments}
    for event in events:
        if event.part_type_id == assignment_type:
            event.unit = unit_of.get(event.part_id)  # type: ignore[attr-defined]
        event.label = event_label(event)  # type: ignore[attr-defined]
        event.detail = event_detail(event)  # type: ignore[attr-defined]
        event.from_label = state_label(event.from_state)  # type: ignore[attr-defined]
        event.to_label = state_label(event.to_state)  # type: ignore[attr-defined]
    warning = s.warning(today)
    return {
        "s": s,
        "today": today,
        "warning": warning,
        "warning_label": WARNING_LABELS.get(warning, ""),
        "caps": caps,
        "show_phone": perms.can_see_contact_details(user, s),
        "cosigners": s.cosigners.select_related("deputy__user", "deputy__delegation"),
        "assignments": assignments,
        "adjustments": [r for a in assignments for r in a.adjustment_requests.all()],
        "contacts": s.contacts.select_related("assignment__unit", "logged_by"),
        "joint_opinions": [a.joint_opinion for a in assignments if hasattr(a, "joint_opinion")],
        "extensions": s.extension_requests.select_related(
            "assignment__unit", "requested_by", "decided_by"
        ).order_by("id"),
        "rounds": sorted(rounds.items()),
        "ratings": s.ratings.select_related("reply__assignment__unit", "rated_by").order_by(
            "round", "id"
        ),
        "attachments": s.attachments.filter(reply__isnull=True).order_by("id"),
        "merged_from": Suggestion.objects.visible_to(user).filter(merged_into=s),
        "merged_into": (
            Suggestion.objects.visible_to(user).filter(pk=s.merged_into_id).first()
            if s.merged_into_id
            else None
        ),
        "events": events,
        "can_edit": s.state in (S.DRAFT, S.RETURNED)
        and (perms.LEAD_DEPUTY in caps or s.created_by_id == user.pk),
    }


def _render_detail(
    request: HttpRequest,
    s: Suggestion,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _detail_context(request, s)
    context["actions"] = _action_views(request, s, failed)
    # The calendar warning is for those who can act on the due date, not the deputy.
    caps = perms.capacities(request.user, s)
    context["deputy_only"] = not caps & {perms.STAFF, perms.CLERK, perms.HEAD}
    context["open_states"] = [
        Suggestion.State.ASSIGNED,
        Suggestion.State.HANDLING,
        Suggestion.State.REHANDLING,
    ]
    context["extra_panels"] = [
        {"template": template, "p": found}
        for template, provider in DETAIL_PANELS
        if (found := provider(request, s)) is not None
    ]
    shown = {view.name for view in context["actions"]}
    # An error for an action this person no longer sees a form for goes at the top of the page.
    context["page_error"] = error if failed is None or failed.action not in shown else ""
    return render(request, "suggestions/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = perms.get_suggestion_for_user(request.user, pk)
    return _render_detail(request, s)


def _keep_input_with_fresh_version(request: HttpRequest, s: Suggestion) -> Any:
    """The person's input, with the current version: after a conflict they see the page as it
    is now, and sending their kept input again is a deliberate decision on the fresh state."""
    data = request.POST.copy()
    data["expected_version"] = str(s.version)
    return data


def _refusal(
    user: User, s: Suggestion, action: str, form: ActionForm
) -> workflow.WorkflowError | None:
    """Why an action that is not offered now is refused, from its declaration (the same checks
    the workflow runs), so that a form posted from a stale page says so instead of listing
    field errors."""
    version = form.data.get("expected_version")
    try:
        seen = int(version) if version not in (None, "") else None
    except (TypeError, ValueError):
        seen = None
    return workflow.refusal(action, user, s, seen)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise Http404("No such action.")
    user: User = request.user  # type: ignore[assignment]
    s = perms.get_suggestion_for_user(user, pk)
    form = ACTION_FORMS[action](request.POST, request.FILES, suggestion=s, user=user, action=action)
    if not form.is_valid():
        refused = _refusal(user, s, action, form)
        if refused is not None:
            return _render_detail(
                request, s, failed=form, error=refused.message, status=refused.status
            )
        return _render_detail(request, s, failed=form, status=422)
    try:
        result = workflow.ACTIONS[action](
            s,
            by=user,
            expected_version=form.cleaned_data.get("expected_version"),
            **form.workflow_kwargs(),
        )
    except workflow.WorkflowError as error:
        s = perms.get_suggestion_for_user(user, pk)
        kept = ACTION_FORMS[action](
            _keep_input_with_fresh_version(request, s),
            request.FILES,
            suggestion=s,
            user=user,
            action=action,
        )
        kept.is_valid()
        kept.add_error(None, error.message)
        return _render_detail(request, s, failed=kept, error=error.message, status=error.status)
    if isinstance(result, Reply) and form.cleaned_data.get("attachments"):
        files.store(s, form.cleaned_data["attachments"], by=user, reply=result)
    messages.success(request, _("Done: %(action)s.") % {"action": REGISTRY[action].label})
    if not Suggestion.objects.visible_to(user).filter(pk=s.pk).exists():
        # E.g. a unit whose assignment was just moved away no longer sees the suggestion.
        return redirect("home")
    return redirect(reverse("suggestions:detail", args=[s.pk]))


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    s = perms.get_suggestion_for_user(user, pk)
    found = (
        Attachment.objects.filter(suggestion=s, pk=attachment_pk).select_related("reply").first()
    )
    if found is None or not can_download(user, s, found):
        raise Http404("No such attachment.")
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
