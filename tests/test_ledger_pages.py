"""Ledger pages and API: the list with its filters and Excel export, entering an item, the item
page's actions (report with evidence, change request, approval with before/after), bad input."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from minsheng.ledger import workflow
from minsheng.ledger.models import ChangeRequest, Evidence, LedgerItem
from minsheng.people.models import ApiToken

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _english(client):
    """Refusals are matched in English (their msgids), on pages as in code."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def make(cast, **kw):
    start = today() - datetime.timedelta(days=40)
    values = {
        "kind": "practical",
        "title": "新建社区养老服务中心",
        "year": start.year,
        "starts_on": start,
        "responsible_unit": cast.unit_a,
        "milestones": (
            f"{(start + datetime.timedelta(days=10)).isoformat()} | 选址 | 40\n"
            f"{(start + datetime.timedelta(days=200)).isoformat()} | 建成 | 60"
        ),
    }
    values.update(kw)
    return workflow.create_item(by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, **values)


def api(client, user, method, path, body=None):
    _token, raw = ApiToken.issue(user, "test")
    call = getattr(client, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return call(path, **kwargs)


# --- the list ----------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_unit_and_exports_the_same_rows(client, cast):
    lagging = make(cast, title="滞后项目")  # its first milestone passed 30 days ago
    on_time = make(cast, title="正常项目", milestones="", responsible_unit=cast.unit_b)
    client.force_login(cast.staff)
    page = client.get(reverse("ledger:items"), {"status": "lagging"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-testid="item-{lagging.pk}"' in text
    assert f'data-testid="item-{on_time.pk}"' not in text
    by_unit = client.get(reverse("ledger:items"), {"unit": cast.unit_b.pk}).content.decode()
    assert f'data-testid="item-{on_time.pk}"' in by_unit
    assert f'data-testid="item-{lagging.pk}"' not in by_unit
    sheet = client.get(reverse("ledger:items"), {"status": "lagging", "format": "xlsx"})
    assert sheet.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][3] == "项目名称"
    assert [r[3] for r in rows[1:]] == ["滞后项目"]
    assert rows[1][7] == cast.unit_a.name
    assert "选址 | 40" in rows[1][15]


def test_the_list_takes_the_same_queries_for_5_and_40_items(client, cast):
    for n in range(5):
        make(cast, title=f"项目{n}", co_units=[cast.unit_b])
    client.force_login(cast.staff)
    client.get(reverse("ledger:items"))  # the filter bar's unit choices are then kept
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("ledger:items")).status_code == 200
    for n in range(35):
        make(cast, title=f"项目{n + 5}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("ledger:items")).status_code == 200
    assert len(many) == len(few)


def test_odd_filters_answer_a_page_not_an_error(client, cast):
    client.force_login(cast.staff)
    odd = {"year": "２０２６", "unit": "9" * 30, "status": "<script>", "sort": "pk; drop", "q": "%"}
    assert client.get(reverse("ledger:items"), odd).status_code == 200


# --- entering an item --------------------------------------------------------------------------


def test_staff_enter_an_item_and_a_bad_plan_is_a_field_error(client, cast):
    client.force_login(cast.staff)
    base = {
        "kind": "practical",
        "title": "新建口袋公园20个",
        "year": "2026",
        "source": "plan",
        "starts_on": "2026-02-01",
        "pace": "year",
        "weight": "1",
        "responsible_unit": cast.unit_a.pk,
    }
    bad = client.post(reverse("ledger:new"), {**base, "milestones": "2026-03-01 | 选址 | 60"})
    assert bad.status_code == 422
    assert "add up to 60" in bad.content.decode()
    assert not LedgerItem.objects.exists()
    good = client.post(
        reverse("ledger:new"),
        {**base, "milestones": "2026-03-01 | 选址 | 60\n2026-09-01 | 建成 | 40"},
    )
    item = LedgerItem.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("ledger:detail", args=[item.pk])
    assert item.milestones.count() == 2 and item.owner == cast.staff


def test_a_sub_item_is_entered_under_its_parent(client, cast):
    parent = make(cast, title="年度民生实事", milestones="")
    client.force_login(cast.staff)
    response = client.post(
        reverse("ledger:new") + f"?parent={parent.pk}",
        {
            "parent": parent.pk,
            "kind": "practical",
            "title": "子项目",
            "year": str(parent.year),
            "source": "vote",
            "starts_on": parent.starts_on.isoformat(),
            "pace": "year",
            "weight": "3",
        },
    )
    assert response.status_code == 302
    child = LedgerItem.objects.get(title="子项目")
    assert child.parent == parent and child.weight == 3
    assert parent.events.filter(action="child_added").exists()


def test_units_do_not_enter_items(client, cast):
    client.force_login(cast.clerk_a)
    assert client.get(reverse("ledger:new")).status_code == 403


# --- the item page -----------------------------------------------------------------------------


def test_the_unit_reports_progress_with_evidence(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make(cast)
    first = item.milestones.get(title="选址")
    client.force_login(cast.clerk_a)
    page = client.get(reverse("ledger:detail", args=[item.pk])).content.decode()
    assert "Report progress" in page
    response = client.post(
        reverse("ledger:act", args=[item.pk, "report"]),
        {
            "expected_version": item.version,
            "on": today().isoformat(),
            "percent": "45",
            "narrative": "选址完成，开始设计",
            "milestones_done": [first.pk],
            "evidence": SimpleUploadedFile("现场照片.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == 45
    evidence = Evidence.objects.get()
    assert evidence.original_name == "现场照片.pdf"
    page = client.get(reverse("ledger:detail", args=[item.pk])).content.decode()
    assert 'data-testid="chart"' in page and "现场照片.pdf" in page
    download = client.get(reverse("ledger:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    client.force_login(cast.clerk_b)
    assert client.get(reverse("ledger:evidence", args=[evidence.pk])).status_code == 404


def test_a_bad_report_keeps_what_was_typed(client, cast):
    item = make(cast)
    client.force_login(cast.clerk_a)
    response = client.post(
        reverse("ledger:act", args=[item.pk, "report"]),
        {
            "expected_version": item.version,
            "on": today().isoformat(),
            "percent": "120",
            "narrative": "我写的进展",
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Progress is a percent between 0 and 100." in text
    assert "我写的进展" in text


def test_a_change_request_is_decided_by_the_owner_and_shown_with_before_and_after(client, cast):
    item = make(cast)
    client.force_login(cast.clerk_a)
    form = {
        "expected_version": item.version,
        "title": item.title,
        "description": "",
        "starts_on": item.starts_on.isoformat(),
        "ends_on": "",
        "pace": item.pace,
        "responsible_unit": cast.unit_a.pk,
        "responsible_person": "李建华",
        "lead_leader": "",
        "leader_in_charge": "",
        "budget": "",
        "location": "",
        "milestones": "\n".join(
            f"{m.due.isoformat()} | {m.title} | {m.weight}" for m in item.milestones.all()
        ),
        "reason": "责任人调整",
    }
    response = client.post(reverse("ledger:act", args=[item.pk, "request_change"]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ChangeRequest.objects.get()
    assert set(change.changes) == {"responsible_person"}
    client.force_login(cast.staff)
    item.refresh_from_db()
    response = client.post(
        reverse("ledger:act", args=[item.pk, "approve_change"]),
        {"expected_version": item.version, "change_id": change.pk, "note": "同意"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.responsible_person == "李建华"
    page = client.get(reverse("ledger:detail", args=[item.pk])).content.decode()
    assert 'class="before"' in page and "李建华" in page


def test_a_stale_form_is_refused_with_the_ledger_words(client, cast):
    item = make(cast)
    client.force_login(cast.staff)
    response = client.post(
        reverse("ledger:act", args=[item.pk, "stop"]),
        {"expected_version": item.version + 5, "note": "停"},
    )
    assert response.status_code == 409
    assert "Someone else changed this ledger item" in response.content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_enters_lists_and_reports(client, cast):
    start = today() - datetime.timedelta(days=5)
    created = api(
        client,
        cast.staff,
        "post",
        "/api/v1/ledger/items",
        {
            "kind": "practical",
            "title": "新建口袋公园",
            "year": start.year,
            "starts_on": start.isoformat(),
            "responsible_unit": cast.unit_a.pk,
            "milestones": f"{(start + datetime.timedelta(days=60)).isoformat()} | 建成 | 100",
        },
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "not_started" and item["milestones"][0]["weight"] == 100
    listed = api(client, cast.clerk_a, "get", "/api/v1/ledger/items?status=not_started").json()
    assert [row["id"] for row in listed["items"]] == [item["id"]]
    reported = api(
        client,
        cast.clerk_a,
        "post",
        f"/api/v1/ledger/items/{item['id']}/actions/report",
        {
            "on": today().isoformat(),
            "percent": 30,
            "narrative": "开工",
            "expected_version": item["version"],
        },
    )
    assert reported.status_code == 200, reported.content
    assert reported.json()["progress"] == 30
    assert reported.json()["updates"][0]["narrative"] == "开工"


def test_the_api_request_change_sends_only_what_changes(client, cast):
    item = make(cast)
    response = api(
        client,
        cast.clerk_a,
        "post",
        f"/api/v1/ledger/items/{item.pk}/actions/request_change",
        {"location": "青川市", "reason": "明确地点"},
    )
    assert response.status_code == 200, response.content
    pending = response.json()["change_requests"][0]
    assert pending["state"] == "pending"
    assert [c["field"] for c in pending["changes"]] == ["location"]
    approved = api(
        client,
        cast.staff,
        "post",
        f"/api/v1/ledger/items/{item.pk}/actions/approve_change",
        {"change_id": pending["id"]},
    )
    assert approved.status_code == 200
    assert approved.json()["location"] == "青川市"
    assert approved.json()["events"][-1]["changes"][0]["after"] == "青川市"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"percent": 101, "narrative": "x"}, 422),
        ({"percent": -1, "narrative": "x"}, 422),
        ({"percent": 10}, 422),
        ({"percent": 10, "narrative": "x", "milestones_done": [999999]}, 422),
        ({"percent": "a lot", "narrative": "x"}, 422),
        ({"percent": 10, "narrative": "x", "surprise": 1}, 422),
    ],
)
def test_bad_api_reports_get_a_reason(client, cast, body, status):
    item = make(cast)
    response = api(
        client,
        cast.clerk_a,
        "post",
        f"/api/v1/ledger/items/{item.pk}/actions/report",
        {"on": today().isoformat(), **body},
    )
    assert response.status_code == status
    assert response.json()["detail"]


# --- home --------------------------------------------------------------------------------------


def test_home_shows_changes_to_approve_and_items_to_move(client, cast):
    lagging = make(cast, title="滞后的项目")
    workflow.request_change(lagging, by=cast.clerk_a, reason="顺延", location="青川市")
    client.force_login(cast.staff)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="ledger-to-approve"' in page and "滞后的项目" in page
    assert 'data-testid="ledger-lagging"' in page
    client.force_login(cast.clerk_a)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="ledger-to-report"' in page
    client.force_login(cast.clerk_b)
    assert "滞后的项目" not in client.get(reverse("home")).content.decode()
