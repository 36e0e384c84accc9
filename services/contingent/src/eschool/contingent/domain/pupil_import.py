"""The pupils' import template of seed 001, without I/O: its layout, its rows read into forms, the report.

The old system's template («Шаблон импорта»): two header rows — «№ личного дела» and «Приказ о
зачислении» above «Серия», «Номер», «Дата»; «Фамилия», «Имя», «Отчество», «Пол(м,ж)», «Дата рождения» in
the second — then one pupil per row from the third. Files made for the old system are read as they are,
so the layout is kept cell for cell. Dates come typed as text («10.09.2003») or as Excel dates.

A file is judged whole before anything is written: every broken row is reported (``RowError``, the
spreadsheet's own row number), then the file enrols all its new rows or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.comments import Comment

from eschool.common.xlsx import XLSX_MEDIA_TYPE as XLSX_MEDIA_TYPE  # its old home, still imported
from eschool.common.xlsx import (
    CellError,
    RowError,
    Unread,
    UnreadableFile,
    cell_date,
    cell_text,
    labels_match,
    new_sheet,
    read_sheet,
    repeated,
    saved,
    style_header,
)
from eschool.common.xlsx import row_errors as _row_errors
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import Enrolment, Order, PersonCard, PersonName
from eschool.contingent.domain.xlsx import cell_sex

FIRST_DATA_ROW = 3
MAX_ROWS = 2000
FILE_NUMBER_LABEL, ORDER_LABEL = "№ личного дела", "Приказ о зачислении"
# The second header row, column B onwards; column A is «№ личного дела» of the first row.
COLUMN_LABELS = ("Фамилия", "Имя", "Отчество", "Пол(м,ж)", "Дата рождения", "Серия", "Номер", "Дата")
FIELDS = (
    "personal_file_number",
    "last_name",
    "first_name",
    "middle_name",
    "sex",
    "birth_date",
    "order.series",
    "order.number",
    "order.date",
)
COLUMNS = dict(zip(FIELDS, "ABCDEFGHI", strict=True))
COLUMNS["enrolled_on"] = COLUMNS["order.date"]  # derived from the order's date
_HINTS = {
    "A1": "Номер личного дела: в школе не повторяется",
    "E2": "«м» или «ж»",
    "F2": "ДД.ММ.ГГГГ, например 10.09.2003",
    "I2": "Дата приказа: ДД.ММ.ГГГГ",
}
# Stands in for an order date that is missing or unreadable, so the row's other rules still run.
_NO_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class ImportRow:
    """A data row as typed: the person and the enrolment, and what could not even be read (dates)."""

    row: int
    card: PersonCard
    enrolment: Enrolment
    unread: tuple[CellError, ...] = ()


@dataclass(frozen=True)
class Known:
    """What the school already has under a personal file number: the class, whether current, the data."""

    class_id: Any
    enrolled: bool
    card: PersonCard
    order: Order


def template_workbook() -> bytes:
    """The empty template, cell for cell as seed 001's (hints ride in cell notes, not in a row)."""
    book, sheet = new_sheet("Ученики")
    sheet["A1"], sheet["G1"] = FILE_NUMBER_LABEL, ORDER_LABEL
    for column, label in zip("BCDEFGHI", COLUMN_LABELS, strict=True):
        sheet[f"{column}2"] = label
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("G1:I1")
    for cell, hint in _HINTS.items():
        sheet[cell].comment = Comment(hint, "eschool")
    style_header((c for row in sheet["A1:I2"] for c in row), (16, 18, 14, 18, 10, 15, 10, 12, 12), sheet)
    return saved(book)


def read_workbook(content: bytes) -> list[ImportRow]:
    """The template's data rows (wholly empty rows skipped), or ``UnreadableFile``."""
    headers, rows = read_sheet(content, width=len(FIELDS), header_rows=FIRST_DATA_ROW - 1, max_rows=MAX_ROWS)
    if not _is_template(headers):
        columns = ", ".join(f"«{label}»" for label in (FILE_NUMBER_LABEL, *COLUMN_LABELS))
        raise UnreadableFile(
            f"Файл не похож на шаблон импорта: ожидаются столбцы {columns}. Скачайте шаблон и заполните его"
        )
    if not rows:
        raise UnreadableFile("В файле нет ни одного ученика: заполните строки начиная с третьей")
    return [import_row(number, cells) for number, cells in rows]


def _is_template(headers: Sequence[Sequence[Any]]) -> bool:
    return (
        len(headers) == 2
        and labels_match(headers[0][:1], (FILE_NUMBER_LABEL,))
        and labels_match(headers[1][1:], COLUMN_LABELS)
    )


def import_row(number: int, cells: Sequence[Any]) -> ImportRow:
    """One data row (cells A to I) as a form; dates and sex that cannot be read are kept as ``unread``."""
    unread = Unread()
    text = [cell_text(cell) for cell in cells]
    born = unread.attempt(cell_date, cells[5], "birth_date", "дату рождения")
    ordered = unread.attempt(cell_date, cells[8], "order.date", "дату приказа о зачислении")
    sex = unread.attempt(cell_sex, text[4])
    name = PersonName(text[1], text[2], text[3] or None)
    order = Order(text[7], ordered or _NO_DATE, text[6] or None)
    enrolment = Enrolment(text[0], "full_time", order)
    return ImportRow(number, PersonCard(name, born, sex), enrolment, tuple(unread.violations))


def row_errors(row: ImportRow, broken: Sequence[Violation]) -> list[RowError]:
    """The row's report: what could not be read, then the rules it breaks (not twice for one field)."""
    # An order date that was not read stands in as 1900; the rules' words about it would mislead.
    return _row_errors(row.row, row.unread, broken, {"order.date": "enrolled_on"})


def duplicate_numbers(rows: Sequence[tuple[int, str]]) -> list[RowError]:
    """Personal file numbers (row, normalized number) repeated in the file, each against its first row."""
    return repeated(
        rows,
        "personal_file_number",
        lambda number, first: f"Номер личного дела «{number}» уже указан в строке {first}",
    )


def taken(row: int, card: PersonCard, order: Order, known: Known, class_id: Any) -> RowError | None:
    """None when the row is a pupil this class has now with the same data (a re-import), else the error:
    the number belongs to another pupil, or to this one with other data."""
    same = (
        known.enrolled
        and known.class_id == class_id
        and known.card.name.key == card.name.key
        and known.card.birth_date == card.birth_date
        and card.sex in (None, known.card.sex)
        and known.order == order
    )
    if same:
        return None
    detail = "Номер личного дела уже занят в школе: у этого личного дела другие данные или другой класс"
    return RowError(row, "personal_file_number", "personal_file_number_taken", detail)


def overflow(new: int, size: int, max_size: int) -> list[RowError]:
    """The class's overflow, if ``new`` pupils more than its ``size`` now would pass its ``max_size``."""
    if size + new <= max_size:
        return []
    detail = (
        f"В классе нет мест: в нём {size} из {max_size} учеников, "
        f"а в файле {new} новых — уберите лишние строки или увеличьте наполняемость класса"
    )
    return [RowError(None, "class", "class_full", detail)]
