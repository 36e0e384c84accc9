"""The class journal as files (seed 003, 4.5: «Для получения документа в pdf формате нажать на экспорт»):
a workbook and a printable A4 landscape PDF, both with the pupils down, the lessons' dates across, the
marks and the journal's letters for absences (Н, Б, У, О) in the cells, the term's average at the right.
No I/O but reading the bundled font."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from eschool.common.pdf import FONT, new_pdf
from eschool.common.xlsx import XlsxFile, table_workbook
from eschool.journal.api.grid_schemas import GridCellRead, GridPupilRead, JournalGridRead
from eschool.journal.services.diary_export import ATTENDANCE_LABELS

AVERAGE = "Средний балл"
# A page holds this many lessons' columns; a longer term goes on in tables below (the names repeated).
LESSONS_PER_TABLE = 18
_NUMBER_MM, _NAME_MM, _AVERAGE_MM = 8, 52, 16


def letter(code: str | None) -> str:
    """The journal's letter for an attendance code (the first letter of its label: Н, Б, У, О)."""
    return "" if code is None else ATTENDANCE_LABELS[code][0]


def cell_text(cell: GridCellRead) -> str:
    """A cell as the paper journal shows it: the absence's letter, then the marks."""
    return " ".join(filter(None, [letter(cell.attendance), *(m.value for m in cell.marks)]))


def pupil_name(pupil: GridPupilRead) -> str:
    """The pupil as the journal lists them («Иванов Иван»), with the day they joined or left mid-term."""
    name = pupil.name
    text = " ".join(filter(None, (name.last_name, name.first_name, name.middle_name))) if name else "—"
    if pupil.from_on is not None:
        text += f" (с {pupil.from_on:%d.%m})"
    if pupil.until_on is not None:
        text += f" (по {pupil.until_on:%d.%m})"
    return text


def date_labels(grid: JournalGridRead) -> list[str]:
    """The lessons' dates as column headers (ДД.ММ; the lesson's number after a slash on a day of two)."""
    days = Counter(lesson.lesson_on for lesson in grid.lessons)
    return [
        f"{x.lesson_on:%d.%m}" + (f"/{x.slot_number}" if days[x.lesson_on] > 1 else "") for x in grid.lessons
    ]


def title(grid: JournalGridRead) -> str:
    """The journal's heading: class, subject, term."""
    return f"Журнал {grid.class_title}, {grid.subject_name or 'предмет'}, {grid.term_name}"


def file_name(grid: JournalGridRead, extension: str) -> str:
    """The download's name for people."""
    return f"Журнал {grid.class_title} {grid.subject_name or ''} {grid.term_name}.{extension}".replace(
        "  ", " "
    )


def grid_workbook(grid: JournalGridRead) -> XlsxFile:
    """The journal as an xlsx file."""
    headers = [("№", 5), ("Обучающийся", 32), *((label, 8) for label in date_labels(grid)), (AVERAGE, 14)]
    rows = [
        [number, pupil_name(p), *(cell_text(c) for c in p.cells), p.average]
        for number, p in enumerate(grid.pupils, 1)
    ]
    content = table_workbook("Журнал", title(grid), headers, rows)
    return XlsxFile(name=file_name(grid, "xlsx"), ascii_name="journal.xlsx", content=content)


def grid_pdf(grid: JournalGridRead) -> bytes:
    """The journal on A4 landscape pages, ``LESSONS_PER_TABLE`` lessons a table, the legend below."""
    pdf = new_pdf(title(grid))
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, title(grid), new_x="LMARGIN", new_y="NEXT")
    labels = date_labels(grid)
    day_mm = (pdf.epw - _NUMBER_MM - _NAME_MM - _AVERAGE_MM) / LESSONS_PER_TABLE
    for start in range(0, max(len(labels), 1), LESSONS_PER_TABLE):
        pdf.ln(2)
        pdf.set_font(FONT, size=7)
        _table(pdf, grid.pupils, labels, slice(start, start + LESSONS_PER_TABLE), day_mm)
    pdf.ln(2)
    pdf.set_font(FONT, size=7)
    pdf.multi_cell(0, 4, "; ".join(ATTENDANCE_LABELS.values()), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _table(pdf: FPDF, pupils: Sequence[GridPupilRead], labels: list[str], part: slice, day_mm: float) -> None:
    shown = labels[part]
    widths = (_NUMBER_MM, _NAME_MM, *([day_mm] * len(shown)), _AVERAGE_MM)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=4,
        padding=1,
        text_align=("CENTER", "LEFT", *(["CENTER"] * len(shown)), "CENTER"),
    ) as table:
        table.row(["№", "Обучающийся", *shown, "Ср. балл"])
        for number, pupil in enumerate(pupils, 1):
            average = "" if pupil.average is None else str(pupil.average)
            table.row([str(number), pupil_name(pupil), *(cell_text(c) for c in pupil.cells[part]), average])
