"""The ledger's Excel import: upload → dry run with a row report → confirm (all rows, or only
the valid ones) → every row entered in one transaction. The same steps as the suggestion
import (`lib.spreadsheets` staging, `lib.staging` for the upload between the two requests)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.ledger import excel
from minsheng.ledger import permissions as perms
from minsheng.lib import spreadsheets
from minsheng.lib.downloads import attachment
from minsheng.lib.spreadsheets import DryRun
from minsheng.lib.staging import UploadStage
from minsheng.people import permissions as people
from minsheng.people.models import User

STAGE = UploadStage("ledger_imports")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("One row per item, in the template's columns."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ConfirmForm(forms.Form):
    ALL, VALID, CANCEL = "all", "valid", "cancel"

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    choice = forms.ChoiceField(choices=[(ALL, ALL), (VALID, VALID), (CANCEL, CANCEL)])

    def clean_token(self) -> str:
        token = str(self.cleaned_data["token"])
        if not TOKEN_RE.match(token):
            raise forms.ValidationError(_("Unknown upload."))
        return token


def _jurisdiction(user: User) -> int:
    for j in sorted(people.jurisdiction_ids(user)):
        if perms.can_create(user, j):
            return j
    raise PermissionDenied(_("Only congress staff import ledger items."))


def _preview(
    request: HttpRequest, *, token: str, name: str, rows: list[excel.ImportRow], status: int = 200
) -> HttpResponse:
    dry_run = DryRun(rows)
    return render(
        request,
        "ledger/import_preview.html",
        {
            "token": token,
            "name": name,
            "rows": rows,
            "valid_count": len(dry_run.valid),
            "invalid_count": dry_run.invalid_count,
            "all_valid": dry_run.all_valid,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    jurisdiction_id = _jurisdiction(user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            rows = excel.check_rows(excel.read_rows(data), jurisdiction_id)
        except spreadsheets.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            token = STAGE.store(request, data, file.name or "")
            return _preview(request, token=token, name=file.name or "", rows=rows)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "ledger/import.html",
        {"form": form, "columns": excel.SCHEMA.columns, "required": excel.REQUIRED},
        status=status,
    )


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    jurisdiction_id = _jurisdiction(user)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The import could not be confirmed. Upload the file again."))
        return redirect("ledger:import")
    token, choice = form.cleaned_data["token"], form.cleaned_data["choice"]
    if choice == ConfirmForm.CANCEL:
        STAGE.forget(request, token)
        messages.info(request, _("The import was cancelled; nothing was imported."))
        return redirect("ledger:import")
    loaded = STAGE.load(request, token)
    if loaded is None:
        messages.error(
            request,
            _(
                "The uploaded file is no longer available (it was imported "
                "or cancelled already, or it expired). Upload it again."
            ),
        )
        return redirect("ledger:import")
    data, name = loaded
    try:
        rows = excel.check_rows(excel.read_rows(data), jurisdiction_id)
    except spreadsheets.ImportFileError as error:
        STAGE.forget(request, token)
        messages.error(request, error.message)
        return redirect("ledger:import")
    dry_run = DryRun(rows)
    refusal = dry_run.refusal(choice)
    if refusal:
        messages.error(request, refusal)
        return _preview(request, token=token, name=name, rows=rows, status=422)
    try:
        made = excel.import_rows(dry_run.valid, by=user, jurisdiction_id=jurisdiction_id)
    except spreadsheets.CommitFailed as error:
        messages.error(
            request,
            _("Nothing was imported: row %(row)s: %(reason)s")
            % {"row": error.line, "reason": error.message},
        )
        return _preview(request, token=token, name=name, rows=rows, status=409)
    STAGE.forget(request, token)
    messages.success(
        request,
        ngettext("%(count)s item imported.", "%(count)s items imported.", len(made))
        % {"count": len(made)},
    )
    if dry_run.invalid_count:
        messages.warning(
            request,
            ngettext(
                "%(count)s row with problems was not imported.",
                "%(count)s rows with problems were not imported.",
                dry_run.invalid_count,
            )
            % {"count": dry_run.invalid_count},
        )
    return redirect(f"{reverse('ledger:items')}?sort=new")


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    _jurisdiction(request.user)  # type: ignore[arg-type]
    response = HttpResponse(excel.template_workbook(), content_type=spreadsheets.XLSX_MIME)
    attachment(response, "清单台账导入模板.xlsx")
    return response
