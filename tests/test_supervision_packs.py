"""The meeting packs (交办会 / 推进会) open in openpyxl and python-docx with the right rows, and
hold exactly the units and suggestions the person may have: a committee member their
counterpart units, a unit its own, nobody but the office a confidential suggestion."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from minsheng.supervision import packs
from minsheng.supervision import workflow as supervision
from tests import states
from tests.official_layout import assert_official_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(cast):
    """Unit A leads two suggestions (one with unit B joint) and one confidential; unit B
    leads one; a key topic on the first with an open instruction to unit A."""
    shared = states.handling(cast, joint=True, title="关于农村公路护栏的建议")
    a_only = states.handling(cast, title='=HYPERLINK("http://x","点我")')
    secret = states.handling(cast, title="涉密的建议", is_confidential=True)
    b_only = states.registered(cast, title="关于校车安全的建议")
    from minsheng.suggestions import workflow
    from minsheng.suggestions.models import Assignment
    from minsheng.suggestions.workflow import UnitPlan

    b_only = workflow.assign(
        b_only, by=cast.staff, plan=[UnitPlan(cast.unit_b, Assignment.Mode.LEAD)]
    )
    item = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="农村公路专题",
        year=timezone.localdate().year,
        suggestions=[shared],
        lead_unit=cast.unit_a,
    )
    item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
    supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text="请月底前报送进展。")
    supervision.instruct(secret, by=cast.staff, unit=cast.unit_a, text="涉密批示。")
    return {"shared": shared, "a_only": a_only, "secret": secret, "b_only": b_only, "item": item}


def _xlsx(client, user, pack, **params):
    client.force_login(user)
    response = client.get(reverse("supervision:pack_xlsx", args=[pack]), params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.worksheets) == 1
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def _docx(client, user, pack, **params):
    client.force_login(user)
    response = client.get(reverse("supervision:pack_docx", args=[pack]), params)
    assert response.status_code == 200, response.content[:500]
    return Document(io.BytesIO(response.content))


def _texts(rows):
    return {str(v) for row in rows for v in row if v is not None}


def _units(rows):
    return [row[0] for row in rows if row and isinstance(row[0], str) and "、" in row[0][:3]]


def test_the_office_assignment_pack_lists_every_unit_with_its_rows_and_totals(client, cast, work):
    rows = _xlsx(client, cast.staff, "assignment")
    assert rows[0][0] == "代表建议交办会材料"
    assert _units(rows) == ["一、交通运输厅", "二、教育厅"]
    texts = _texts(rows)
    assert "涉密的建议" in texts  # the office's pack holds confidential suggestions
    assert {"主办", "会办"} <= texts
    assert "小计：3件（主办3件，会办0件，分办0件）" in texts
    assert "小计：2件（主办1件，会办1件，分办0件）" in texts
    assert "合计：2个承办单位，5件（主办4件，会办1件，分办0件）" in texts
    header = next(row for row in rows if row and row[0] == "序号")
    assert header[:7] == [
        "序号",
        "编号",
        "建议标题",
        "领衔代表",
        "办理方式",
        "签收期限",
        "答复期限",
    ]


def test_a_formula_in_a_title_stays_text_in_the_pack(client, cast, work):
    client.force_login(cast.staff)
    response = client.get(reverse("supervision:pack_xlsx", args=["assignment"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [
        c for row in wb.worksheets[0].iter_rows() for c in row if c.value == work["a_only"].title
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_committee_member_gets_only_the_counterpart_units_and_no_confidential_rows(
    client, cast, work
):
    rows = _xlsx(client, cast.committee, "assignment")
    assert _units(rows) == ["一、交通运输厅"]
    texts = _texts(rows)
    assert "涉密的建议" not in texts
    assert "关于校车安全的建议" not in texts
    progress = _texts(_xlsx(client, cast.committee, "progress"))
    assert "涉密批示。" not in progress and "涉密的建议" not in progress
    assert "请月底前报送进展。" in progress


def test_a_unit_gets_only_its_own_unit(client, cast, work):
    rows = _xlsx(client, cast.clerk_b, "assignment")
    assert _units(rows) == ["一、教育厅"]
    texts = _texts(rows)
    assert "关于校车安全的建议" in texts and "关于农村公路护栏的建议" in texts
    assert work["a_only"].title not in texts
    # Asking for another unit is refused with a reason, not a file.
    client.force_login(cast.clerk_b)
    response = client.get(
        reverse("supervision:pack_xlsx", args=["assignment"]), {"unit": cast.unit_a.pk}
    )
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors


def test_a_unit_never_sees_its_confidential_suggestion_in_a_pack(client, cast, work):
    texts = _texts(_xlsx(client, cast.clerk_a, "progress"))
    assert "涉密的建议" not in texts and "涉密批示。" not in texts
    assert "关于农村公路护栏的建议" in texts


def test_the_progress_pack_has_open_suggestions_key_items_and_instructions(client, cast, work):
    rows = _xlsx(client, cast.staff, "progress")
    assert rows[0][0] == "代表建议办理推进会材料"
    texts = _texts(rows)
    assert {"在办建议", "重点督办事项", "未办结批示"} <= texts
    assert "农村公路专题" in texts and "请月底前报送进展。" in texts and "涉密批示。" in texts
    assert "绿灯" in texts
    assert any(
        t.startswith("小计：在办建议3件（红灯0件，黄灯0件）；重点督办事项1项；未办结批示2件")
        for t in texts
    )
    # Unit B: the joint one and its own (awaiting sign-for).
    assert any(t.startswith("小计：在办建议2件") for t in texts)
    assert "已交办（未签收）" in texts or any("未签收" in t for t in texts)


def test_the_progress_pack_shows_the_red_light_of_an_overdue_suggestion(client, cast, work):
    import datetime

    later = work["shared"].reply_due + datetime.timedelta(days=3)
    with states.frozen(later):
        texts = _texts(_xlsx(client, cast.staff, "progress"))
    assert "红灯" in texts


def test_the_word_pack_is_in_the_official_layout_with_a_table_per_unit(client, cast, work):
    doc = _docx(client, cast.staff, "assignment")
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "代表建议交办会材料"
    assert "一、交通运输厅" in paragraphs and "二、教育厅" in paragraphs
    assert len(doc.tables) == 2
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells][:3] == ["序号", "编号", "建议标题"]
    assert len(first.rows) == 1 + 3
    assert "涉密的建议" in {c.text for row in first.rows for c in row.cells}
    assert_official_layout(doc)


def test_the_word_progress_pack_for_a_committee_member(client, cast, work):
    doc = _docx(client, cast.committee, "progress")
    paragraphs = [p.text for p in doc.paragraphs]
    assert "一、交通运输厅" in paragraphs and "二、教育厅" not in paragraphs
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "涉密的建议" not in cells and "请月底前报送进展。" in cells


def test_the_assignment_pack_follows_the_chosen_period(client, cast, work):
    today = timezone.localdate()
    later = today.replace(year=today.year + 1)
    texts = _texts(_xlsx(client, cast.staff, "assignment", start=later.isoformat()))
    assert "合计：0个承办单位，0件（主办0件，会办0件，分办0件）" in texts
    client.force_login(cast.staff)
    bad = client.get(
        reverse("supervision:pack_docx", args=["assignment"]),
        {"start": today.isoformat(), "end": "2000-01-01"},
    )
    assert bad.status_code == 400
    assert (
        client.get(
            reverse("supervision:pack_xlsx", args=["assignment"]), {"start": "not a date"}
        ).status_code
        == 400
    )


def test_who_may_download_packs(cast):
    assert packs.audience_for(cast.deputy, cast.jurisdiction.pk) is None
    staff = packs.audience_for(cast.staff, cast.jurisdiction.pk)
    assert staff.confidential and staff.whole_congress
    leader = packs.audience_for(cast.supervisor, cast.jurisdiction.pk)
    assert leader.whole_congress and not leader.confidential
    committee = packs.audience_for(cast.committee, cast.jurisdiction.pk)
    assert list(committee.units) == [cast.unit_a]
    assert list(packs.audience_for(cast.head_b, cast.jurisdiction.pk).units) == [cast.unit_b]
    assert packs.candidate_jurisdictions(cast.deputy) == set()


def test_a_supervisor_below_tier_two_gets_no_pack(client, cast):
    from minsheng.people.models import Role
    from tests.factories import RoleFactory, UserFactory

    low = UserFactory(username="tier5", jurisdiction=cast.jurisdiction)
    RoleFactory(
        user=low, kind=Role.Kind.SUPERVISOR, jurisdiction=cast.jurisdiction, supervisor_tier=5
    )
    client.force_login(low)
    assert client.get(reverse("supervision:packs")).status_code == 403


def test_the_pack_page_offers_both_packs_in_both_formats(client, cast, work):
    client.force_login(cast.committee)
    response = client.get(reverse("supervision:packs"))
    assert response.status_code == 200
    body = response.content.decode()
    for pack in ("assignment", "progress"):
        assert reverse("supervision:pack_xlsx", args=[pack]) in body
        assert reverse("supervision:pack_docx", args=[pack]) in body
    assert "交通运输厅" in body


def test_the_pack_files_take_a_fixed_number_of_queries(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(pack, fmt):
        client.force_login(cast.staff)
        name = "supervision:pack_xlsx" if fmt == "xlsx" else "supervision:pack_docx"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name, args=[pack]))
            if fmt == "xlsx":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    for i in range(3):
        states.handling(cast, title=f"建议{i}", joint=i % 2 == 0)
    few = {(p, f): count(p, f) for p in packs.KINDS for f in ("xlsx", "docx")}
    for i in range(3, 12):
        states.handling(cast, title=f"建议{i}", joint=i % 2 == 0)
    for key, n in few.items():
        assert count(*key) == n, key
