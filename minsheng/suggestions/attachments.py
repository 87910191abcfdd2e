"""Attachments: accepted by what a file IS (its first bytes and, for Office files, its zip
directory), never by what it is called; stored under MEDIA_ROOT with a random name and served
only through a view that checks the suggestion is visible to the person asking."""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.people.models import User
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Attachment, Reply, Suggestion


@dataclass(frozen=True)
class FileKind:
    code: str
    label: Any  # lazy translated name, for messages
    content_type: str
    extensions: tuple[str, ...]  # the usual one first

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("pdf", gettext_lazy("a PDF document"), "application/pdf", (".pdf",))
PNG = FileKind("png", gettext_lazy("a PNG image"), "image/png", (".png",))
JPEG = FileKind("jpeg", gettext_lazy("a JPEG image"), "image/jpeg", (".jpg", ".jpeg", ".jpe"))
GIF = FileKind("gif", gettext_lazy("a GIF image"), "image/gif", (".gif",))
DOCX = FileKind(
    "docx",
    gettext_lazy("a Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx",
    gettext_lazy("an Excel workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
DOC = FileKind("doc", gettext_lazy("a Word 97–2003 document"), "application/msword", (".doc",))
XLS = FileKind(
    "xls", gettext_lazy("an Excel 97–2003 workbook"), "application/vnd.ms-excel", (".xls",)
)
KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, DOC, XLS)
ACCEPT = ",".join(sorted({ext for kind in KINDS for ext in kind.extensions}))

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
# Enough to see every signature; the zip check reads the central directory separately.
HEAD_BYTES = 16


def max_bytes() -> int:
    return int(settings.FILE_UPLOAD_MAX_MB) * 1024 * 1024


def _zip_kind(stream: IO[bytes]) -> FileKind | None:
    """DOCX or XLSX from the zip's list of names (nothing is extracted, so a zip bomb is
    harmless here)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def sniff(stream: IO[bytes], name: str = "") -> FileKind | None:
    """The kind of file this is, from its content alone (the name only tells a legacy Word
    file from a legacy Excel file: both are the same OLE container)."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(ZIP_MAGIC):
        found = _zip_kind(stream)
        stream.seek(0)
        return found
    if head.startswith(OLE_MAGIC):
        return XLS if os.path.splitext(name)[1].lower() == ".xls" else DOC
    return None


def check_upload(upload: UploadedFile) -> FileKind:
    """Accept one uploaded file or raise ValidationError with a message naming it and why."""
    name = os.path.basename(upload.name or "") or _("(no name)")
    limit = max_bytes()
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too big (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": settings.FILE_UPLOAD_MAX_MB,
            },
            code="too_big",
        )
    kind = sniff(upload.file, name) if upload.file is not None else None
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted type of file. Attach PDF, images (PNG, JPEG, "
                "GIF), Word or Excel files."
            )
            % {"name": name},
            code="type",
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in kind.extensions:
        # A renamed file would open in the wrong program for whoever downloads it, and a name
        # that lies about the content is how harmful files are passed on.
        raise ValidationError(
            _(
                "“%(name)s” is really %(kind)s but its name does not say so. Rename it to end in "
                "%(ext)s and attach it again."
            )
            % {"name": name, "kind": kind.label, "ext": kind.extension},
            code="mismatch",
        )
    return kind


def _upload_help() -> str:
    return _("PDF, images, Word or Excel files, at most %(mb)s MB each.") % {
        "mb": settings.FILE_UPLOAD_MAX_MB
    }


# Lazy: forms are defined at import time, but the language and the limit are per request.
_help_text = lazy(_upload_help, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, each checked by content; the error names every rejected file."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Attachments"))
        kwargs.setdefault("help_text", _help_text())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[UploadedFile, FileKind]]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [f for f in files if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        accepted: list[tuple[UploadedFile, FileKind]] = []
        errors: list[ValidationError] = []
        for upload in files:
            try:
                accepted.append((upload, check_upload(upload)))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return accepted


def save_upload(row: Any, upload: UploadedFile, kind: FileKind) -> Any:
    """Fill and save a file row (any model with file, original_name, content_type, size)
    under a random name; the original name is kept for downloads."""
    row.original_name = os.path.basename(upload.name or "")[:200] or f"attachment{kind.extension}"
    row.content_type = kind.content_type
    row.size = upload.size or 0
    upload.seek(0)
    row.file.save(f"{uuid.uuid4().hex}{kind.extension}", upload, save=False)
    row.save()
    return row


def store(
    suggestion: Suggestion,
    files: Iterable[tuple[UploadedFile, FileKind]],
    *,
    by: User,
    reply: Reply | None = None,
) -> list[Attachment]:
    """Save accepted files under a random name; the original name is kept for downloads."""
    saved = []
    for upload, kind in files:
        saved.append(
            save_upload(
                Attachment(suggestion=suggestion, reply=reply, uploaded_by=by), upload, kind
            )
        )
    workflow.record_attachments(suggestion, by=by, added=[a.original_name for a in saved])
    return saved


def remove(attachments: Sequence[Attachment], *, by: User) -> None:
    """Delete attachments (only ever offered on drafts); their files go once the deletion is
    committed, so a failed save keeps both."""
    if attachments:
        workflow.record_attachments(
            attachments[0].suggestion, by=by, removed=[a.original_name for a in attachments]
        )
    for attachment in attachments:
        name = attachment.file.name
        attachment.delete()
        if name:
            transaction.on_commit(partial(attachment.file.storage.delete, name))
