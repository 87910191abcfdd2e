"""Supervision pages: the key items, one key item with its actions, the warning board, and the
supervision panel of a suggestion page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.engine import pages
from minsheng.engine.actions import Registry
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.engine.pages import ActionView
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions import permissions as suggestion_perms
from minsheng.suggestions.models import Assignment, Suggestion, WarningColour
from minsheng.supervision import documents, lights, workflow
from minsheng.supervision import permissions as perms
from minsheng.supervision.actions import INSTRUCTIONS, KEY_ITEMS, ON_SUGGESTIONS
from minsheng.supervision.forms import KeyItemForm
from minsheng.supervision.lights import key_items_with_counts
from minsheng.supervision.models import (
    Document,
    Instruction,
    KeyItem,
    Record,
    Supervisor,
)

PAGE_SIZE = 50
WARNING_LABELS = dict(WarningColour.choices)


def _actions(
    registry: Registry[Any], obj: Any, user: User, url_name: str, failed: ActionForm | None
) -> list[ActionView]:
    return pages.action_views(registry, obj, user, url_name, failed)


@login_required
@require_GET
def key_items(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    rows = key_items_with_counts(user, today)
    state = request.GET.get("state", "")
    if state in KeyItem.State.values:
        rows = rows.filter(state=state)
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    page = Paginator(rows.order_by("-year", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    for item in items:
        item.light = item.warning(today)
        item.light_label = WARNING_LABELS.get(item.light, "")
    can_propose = any(people.is_staff_of(user, j) for j in people.jurisdiction_ids(user))
    return render(
        request,
        "supervision/key_items.html",
        {
            "page": page,
            "items": items,
            "states": KeyItem.State.choices,
            "state": state,
            "year": year,
            "can_propose": can_propose or bool(people.unit_ids(user)),
        },
    )


def _jurisdiction_for(user: User) -> int:
    for j in sorted(people.jurisdiction_ids(user)):
        if people.is_staff_of(user, j):
            return j
    units = Organisation.objects.filter(pk__in=people.unit_ids(user)).values_list(
        "jurisdiction_id", flat=True
    )
    found = next(iter(units), None)
    if found is None:
        raise PermissionDenied(_("Only congress staff and handling units propose key items."))
    return int(found)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    jurisdiction_id = _jurisdiction_for(user)
    staff = people.is_staff_of(user, jurisdiction_id)
    units = people.unit_ids(user)
    form = KeyItemForm(
        request.POST or None,
        user=user,
        jurisdiction_id=jurisdiction_id,
        staff=staff,
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = workflow.propose(
                by=user,
                jurisdiction_id=jurisdiction_id,
                title=data["title"],
                year=data["year"],
                kind=data["kind"],
                description=data["description"],
                lead_unit=data.get("lead_unit"),
                owner_unit=data.get("owner_unit"),
                is_complex=data["is_complex"],
                suggestions=data["numbers"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The key item is proposed."))
            return redirect("supervision:detail", item.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "supervision/new.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    item: KeyItem,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    members = list(
        Suggestion.objects.visible_to(user)
        .filter(key_memberships__key_item=item)
        .select_related("lead_deputy__user")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(state="cancelled").select_related("unit"),
                to_attr="active_assignments",
            )
        )
        .order_by("series", "number", "pk")
    )
    for s in members:
        s.light = s.warning(today)  # type: ignore[attr-defined]
        s.light_label = WARNING_LABELS.get(s.light, "")  # type: ignore[attr-defined]
    hidden = item.members.count() - len(members)
    # Instructions and records about a suggestion this person may not see stay hidden.
    instructions = list(
        perms.instructions_visible_to(user)
        .filter(key_item=item)
        .select_related("unit", "issued_by", "responded_by", "suggestion")
        .prefetch_related("documents")
    )
    records = list(
        item.records.filter(perms.about_seen(user))
        .select_related("unit", "recorded_by", "suggestion")
        .prefetch_related("documents")
    )
    respond_forms = {}
    for row in instructions:
        row.light = row.warning(today)  # type: ignore[attr-defined]
        row.light_label = WARNING_LABELS.get(row.light, "")  # type: ignore[attr-defined]
        if INSTRUCTIONS.refusal("respond", user, row) is None:
            respond_forms[row.pk] = (
                failed
                if failed is not None
                and failed.obj.pk == row.pk
                and failed.registry is INSTRUCTIONS
                else ActionForm(registry=INSTRUCTIONS, obj=row, user=user, action="respond")
            )
        row.respond_form = respond_forms.get(row.pk)  # type: ignore[attr-defined]
    events = list(item.events.select_related("actor").order_by("at", "pk"))
    seen = {s.pk for s in members}
    parts = perms.seen_parts(instructions, records)
    for event in events:
        event.label = KEY_ITEMS.timeline_label(event.action, event.data)
        if perms.timeline_hides(event, seen, parts):
            event.note = ""
    light = item.warning(today)
    return render(
        request,
        "supervision/detail.html",
        {
            "item": item,
            "light": light,
            "light_label": WARNING_LABELS.get(light, ""),
            "members": members,
            "hidden": hidden,
            "supervisors": item.supervisors.select_related("user", "tier"),
            "instructions": instructions,
            "records": records,
            "decision_documents": item.documents.filter(record__isnull=True).order_by("pk"),
            "events": events,
            "actions": _actions(
                KEY_ITEMS,
                item,
                user,
                "supervision:act",
                failed if failed is not None and failed.registry is KEY_ITEMS else None,
            ),
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, perms.get_key_item_for_user(request.user, pk))


def _post_action(
    request: HttpRequest, registry: Registry[Any], obj: Any, action: str, typed: Any
) -> tuple[ActionForm, str, int] | None:
    """Run one declared action from its page form; None when it was done, else the form, the
    error and the status to show it with."""
    done = pages.post_action(request, registry, obj, action, typed)
    if not done.ok:
        return done.form, done.error, done.status
    uploads = done.data.get("attachments")
    if uploads and isinstance(done.result, (KeyItem, Record, Instruction)):
        documents.attach(done.result, uploads, by=request.user)  # type: ignore[arg-type]
    return None


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = perms.get_key_item_for_user(request.user, pk)
    typed = workflow.KEY_ITEM_ACTIONS.get(action)
    if typed is None:
        raise Http404("No such action.")
    failed = _post_action(request, KEY_ITEMS, item, action, typed)
    if failed is None:
        return redirect("supervision:detail", item.pk)
    form, error, status = failed
    item = perms.get_key_item_for_user(request.user, pk)
    return _detail(request, item, failed=form, error=error, status=status)


def _instruction_for(user: User, pk: int) -> Instruction:
    found = perms.instructions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such instruction.")
    return found


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    row = _instruction_for(user, pk)
    failed = _post_action(request, INSTRUCTIONS, row, "respond", workflow.respond)
    if row.key_item_id:
        item = perms.get_key_item_for_user(user, row.key_item_id)
        if failed is None:
            return redirect("supervision:detail", item.pk)
        form, error, status = failed
        return _detail(request, item, failed=form, error=error, status=status)
    assert row.suggestion_id is not None
    if failed is None:
        return redirect(reverse("suggestions:detail", args=[row.suggestion_id]) + "#supervision")
    from minsheng.suggestions.views.detail import _render_detail

    form, _error, status = failed
    request.supervision_failed = form  # type: ignore[attr-defined]
    s = suggestion_perms.get_suggestion_for_user(user, row.suggestion_id)
    return _render_detail(request, s, status=status)


@login_required
@require_POST
def act_on_suggestion(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    s = suggestion_perms.get_suggestion_for_user(user, pk)
    typed = workflow.SUGGESTION_ACTIONS.get(action)
    if typed is None:
        raise Http404("No such action.")
    failed = _post_action(request, ON_SUGGESTIONS, s, action, typed)
    if failed is None:
        return redirect(reverse("suggestions:detail", args=[s.pk]) + "#supervision")
    form, error, status = failed
    if status == 403:
        raise PermissionDenied(error)
    from minsheng.suggestions.views.detail import _render_detail

    # The supervision section shows the failed form open, with its error summary.
    request.supervision_failed = form  # type: ignore[attr-defined]
    return _render_detail(request, s, status=status)


# --- the warning board -------------------------------------------------------------------------


@login_required
@require_GET
def warnings(request: HttpRequest) -> HttpResponse:
    """红黄灯: red and yellow counts per unit and per key item, each drilling down to the
    items behind it (the queries are shared with the API: `lights.py`)."""
    user: User = request.user  # type: ignore[assignment]
    found = lights.board(user, timezone.localdate())
    return render(
        request,
        "supervision/warnings.html",
        {
            "units": found.units,
            "items": found.items,
            "overdue_instructions": found.overdue_instructions,
            "year_end_open": found.year_end_open,
            "today": found.today,
            "workbench": reverse("suggestions:workbench"),
        },
    )


# --- the supervision panel of a suggestion page ------------------------------------------------


def suggestion_panel(request: HttpRequest, s: Suggestion) -> dict[str, Any] | None:
    """What the suggestion page shows of its supervision: key items, instructions, records, and
    the supervision actions this person may take. None when there is nothing to show."""
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    failed = getattr(request, "supervision_failed", None)
    items = list(KeyItem.objects.visible_to(user).filter(members__suggestion=s))
    instructions = list(
        perms.instructions_visible_to(user)
        .filter(suggestion=s)
        .select_related("unit", "issued_by", "key_item")
        .prefetch_related("documents")
    )
    for row in instructions:
        row.light = row.warning(today)
        row.light_label = WARNING_LABELS.get(row.light, "")
        if INSTRUCTIONS.refusal("respond", user, row) is not None:
            row.respond_form = None  # type: ignore[attr-defined]
        elif failed is not None and failed.registry is INSTRUCTIONS and failed.obj.pk == row.pk:
            row.respond_form = failed  # type: ignore[attr-defined]
        else:
            row.respond_form = ActionForm(  # type: ignore[attr-defined]
                registry=INSTRUCTIONS, obj=row, user=user, action="respond"
            )
    records = list(
        Record.objects.filter(suggestion=s)
        .filter(Q(key_item__isnull=True) | Q(key_item__in=[i.pk for i in items]))
        .select_related("unit", "recorded_by")
        .prefetch_related("documents")
    )
    if failed is not None and failed.registry is not ON_SUGGESTIONS:
        failed = None
    actions = _actions(ON_SUGGESTIONS, s, user, "supervision:act_on_suggestion", failed)
    if not (items or instructions or records or actions):
        return None
    return {
        "key_items": items,
        "instructions": instructions,
        "records": records,
        "actions": actions,
        "supervisors": Supervisor.objects.filter(key_item__in=[i.pk for i in items])
        .select_related("user", "tier")
        .order_by("tier__number"),
    }


def can_download(user: User, document: Document) -> bool:
    """A decision's papers with the key item; a record's with the record (its key item, and
    the suggestion it concerns); a response's with the instruction."""
    if document.instruction_id is not None:
        return perms.instructions_visible_to(user).filter(pk=document.instruction_id).exists()
    if document.record_id is None:
        return KeyItem.objects.visible_to(user).filter(pk=document.key_item_id or 0).exists()
    record = document.record
    assert record is not None
    if record.suggestion_id is not None and not (
        Suggestion.objects.visible_to(user).filter(pk=record.suggestion_id).exists()
    ):
        return False
    if record.key_item_id is not None:
        return KeyItem.objects.visible_to(user).filter(pk=record.key_item_id).exists()
    return True


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    found = Document.objects.select_related("record").filter(pk=pk).first()
    if found is None or not can_download(user, found):
        raise Http404("No such document.")
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
