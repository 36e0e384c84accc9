"""The diary's week as a printable workbook: for families without access to the electronic diary the
class teacher prints the results at least once a week (seed 004, 4.3.5)."""

from __future__ import annotations

from eschool.common.xlsx import XlsxFile, table_workbook
from eschool.journal.api.diary_schemas import DiaryLessonRead, DiaryWeekRead

# The journal's letters for absences, as teachers write them (Н, Б, У, О).
ATTENDANCE_LABELS = {
    "absent": "Н — отсутствовал(а)",
    "ill": "Б — болел(а)",
    "excused": "У — по уважительной причине",
    "late": "О — опоздал(а)",
}
HEADERS = [
    ("Дата", 12),
    ("Время", 12),
    ("Предмет", 24),
    ("Тема урока", 40),
    ("Домашнее задание", 40),
    ("Отметки", 30),
    ("Посещаемость", 24),
]


def _marks(lesson: DiaryLessonRead) -> str:
    return "; ".join(
        f"{m.value} ({m.work_type}, вес {m.weight.normalize()})" + (f": {m.comment}" if m.comment else "")
        for m in lesson.marks
    )


def _row(lesson: DiaryLessonRead) -> list[object]:
    return [
        lesson.lesson_on,
        f"{lesson.starts_at:%H:%M}–{lesson.ends_at:%H:%M}",
        lesson.subject_name,
        lesson.topic or "",
        lesson.homework or "",
        _marks(lesson),
        ATTENDANCE_LABELS.get(lesson.attendance or "", ""),
    ]


def week_workbook(week: DiaryWeekRead) -> XlsxFile:
    """The week's lessons, marks and absences as an xlsx file named after the pupil and the week."""
    who = f"{week.name.last_name} {week.name.first_name}" if week.name else "Обучающийся"
    title = f"Дневник: {who}, неделя {week.week_start:%d.%m.%Y}–{week.week_end:%d.%m.%Y}"
    rows = [_row(lesson) for day in week.days for lesson in day.lessons]
    content = table_workbook("Неделя", title, HEADERS, rows)
    stamp = f"{week.week_start:%Y-%m-%d}"
    return XlsxFile(name=f"Дневник {who} {stamp}.xlsx", ascii_name=f"diary-{stamp}.xlsx", content=content)
