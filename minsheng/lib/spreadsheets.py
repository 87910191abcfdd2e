"""Excel workbooks that any stored text can go into, and the generic half of an Excel import.

Writing. Every string cell goes through `fill_cell`, which does three things openpyxl does not:

- **XML-illegal characters are cleaned** (`minsheng.lib.text.clean_text`: Word's vertical tab
  becomes a line break, other control characters are dropped), so one stray character in a title
  cannot make the whole export fail with openpyxl's `IllegalCharacterError`;
- **text stays text**: openpyxl turns any string starting with ``=`` into a live formula, so the
  cell's data type is set back to string (written as an inline string, which Excel and
  LibreOffice never evaluate), and a cell that *looks* like a formula to a spreadsheet
  (``= + - @``, or a leading tab or line break, as OWASP's CSV-injection guidance lists them)
  also gets the cell style's ``quotePrefix``: Excel shows the text without an apostrophe and keeps
  it text when someone edits the cell (a CSV saved from it is another file: a spreadsheet program
  writes the bare text there). The text itself is not changed,
  so reading the file back gives exactly what was written;
- text longer than Excel's limit of 32,767 characters per cell is cut there (Excel would repair
  the file and drop the cell).

`write_table` writes a whole sheet with openpyxl's write-only workbook (rows go to a temporary
file as they come, so memory does not grow with the list); `xlsx_response` sends such a file.

Reading. `read_sheet` opens an uploaded workbook defensively (old .xls, password, zip bomb,
damaged parts all get a clear message), finds the header row and returns every data row as
text keyed by column name, each cell passed through the same `clean_text`. `DryRun` and
`commit` are the staging around it: check every row, show the problems, then write the valid
rows (or all of them) in one transaction, or nothing.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Generic, Literal, Protocol, TypeVar

from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng.lib.downloads import attachment
from minsheng.lib.text import clean_text

__all__ = [
    "DATE_FORMAT",
    "MAX_CELL_CHARS",
    "XLSX_MIME",
    "Column",
    "CommitFailed",
    "DryRun",
    "ImportFileError",
    "RawRow",
    "append_row",
    "cell_text",
    "commit",
    "fill_cell",
    "looks_like_formula",
    "read_sheet",
    "style_header",
    "write_table",
    "xlsx_response",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
MAX_CELL_CHARS = 32_767
# What makes a spreadsheet read a typed or pasted value as a formula (OWASP "CSV Injection").
# A carriage return never survives clean_text; a newline is what it became.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

CellValue = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None
Kind = Literal["text", "date", "number"]


# --- writing -----------------------------------------------------------------------------------


def cell_text(value: str) -> str:
    """The text a cell will hold: cleaned of XML-illegal characters, cut at Excel's limit."""
    return clean_text(value)[:MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def fill_cell(cell: Cell | WriteOnlyCell, value: CellValue) -> None:
    """Put `value` in `cell`; a string is cleaned and always stays a string (see the module)."""
    if isinstance(value, str):
        text = cell_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl made "=…" a formula ("f")
        if looks_like_formula(text):
            cell.quotePrefix = True
    else:
        cell.value = value


@dataclass(frozen=True)
class Column:
    """One column of a written table; "date" cells are real Excel dates in Chinese format."""

    header: str
    width: int
    kind: Kind = "text"


def _cell(ws: Any, value: CellValue, kind: Kind = "text") -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    fill_cell(cell, value)
    if kind == "date" and isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def write_table(
    out: IO[bytes],
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[CellValue]],
) -> int:
    """Write one sheet (bold header, frozen first row, column widths) to `out`, row by row, in
    a write-only workbook. Returns the number of data rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = _cell(ws, column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    ws.append(header)
    kinds = [column.kind for column in columns]
    count = 0
    for values in rows:
        ws.append([_cell(ws, v, kind) for kind, v in zip(kinds, values, strict=True)])
        count += 1
    wb.save(out)
    return count


_SHEET_TITLE_REFUSED = re.compile(r"[\\*?:/\[\]\s]+")


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: no ``\\ * ? : / [ ]`` or line breaks, at most 31 characters."""
    return _SHEET_TITLE_REFUSED.sub(" ", clean_text(text)).strip()[:31] or "Sheet1"


