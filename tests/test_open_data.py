"""Open data (issue 10, point 4): the Atom feed, the public JSON under /api/v1/public/ and the
per-year CSV and XLSX downloads show what the public site shows, and nothing else."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from minsheng.disclosure import workflow
from tests import disclosure_states as pubs

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "关于修缮乡村小学的建议"
REPLY = "经研究，我厅已安排专项资金完成护栏安装。"


@pytest.fixture
def world(cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    shown = pubs.rated_published(cast, capture, title=TITLE)
    pending = pubs.pending(cast, capture, title="关于尚未公开的建议")
    withdrawn = pubs.published(cast, capture, title="关于已撤回的建议")
    workflow.withdraw(withdrawn, by=cast.staff, reason="撤回。")
    return {"shown": shown, "pending": pending, "withdrawn": withdrawn}


# --- the feed -----------------------------------------------------------------------------------


def test_the_feed_lists_new_publications_with_their_permalinks(client, world):
    response = client.get("/gongkai/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [TITLE]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(f"/gongkai/{world['shown'].pk}/")
    text = response.content.decode()
    assert "尚未公开" not in text and "已撤回" not in text


def test_the_feed_takes_the_lists_filters(client, cast, world):
    assert b"<entry>" not in client.get(f"/gongkai/feed/?unit={cast.unit_b.pk}").content
    assert b"<entry>" in client.get(f"/gongkai/feed/?unit={world['shown'].unit_id}").content
    assert client.get("/gongkai/feed/?year=x&unit=%00").status_code == 200


def test_the_feed_follows_a_search(client, world):
    """`?q=`: the newest of the matching publications; odd text is an empty feed, never a 500."""
    from minsheng.search import index

    index.rebuild()  # what the publications' commits do (the tests' transaction never commits)
    found = client.get("/gongkai/feed/", {"q": "乡村小学"})
    assert found.status_code == 200 and found.content.count(b"<entry>") == 1
    assert TITLE.encode() in found.content
    assert b"<entry>" not in client.get("/gongkai/feed/", {"q": "地铁"}).content
    for odd in ("。。！！", "x" * 500, "<script>", '"OR" *'):
        response = client.get("/gongkai/feed/", {"q": odd})
        assert response.status_code == 200 and b"<entry>" not in response.content


def test_the_public_pages_announce_the_feed(client, world):
    for url in (
        "/gongkai/",
        "/gongkai/tongji/",
        "/gongkai/data/",
        f"/gongkai/{world['shown'].pk}/",
    ):
        text = client.get(url).content.decode()
        assert 'rel="alternate" type="application/atom+xml"' in text
        assert 'href="/gongkai/feed/"' in text
        assert 'href="/gongkai/data/"' in text


# --- the public API -----------------------------------------------------------------------------


def test_the_public_api_lists_the_published_suggestions_without_a_token(client, world):
    response = client.get("/api/v1/public/suggestions")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == TITLE and item["id"] == world["shown"].pk
    assert item["url"] == f"/gongkai/{world['shown'].pk}/"
    assert item["rating"] == "satisfied"
    assert set(item) >= {"number", "session", "unit", "result", "answered_on", "published_at"}


def test_the_public_api_searches_as_the_public_list(client, world):
    from minsheng.search import index

    index.rebuild()  # what the publications' commits do
    found = client.get("/api/v1/public/suggestions", {"q": "乡村小学"}).json()
    assert found["count"] == 1 and found["items"][0]["id"] == world["shown"].pk
    # What is not published is never found, not even by its own words.
    assert client.get("/api/v1/public/suggestions", {"q": "尚未公开"}).json()["count"] == 0
    assert client.get("/api/v1/public/suggestions", {"q": "。。！！"}).json()["count"] == 0
    assert client.get("/api/v1/public/suggestions", {"q": "x" * 201}).status_code == 422


def test_the_public_api_filters_and_refuses_malformed_values(client, cast, world):
    pub = world["shown"]
    assert client.get(f"/api/v1/public/suggestions?unit={cast.unit_b.pk}").json()["count"] == 0
    assert client.get(f"/api/v1/public/suggestions?unit={pub.unit_id}").json()["count"] == 1
    assert client.get(f"/api/v1/public/suggestions?year={pub.year}&result=Z").status_code == 422
    assert client.get("/api/v1/public/suggestions?unit=x").status_code == 422
    assert client.get("/api/v1/public/suggestions?page=0").status_code == 422


def test_one_public_suggestion_and_the_same_404_for_anything_unpublished(client, world):
    response = client.get(f"/api/v1/public/suggestions/{world['shown'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == TITLE
    assert [r["text"] for r in body["replies"]] == [REPLY]
    missing = client.get("/api/v1/public/suggestions/999999")
    assert missing.status_code == 404
    for pk in (world["pending"].pk, world["withdrawn"].pk):
        hidden = client.get(f"/api/v1/public/suggestions/{pk}")
        assert hidden.status_code == 404 and hidden.content == missing.content


def test_the_public_statistics_projects_and_filters(client, world):
    stats = client.get("/api/v1/public/statistics").json()
    assert stats["totals"]["total"] == 1 and stats["totals"]["satisfied"] == 1
    assert stats["per_unit"][0]["unit"] == world["shown"].unit.name
    assert client.get("/api/v1/public/statistics?year=x").status_code == 422
    assert client.get("/api/v1/public/projects").json() == {"items": [], "count": 0}
    options = client.get("/api/v1/public/filters").json()
    assert options["year"] == [{"id": world["shown"].year, "name": str(world["shown"].year)}]
    assert [u["id"] for u in options["unit"]] == [world["shown"].unit_id]


def test_the_public_list_costs_the_same_queries_for_more_rows(
    client, cast, world, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/public/suggestions")
    for n in range(3):
        pubs.published(cast, django_capture_on_commit_callbacks, title=f"另一件公开的建议{n}")
    with CaptureQueriesContext(connection) as four:
        assert client.get("/api/v1/public/suggestions").json()["count"] == 4
    assert len(four.captured_queries) == len(one.captured_queries)


# --- the downloads ------------------------------------------------------------------------------


def test_the_open_data_page_links_each_years_files(client, world):
    year = world["shown"].year
    text = client.get("/gongkai/data/").content.decode()
    assert f'href="/gongkai/data/{year}.csv"' in text
    assert f'href="/gongkai/data/{year}.xlsx"' in text
    assert 'href="/api/v1/public/suggestions"' in text


def test_the_csv_has_a_bom_and_only_the_published_redacted_rows(client, world):
    response = client.get(f"/gongkai/data/{world['shown'].year}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "建议号", "标题"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["标题"] == TITLE and REPLY in row["答复"]
    assert row["链接"] == f"/gongkai/{world['shown'].pk}/"
    assert "尚未公开" not in data.decode() and "已撤回" not in data.decode()


def test_the_xlsx_holds_the_same_rows(client, world):
    response = client.get(f"/gongkai/data/{world['shown'].year}.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["编号", "建议号", "标题"]
    assert len(rows) == 2 and rows[1][2] == TITLE and REPLY in rows[1][14]


def test_a_year_with_nothing_published_is_404(client, world):
    assert client.get("/gongkai/data/1999.csv").status_code == 404
    assert client.get("/gongkai/data/1999.xlsx").status_code == 404


def test_a_csv_cell_that_looks_like_a_formula_is_kept_as_text():
    from minsheng.disclosure.opendata import csv_cell

    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("+86 电话") == "'+86 电话"
    assert csv_cell("普通文字") == "普通文字"
    assert csv_cell(None) == ""


def test_every_public_operation_is_in_the_openapi_and_in_docs_api(client):
    from pathlib import Path

    schema = client.get("/api/v1/openapi.json").json()
    public = [path for path in schema["paths"] if path.startswith("/api/v1/public/")]
    assert len(public) == 5
    docs = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text()
    for path in public:
        listed = path.removeprefix("/api/v1").replace("{publication_id}", "{id}")
        assert f"`GET {listed}`" in docs, listed
        assert "security" not in schema["paths"][path]["get"] or not any(
            schema["paths"][path]["get"]["security"]
        )
