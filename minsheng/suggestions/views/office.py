"""Pages of the congress office: the workbench, bulk registration, the assignment meeting, and
the Excel export and import.

Views stay thin: they check access, read through `visible_to` / `get_suggestion_for_user`, call
the workflow and answer. Workflow errors become messages or form errors, never a 500.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from minsheng.insight import proposals
from minsheng.insight.models import RoutingFeedback, RoutingRule
from minsheng.lib import spreadsheets
from minsheng.lib.downloads import attachment
from minsheng.lib.spreadsheets import DryRun
from minsheng.lib.staging import UploadStage
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, Organisation, Session, User
from minsheng.suggestions import excel, filters, workflow
from minsheng.suggestions.forms_office import (
    UNIT_LIST_ID,
    AssignMeetingForm,
    AssignRowForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from minsheng.suggestions.forms_office import UnitNames as AssignUnitNames
from minsheng.suggestions.models import Assignment, Suggestion, WarningColour

if TYPE_CHECKING:
    from minsheng.people.permissions import Person

S = Suggestion.State
A = Assignment.State
PER_PAGE = 50
BULK_LIMIT = 500
MEETING_PAGE = 50  # rows of the assignment meeting per page
MEETING_ROW = re.compile(r"^s(\d+)-version$")
IMPORT_SESSION_KEY = "office_imports"


def staff_jurisdiction_ids(user: Person) -> list[int]:
    if getattr(user, "is_superuser", False):
        return list(Jurisdiction.objects.values_list("pk", flat=True))
    return sorted(j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j))


def _require_staff(user: Person) -> list[int]:
    ids = staff_jurisdiction_ids(user)
    if not ids:
        raise PermissionDenied(_("Only congress staff can use this page."))
    return ids


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _actor(request: HttpRequest) -> User:
    """The signed-in person (every view here requires a login)."""
    return cast(User, request.user)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the workbench ------------------------------------------------------------------------------


SORTABLE = {"number": "number", "reply_due": "reply_due", "created": "created", "state": "state"}


def _sort_links(current: str) -> dict[str, dict[str, str]]:
    """Per column: the sort value a click asks for, and the arrow showing the current order."""
    links = {}
    for name, key in SORTABLE.items():
        if current == key:
            links[name] = {"value": f"-{key}", "arrow": "▲"}
        elif current == f"-{key}":
            links[name] = {"value": key, "arrow": "▼"}
        else:
            links[name] = {"value": key, "arrow": ""}
    return links


# What a workbench row reads (workbench_rows and the template), so the page does not load the
# wide rows (body, notes, the deputy's account) it never shows.
WORKBENCH_COLUMNS = (
    "jurisdiction_id",
    "series",
    "number",
    "title",
    "source",
    "state",
    "round",
    "version",
    "is_key",
    "is_confidential",
    "is_complex",
    "reply_due",
    "reply_due_uncertain",
    "warn_from",
    "extended_to",
    "lead_deputy__user__username",
    "lead_deputy__user__first_name",
    "lead_deputy__user__last_name",
    "lead_deputy__user__real_name",
    "lead_deputy__delegation__name",
    "category__name",
    "category__parent__name",
)


def workbench_rows(
    suggestions: Any, today: datetime.date, staff_j: set[int]
) -> list[dict[str, Any]]:
    """What each row shows, prepared once: the template's row is plain markup with no include,
    no lookup of a label and no query (CONVENTIONS habit 17)."""
    states = {value: str(label) for value, label in S.choices}
    sources = {value: str(label) for value, label in Suggestion.Source.choices}
    modes = {value: str(label) for value, label in Assignment.Mode.choices}
    lights = {c.value: str(c.label) for c in WarningColour}
    detail = reverse("suggestions:detail", args=[0]).removesuffix("0/")
    rows = []
    for s in suggestions:
        warning = s.warning(today)
        deputy = s.lead_deputy
        rows.append(
            {
                "s": s,
                "url": f"{detail}{s.pk}/",
                "number": s.display_number,
                "source": "" if s.source == Suggestion.Source.IN_SESSION else sources[s.source],
                "deputy": deputy.user.display_name,
                "delegation": deputy.delegation.name,
                "category": str(s.category) if s.category_id else "",
                "units": [
                    (a.unit.short_name or a.unit.name, modes.get(a.mode, ""))
                    for a in s.active_assignments
                ],
                "state": states.get(s.state, s.state),
                "warning": warning,
                "warning_label": lights[warning],
                "can_register": s.state == S.SUBMITTED and s.jurisdiction_id in staff_j,
            }
        )
    return rows


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """Everyone sees exactly what `visible_to` gives them; only staff get the register boxes."""
    form, qs = filters.filtered(request.user, request.GET)
    qs = (
        qs.select_related(None)
        .select_related("lead_deputy__user", "lead_deputy__delegation", "category__parent")
        .only(*WORKBENCH_COLUMNS)
    )
    # The page's ids first, by the narrow ordered query (no joins: with a search, SQLite would
    # otherwise join every match's deputy, delegation and category before sorting them for a
    # page of 50), then those rows with what they show.
    page = Paginator(qs.values_list("pk", flat=True), PER_PAGE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    found = {s.pk: s for s in qs.order_by().filter(pk__in=ids)} if ids else {}
    today = timezone.localdate()
    staff_j = set(staff_jurisdiction_ids(request.user))
    rows = workbench_rows([found[pk] for pk in ids if pk in found], today, staff_j)
    values = form.values()
    return render(
        request,
        "suggestions/office/workbench.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "any_registrable": any(r["can_register"] for r in rows),
            "is_staff": bool(staff_j),
            "sort_links": _sort_links(values.get("sort") or "-created"),
            "today": today,
        },
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """The ledger of the workbench's current filter, every page of it."""
    _form, qs = filters.filtered(request.user, request.GET)
    today = timezone.localdate()
    rows = excel.iterate(excel.export_queryset(qs))
    return spreadsheets.xlsx_response(
        lambda out: excel.write_export(rows, out, today=today), f"建议台账-{today.isoformat()}.xlsx"
    )


