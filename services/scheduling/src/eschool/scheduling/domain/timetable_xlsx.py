"""The weekly timetable as a workbook, with no I/O: a title row, then a row per bell slot and a column
per weekday, each cell listing the lessons of that slot («Математика, Иванова А. С., каб. 101»)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font

from eschool.common.xlsx import new_sheet, saved, style_header

WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота")


@dataclass(frozen=True)
class Cell:
    """A lesson as the sheet shows it: weekday (1..6), slot number, its times and its text."""

    weekday: int
    slot_number: int
    times: str
    text: str


def week_days(cells: Sequence[Cell]) -> int:
    """Monday to Friday, to Saturday if a lesson falls on it."""
    return 6 if any(c.weekday == 6 for c in cells) else 5


def week_rows(cells: Sequence[Cell], days: int) -> list[tuple[int, str, list[str]]]:
    """A row per slot that holds lessons: its number, its times, the lessons of each weekday."""
    slots = sorted({(c.slot_number, c.times) for c in cells})
    return [
        (
            number,
            times,
            [
                "\n".join(c.text for c in cells if (c.slot_number, c.weekday) == (number, day))
                for day in range(1, days + 1)
            ],
        )
        for number, times in slots
    ]


def week_workbook(title: str, cells: Sequence[Cell]) -> bytes:
    """The week: Monday to Friday (to Saturday if a lesson falls on it), the slots that hold lessons."""
    days = week_days(cells)
    book, sheet = new_sheet("Расписание")
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=days + 2)
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Урок", "Время", *WEEKDAYS[:days]])
    style_header(sheet[2], [6, 13, *([30] * days)], sheet)
    rows = week_rows(cells, days)
    for number, times, texts in rows:
        sheet.append([number, times, *texts])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not rows:
        sheet.append(["", "", "Уроков нет"])
    sheet.freeze_panes = "C3"
    return saved(book)
