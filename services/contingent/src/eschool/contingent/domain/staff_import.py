"""The staff import template, without I/O: its layout, its rows read into hiring forms, the file's own
duplicates.

One header row — the hiring form's fields (seed 000, point 6: full name, birth date, SNILS, position) with
sex and the first day of work — then one staff member per row from the second. Dates come typed as text
(«15.03.1985») or as Excel dates; a SNILS typed as a number gets back the leading zeros Excel dropped.
The SNILS is never written into a message: a duplicate names the row it repeats, not the number.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.comments import Comment

from eschool.common import xlsx
from eschool.common.xlsx import CellError, RowError
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import PersonCard, PersonName, check_snils
from eschool.contingent.domain.xlsx import cell_sex

MAX_ROWS = 1000
COLUMN_LABELS = (
    "Фамилия",
    "Имя",
    "Отчество",
    "Пол (м/ж)",
    "Дата рождения",
    "СНИЛС",
    "Должность",
    "Дата приёма",
)
FIELDS = ("last_name", "first_name", "middle_name", "sex", "birth_date", "snils", "position", "hired_on")
COLUMNS = dict(zip(FIELDS, "ABCDEFGH", strict=True))
_WIDTHS = (18, 14, 18, 10, 15, 16, 30, 14)
_HINTS = {
    "D1": "«м» или «ж»",
    "E1": "ДД.ММ.ГГГГ, например 15.03.1985",
    "F1": "11 цифр, например 112-233-445 95: по СНИЛС сотрудник, работающий в другой школе, "
    "становится одним человеком",
    "H1": "Первый рабочий день: ДД.ММ.ГГГГ",
}


@dataclass(frozen=True)
class StaffRow:
    """A data row as typed: the hiring form's parts, and what could not even be read (dates, sex)."""

    row: int
    card: PersonCard
    position: str
    hired_on: date | None
    snils: str | None = field(default=None, repr=False)
    unread: tuple[CellError, ...] = ()


def template_workbook() -> bytes:
    """The empty template: the header row with hints in cell notes."""
    book, sheet = xlsx.new_sheet("Сотрудники")
    sheet.append(list(COLUMN_LABELS))
    for cell, hint in _HINTS.items():
        sheet[cell].comment = Comment(hint, "eschool")
    xlsx.style_header(sheet[1], _WIDTHS, sheet)
    return xlsx.saved(book)


def read_workbook(content: bytes) -> list[StaffRow]:
    """The template's staff rows (wholly empty rows skipped), or ``UnreadableFile``."""
    headers, rows = xlsx.read_sheet(content, width=len(FIELDS), header_rows=1, max_rows=MAX_ROWS)
    if not headers or not xlsx.labels_match(headers[0], COLUMN_LABELS):
        columns = ", ".join(f"«{label}»" for label in COLUMN_LABELS)
        raise xlsx.UnreadableFile(
            f"Файл не похож на шаблон импорта сотрудников: ожидаются столбцы {columns}. "
            "Скачайте шаблон и заполните его"
        )
    if not rows:
        raise xlsx.UnreadableFile("В файле нет ни одного сотрудника: заполните строки начиная со второй")
    return [staff_row(number, cells) for number, cells in rows]


def staff_row(number: int, cells: Sequence[Any]) -> StaffRow:
    """One data row (cells A to H) as a form; dates and sex that cannot be read are kept as ``unread``."""
    unread = xlsx.Unread()
    text = [xlsx.cell_text(cell) for cell in cells]
    sex = unread.attempt(cell_sex, text[3])
    born = unread.attempt(xlsx.cell_date, cells[4], "birth_date", "дату рождения")
    hired_on = unread.attempt(xlsx.cell_date, cells[7], "hired_on", "дату приёма")
    name = PersonName(text[0], text[1], text[2] or None)
    card = PersonCard(name, born, sex)
    return StaffRow(number, card, text[6], hired_on, _snils(cells[5]), tuple(unread.violations))


def _snils(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return f"{int(value):011d}"  # Excel keeps «012-345-678 90» typed as a number without its zero
    return xlsx.cell_text(value) or None


def duplicates(rows: Sequence[StaffRow]) -> list[RowError]:
    """Rows repeating an earlier row's person: the same SNILS, or (neither with a SNILS) the same full
    name and birth date."""
    by_snils: list[tuple[int, Hashable]] = []
    by_name: list[tuple[int, Hashable]] = []
    for row in rows:
        digits = _digits(row.snils)
        if digits is not None:
            by_snils.append((row.row, digits))
        elif row.snils is None and row.card.birth_date is not None:
            by_name.append((row.row, (row.card.name.key, row.card.birth_date)))
    errors = xlsx.repeated(by_snils, "snils", lambda _, first: f"Этот СНИЛС уже указан в строке {first}")
    errors += xlsx.repeated(
        by_name,
        "last_name",
        lambda _, first: f"Сотрудник с такими ФИО и датой рождения уже указан в строке {first}",
    )
    return sorted(errors, key=lambda e: e.row or 0)


def _digits(snils: str | None) -> str | None:
    """The SNILS's digits if it is a valid one (an invalid one is reported by the form's own rule)."""
    try:
        return check_snils(snils)
    except Violation:
        return None
