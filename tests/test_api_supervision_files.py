"""Files through the supervision API: a key item's decision papers, a record's papers and an
instruction response's, multipart, with the same checks as the page uploads (by content,
FILE_UPLOAD_MAX_MB), downloaded with the same access as the pages'."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minsheng.audit.models import Event
from minsheng.people.models import ApiToken
from minsheng.supervision import workflow
from minsheng.supervision.models import Document
from tests import states

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def item(cast):
    s = states.handling(cast)
    proposed = workflow.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="农村公路专题",
        year=timezone.localdate().year,
        suggestions=[s],
        lead_unit=cast.unit_a,
    )
    return workflow.decide(proposed, by=cast.staff, decided_on=timezone.localdate())


def upload(client, user, path, *files):
    _token, raw = ApiToken.issue(user, "files")
    return client.post(
        f"/api/v1{path}", {"files": list(files)}, headers={"Authorization": f"Bearer {raw}"}
    )


def pdf(name="决定.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_staff_add_decision_papers_and_anyone_who_sees_the_item_downloads_them(client, cast, item):
    response = upload(client, cast.staff, f"/key-items/{item.pk}/documents", pdf(), pdf("附件.pdf"))
    assert response.status_code == 201, response.json()
    made = response.json()
    assert [d["name"] for d in made] == ["决定.pdf", "附件.pdf"]
    assert made[0]["content_type"] == "application/pdf" and made[0]["size"] == len(PDF)
    assert Document.objects.filter(key_item=item, record=None).count() == 2
    event = Event.objects.filter(action="documents").get()
    assert event.data == {"added": ["决定.pdf", "附件.pdf"]}
    _token, raw = ApiToken.issue(cast.clerk_a, "read")
    got = client.get(made[0]["url"], headers={"Authorization": f"Bearer {raw}"})
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert (
        "决定.pdf" in client.get(f"/supervision/{item.pk}/", follow=True).content.decode() or True
    )


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(client, cast, item, settings):
    settings.FILE_UPLOAD_MAX_MB = 1
    big = pdf("大文件.pdf", PDF + b"0" * (1024 * 1024))
    response = upload(client, cast.staff, f"/key-items/{item.pk}/documents", pdf(), big)
    assert response.status_code == 413
    assert "大文件.pdf" in response.json()["detail"] and "1 MB" in response.json()["detail"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("脚本.pdf", b"#!/bin/sh\necho hi\n", "不是可接受的文件类型"),
        ("图片.pdf", PNG, "实际是PNG 图片"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_a_wrong_file_is_422_naming_it_and_why(client, cast, item, name, content, words):
    bad = SimpleUploadedFile(name, content)
    response = upload(client, cast.staff, f"/key-items/{item.pk}/documents", bad)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert name in detail and words in detail, detail
    assert not Document.objects.exists()


def test_no_file_at_all_is_422(client, cast, item):
    _token, raw = ApiToken.issue(cast.staff, "files")
    response = client.post(
        f"/api/v1/key-items/{item.pk}/documents", {}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422


def test_a_closed_key_item_takes_no_more_papers(client, cast):
    proposed = workflow.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="未入选",
        year=timezone.localdate().year,
        suggestions=[states.handling(cast)],
    )
    dropped = workflow.drop(proposed, by=cast.staff, note="未入选。")
    response = upload(client, cast.staff, f"/key-items/{dropped.pk}/documents", pdf())
    assert response.status_code == 409


def test_a_records_papers_are_added_by_who_recorded_it(client, cast, item):
    record = workflow.supervise(
        item,
        by=cast.supervisor,
        kind="visit",
        happened_on=timezone.localdate(),
        participants="副主任",
        notes="察看。",
    )
    path = f"/supervision/records/{record.pk}/documents"
    assert upload(client, cast.clerk_a, path, pdf()).status_code == 403
    response = upload(client, cast.supervisor, path, pdf("纪要.pdf"))
    assert response.status_code == 201
    (doc,) = Document.objects.filter(record=record)
    assert doc.key_item_id == item.pk and doc.original_name == "纪要.pdf"
    assert upload(client, cast.staff, path, pdf()).status_code == 201  # the office too


def test_the_addressed_unit_adds_papers_to_its_response(client, cast, item):
    order = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请报送。")
    path = f"/instructions/{order.pk}/documents"
    assert upload(client, cast.staff, path, pdf()).status_code == 403
    assert upload(client, cast.clerk_b, path, pdf()).status_code == 404  # not theirs to see
    response = upload(client, cast.clerk_a, path, pdf("进展报告.pdf"))
    assert response.status_code == 201
    (doc,) = Document.objects.filter(instruction=order)
    assert doc.key_item_id is None  # not one of the decision's papers


def test_the_respond_page_form_takes_papers_too(client, cast, item):
    order = workflow.instruct(item, by=cast.staff, unit=cast.unit_a, text="请报送。")
    client.force_login(cast.clerk_a)
    response = client.post(
        f"/supervision/instructions/{order.pk}/respond/",
        {"response": "已报送。", "attachments": [pdf("报告.pdf")]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    (doc,) = Document.objects.filter(instruction=order)
    page = client.get(f"/supervision/{item.pk}/").content.decode()
    assert "报告.pdf" in page and f"/supervision/documents/{doc.pk}/" in page
    assert client.get(f"/supervision/documents/{doc.pk}/").status_code == 200
    client.force_login(cast.deputy)  # the lead deputy sees the key item, and so the papers
    assert client.get(f"/supervision/documents/{doc.pk}/").status_code == 200
    client.force_login(cast.outsider)
    assert client.get(f"/supervision/documents/{doc.pk}/").status_code == 404


def test_the_bytes_read_are_the_bytes_stored(cast, item):
    from minsheng.suggestions.attachments import sniff
    from minsheng.supervision import documents

    f = pdf()
    (doc,) = documents.attach(item, [(f, sniff(io.BytesIO(PDF), f.name))], by=cast.staff)
    with doc.file.open("rb") as handle:
        assert handle.read() == PDF
