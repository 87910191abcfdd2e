"""minsheng.lib.spreadsheets: any text goes into a cell, comes back cleaned, and stays text."""

import datetime
import io
import zipfile

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from minsheng.lib import spreadsheets
from minsheng.lib.spreadsheets import Column, DryRun, ImportFileError, SheetSchema
from minsheng.lib.text import clean_text

# Every code point, surrogates and non-characters included: what a database row can hold.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
FORMULA_LIKE = st.tuples(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n"]), ANY_TEXT).map(
    "".join
)


def write_and_read(values, kinds=None):
    kinds = kinds or ["text"] * len(values)
    columns = [Column(f"c{i}", 10, kind) for i, kind in enumerate(kinds)]
    out = io.BytesIO()
    count = spreadsheets.write_table(out, title="表", columns=columns, rows=[values])
    assert count == 1
    data = out.getvalue()
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return data, list(ws.iter_rows(min_row=2))[0]


def expected(value: str):
    return spreadsheets.cell_text(value) or None  # an empty cell reads back as None


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY_TEXT | FORMULA_LIKE, min_size=1, max_size=4))
def test_any_text_is_written_and_read_back_cleaned(values):
    data, cells = write_and_read(values)
    assert [c.value for c in cells] == [expected(v) for v in values]
    assert all(c.data_type == "s" for c in cells if c.value is not None)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


@settings(max_examples=100, deadline=None)
@given(FORMULA_LIKE)
def test_formula_looking_text_is_marked_as_text_for_excel(value):
    _data, (cell,) = write_and_read([value])
    if cell.value is not None:
        assert cell.quotePrefix is spreadsheets.looks_like_formula(cell.value)


@settings(max_examples=100, deadline=None)
@given(ANY_TEXT)
def test_an_ordinary_workbook_row_is_written_safely(value):
    wb = Workbook()
    ws = wb.active
    spreadsheets.append_row(ws, ["头", value])
    spreadsheets.append_row(ws, [value, 3])
    back = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(wb))).active
    assert [c.value for c in back[1]] == ["头", expected(value)]
    assert [c.value for c in back[2]] == [expected(value), 3]


def test_what_cleaning_keeps_and_drops():
    assert spreadsheets.cell_text("a\x0bb\x00c\r\nd\tе\ufffe") == "a\nbc\nd\tе"
    assert spreadsheets.cell_text("长" * 40_000) == "长" * spreadsheets.MAX_CELL_CHARS
    assert spreadsheets.cell_text("=1+1") == "=1+1"  # the text itself is never changed


def test_dates_numbers_and_empty_cells_keep_their_type():
    day = datetime.date(2026, 3, 2)
    _data, cells = write_and_read([day, 3, None, "=SUM(A1)"], ["date", "number", "date", "text"])
    assert cells[0].is_date and "年" in cells[0].number_format
    assert cells[0].value == datetime.datetime(2026, 3, 2)
    assert cells[1].value == 3 and cells[2].value is None
    assert (cells[3].value, cells[3].data_type) == ("=SUM(A1)", "s")


def test_the_header_is_bold_and_frozen_and_the_sheet_title_is_cleaned():
    out = io.BytesIO()
    columns = [Column("=标题", 44)]
    spreadsheets.write_table(out, title="台账\x0b[2026]/" + "长" * 40, columns=columns, rows=[])
    ws = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert ws.title == ("台账 2026 " + "长" * 40)[:31]
    assert ws["A1"].value == "=标题" and ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 44


# --- reading and staging -----------------------------------------------------------------------

SCHEMA = SheetSchema(columns=["名称", "数量"], required=["名称"], ignored=["备注"], max_rows=3)


def sheet(*rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    return spreadsheets.workbook_bytes(wb)


def test_rows_are_read_by_column_name_as_cleaned_text():
    data = sheet(
        ["汇总表"], ["名称", "数量", "备注"], ["甲_x000B_乙", 2.0, "x"], [None, None], ["丙"]
    )
    rows = spreadsheets.read_sheet(data, SCHEMA)
    assert [(r.line, r.values) for r in rows] == [
        (3, {"名称": "甲\n乙", "数量": "2", "备注": "x"}),
        (5, {"名称": "丙", "数量": "", "备注": ""}),
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"not a zip", ".xlsx"),
        (sheet(["别的", "列"]), "columns"),
        (sheet(["名称", "电话"], ["a", "b"]), "Unknown"),
        (sheet(["名称"]), "no rows below them"),
        (sheet(["名称"], ["a"], ["b"], ["c"], ["d"]), "more than 3"),
    ],
)
def test_unreadable_sheets_say_why(data, words):
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        spreadsheets.read_sheet(data, SCHEMA)
    assert words in caught.value.message


class Checked:
    def __init__(self, line, problems=()):
        self.line, self.problems = line, list(problems)


def test_a_dry_run_says_whether_all_or_only_the_valid_rows_can_be_committed():
    mixed = DryRun([Checked(2), Checked(3, ["bad"])])
    assert (len(mixed.valid), mixed.invalid_count, mixed.all_valid) == (1, 1, False)
    assert mixed.refusal("all") and not mixed.refusal("valid")
    assert DryRun([Checked(2, ["bad"])]).refusal("valid")
    assert DryRun([Checked(2)]).refusal("all") == ""


@pytest.mark.django_db
def test_commit_is_all_or_nothing():
    from minsheng.suggestions.models import Category
    from tests.factories import JurisdictionFactory

    j = JurisdictionFactory()

    def create(row):
        if row.line == 4:
            raise spreadsheets.CommitFailed(row.line, "refused")
        return Category.objects.create(jurisdiction=j, name=f"类{row.line}")

    assert len(spreadsheets.commit([Checked(2), Checked(3)], create)) == 2
    with pytest.raises(spreadsheets.CommitFailed) as caught:
        spreadsheets.commit([Checked(5), Checked(4)], create)
    assert caught.value.line == 4
    with pytest.raises(spreadsheets.CommitFailed):
        spreadsheets.commit([Checked(6), Checked(7, ["bad"])], create)
    assert sorted(Category.objects.values_list("name", flat=True)) == ["类2", "类3"]


def test_clean_text_is_the_one_rule():
    assert spreadsheets.cell_text("x\x0by") == clean_text("x\x0by")