@login_required
@require_POST
def bulk_register(request: HttpRequest) -> HttpResponse:
    """Register the ticked submitted suggestions one by one (in the order they were submitted,
    so numbers follow it); every failure is reported by name."""
    _require_staff(request.user)
    back = _safe_next(request, reverse("suggestions:workbench"))
    ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("ids")) if i is not None]
    ids = list(dict.fromkeys(ids))
    if not ids:
        messages.warning(request, _("Tick the suggestions to register first."))
        return redirect(back)
    if len(ids) > BULK_LIMIT:
        messages.error(
            request, _("Register at most %(max)s suggestions at a time.") % {"max": BULK_LIMIT}
        )
        return redirect(back)
    found = list(
        Suggestion.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )
    done: list[str] = []
    failed: list[str] = []
    for missing in sorted(set(ids) - {s.pk for s in found}):
        failed.append(_("Suggestion %(id)s: not found.") % {"id": missing})
    for s in found:
        try:
            s = workflow.register(
                s,
                by=_actor(request),
                expected_version=_int_or_none(request.POST.get(f"version_{s.pk}")),
            )
        except workflow.WorkflowError as error:
            failed.append(
                _("“%(title)s” was not registered: %(reason)s")
                % {"title": s.title, "reason": error.message}
            )
            continue
        done.append(s.display_number)
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)s suggestion registered: %(numbers)s.",
                "%(count)s suggestions registered: %(numbers)s.",
                len(done),
            )
            % {"count": len(done), "numbers": pgettext("list separator", ", ").join(done)},
        )
    for line in failed:
        messages.error(request, line)
    return redirect(back)


# --- the assignment meeting ---------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a savepoint to undo a trial assignment."""


def _meeting_jurisdiction(request: HttpRequest, staff_ids: list[int]) -> Jurisdiction:
    wanted = _int_or_none(request.GET.get("jurisdiction") or request.POST.get("jurisdiction"))
    home = getattr(request.user, "jurisdiction_id", None)
    pk = wanted if wanted in staff_ids else (home if home in staff_ids else staff_ids[0])
    return Jurisdiction.objects.get(pk=pk)