def append_row(ws: Worksheet, values: Sequence[CellValue]) -> int:
    """`ws.append` for an ordinary (not write-only) sheet, with every cell written safely.
    Returns the row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        fill_cell(ws.cell(row=row, column=column), value)
    return row


def style_header(ws: Worksheet, widths: Sequence[int]) -> None:
    """Bold tinted first row, column widths, first row frozen."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    ws.freeze_panes = "A2"


def wrap_row(ws: Worksheet, row: int) -> None:
    for cell in ws[row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def xlsx_response(write: Callable[[IO[bytes]], object], filename: str) -> FileResponse:
    """Run `write(file)` into a temporary file and send it as an attachment. The file is on
    disk, not in memory, and FileResponse sends it in blocks and closes (removes) it."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write(out)
    out.seek(0)
    response = FileResponse(out, content_type=XLSX_MIME)
    attachment(response, filename)
    return response


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream; the directory
# stores stream names in UTF-16LE.
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 5


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` says why in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RawRow:
    line: int  # the row number Excel shows
    values: dict[str, str]


@dataclass(frozen=True)
class SheetSchema:
    """What a sheet must look like: `columns` in any order, `required` among them, `ignored`
    columns allowed and skipped; the header row is looked for in the first few rows (a title
    line above the column names is common in offices' sheets)."""

    columns: Sequence[str]
    required: Sequence[str]
    ignored: Sequence[str] = ()
    max_rows: int = 5000
    marker: str = ""  # a column whose name identifies the header row (default: the first)

    @property
    def header_marker(self) -> str:
        return self.marker or self.required[0]


def _damaged() -> ImportFileError:
    return ImportFileError(
        _("The file is damaged and cannot be opened. Save it again in Excel and upload it.")
    )


def _not_xlsx() -> ImportFileError:
    return ImportFileError(
        _("This is not an Excel workbook (.xlsx). Download the template, fill it in and upload it.")
    )


def check_container(data: bytes, max_unzipped: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse, with a message that says what to do, anything that is not a plain .xlsx."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_MARK in data:
            raise ImportFileError(
                _(
                    "The workbook is protected by a password. Remove the password in Excel "
                    "(File › Info › Protect Workbook), save it and upload it again."
                )
            )
        raise ImportFileError(
            _(
                "This is an old-style Excel file (.xls). Open it in Excel, save it as an Excel "
                "workbook (.xlsx) and upload it again."
            )
        )
    if not data.startswith(b"PK"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged() from None
    if unzipped > max_unzipped:
        raise ImportFileError(_("The workbook is too large to import."))
    if "xl/workbook.xml" not in names:
        raise _not_xlsx()


# Excel writes a control character in a cell as an OOXML escape (Shift+Enter is "_x000B_"), and
# openpyxl leaves it as those seven letters. Only control characters are decoded: nothing else
# needs escaping, so these cannot be text a person meant.
_CONTROL_ESCAPE = re.compile("_x00([01][0-9A-Fa-f])_")


def cell_to_text(value: object) -> str:
    """A read cell as the text a person typed: 12.0 → "12", a date → "2026-03-02", Excel's
    escapes of control characters decoded, and the text cleaned as at every other door
    (`clean_text`: a line break stays, other control characters go)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    text = _CONTROL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), str(value))
    return clean_text(text).strip()


def read_sheet(data: bytes, schema: SheetSchema) -> list[RawRow]:
    """The data rows of the first sheet, keyed by column name. Raises ImportFileError when the
    file is not a readable workbook or its columns are not the schema's."""
    check_container(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds of errors on malformed parts (KeyError, TypeError, XML
        # parse errors…); for the person uploading they all mean the same thing.
        raise _damaged() from None
    try:
        if not wb.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        return _sheet_rows(wb.worksheets[0].iter_rows(values_only=True), schema)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("The file is damaged and cannot be read. Save it again in Excel and upload it.")
        ) from None
    finally:
        wb.close()


def _sheet_rows(rows: Iterator[Sequence[object]], schema: SheetSchema) -> list[RawRow]:
    header: list[str] | None = None
    seen_content = False
    line = 0
    for line, values in enumerate(rows, start=1):
        texts = [cell_to_text(v) for v in values]
        if any(texts):
            seen_content = True
        if schema.header_marker in texts:
            header = texts
            break
        if line >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not seen_content:
            raise ImportFileError(_("The first sheet of the workbook is empty."))
        raise ImportFileError(
            _(
                "The columns are not the template's. The first row must name the columns: "
                "%(columns)s."
            )
            % {"columns": "、".join(schema.columns)}
        )
    check_header(header, schema)
    found: list[RawRow] = []
    for line_no, values in enumerate(rows, start=line + 1):
        texts = [cell_to_text(v) for v in values]
        if not any(texts):
            continue
        found.append(
            RawRow(
                line_no,
                {name: texts[i] if i < len(texts) else "" for i, name in enumerate(header) if name},
            )
        )
        if len(found) > schema.max_rows:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": schema.max_rows}
            )
    if not found:
        raise ImportFileError(_("The workbook has the column names but no rows below them."))
    return found


def check_header(header: Sequence[str], schema: SheetSchema) -> None:
    named = [h for h in header if h]
    missing = [c for c in schema.required if c not in named]
    unknown = [h for h in named if h not in schema.columns and h not in schema.ignored]
    twice = sorted({h for h in named if named.count(h) > 1})
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": "、".join(unknown)})
    if twice:
        problems.append(_("Columns named twice: %(columns)s.") % {"columns": "、".join(twice)})
    if problems:
        problems.append(
            _("The template's columns are: %(columns)s.") % {"columns": "、".join(schema.columns)}
        )
        raise ImportFileError(" ".join(problems))


# --- staging: dry run, then commit -------------------------------------------------------------


class StagedRow(Protocol):
    """What staging needs of a checked row: where it was and what is wrong with it."""

    @property
    def line(self) -> int: ...

    @property
    def problems(self) -> list[str]: ...


Row = TypeVar("Row", bound=StagedRow)
Made = TypeVar("Made")

ALL: Literal["all"] = "all"
VALID: Literal["valid"] = "valid"


@dataclass
class DryRun(Generic[Row]):
    """Every row checked, nothing written: what the preview shows and the confirmation uses."""

    rows: list[Row]
    valid: list[Row] = field(init=False)

    def __post_init__(self) -> None:
        self.valid = [r for r in self.rows if not r.problems]

    @property
    def invalid_count(self) -> int:
        return len(self.rows) - len(self.valid)

    @property
    def all_valid(self) -> bool:
        return not self.invalid_count

    def refusal(self, choice: str) -> str:
        """Why `choice` ("all" or "valid") cannot be committed, or "" when it can."""
        if choice == ALL and not self.all_valid:
            return _(
                "Nothing was imported: some rows have problems. Correct the "
                "file, or choose to import only the valid rows."
            )
        if not self.valid:
            return _("Nothing was imported: no row is valid.")
        return ""


class CommitFailed(Exception):
    """A row was refused while committing; nothing of the commit was kept."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def commit(rows: Iterable[Row], create: Callable[[Row], Made]) -> list[Made]:
    """Create every row in file order, in one transaction: a row with problems, or one that
    `create` refuses by raising CommitFailed, undoes all of them."""
    made: list[Made] = []
    with transaction.atomic():
        for row in rows:
            if row.problems:
                raise CommitFailed(row.line, " ".join(row.problems))
            made.append(create(row))
    return made
