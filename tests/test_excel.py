"""Excel in and out: the ledger export, the import template, the dry run and the import."""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from minsheng.people.models import Organisation
from minsheng.suggestions import excel, workflow
from minsheng.suggestions.models import CoSigner, Suggestion
from minsheng.suggestions.permissions import LEAD_DEPUTY, STAFF
from tests import states
from tests.factories import DeputyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Suggestion.State
EXPORT = reverse("suggestions:export")
IMPORT = reverse("suggestions:import")
CONFIRM = reverse("suggestions:import_confirm")
TEMPLATE = reverse("suggestions:import_template")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_may_submit(monkeypatch):
    """The workflow as it should be for paper batches: staff submit on the deputy's behalf."""
    rule = workflow.TRANSITIONS["submit"]
    monkeypatch.setitem(
        workflow.TRANSITIONS,
        "submit",
        rule.replace(who=rule.who | {STAFF}),
    )


@pytest.fixture
def only_the_deputy_submits(monkeypatch):
    rule = workflow.TRANSITIONS["submit"]
    monkeypatch.setitem(
        workflow.TRANSITIONS,
        "submit",
        rule.replace(who=frozenset({LEAD_DEPUTY})),
    )


def exported(client, user, **params):
    client.force_login(user)
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return ws, rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def workbook(rows, header=excel.TEMPLATE_COLUMNS):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(cast, title="关于加强校园安全的建议", **overrides):
    values = {
        "标题": title,
        "内容": "建议在校门口增设护学岗。",
        "领衔代表": cast.deputy.real_name,
        "代表团": "青川市代表团",
        "附议代表": cast.cosigner.real_name,
        "分类": "交通运输",
        "来源": "会议期间",
        "是否涉密": "否",
    }
    values.update(overrides)
    return [values[c] for c in excel.TEMPLATE_COLUMNS]


def upload(client, cast, data, name="batch.xlsx", register=False):
    client.force_login(cast.staff)
    payload = {"file": _file(data, name), "session": cast.term.sessions.get().pk}
    if register:
        payload["register"] = "on"
    return client.post(IMPORT, payload)


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def confirm(client, response, choice="all"):
    ctx = response.context
    data = {"token": ctx["token"], "session": ctx["session"].pk, "choice": choice}
    if ctx["register"]:
        data["register"] = "on"
    return client.post(CONFIRM, data)


# --- export ------------------------------------------------------------------------------------