def _proposals(
    jurisdiction: Jurisdiction, suggestions: list[Suggestion], rules: list[RoutingRule]
) -> dict[int, proposals.Proposed]:
    """The default proposal per suggestion (a pinned rule, else the recommender, else the
    routing table), from the rules the page loads anyway (minsheng.insight.proposals, without
    a query per row)."""
    proposer = proposals.Proposer(jurisdiction.pk, rules=rules)
    return {s.pk: proposer.proposed(s) for s in suggestions}


def _recommended_units(proposed: proposals.Proposed, names: dict[int, str]) -> list[dict[str, Any]]:
    """What a row shows of the recommendation: unit, score as a percentage, the words."""
    if proposed.recommendation is None:
        return []
    separator = "、"  # the words are the text's own (Chinese), whatever the page's language
    return [
        {
            "unit": names.get(int(u.label), str(u.label)),  # type: ignore[call-overload]
            "percent": round(u.score * 100),
            "words": separator.join(w.word for w in u.words),
        }
        for u in proposed.recommendation.units
    ]


def _row_initial(s: Suggestion, plan: list[workflow.UnitPlan]) -> dict[str, Any]:
    lead = next((p.unit.pk for p in plan if p.mode == Assignment.Mode.LEAD), None)
    return {
        "include": bool(plan),
        "mode": "lead",
        "lead": lead,
        "others": [p.unit.pk for p in plan if p.mode != Assignment.Mode.LEAD],
        "version": s.version,
    }


def _diagnose(
    items: list[tuple[Suggestion, list[workflow.UnitPlan]]], by: User, on: datetime.date
) -> dict[int, str]:
    """Why each row would fail: try every row alone and undo it."""
    errors: dict[int, str] = {}
    for s, plan in items:
        try:
            with transaction.atomic():
                workflow.assign(s, by=by, plan=plan, on=on)
                raise _DryRun
        except _DryRun:
            pass
        except workflow.WorkflowError as error:
            errors[s.pk] = error.message
    return errors


@login_required
def assign_meeting(request: HttpRequest) -> HttpResponse:
    staff_ids = _require_staff(request.user)
    jurisdiction = _meeting_jurisdiction(request, staff_ids)
    category_id = _int_or_none(request.GET.get("category"))
    registered = (
        Suggestion.objects.visible_to(request.user)
        .filter(jurisdiction=jurisdiction, state=S.REGISTERED)
        .select_related(
            "lead_deputy__user", "lead_deputy__delegation", "category__parent", "session"
        )
        .defer("state_note")  # the body is read: the recommender reads it
        .order_by("session_id", "series", "number", "pk")
    )
    if category_id:
        registered = registered.filter(
            Q(category_id=category_id) | Q(category__parent_id=category_id)
        )
    post = request.POST if request.method == "POST" else None
    if post is not None:
        # The rows that were on the page sent, wherever they are in the list by now.
        posted = [int(m[1]) for key in post if (m := MEETING_ROW.match(key))]
        page = Paginator(registered.filter(pk__in=posted[:MEETING_PAGE]), MEETING_PAGE).page(1)
    else:
        page = Paginator(registered, MEETING_PAGE).get_page(request.GET.get("page"))
    suggestions = list(page.object_list)
    units = {
        u.pk: u
        for u in Organisation.objects.handling_units()
        .filter(jurisdiction=jurisdiction)
        .order_by("sort_order", "name")
    }
    names = AssignUnitNames(units)
    rules = list(
        RoutingRule.objects.filter(jurisdiction=jurisdiction)
        .select_related("category__parent", "lead_unit")
        .prefetch_related("joint_units")
        .order_by(
            "category__parent__sort_order", "category__sort_order", "category__name", "region"
        )
    )
    proposed = _proposals(jurisdiction, suggestions, rules)
    meeting = AssignMeetingForm(post, initial={"on": timezone.localdate()})
    detail = reverse("suggestions:detail", args=[0]).removesuffix("0/")
    unit_names = {pk: u.short_name or u.name for pk, u in units.items()}
    source_labels: dict[str, str] = {
        RoutingFeedback.Source.PINNED: _("Pinned rule proposes:"),
        RoutingFeedback.Source.MODEL: _("Recommended:"),
        RoutingFeedback.Source.COLD_START: _("Recommended from the units' duties:"),
        RoutingFeedback.Source.TABLE: _("Routing table proposes:"),
    }
    rows = [
        {
            "s": s,
            "url": f"{detail}{s.pk}/",
            "proposal": proposed[s.pk].plan,
            "proposal_label": source_labels.get(proposed[s.pk].source, ""),
            "recommended": _recommended_units(proposed[s.pk], unit_names),
            "form": AssignRowForm(
                post,
                prefix=f"s{s.pk}",
                names=names,
                initial=_row_initial(s, proposed[s.pk].plan),
            ),
            "error": "",
        }
        for s in suggestions
    ]
    if request.method == "POST":
        response = _assign_submit(request, meeting, rows)
        if response is not None:
            return response
    return render(
        request,
        "suggestions/office/assign_meeting.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": Jurisdiction.objects.filter(pk__in=staff_ids),
            "meeting": meeting,
            "rows": rows,
            "page": page,
            "total": page.paginator.count,
            "unit_list_id": UNIT_LIST_ID,
            "unit_labels": list(dict.fromkeys(names.label.values())),
            "rules": rules,
            "categories": jurisdiction.categories.filter(is_active=True, parent__isnull=True),
            "category_id": category_id,
        },
    )


