"""Text is cleaned at every door: pages remove control characters, the API refuses them, the
Excel import removes them; line breaks become LF everywhere (minsheng.lib.text)."""

import datetime
import io
from unittest.mock import patch

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.lib.spreadsheets import cell_to_text
from minsheng.people.models import ApiToken
from minsheng.suggestions.models import Suggestion
from tests import states

pytestmark = pytest.mark.django_db
IN_SESSION = datetime.date(2026, 1, 20)


def bearer(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_new(client, user, **data):
    client.force_login(user)
    values = {"title": "关于增设公交线路的建议", "body": "建议增设公交线路。", "intent": "submit"}
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        return client.post(reverse("suggestions:new"), {**values, **data})


# --- pages: removed ----------------------------------------------------------------------------


def test_the_new_suggestion_page_turns_words_line_break_into_a_newline_and_drops_controls(
    client, cast
):
    response = post_new(
        client, cast.deputy, title="关于\v公交\x07线路的建议", body="第一段\r\n第二段\x1b"
    )
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert (s.title, s.body) == ("关于\n公交线路的建议", "第一段\n第二段")


def test_a_title_with_words_line_break_no_longer_breaks_the_staff_export(client, cast):
    # The fault: one vertical tab in a title made the 台账 export answer 500 for everyone.
    post_new(client, cast.deputy, title="关于\v公交线路的建议")
    client.force_login(cast.staff)
    response = client.get(reverse("suggestions:export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert "关于\n公交线路的建议" in [c for row in ws.iter_rows(values_only=True) for c in row]


def test_a_field_of_nothing_but_control_characters_is_empty(client, cast):
    response = post_new(client, cast.deputy, title="\x01\x02")
    assert response.status_code == 422
    assert not Suggestion.objects.exists()


def test_nul_in_a_page_form_is_refused_by_djangos_own_validator(client, cast):
    response = post_new(client, cast.deputy, body="空\x00字节")
    assert response.status_code == 422
    assert not Suggestion.objects.exists()


def test_action_forms_clean_their_text(client, cast):
    s = states.submitted(cast)
    client.force_login(cast.staff)
    response = client.post(
        reverse("suggestions:act", args=[s.pk, "return_for_revision"]),
        {"note": "请补充\v数据\x1b", "expected_version": s.version},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state_note == "请补充\n数据"


def test_the_token_name_is_cleaned(client, cast):
    client.force_login(cast.deputy)
    client.post(reverse("account"), {"name": "同步\x07表格"})
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["同步表格"]


# --- API: refused ------------------------------------------------------------------------------


def create(client, user, body):
    return client.post("/api/v1/suggestions", body, content_type="application/json", **bearer(user))


@pytest.mark.parametrize("field", ["title", "body"])
def test_the_api_refuses_nul_and_controls_with_422_never_500(client, cast, field):
    body = {"title": "关于公交的建议", "body": "建议增设公交线路。", field: "空\x00字节\x1b"}
    response = create(client, cast.deputy, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert field in detail and "U+0000" in detail and "U+001B" in detail
    assert not Suggestion.objects.exists()


def test_the_api_normalises_line_breaks(client, cast):
    response = create(client, cast.deputy, {"title": "关于\v公交", "body": "一\r\n二\r三\f四"})
    assert response.status_code == 201, response.json()
    s = Suggestion.objects.get()
    assert (s.title, s.body) == ("关于\n公交", "一\n二\n三\n四")


def test_the_api_refusal_is_in_the_callers_language(client, cast):
    response = client.post(
        "/api/v1/suggestions",
        {"title": "标题", "body": "\x00"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **bearer(cast.deputy),
    )
    assert response.status_code == 422
    assert "控制字符" in response.json()["detail"]


def test_api_action_bodies_refuse_nul(client, cast):
    s = states.submitted(cast)
    response = client.post(
        f"/api/v1/suggestions/{s.pk}/actions/return_for_revision",
        {"note": "请补充\x00"},
        content_type="application/json",
        **bearer(cast.staff),
    )
    assert response.status_code == 422
    s.refresh_from_db()
    assert s.state == Suggestion.State.SUBMITTED


def test_the_api_search_refuses_nul_instead_of_crashing_the_database(client, cast):
    response = client.get("/api/v1/suggestions", {"q": "公交\x00"}, **bearer(cast.staff))
    assert response.status_code == 422


# --- Excel import: removed ---------------------------------------------------------------------


def test_import_cells_are_cleaned():
    # The import reads every cell through lib/spreadsheets.cell_to_text (the `files` slice).
    assert cell_to_text(" 关于\v公交\x00线路\r\n的建议\x1b ") == "关于\n公交线路\n的建议"