def test_export_has_chinese_headers_and_every_lifecycle_date(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        s = states.answered(cast, cosign=True, joint=True, category_code="B")
    s.refresh_from_db()
    ws, header, rows = exported(client, cast.staff)
    assert list(header) == excel.EXPORT_HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width == 44
    (found,) = rows
    assert found["编号"] == "第0001号"
    assert found["标题"] == s.title
    assert found["领衔代表"] == cast.deputy.real_name
    assert found["代表团"] == "青川市代表团"
    assert found["附议代表"] == cast.cosigner.real_name
    assert found["分类"] == "交通运输"
    assert "交通运输厅" in found["承办单位"] and "教育厅" in found["承办单位"]
    for column in ("提出日期", "立案日期", "交办日期", "最近答复日期", "答复完成日期"):
        assert found[column] == datetime.datetime(2026, 3, 2), column
    assert found["答复期限"] == datetime.datetime(2026, 6, 2)
    assert found["办结日期"] is None
    assert "2026年3月2日" in found["签收情况"]
    assert found["答复类别"] == "B"
    assert found["重点督办"] == "否" and found["涉密"] == "否"
    assert found["办理轮次"] == 1


def test_export_cells_are_real_dates(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        states.assigned(cast)
    client.force_login(cast.staff)
    response = client.get(EXPORT)
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    column = excel.EXPORT_HEADERS.index("交办日期") + 1
    cell = ws.cell(row=2, column=column)
    assert cell.is_date and "年" in cell.number_format


def test_export_uses_the_workbench_filters(client, cast):
    states.submitted(cast, title="待审")
    states.registered(cast, title="已立案")
    _ws, _header, rows = exported(client, cast.staff, state="registered")
    assert [r["标题"] for r in rows] == ["已立案"]
    _ws, _header, rows = exported(client, cast.staff, q="待审")
    assert [r["标题"] for r in rows] == ["待审"]


def test_a_unit_clerk_exports_only_their_units_work(client, cast):
    states.assigned(cast, title="只给交通")
    states.assigned(cast, title="联合办理", joint=True)
    states.registered(cast, title="未交办")
    _ws, _header, rows = exported(client, cast.clerk_b)
    assert [r["标题"] for r in rows] == ["联合办理"]
    _ws, _header, rows = exported(client, cast.outsider)
    assert rows == []


def test_export_of_a_rated_and_closed_suggestion(client, cast):
    s = states.closed(cast)
    _ws, _header, rows = exported(client, cast.staff)
    assert rows[0]["状态"] == s.get_state_display()
    assert rows[0]["办结日期"] is not None
    assert rows[0]["满意度"]


def test_export_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(3):
        states.answered(cast, title=f"少{i}", joint=True, cosign=True)
    client.force_login(cast.staff)
    with django_assert_max_num_queries(20) as few:
        b"".join(client.get(EXPORT).streaming_content)
    for i in range(8):
        states.answered(cast, title=f"多{i}", joint=True, cosign=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(EXPORT).streaming_content)


# --- the template ------------------------------------------------------------------------------


def test_the_template_has_the_columns_and_an_example(client, cast):
    client.force_login(cast.staff)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == excel.TEMPLATE_COLUMNS
    assert rows[1][0] and rows[1][2] == "林建国"


def test_only_staff_get_the_import_pages(client, cast):
    for person in (cast.clerk_a, cast.deputy, cast.supervisor, cast.committee):
        client.force_login(person)
        assert client.get(IMPORT).status_code == 403
        assert client.get(TEMPLATE).status_code == 403
        assert client.post(CONFIRM, {}).status_code == 403


def test_the_filled_template_passes_the_dry_run(client, cast):
    wb = load_workbook(io.BytesIO(excel.template_workbook()))
    ws = wb.worksheets[0]
    ws["C2"], ws["D2"], ws["E2"] = cast.deputy.real_name, "青川市", cast.cosigner.real_name
    states.category(cast)
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, cast, out.getvalue())
    assert response.status_code == 200
    (only,) = response.context["rows"]
    assert only.ok, only.problems


# --- dry run and import ------------------------------------------------------------------------


def test_dry_run_then_import_everything(client, cast, staff_may_submit):
    states.category(cast)
    data = workbook([row(cast, "第一条建议"), row(cast, "第二条建议", 附议代表="")])
    preview = upload(client, cast, data)
    assert preview.status_code == 200
    assert preview.context["all_valid"] and len(preview.context["rows"]) == 2
    assert not Suggestion.objects.exists()  # a dry run writes nothing
    response = confirm(client, preview)
    assert response.status_code == 302
    made = list(Suggestion.objects.order_by("pk"))
    assert [s.title for s in made] == ["第一条建议", "第二条建议"]
    assert {s.state for s in made} == {S.SUBMITTED}
    assert made[0].created_by == cast.staff and made[0].lead_deputy.user == cast.deputy
    assert list(made[0].cosigners.values_list("state", flat=True)) == [CoSigner.State.CONFIRMED]
    assert made[0].events.filter(action="create", data__cosigned_on_paper=True).exists()
    # The file is gone once imported: confirming again imports nothing twice.
    again = confirm(client, preview)
    assert again.status_code == 302 and Suggestion.objects.count() == 2


def test_register_on_import_numbers_rows_in_file_order(client, cast, staff_may_submit):
    data = workbook([row(cast, f"建议{i}", 分类="") for i in range(3)])
    response = upload(client, cast, data, register=True)
    assert response.context["register"] is True
    confirm(client, response)
    numbers = list(Suggestion.objects.order_by("pk").values_list("title", "state", "number"))
    assert numbers == [
        ("建议0", S.REGISTERED, 1),
        ("建议1", S.REGISTERED, 2),
        ("建议2", S.REGISTERED, 3),
    ]


def test_rows_stay_drafts_when_the_workflow_refuses_staff_submission(
    client, cast, only_the_deputy_submits
):
    response = upload(client, cast, workbook([row(cast, 分类="")]), register=True)
    response = confirm(client, response)
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert s.state == S.DRAFT
    assert "warning" in [m.level_tag for m in get_messages(response.wsgi_request)]


def test_every_row_problem_is_reported(client, cast):
    states.category(cast)
    twin_delegation = OrganisationFactory(
        jurisdiction=cast.jurisdiction,
        name="白河市代表团",
        kind=Organisation.Kind.DELEGATION,
        is_handling_unit=False,
    )
    twin = UserFactory(username="twin", jurisdiction=cast.jurisdiction, real_name="王芳")
    DeputyFactory(
        user=twin, jurisdiction=cast.jurisdiction, term=cast.term, delegation=twin_delegation
    )
    other = UserFactory(username="twin2", jurisdiction=cast.jurisdiction, real_name="王芳")
    DeputyFactory(
        user=other,
        jurisdiction=cast.jurisdiction,
        term=cast.term,
        delegation=Organisation.objects.get(name="青川市代表团"),
    )
    lead = cast.deputy.real_name
    rows = [
        row(cast, "好的一条"),
        row(cast, "查无此人", 领衔代表="张三丰"),
        row(cast, "同名", 领衔代表="王芳", 代表团=""),
        row(cast, "同名但写了代表团", 领衔代表="王芳", 代表团="白河市", 附议代表=""),
        row(cast, "未知分类", 分类="航天"),
        row(
            cast,
            "",
        ),
        row(cast, "没有内容", 内容=""),
        row(cast, "长" * 201),
        row(cast, "好的一条"),
        row(cast, "自己附议自己", 附议代表=f"{cast.cosigner.real_name}、{lead}"),
        row(cast, "来源不对", 来源="路上"),
        row(cast, "涉密不对", 是否涉密="也许"),
        row(cast, "附议同名", 附议代表="王芳"),
        row(cast, "附议写明代表团", 附议代表="王芳（白河市）"),
    ]
    response = upload(client, cast, workbook(rows))
    assert response.status_code == 200
    lines = {r.line: r for r in response.context["rows"]}
    assert response.context["valid_count"] == 3
    assert {line for line, r in lines.items() if r.ok} == {2, 5, 15}
    assert lines[5].lead.delegation == twin_delegation  # the delegation told the 王芳s apart
    assert [d.user for d in lines[15].cosigners] == [twin]
    assert "2" in lines[10].problems[0]  # the second "好的一条" repeats row 2's title
    for line in range(3, 15):
        if line != 5:
            assert len(lines[line].problems) == 1, (line, lines[line].problems)
    assert "白河市代表团" in lines[4].problems[0]  # the ambiguous names are listed
    html = response.content.decode()
    assert 'data-testid="import-all"' not in html
    assert 'data-testid="import-valid"' in html


def test_nothing_is_imported_from_a_file_with_bad_rows_unless_asked(client, cast):
    states.category(cast)
    data = workbook([row(cast, "好"), row(cast, "坏", 领衔代表="查无此人")])
    response = upload(client, cast, data)
    rejected = confirm(client, response, "all")
    assert rejected.status_code == 422
    assert not Suggestion.objects.exists()
    # The file was kept: the same preview can now import just the valid row.
    imported = confirm(client, rejected, "valid")
    assert imported.status_code == 302
    assert list(Suggestion.objects.values_list("title", flat=True)) == ["好"]


def test_the_same_file_twice_is_caught(client, cast):
    states.category(cast)
    data = workbook([row(cast, "重复上传")])
    confirm(client, upload(client, cast, data))
    response = upload(client, cast, data)
    (again,) = response.context["rows"]
    assert not again.ok


def test_cancel_removes_the_upload(client, cast, settings):
    response = upload(client, cast, workbook([row(cast, 分类="")]))
    token = response.context["token"]
    assert (settings.MEDIA_ROOT / "imports" / f"{token}.xlsx").exists()
    client.post(
        CONFIRM, {"token": token, "session": response.context["session"].pk, "choice": "cancel"}
    )
    assert not (settings.MEDIA_ROOT / "imports" / f"{token}.xlsx").exists()
    assert confirm(client, response).status_code == 302
    assert not Suggestion.objects.exists()


def test_another_persons_upload_cannot_be_confirmed(client, cast, settings):
    response = upload(client, cast, workbook([row(cast, 分类="")]))
    token, session = response.context["token"], response.context["session"].pk
    from tests.factories import RoleFactory

    other_staff = UserFactory(username="staff2", jurisdiction=cast.jurisdiction)
    RoleFactory(user=other_staff, kind="staff", jurisdiction=cast.jurisdiction)
    client.force_login(other_staff)
    response = client.post(CONFIRM, {"token": token, "session": session, "choice": "all"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()
    response = client.post(
        CONFIRM, {"token": "../../etc/passwd", "session": session, "choice": "all"}
    )
    assert response.status_code == 302


def test_another_congresses_session_cannot_be_chosen(client, cast):
    client.force_login(cast.outsider)
    response = client.post(
        IMPORT,
        {
            "file": _file(workbook([row(cast)]), "a.xlsx"),
            "session": cast.term.sessions.get().pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["session"]


# --- bad files ---------------------------------------------------------------------------------


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _header_only():
    return workbook([])


def _title_above_then_empty():
    wb = Workbook()
    wb.active.append(["某某会议代表建议汇总"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _empty_sheet():
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


BAD_FILES = {
    "text renamed": b"title,body\nhello,world\n",
    "pdf renamed": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
    "empty file": b"",
    "corrupt zip": b"PK\x03\x04" + b"\x00garbage" * 50,
    "truncated xlsx": None,  # filled in below
    "zip of something else": _zip({"hello.txt": "hi"}),
    "broken workbook part": _zip({"[Content_Types].xml": "<x", "xl/workbook.xml": "<nope"}),
    "password protected": excel.OLE_MAGIC + b"\x00" * 500 + excel.ENCRYPTION_MARK + b"\x00" * 64,
    "old xls": excel.OLE_MAGIC + b"\x00" * 512,
    "empty sheet": _empty_sheet(),
    "title line but no columns": _title_above_then_empty(),
    "header only": _header_only(),
    "wrong columns": workbook([["a", "b"]], header=["名字", "正文"]),
    "unknown extra column": workbook(
        [["t", "b", "x", "y"]], header=["标题", "内容", "领衔代表", "电话"]
    ),
}
BAD_FILES["truncated xlsx"] = workbook([["t", "b", "c", "", "", "", "", ""]])[:300]


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_get_a_clear_message(client, cast, kind):
    response = upload(client, cast, BAD_FILES[kind], name="batch.xlsx")
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file")
    assert errors, kind
    assert b'data-testid="file-error"' in response.content
    assert not Suggestion.objects.exists()
    # The person's other choices are kept.
    assert response.context["form"]["session"].value() == str(cast.term.sessions.get().pk)


def test_bad_file_messages_say_what_is_wrong():
    def message(data):
        with pytest.raises(excel.ImportFileError) as caught:
            excel.read_rows(data)
        return caught.value.message

    assert message(BAD_FILES["password protected"]) != message(BAD_FILES["old xls"])
    assert "标题" in message(BAD_FILES["wrong columns"])
    assert "电话" in message(BAD_FILES["unknown extra column"])


def test_a_title_line_above_the_columns_is_accepted():
    wb = Workbook()
    ws = wb.active
    ws.append(["第十四届人大四次会议代表建议汇总表"])
    ws.append(excel.TEMPLATE_COLUMNS)
    ws.append(["题目", "内容", "某人", "", "", "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    (only,) = excel.read_rows(out.getvalue())
    assert only.line == 3 and only.values["标题"] == "题目"


def test_numbers_in_cells_are_read_as_text():
    raw = excel.read_rows(workbook([["标题", 12345, "某人", "", "", "", "", 0]]))
    assert raw[0].values["内容"] == "12345"
    assert raw[0].values["是否涉密"] == "0"


def test_too_large_an_upload_is_refused(client, cast, settings):
    settings.FILE_UPLOAD_MAX_MB = 0
    response = upload(client, cast, workbook([row(cast)]))
    assert response.context["form"].errors["file"]
