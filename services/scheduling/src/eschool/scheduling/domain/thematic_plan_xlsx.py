"""A thematic plan as a workbook, with no I/O: the template, a filled one read into topics with every
broken rule at its spreadsheet row, and a plan written back in the same layout (an exported plan
imports again unchanged).

One header row — «№», «Раздел», «Тема урока», «Часы», «Тип урока» — then a topic per row from the
second; the section and the lesson type may be empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.comments import Comment

from eschool.common import xlsx
from eschool.common.xlsx import RowError
from eschool.scheduling.domain.rules import Violation
from eschool.scheduling.domain.thematic_plans import (
    LABEL_LENGTH,
    MAX_TOPICS,
    Topic,
    sequence_violation,
    topic_violations,
)

COLUMN_LABELS = ("№", "Раздел", "Тема урока", "Часы", "Тип урока")
FIELDS = ("number", "section", "title", "hours", "lesson_type")
COLUMNS = dict(zip(FIELDS, "ABCDE", strict=True))
# Read past the limit, so that a long file is answered row by row, not refused unread.
_READ_ROWS = 2000
_WIDTHS = (6, 30, 60, 8, 24)
_HINTS = {
    "A1": "Номера тем по порядку: 1, 2, 3…",
    "D1": "Целое число часов, не меньше 1",
    "E1": "Например: урок открытия новых знаний, контрольная работа",
}


@dataclass(frozen=True)
class ReadPlan:
    """A filled template: the topics of rows with no errors, every error, the rows read."""

    rows: int
    topics: list[Topic]
    errors: list[RowError]


def template_workbook() -> bytes:
    """The empty template."""
    return plan_workbook([])


def plan_workbook(topics: Sequence[Topic]) -> bytes:
    """The plan's topics in the template's layout."""
    book, sheet = xlsx.new_sheet("КТП")
    sheet.append(list(COLUMN_LABELS))
    for cell, hint in _HINTS.items():
        sheet[cell].comment = Comment(hint, "eschool")
    xlsx.style_header(sheet[1], _WIDTHS, sheet)
    for t in topics:
        sheet.append([t.number, t.section, t.title, t.hours, t.lesson_type])
    sheet.freeze_panes = "A2"
    return xlsx.saved(book)


def read_workbook(content: bytes) -> ReadPlan:
    """The template's topics and errors, or ``UnreadableFile`` when it is not the template or empty."""
    headers, rows = xlsx.read_sheet(content, width=len(FIELDS), header_rows=1, max_rows=_READ_ROWS)
    if not headers or not xlsx.labels_match(headers[0], COLUMN_LABELS):
        columns = ", ".join(f"«{label}»" for label in COLUMN_LABELS)
        raise xlsx.UnreadableFile(
            f"Файл не похож на шаблон КТП: ожидаются столбцы {columns}. Скачайте шаблон и заполните его"
        )
    if not rows:
        raise xlsx.UnreadableFile("В файле нет ни одной темы: заполните строки начиная со второй")
    topics, errors, previous = [], [], 0
    for number, cells in rows[:MAX_TOPICS]:
        topic, row_errors = _topic(number, cells, previous + 1)
        errors.extend(row_errors)
        previous = topic.number if topic is not None else previous + 1
        if topic is not None and not row_errors:
            topics.append(topic)
    if len(rows) > MAX_TOPICS:
        first = rows[MAX_TOPICS][0]
        detail = f"В плане не больше {MAX_TOPICS} тем: строка {first} и следующие лишние"
        errors.append(RowError(first, "number", "too_many_rows", detail))
    return ReadPlan(len(rows), topics, errors)


def _topic(row: int, cells: Sequence[Any], expected: int) -> tuple[Topic | None, list[RowError]]:
    unread = xlsx.Unread()
    number = unread.attempt(xlsx.cell_whole_number, cells[0], "number", "номер темы")
    hours = unread.attempt(xlsx.cell_whole_number, cells[3], "hours", "часы")
    text = [xlsx.cell_text(cell) for cell in cells]
    section, title, lesson_type = text[1] or None, text[2], text[4] or None
    broken = topic_violations(title, hours if hours is not None else 1, at="")
    if number is not None and (wrong := sequence_violation(expected, number, at="")) is not None:
        broken.append(wrong)
    for field, value in (("section", section), ("lesson_type", lesson_type)):
        if value is not None and len(value) > LABEL_LENGTH:
            broken.append(_long(field))
    errors = xlsx.row_errors(row, unread.violations, broken)
    if number is None or hours is None:
        return None, errors
    return Topic(number, title, hours, section, lesson_type), errors


def _long(field: str) -> Violation:
    return Violation(field, "value_too_long", f"Не длиннее {LABEL_LENGTH} знаков")
