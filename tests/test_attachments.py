"""Attachments are accepted by content, stored outside static files, and served only to people
who may see the suggestion."""

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.suggestions import attachments, workflow
from minsheng.suggestions.models import Attachment, Suggestion
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in their English source wording.
    from django.utils import translation

    with translation.override("en"):
        yield


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
GOOD = {
    "调研报告.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"),
    "现场照片.png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 20, "image/png"),
    "现场照片.JPG": (b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 20, "image/jpeg"),
    "动图.gif": (b"GIF89a" + b"\0" * 20, "image/gif"),
    "附件说明.docx": (office("docx"), attachments.DOCX.content_type),
    "数据表.xlsx": (office("xlsx"), attachments.XLSX.content_type),
    "旧文档.doc": (OLE, "application/msword"),
    "旧表格.xls": (OLE, "application/vnd.ms-excel"),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("name", sorted(GOOD))
def test_accepted_types_are_recognised_by_content(name):
    content, content_type = GOOD[name]
    assert attachments.check_upload(upload(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("说明.txt", "纯文本".encode(), "is not an accepted type"),
        (
            "发票.pdf",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff" + b"\0" * 50,
            "is not an accepted type",
        ),
        ("伪装.docx", plain_zip(), "is not an accepted type"),
        ("坏的.docx", b"PK\x03\x04broken", "is not an accepted type"),
        ("网页.pdf", b"<html><script>alert(1)</script>", "is not an accepted type"),
        ("改名.pdf", office("docx"), "is really a Word document"),
        ("图片.pdf", GOOD["现场照片.png"][0], "is really a PNG image"),
        ("空.pdf", b"", "is empty"),
    ],
)
def test_wrong_content_is_refused_naming_the_file_and_why(name, content, why):
    with pytest.raises(ValidationError) as error:
        attachments.check_upload(upload(name, content))
    message = " ".join(error.value.messages)
    assert name in message and why in message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.FILE_UPLOAD_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError) as error:
        attachments.check_upload(upload("大文件.pdf", big))
    assert (
        "大文件.pdf" in error.value.messages[0] and "the limit is 1 MB" in error.value.messages[0]
    )
    attachments.check_upload(upload("刚好.pdf", big[: 1024 * 1024]))


def new_with_files(client, user, *files, intent="draft"):
    client.force_login(user)
    return client.post(
        reverse("suggestions:new"),
        {
            "title": "带附件的建议",
            "body": "见附件。",
            "intent": intent,
            "attachments": list(files),
        },
    )


def test_a_deputy_attaches_files_stored_under_media_with_a_random_name(english, cast, media):
    pdf, _type = GOOD["调研报告.pdf"]
    png, _type = GOOD["现场照片.png"]
    response = new_with_files(
        english, cast.deputy, upload("调研报告.pdf", pdf), upload("现场照片.png", png)
    )
    assert response.status_code == 302
    s = Suggestion.objects.get()
    names = sorted(s.attachments.values_list("original_name", flat=True))
    assert names == ["现场照片.png", "调研报告.pdf"]
    for attachment in s.attachments.all():
        path = Path(attachment.file.path)
        assert path.is_relative_to(media)
        assert not path.is_relative_to(django_settings.BASE_DIR / "static")
        assert attachment.original_name not in path.name  # random name on disk
        assert path.read_bytes()[:4] in (b"%PDF", b"\x89PNG")