def _assign_submit(
    request: HttpRequest, meeting: AssignMeetingForm, rows: list[dict[str, Any]]
) -> HttpResponse | None:
    """All or nothing: any bad row assigns nothing and is shown with its reason; None means
    "render the page again with the errors"."""
    valid = meeting.is_valid()
    for row in rows:
        valid = row["form"].is_valid() and valid
    if not valid:
        messages.error(request, _("Nothing was assigned. Correct the rows marked below."))
        return None
    chosen = [row for row in rows if row["form"].cleaned_data.get("include")]
    if not chosen:
        messages.warning(request, _("Tick at least one suggestion to assign."))
        return None
    stale = False
    for row in chosen:
        if row["form"].cleaned_data["version"] != row["s"].version:
            row["error"] = _(
                "Someone changed this suggestion while you were looking at it; "
                "check it and submit again."
            )
            row["form"].initial["version"] = row["s"].version
            stale = True
    if stale:
        messages.error(request, _("Nothing was assigned. Correct the rows marked below."))
        return None
    items = [(row["s"], row["form"].plan()) for row in chosen]
    on = meeting.cleaned_data["on"]
    try:
        workflow.assign_batch(items, by=_actor(request), on=on)
    except workflow.WorkflowError as error:
        errors = _diagnose(items, _actor(request), on)
        for row in chosen:
            row["error"] = errors.get(row["s"].pk, "")
        if not errors:
            messages.error(
                request, _("Nothing was assigned: %(reason)s") % {"reason": error.message}
            )
        else:
            messages.error(request, _("Nothing was assigned. Correct the rows marked below."))
        return None
    messages.success(
        request,
        ngettext(
            "%(count)s suggestion assigned on %(date)s.",
            "%(count)s suggestions assigned on %(date)s.",
            len(items),
        )
        % {"count": len(items), "date": f"{on.year}年{on.month}月{on.day}日"},
    )
    return redirect(request.get_full_path())


# --- Excel import -------------------------------------------------------------------------------


STAGE = UploadStage(IMPORT_SESSION_KEY)


