"""Open data: everything published, per year, as CSV (UTF-8 with a BOM, so Excel opens the
Chinese correctly) and XLSX, and the page that links them.

Only what the public site shows is written: published, non-confidential records
(`Publication.objects.public()`), the redacted title and body and the reviewed replies
(`workflow.public_text`: masks applied, summaries, reviewed pieces only), the public columns.
Never a deputy's contact details, a reply's contact names or phones, a reason or an
unreviewed reply: the replies' query does not even read those fields.

Both files are written row by row: the records are read in chunks of `CHUNK` with their
replies in one query per chunk; the CSV is streamed as it is made, the workbook goes through
openpyxl's write-only mode into a temporary file (`lib.spreadsheets.write_table`).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from minsheng.disclosure import public
from minsheng.disclosure.models import Publication
from minsheng.disclosure.workflow import public_text
from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column
from minsheng.suggestions.numbers import format_number

CHUNK = 500
FIELDS = (*public.LIST_FIELDS, "suggestion__body", "suggestion__submitted_at")

# Fixed Chinese column names (the files are the congress's own records; docs/disclosure.md
# gives them in English).
COLUMNS = [
    Column("编号", 8, "number"),
    Column("建议号", 12),
    Column("标题", 36),
    Column("内容", 60),
    Column("届次", 16),
    Column("类别", 14),
    Column("代表团", 14),
    Column("主办单位", 18),
    Column("办理结果", 16),
    Column("代表评价", 10),
    Column("按时答复", 8),
    Column("提交日期", 12, "date"),
    Column("答复日期", 12, "date"),
    Column("公开日期", 12, "date"),
    Column("答复", 80),
    Column("链接", 30),
]


def years() -> list[dict[str, Any]]:
    """The years with published records and how many each: one grouped query."""
    return [
        {"year": row["year"], "count": row["n"]}
        # The records' own flag, as the list's count (public.public_count): grouped over the
        # `pub_public_year` index instead of reading every published suggestion.
        for row in Publication.objects.filter(public=1)
        .exclude(year__isnull=True)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    ]


def _probe(row: dict[str, Any]) -> Publication:
    return Publication(
        spans=row["spans"],
        summaries=row["summaries"],
        fingerprints=row["fingerprints"],
        shown=row["shown"],
    )


def _replies(chunk: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """The reviewed, sent replies of a chunk of records, redacted, in one query."""
    from minsheng.suggestions.models import Reply

    wanted: dict[int, int] = {}
    for row in chunk:
        for key in row["shown"]:
            if key.startswith("reply:"):
                wanted[int(key.removeprefix("reply:"))] = row["pk"]
    found: dict[int, list[dict[str, Any]]] = {row["pk"]: [] for row in chunk}
    if not wanted:
        return found
    probes = {row["pk"]: _probe(row) for row in chunk}
    for r in (
        Reply.objects.filter(pk__in=list(wanted), state=Reply.State.SENT)
        .values(*public.REPLY_FIELDS)
        .order_by("round", "pk")
    ):
        pk = wanted[r["pk"]]
        text = public_text(probes[pk], f"reply:{r['pk']}", r["text"])
        if text is not None:
            found[pk].append({**r, "text": text})
    return found


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value if isinstance(value, datetime.date) else None


def records(year: int) -> Iterator[list[Any]]:
    """One row per published record of `year` (the public list's year), oldest first."""
    rows = (
        Publication.objects.public()
        .filter(year=year)
        .order_by("published_at", "pk")
        .values(*FIELDS)
    )
    results = public.result_labels()
    ratings = {k: str(v) for k, v in Publication.Rating.choices}
    chunk: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _rows(chunk, results, ratings)
            chunk = []
    if chunk:
        yield from _rows(chunk, results, ratings)


def _rows(
    chunk: list[dict[str, Any]], results: dict[str, str], ratings: dict[str, str]
) -> Iterator[list[Any]]:
    replies = _replies(chunk)
    for row in chunk:
        probe = _probe(row)
        title = public_text(probe, "title", row["suggestion__title"]) or ""
        body = public_text(probe, "body", row["suggestion__body"]) or ""
        answers = "\n\n".join(
            f"【{r['assignment__unit__name'] or ''} · 第{r['round']}轮 · {r['category']}】"
            + r["text"]
            for r in replies[row["pk"]]
        )
        yield [
            row["pk"],
            format_number(row["suggestion__series"], row["suggestion__number"]),
            title,
            body,
            row["session__name"] or "",
            row["category__name"] or "",
            row["delegation__name"] or "",
            row["unit__name"] or "",
            results.get(row["result"], row["result"] or ""),
            ratings.get(row["rating"], "") if row["rating"] else "",
            "是" if row["on_time"] else "否",
            _day(row["suggestion__submitted_at"]),
            _day(row["answered_on"]),
            _day(row["published_at"]),
            answers,
            reverse("disclosure:detail", args=[row["pk"]]),
        ]


# --- CSV ------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer's output, one
    line at a time, straight into the streamed response)."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value: Any) -> str:
    """Text a spreadsheet will not run: a cell starting with = + - @ (or a tab) gets a leading
    apostrophe (OWASP "CSV Injection"); dates as 2026-03-02."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = spreadsheets.cell_text(str(value)) if isinstance(value, str) else str(value)
    return "'" + text if spreadsheets.looks_like_formula(text) else text


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    # The byte order mark: Excel reads the file as UTF-8 instead of the system's code page.
    yield "\ufeff".encode()
    yield writer.writerow([c.header for c in COLUMNS]).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row]).encode("utf-8")


def _public_year(year: int) -> int:
    if not Publication.objects.public().filter(year=year).exists():
        raise Http404("Nothing published in that year.")
    return year


def _filename(year: int, ext: str) -> str:
    return f"gongkai-{year}.{ext}"


@require_GET
def download_csv(request: HttpRequest, year: int) -> HttpResponse:
    _public_year(year)
    response = StreamingHttpResponse(
        csv_lines(records(year)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, _filename(year, "csv"))
    return response  # type: ignore[return-value]


@require_GET
def download_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    _public_year(year)
    response = spreadsheets.xlsx_response(
        lambda out: spreadsheets.write_table(
            out, title=f"{year}年公开建议", columns=COLUMNS, rows=records(year)
        ),
        _filename(year, "xlsx"),
    )
    # Published content: the public caching of the site, not the private rule of the staff's
    # exports (`lib.downloads.attachment`).
    del response["Cache-Control"]
    return response  # type: ignore[return-value]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """开放数据: the downloads per year, the feed and the API."""
    return render(request, "disclosure/open_data.html", {"years": years()})
