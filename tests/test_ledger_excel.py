"""The ledger in Excel: an export imports back as it is (round trip), bad rows are reported
row by row and nothing is written until confirmed, all or only the valid rows."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from minsheng.ledger import excel, workflow
from minsheng.ledger.models import LedgerItem
from minsheng.lib import spreadsheets
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Refusals are matched in English (their msgids), on pages as in code."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def workbook(rows, headers=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = headers or excel.SCHEMA.columns
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good(**kw):
    row = {
        "类别": "practical",
        "年度": "2027",
        "项目名称": "新建口袋公园20个",
        "责任单位": "交通运输厅",
        "开始日期": "2027-01-10",
        "计划完成": "2027-12-20",
        "节点": "2027-03-31 | 选址 | 40\n2027-09-30 | 建成 | 60",
    }
    row.update(kw)
    return row


def test_an_export_imports_back_as_it_is(cast, client):
    parent = workflow.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        kind="practical",
        title="年度民生实事",
        year=2026,
        starts_on=datetime.date(2026, 1, 5),
    )
    workflow.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        parent=parent,
        kind="practical",
        title="新建养老服务中心",
        year=2026,
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 11, 30),
        responsible_unit=cast.unit_a,
        co_units=[cast.unit_b],
        lead_leader="李副省长",
        budget=12000,
        location="全省",
        milestones="2026-03-31 | 选址 | 30\n2026-09-30 | 建成 | 70",
    )
    out = io.BytesIO()
    excel.write_export(
        excel.iterate(LedgerItem.objects.order_by("pk")), out, datetime.date(2026, 2, 1)
    )
    data = out.getvalue()
    # The same file, read back for another congress's ledger, gives the same items.
    rows = excel.check_rows(excel.read_rows(data), cast.jurisdiction.pk)
    assert [r.problems for r in rows] == [
        ["“年度民生实事” of 2026 is already in the ledger."],
        ["“新建养老服务中心” of 2026 is already in the ledger."],
    ]
    LedgerItem.objects.update(year=2025)  # (the titles are free again for 2026)
    rows = excel.check_rows(excel.read_rows(data), cast.jurisdiction.pk)
    assert [r.problems for r in rows] == [[], []]
    made = excel.import_rows(rows, by=cast.staff, jurisdiction_id=cast.jurisdiction.pk)
    child = made[1]
    assert child.parent == made[0]
    assert child.responsible_unit == cast.unit_a and list(child.co_units.all()) == [cast.unit_b]
    assert child.lead_leader == "李副省长" and child.budget == 12000 and child.location == "全省"
    assert list(child.milestones.values_list("title", "weight")) == [("选址", 30), ("建成", 70)]
    assert child.ends_on == datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (good(项目名称=""), "“项目名称” is required."),
        (good(类别="奇怪的类别"), "Unknown kind"),
        (good(年度="明年"), "must be a year"),
        (good(开始日期="下周"), "is not a date"),
        (good(责任单位="不存在的厅"), "No handling unit named “不存在的厅”."),
        (good(协办单位="教育厅、不存在的厅"), "No handling unit named “不存在的厅”."),
        (good(节点="2027-03-31 | 选址 | 40"), "add up to 40"),
        (good(节点="2026-12-31 | 选址 | 100"), "before the item starts"),
        (good(节点="明年春天 选址"), "Line 1"),
        (good(**{"预算（万元）": "-5"}), "must be a number of 0 or more"),
        (good(上级项目="不存在的上级"), "neither in the ledger nor in a row above"),
        (good(**{"710分类": "很快"}), "Unknown 710 class"),
    ],
)
def test_each_bad_row_says_what_is_wrong(cast, row, problem):
    rows = excel.check_rows(excel.read_rows(workbook([row])), cast.jurisdiction.pk)
    assert any(problem in p for p in rows[0].problems), rows[0].problems


def test_a_title_twice_in_the_file_is_a_problem(cast):
    rows = excel.check_rows(excel.read_rows(workbook([good(), good()])), cast.jurisdiction.pk)
    assert rows[0].problems == [] and "twice" in rows[1].problems[0]


def test_the_pages_check_then_import_only_the_valid_rows(cast, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.staff)
    data = workbook([good(), good(项目名称="坏行", 节点="2027-03-31 | 选址 | 10")])
    upload = SimpleUploadedFile("台账.xlsx", data)
    preview = client.post(reverse("ledger:import"), {"file": upload})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'data-testid="invalid-count">1<' in text and "add up to 10" in text
    assert not LedgerItem.objects.exists()
    token = preview.context["token"]
    refused = client.post(reverse("ledger:import_confirm"), {"token": token, "choice": "all"})
    assert refused.status_code == 422 and not LedgerItem.objects.exists()
    done = client.post(reverse("ledger:import_confirm"), {"token": token, "choice": "valid"})
    assert done.status_code == 302
    assert list(LedgerItem.objects.values_list("title", flat=True)) == ["新建口袋公园20个"]
    again = client.post(reverse("ledger:import_confirm"), {"token": token, "choice": "valid"})
    assert again.status_code == 302 and LedgerItem.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_a_form_error(cast, client):
    client.force_login(cast.staff)
    response = client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("x.xlsx", b"hello")}
    )
    assert response.status_code == 422
    assert "not an Excel workbook" in response.content.decode()


def test_the_template_lists_the_columns_and_imports_its_example(cast, client):
    for name in ("省民政厅", "省财政厅", "省住房和城乡建设厅"):
        OrganisationFactory(jurisdiction=cast.jurisdiction, name=name)
    client.force_login(cast.staff)
    response = client.get(reverse("ledger:import_template"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.active[1]] == list(excel.SCHEMA.columns)
    rows = excel.check_rows(
        spreadsheets.read_sheet(response.content, excel.SCHEMA), cast.jurisdiction.pk
    )
    assert rows[0].problems == []
    assert rows[0].values["kind"] == "practical" and rows[0].values["pace"] == "year"


def test_units_do_not_import(cast, client):
    client.force_login(cast.clerk_a)
    assert client.get(reverse("ledger:import")).status_code == 403