def test_a_rejected_file_is_a_form_error_and_nothing_is_saved(english, cast):
    exe = b"MZ\x90\0" + b"\0" * 60
    response = new_with_files(
        english,
        cast.deputy,
        upload("会议纪要.pdf", exe),
        upload("照片.png", GOOD["现场照片.png"][0]),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "“会议纪要.pdf” is not an accepted type of file." in html
    assert "带附件的建议" in html  # the typed title is kept
    assert not Suggestion.objects.exists() and not Attachment.objects.exists()


def test_edit_adds_and_removes_attachments_of_a_draft(
    english, cast, django_capture_on_commit_callbacks
):
    new_with_files(english, cast.deputy, upload("调研报告.pdf", GOOD["调研报告.pdf"][0]))
    s = Suggestion.objects.get()
    old = s.attachments.get()
    path = Path(old.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("suggestions:edit", args=[s.pk]),
            {
                "title": s.title,
                "body": s.body,
                "expected_version": s.version,
                "intent": "draft",
                "remove": [old.pk],
                "attachments": [upload("数据表.xlsx", office("xlsx"))],
            },
        )
    assert response.status_code == 302
    assert list(s.attachments.values_list("original_name", flat=True)) == ["数据表.xlsx"]
    assert not path.exists()


def download(client, user, s, attachment):
    client.force_login(user)
    return client.get(reverse("suggestions:attachment", args=[s.pk, attachment.pk]))


@pytest.fixture
def attached(cast):
    """A handling suggestion (unit A alone) with a deputy's PDF attachment."""
    s = states.handling(cast)
    attachment = attachments.store(
        s, [(upload("路段调研报告.pdf", GOOD["调研报告.pdf"][0]), attachments.PDF)], by=cast.deputy
    )[0]
    return s, attachment


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("deputy", True),
        ("staff", True),
        ("clerk_a", True),
        ("head_a", True),
        ("supervisor", True),
        ("committee", True),
        ("admin", True),
        ("clerk_b", False),
        ("head_b", False),
        ("cosigner", False),
        ("outsider", False),
    ],
)
def test_download_is_allowed_only_to_who_may_see_the_suggestion(
    client, cast, attached, persona, allowed
):
    s, attachment = attached
    response = download(client, getattr(cast, persona), s, attachment)
    if not allowed:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("路段调研报告.pdf") in disposition


def test_anonymous_download_goes_to_login(client, attached):
    s, attachment = attached
    response = client.get(reverse("suggestions:attachment", args=[s.pk, attachment.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_attachment_is_only_found_through_its_own_suggestion(client, cast, attached):
    s, attachment = attached
    other = states.draft(cast, title="另一条")
    assert download(client, cast.deputy, other, attachment).status_code == 404


def test_a_confidential_suggestions_files_are_not_served_to_a_supervisor(client, cast):
    s = states.handling(cast, is_confidential=True)
    attachment = attachments.store(
        s, [(upload("涉密.pdf", GOOD["调研报告.pdf"][0]), attachments.PDF)], by=cast.deputy
    )[0]
    assert download(client, cast.supervisor, s, attachment).status_code == 404
    assert download(client, cast.staff, s, attachment).status_code == 200


def test_a_unit_attaches_files_to_its_draft_reply_seen_by_the_deputy_once_sent(english, cast):
    s = states.handling(cast)
    states.contact(cast, s)
    s.refresh_from_db()
    english.force_login(cast.clerk_a)
    response = english.post(
        reverse("suggestions:act", args=[s.pk, "draft_reply"]),
        {
            **states.REPLY,
            "expected_version": s.version,
            "attachments": [upload("答复附件.docx", office("docx"))],
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.reply is not None and attachment.reply.assignment.unit == cast.unit_a
    assert download(english, cast.deputy, s, attachment).status_code == 404
    assert download(english, cast.head_a, s, attachment).status_code == 200
    english.force_login(cast.deputy)
    assert (
        "答复附件.docx"
        not in english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    )
    workflow.sign_reply(s, by=cast.head_a)
    assert download(english, cast.deputy, s, attachment).status_code == 200
    english.force_login(cast.deputy)
    assert (
        "答复附件.docx" in english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    )


def test_a_rejected_reply_attachment_keeps_the_draft_unsaved(english, cast):
    s = states.handling(cast)
    english.force_login(cast.clerk_a)
    response = english.post(
        reverse("suggestions:act", args=[s.pk, "draft_reply"]),
        {
            **states.REPLY,
            "expected_version": s.version,
            "attachments": [upload("病毒.docx", b"MZ" + b"\0" * 100)],
        },
    )
    assert response.status_code == 422
    assert "“病毒.docx” is not an accepted type of file." in response.content.decode()
    assert not s.replies.exists()


def test_a_missing_file_on_disk_is_404_not_500(client, cast, attached):
    s, attachment = attached
    Path(attachment.file.path).unlink()
    assert download(client, cast.deputy, s, attachment).status_code == 404