def _preview(
    request: HttpRequest,
    *,
    token: str,
    name: str,
    session: Session,
    register: bool,
    rows: list[excel.ImportRow],
    status: int = 200,
) -> HttpResponse:
    dry_run = DryRun(rows)
    return render(
        request,
        "suggestions/office/import_preview.html",
        {
            "token": token,
            "name": name,
            "session": session,
            "session_label": filters.session_label(session),
            "register": register,
            "rows": rows,
            "valid_count": len(dry_run.valid),
            "invalid_count": dry_run.invalid_count,
            "all_valid": dry_run.all_valid,
        },
        status=status,
    )


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → dry run. Nothing is written until the person confirms on the preview."""
    staff_ids = _require_staff(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, jurisdiction_ids=staff_ids)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        session: Session = form.cleaned_data["session"]
        data = upload.read()
        try:
            raw = excel.read_rows(data)
        except excel.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            rows = excel.check_rows(raw, session)
            token = STAGE.store(request, data, upload.name or "")
            return _preview(
                request,
                token=token,
                name=upload.name or "",
                session=session,
                register=form.cleaned_data["register"],
                rows=rows,
            )
    return render(
        request,
        "suggestions/office/import.html",
        {
            "form": form,
            "columns": excel.TEMPLATE_COLUMNS,
            "required": excel.REQUIRED_COLUMNS,
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    staff_ids = _require_staff(request.user)
    form = ImportConfirmForm(request.POST, jurisdiction_ids=staff_ids)
    if not form.is_valid():
        messages.error(request, _("The import could not be confirmed. Upload the file again."))
        return redirect("suggestions:import")
    token, session = form.cleaned_data["token"], form.cleaned_data["session"]
    register, choice = form.cleaned_data["register"], form.cleaned_data["choice"]
    if choice == ImportConfirmForm.CANCEL:
        STAGE.forget(request, token)
        messages.info(request, _("The import was cancelled; nothing was imported."))
        return redirect("suggestions:import")
    loaded = STAGE.load(request, token)
    if loaded is None:
        messages.error(
            request,
            _(
                "The uploaded file is no longer available (it was imported "
                "or cancelled already, or it expired). Upload it again."
            ),
        )
        return redirect("suggestions:import")
    data, name = loaded
    try:
        rows = excel.check_rows(excel.read_rows(data), session)
    except excel.ImportFileError as error:
        STAGE.forget(request, token)
        messages.error(request, error.message)
        return redirect("suggestions:import")
    dry_run = DryRun(rows)
    preview = {"token": token, "name": name, "session": session, "register": register, "rows": rows}
    refusal = dry_run.refusal(choice)
    if refusal:
        messages.error(request, refusal)
        return _preview(request, **preview, status=422)
    try:
        result = excel.import_rows(
            dry_run.valid,
            by=_actor(request),
            session=session,
            register=register,
        )
    except excel.ImportFailed as error:
        messages.error(
            request,
            _("Nothing was imported: row %(row)s: %(reason)s")
            % {"row": error.line, "reason": error.message},
        )
        return _preview(request, **preview, status=409)
    STAGE.forget(request, token)
    _report_import(request, result, skipped=dry_run.invalid_count)
    return redirect(f"{reverse('suggestions:workbench')}?session={session.pk}&sort=-created")


def _report_import(request: HttpRequest, result: excel.ImportResult, *, skipped: int) -> None:
    messages.success(
        request,
        ngettext(
            "%(count)s suggestion imported.", "%(count)s suggestions imported.", len(result.created)
        )
        % {"count": len(result.created)},
    )
    if result.registered:
        messages.success(
            request,
            ngettext(
                "%(count)s of them registered.", "%(count)s of them registered.", result.registered
            )
            % {"count": result.registered},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s row with problems was not imported.",
                "%(count)s rows with problems were not imported.",
                skipped,
            )
            % {"count": skipped},
        )
    if result.left_as_draft:
        line, reason = result.left_as_draft[0]
        messages.warning(
            request,
            ngettext(
                "%(count)s suggestion was kept as a draft and not submitted (row %(row)s: "
                "%(reason)s)",
                "%(count)s suggestions were kept as drafts and not submitted (row %(row)s: "
                "%(reason)s)",
                len(result.left_as_draft),
            )
            % {"count": len(result.left_as_draft), "row": line, "reason": reason},
        )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    response = HttpResponse(excel.template_workbook(), content_type=spreadsheets.XLSX_MIME)
    attachment(response, "建议导入模板.xlsx")
    return response
