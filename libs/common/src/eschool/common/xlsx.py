"""Workbooks without I/O, for every service that imports or exports xlsx: what an import reads from a
sheet (text, dates, numbers, headers, duplicates), the report of a file judged whole, and the writing of
templates and exported lists.

A file is judged whole before anything is written: every broken rule is a ``RowError`` at the
spreadsheet's own row number; then the file is applied whole or not at all.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A few megabytes of xlsx unpack to tens: more is a zip bomb, not a list of people.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
DATE_FORMAT = "DD.MM.YYYY"
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class UnreadableFile(Exception):  # noqa: N818 - a refused upload, reported to people
    """The upload is not an xlsx workbook in the template's layout; the Russian reason."""


class Broken(Protocol):
    """A broken rule as a service's domain states it: the field, a stable code, the Russian detail."""

    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def detail(self) -> str: ...


@dataclass(frozen=True)
class CellError(Exception):
    """A cell that cannot even be read as what its column holds (a date, a number): field, code, detail."""

    field: str
    code: str
    detail: str


@dataclass(frozen=True)
class RowError:
    """One broken rule of the file: the spreadsheet's row (None: the file as a whole), field, code, text."""

    row: int | None
    field: str
    code: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """A file's verdict: rows read, every error (``columns``: their letters by field), the counts."""

    rows: int
    errors: list[RowError]
    counts: Mapping[str, int | None]
    columns: Mapping[str, str]

    @property
    def valid(self) -> bool:
        """Whether the file may be imported."""
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """The report as the API and a refused import's problem show it."""
        errors = [
            {
                "row": e.row,
                "column": self.columns.get(e.field),
                "field": e.field,
                "code": e.code,
                "message": e.message,
            }
            for e in self.errors
        ]
        return {"rows": self.rows, "valid": self.valid, "errors": errors, **self.counts}


@dataclass(frozen=True)
class XlsxFile:
    """A workbook to download: its name for people, an ASCII name for old clients, the bytes."""

    name: str
    ascii_name: str
    content: bytes


class Unread:
    """Collects what a row's cells could not even be read as (a date, a number), instead of raising."""

    def __init__(self) -> None:
        self.violations: list[CellError] = []

    def attempt(self, read: Callable[..., Any], *args: Any) -> Any:
        """``read(*args)``, or None with its violation kept."""
        try:
            return read(*args)
        except CellError as violation:
            self.violations.append(violation)
            return None


def read_sheet(
    content: bytes, *, width: int, header_rows: int, max_rows: int
) -> tuple[list[Sequence[Any]], list[tuple[int, Sequence[Any]]]]:
    """The first sheet's header rows and its data rows by row number (wholly empty rows skipped), each
    ``width`` cells; or ``UnreadableFile``."""
    _check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        detail = "Файл не читается как книга Excel (.xlsx): сохраните его в формате .xlsx"
        raise UnreadableFile(detail) from None
    headers: list[Sequence[Any]] = []
    found: list[tuple[int, Sequence[Any]]] = []
    try:
        for number, values in enumerate(book.worksheets[0].iter_rows(max_col=width, values_only=True), 1):
            cells = (*values, *(None,) * (width - len(values)))
            if number <= header_rows:
                headers.append(cells)
            elif any(cell_text(cell) for cell in cells):
                if len(found) == max_rows:
                    raise UnreadableFile(f"В файле больше {max_rows} заполненных строк")
                found.append((number, cells))
    finally:
        book.close()
    return headers, found


def _check_archive(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile("Файл не является книгой Excel (.xlsx): загрузите заполненный шаблон") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile("Файл слишком велик для списка")


def labels_match(cells: Sequence[Any], expected: Sequence[str]) -> bool:
    """Whether header cells say ``expected``, whatever their case, spaces and «ё»."""
    return [_label(c) for c in cells] == [_label(e) for e in expected]


def _label(value: Any) -> str:
    return "".join(cell_text(value).split()).casefold().replace("ё", "е")


def cell_text(value: Any) -> str:
    """A cell as text: spaces collapsed, a whole number without «.0», a date as ДД.ММ.ГГГГ."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell: «34234235», not «34234235.0»
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return " ".join(str(value).split())


def cell_date(value: Any, field: str, label: str) -> date:
    """A date typed as text («10.09.2003», ISO) or as an Excel date; ``label`` names it in the message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    typed = cell_text(value)
    if not typed:
        raise CellError(field, "value_required", f"Укажите {label}")
    match = _DOTTED.match(typed)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(typed)
    except ValueError:
        detail = f"Не удалось прочитать {label} «{typed}»: укажите её в виде ДД.ММ.ГГГГ, например 10.09.2003"
        raise CellError(field, "invalid_date", detail) from None


def cell_whole_number(value: Any, field: str, label: str) -> int:
    """A whole number typed as text or as a number («2», 2, 2.0); ``label`` names it in the message."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    typed = cell_text(value)
    if not typed:
        raise CellError(field, "value_required", f"Укажите {label}")
    if typed.lstrip("-").isdigit():
        return int(typed)
    raise CellError(field, "invalid_number", f"Не удалось прочитать {label} «{typed}»: нужно целое число")


def row_errors(
    row: int, unread: Sequence[Broken], broken: Sequence[Broken], hides: Mapping[str, str] | None = None
) -> list[RowError]:
    """A row's report: what could not be read, then the rules it breaks (not twice for one field; an
    unread field in ``hides`` silences the rules about the field derived from it)."""
    silenced = {v.field for v in unread}
    silenced |= {(hides or {})[f] for f in silenced if f in (hides or {})}
    kept = [v for v in broken if v.field not in silenced]
    return [RowError(row, v.field, v.code, v.detail) for v in (*unread, *kept)]


def repeated(
    keyed: Iterable[tuple[int, Hashable]], field: str, message: Callable[[Hashable, int], str]
) -> list[RowError]:
    """Keys (row, key) repeated in the file, each later row against the first: ``message(key, first)``."""
    first: dict[Hashable, int] = {}
    errors = []
    for row, key in keyed:
        if key in first:
            errors.append(RowError(row, field, "duplicate_in_file", message(key, first[key])))
        else:
            first[key] = row
    return errors


def new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook of one sheet named ``title``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = title
    return book, sheet


def style_header(cells: Iterable[Cell], widths: Sequence[int], sheet: Worksheet) -> None:
    """Header cells bold and centred; the sheet's columns from A as wide as ``widths``."""
    for cell in cells:
        cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", vertical="center")
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def saved(book: Workbook) -> bytes:
    """The workbook as xlsx bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_workbook(
    sheet_title: str, title: str, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]
) -> bytes:
    """A list: ``title`` in the first row, the headers (label, width) in the second, the rows after
    (dates as Excel dates, shown ДД.ММ.ГГГГ)."""
    book, sheet = new_sheet(sheet_title)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([label for label, _ in headers])
    style_header(sheet[2], [width for _, width in headers], sheet)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A3"
    return saved(book)
