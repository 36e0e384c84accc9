"""The pupils' import template of seed 001, without I/O: its layout, its rows read into forms, the report.

The old system's template («Шаблон импорта»): two header rows — «№ личного дела» and «Приказ о
зачислении» above «Серия», «Номер», «Дата»; «Фамилия», «Имя», «Отчество», «Пол(м,ж)», «Дата рождения» in
the second — then one pupil per row from the third. Files made for the old system are read as they are,
so the layout is kept cell for cell. Dates come typed as text («10.09.2003») or as Excel dates.

A file is judged whole before anything is written: every broken row is reported (``RowError``, the
spreadsheet's own row number), then the file enrols all its new rows or none.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import Enrolment, Order, PersonCard, PersonName, fold

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_DATA_ROW = 3
MAX_ROWS = 2000
# A few megabytes of xlsx unpack to tens: more is a zip bomb, not a class list.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
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
_SEXES = {"м": "male", "ж": "female"}
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
# Stands in for an order date that is missing or unreadable, so the row's other rules still run.
_NO_DATE = date(1900, 1, 1)


class UnreadableFile(Exception):  # noqa: N818 - a refused upload, reported to people
    """The upload is not an xlsx workbook in the template's layout; the Russian reason."""


@dataclass(frozen=True)
class RowError:
    """One broken rule of the file: the spreadsheet's row (None: the file as a whole), field, code, text."""

    row: int | None
    field: str
    code: str
    message: str

    @property
    def column(self) -> str | None:
        """The spreadsheet's column letter of the field, if it has one."""
        return COLUMNS.get(self.field)


@dataclass(frozen=True)
class ImportRow:
    """A data row as typed: the person and the enrolment, and what could not even be read (dates)."""

    row: int
    card: PersonCard
    enrolment: Enrolment
    unread: tuple[Violation, ...] = ()


@dataclass(frozen=True)
class Known:
    """What the school already has under a personal file number: the class, whether current, the data."""

    class_id: Any
    enrolled: bool
    card: PersonCard
    order: Order


def template_workbook() -> bytes:
    """The empty template, cell for cell as seed 001's (hints ride in cell notes, not in a row)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "Ученики"
    sheet["A1"], sheet["G1"] = FILE_NUMBER_LABEL, ORDER_LABEL
    for column, label in zip("BCDEFGHI", COLUMN_LABELS, strict=True):
        sheet[f"{column}2"] = label
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("G1:I1")
    for cell, hint in _HINTS.items():
        sheet[cell].comment = Comment(hint, "eschool")
    for row in sheet["A1:I2"]:
        for cell in row:
            cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", vertical="center")
    for column, width in zip("ABCDEFGHI", (16, 18, 14, 18, 10, 15, 10, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_workbook(content: bytes) -> list[ImportRow]:
    """The template's data rows (wholly empty rows skipped), or ``UnreadableFile``."""
    _check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        detail = "Файл не читается как книга Excel (.xlsx): сохраните его в формате .xlsx"
        raise UnreadableFile(detail) from None
    try:
        rows = book.worksheets[0].iter_rows(max_col=len(FIELDS), values_only=True)
        return _data_rows(rows)
    finally:
        book.close()


def _check_archive(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile("Файл не является книгой Excel (.xlsx): загрузите заполненный шаблон") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile("Файл слишком велик для списка учеников класса")


def _data_rows(rows: Any) -> list[ImportRow]:
    found: list[ImportRow] = []
    for number, values in enumerate(rows, start=1):
        cells = (*values, *(None,) * (len(FIELDS) - len(values)))
        if number < FIRST_DATA_ROW:
            _check_header(number, cells)
        elif any(_text(cell) for cell in cells):
            if len(found) == MAX_ROWS:
                raise UnreadableFile(f"В файле больше {MAX_ROWS} строк с учениками")
            found.append(import_row(number, cells))
    if not found:
        raise UnreadableFile("В файле нет ни одного ученика: заполните строки начиная с третьей")
    return found


def _check_header(number: int, cells: Sequence[Any]) -> None:
    expected = (FILE_NUMBER_LABEL,) if number == 1 else COLUMN_LABELS
    typed = cells[:1] if number == 1 else cells[1:]
    if [_label(c) for c in typed] != [_label(e) for e in expected]:
        columns = ", ".join(f"«{label}»" for label in (FILE_NUMBER_LABEL, *COLUMN_LABELS))
        raise UnreadableFile(
            f"Файл не похож на шаблон импорта: ожидаются столбцы {columns}. Скачайте шаблон и заполните его"
        )


def _label(value: Any) -> str:
    return fold("".join(_text(value).split()))


def import_row(number: int, cells: Sequence[Any]) -> ImportRow:
    """One data row (cells A to I) as a form; dates and sex that cannot be read are kept as ``unread``."""
    unread: list[Violation] = []

    def attempt(read: Any, *args: Any) -> Any:
        try:
            return read(*args)
        except Violation as violation:
            unread.append(violation)
            return None

    text = [_text(cell) for cell in cells]
    born = attempt(_date, cells[5], "birth_date", "дату рождения")
    ordered = attempt(_date, cells[8], "order.date", "дату приказа о зачислении")
    sex = attempt(_sex, text[4])
    name = PersonName(text[1], text[2], text[3] or None)
    order = Order(text[7], ordered or _NO_DATE, text[6] or None)
    enrolment = Enrolment(text[0], "full_time", order)
    return ImportRow(number, PersonCard(name, born, sex), enrolment, tuple(unread))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell: «34234235», not «34234235.0»
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return " ".join(str(value).split())


def _date(value: Any, field: str, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    typed = _text(value)
    if not typed:
        raise Violation(field, "value_required", f"Укажите {label}")
    match = _DOTTED.match(typed)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(typed)
    except ValueError:
        detail = f"Не удалось прочитать {label} «{typed}»: укажите её в виде ДД.ММ.ГГГГ, например 10.09.2003"
        raise Violation(field, "invalid_date", detail) from None


def _sex(typed: str) -> str | None:
    if not typed:
        return None
    sex = _SEXES.get(typed.lower())
    if sex is None:
        raise Violation("sex", "invalid_sex", f"Пол указывается буквой «м» или «ж», а не «{typed}»")
    return sex


def row_errors(row: ImportRow, broken: Sequence[Violation]) -> list[RowError]:
    """The row's report: what could not be read, then the rules it breaks (not twice for one field)."""
    unread = {v.field for v in row.unread}
    # An order date that was not read stands in as 1900; the rules' words about it would mislead.
    if "order.date" in unread:
        unread |= {"enrolled_on"}
    kept = [v for v in broken if v.field not in unread]
    return [RowError(row.row, v.field, v.code, v.detail) for v in (*row.unread, *kept)]


def duplicate_numbers(rows: Sequence[tuple[int, str]]) -> list[RowError]:
    """Personal file numbers (row, normalized number) repeated in the file, each against its first row."""
    first: dict[str, int] = {}
    errors = []
    for row, number in rows:
        if number in first:
            detail = f"Номер личного дела «{number}» уже указан в строке {first[number]}"
            errors.append(RowError(row, "personal_file_number", "duplicate_in_file", detail))
        else:
            first[number] = row
    return errors


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
