"""The deputy's pages (phone first): my suggestions, write one, edit a draft or returned one.

Drafts are made and changed only through `workflow.create_draft` / `workflow.edit_draft`, and
submitted through `workflow.submit`, so every step is in the suggestion's event log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.people.models import Deputy, Session, User
from minsheng.suggestions import attachments as files
from minsheng.suggestions import idempotency, workflow
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.forms import SuggestionForm
from minsheng.suggestions.models import CoSigner, Reply, Suggestion

S = Suggestion.State
EDITABLE = (S.DRAFT, S.RETURNED)
PAGE_SIZE = 20


def current_deputy(user: User) -> Deputy | None:
    """The person's deputy profile in a current term (a deputy serves one term at a time)."""
    return (
        Deputy.objects.filter(user=user, is_active=True, term__is_current=True)
        .select_related("jurisdiction", "term", "delegation")
        .order_by("-term__start_date")
        .first()
    )


def my_suggestions(user: User) -> QuerySet[Suggestion]:
    """Suggestions the person leads, co-signs or wrote, with what they need to do on each."""
    awaiting_rating = Reply.objects.filter(
        suggestion=OuterRef("pk"),
        round=OuterRef("round"),
        state=Reply.State.SENT,
        rating__isnull=True,
        rating_due__gte=timezone.localdate(),  # past the window it is "not rated", not to rate
    )
    invited = CoSigner.objects.filter(
        suggestion=OuterRef("pk"), deputy__user=user, state=CoSigner.State.INVITED
    )
    # Each term is an indexed look-up, so the database reads the person's rows only.
    mine = (
        Q(lead_deputy_id__in=Deputy.objects.filter(user=user).values("pk"))
        | Q(pk__in=CoSigner.objects.filter(deputy__user=user).values("suggestion_id"))
        | Q(created_by=user)
    )
    return (
        Suggestion.objects.visible_to(user)
        .filter(mine)
        .defer("body", "state_note")
        .select_related("session", "lead_deputy__user", "category")
        .annotate(
            awaiting_rating=ExpressionWrapper(
                Exists(awaiting_rating) & Q(state=S.ANSWERED, lead_deputy__user=user),
                output_field=BooleanField(),
            ),
            invited=ExpressionWrapper(
                Exists(invited) & Q(state__in=EDITABLE), output_field=BooleanField()
            ),
        )
        .order_by("-created_at", "-pk")
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    qs = my_suggestions(user)
    todo = list(qs.filter(Q(awaiting_rating=True) | Q(invited=True)))
    returned = list(qs.filter(state=S.RETURNED, lead_deputy__user=user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    open_states = set(Suggestion.IN_HANDLING)
    for s in [*todo, *returned, *page.object_list]:
        # What a card shows, prepared once (the template's card is plain markup).
        light = s.warning(today)
        s.light = light  # type: ignore[attr-defined]
        s.light_label = str(light.label)  # type: ignore[attr-defined]
        s.led_by = "" if s.lead_deputy.user_id == user.pk else s.lead_deputy.user.display_name  # type: ignore[attr-defined]
        s.shows_due = bool(s.reply_due) and s.state in open_states  # type: ignore[attr-defined]
    total = page.paginator.count
    sections: list[dict[str, Any]] = [
        {"key": "todo", "title": _("Waiting for you"), "items": todo, "testid": "todo"},
        {"key": "returned", "title": _("Returned to you for revision"), "items": returned},
        {
            "key": "all",
            "title": _("All (%(total)s)") % {"total": intcomma(total)},
            "items": page.object_list,
            "testid": "all",
        },
    ]
    return render(
        request,
        "suggestions/deputy/mine.html",
        {
            "page": page,
            "sections": [x for x in sections if x["items"] or x["key"] == "all"],
            "todo": todo,
            "returned": returned,
            "today": today,
            "total": total,
            "deputy": current_deputy(user),
            "open_states": Suggestion.IN_HANDLING,
        },
    )


def _unavailable(request: HttpRequest, reason: str, title: str = "") -> HttpResponse:
    return render(
        request,
        "suggestions/deputy/unavailable.html",
        {"reason": reason, "title": title or _("Write a suggestion")},
        status=403,
    )


def _source(session: Session) -> str:
    if session.is_in_session(timezone.localdate()):
        return Suggestion.Source.IN_SESSION
    return Suggestion.Source.BETWEEN_SESSIONS


def _submit_after_save(request: HttpRequest, s: Suggestion, by: User) -> None:
    """Submit a just-saved draft; when co-signers have not all confirmed, the draft is kept
    and the message names who is missing."""
    try:
        workflow.submit(s, by=by)
    except workflow.WorkflowError as error:
        messages.warning(
            request,
            _("Your draft is saved but was not submitted. %(reason)s") % {"reason": error.message},
        )
    else:
        messages.success(request, _("Your suggestion has been submitted to the congress office."))


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    deputy = current_deputy(user)
    if deputy is None:
        return _unavailable(
            request,
            _(
                "Only a serving deputy of the current term can write a suggestion here. If you are "
                "one, ask the congress office to record your deputy profile."
            ),
        )
    session = deputy.jurisdiction.current_session()
    if session is None:
        return _unavailable(
            request,
            _(
                "The congress office has not yet set up the current session, so a suggestion "
                "cannot be numbered. Please try again later or ask the congress office."
            ),
        )
    source = _source(session)
    form = SuggestionForm(request.POST or None, request.FILES or None, deputy=deputy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            token = data.get("form_token")
            try:
                with transaction.atomic():
                    claimed = (
                        idempotency.claim(user, idempotency.FORM_PREFIX + token) if token else None
                    )
                    s = workflow.create_draft(
                        by=user,
                        lead_deputy=deputy,
                        title=data["title"],
                        body=data["body"],
                        session=session,
                        category=data["category"],
                        source=source,
                        cosigners=list(data["cosigners"]),
                        is_confidential=data["is_confidential"],
                    )
                    files.store(s, data["attachments"], by=user)
                    if claimed is not None:
                        idempotency.record(claimed, s)
            except idempotency.Replayed as replay:
                # A double click, or back and resubmit: answer with what the first post made.
                messages.info(
                    request,
                    _("This form had already been sent: here is the suggestion it made."),
                )
                return redirect("suggestions:detail", pk=replay.earlier.suggestion_id)
            except workflow.WorkflowError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if request.POST.get("intent") == "submit":
                    _submit_after_save(request, s, user)
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("suggestions:detail", pk=s.pk)
        else:
            status = 422
    return render(
        request,
        "suggestions/deputy/form.html",
        {
            "form": form,
            "deputy": deputy,
            "session": session,
            "source": source,
            "source_label": Suggestion.Source(source).label,
            "editing": False,
        },
        status=status,
    )


def _editable(user: User, s: Suggestion) -> bool:
    return perms.LEAD_DEPUTY in perms.capacities(user, s) or s.created_by_id == user.pk


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    s = perms.get_suggestion_for_user(user, pk)
    if not _editable(user, s):
        return _unavailable(
            request,
            _("Only the lead deputy can edit this suggestion."),
            _("Edit the suggestion"),
        )
    if s.state not in EDITABLE:
        messages.error(request, _("Only a draft or a returned suggestion can be edited."))
        return redirect("suggestions:detail", pk=s.pk)
    initial: dict[str, Any] = {
        "title": s.title,
        "body": s.body,
        "category": s.category_id,
        "cosigners": [c.deputy_id for c in s.cosigners.all()],
    }
    form = SuggestionForm(
        request.POST or None,
        request.FILES or None,
        deputy=s.lead_deputy,
        editing=True,
        initial=initial,
    )
    existing = list(s.attachments.filter(reply__isnull=True).order_by("id"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = int(request.POST.get("expected_version", ""))
            except ValueError:
                version = None
            try:
                with transaction.atomic():
                    workflow.edit_draft(
                        s,
                        by=user,
                        title=data["title"],
                        body=data["body"],
                        category=data["category"],
                        cosigners=list(data["cosigners"]),
                        expected_version=version,
                    )
                    drop = {int(v) for v in request.POST.getlist("remove") if v.isdigit()}
                    files.remove([a for a in existing if a.pk in drop], by=user)
                    files.store(s, data["attachments"], by=user)
            except workflow.WorkflowError as error:
                form.add_error(None, error.message)
                status = error.status
                s.refresh_from_db()
            else:
                if request.POST.get("intent") == "submit":
                    s.refresh_from_db()
                    _submit_after_save(request, s, user)
                else:
                    messages.success(request, _("Your changes are saved."))
                return redirect("suggestions:detail", pk=s.pk)
        else:
            status = 422
    return render(
        request,
        "suggestions/deputy/form.html",
        {
            "form": form,
            "s": s,
            "deputy": s.lead_deputy,
            "session": s.session,
            "source_label": s.get_source_display(),
            "editing": True,
            "existing": existing,
        },
        status=status,
    )
