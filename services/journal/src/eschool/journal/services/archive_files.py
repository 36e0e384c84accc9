"""An archived year's exports as files, without I/O: the summary sheet as a workbook and as a printable
landscape PDF, and a class's journal of a subject as a workbook (marks and absences, topics on a second
sheet). Seed 004, 6.4: a printout is certified, so the printed sheet ends with the director's line."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from eschool.common.pdf import FONT, new_pdf
from eschool.common.xlsx import XlsxFile, new_sheet, saved, style_header
from eschool.journal.services.archive_export import JournalExport, SummarySheet

SUMMARY_TITLE = "Сводная ведомость учета успеваемости"
SIGNATURE = "Директор ____________________ / ____________________ /"
_NUMBER_MM, _NAME_MM, _MARK_MM = 8, 48, 9


def file_names(sheet: SummarySheet, extension: str) -> tuple[str, str]:
    """The summary sheet's file name for people and its ASCII name for old clients."""
    c = sheet.found.school_class
    return f"Сводная ведомость {c.title}.{extension}", f"summary-sheet-{c.grade}.{extension}"


def summary_sheet_xlsx(sheet: SummarySheet) -> XlsxFile:
    """Pupils down, subjects across (each over its terms, the year and the final), the director's line."""
    book, ws = new_sheet("Ведомость")
    width = 2 + len(sheet.subjects) * len(sheet.columns)
    _title(ws, [SUMMARY_TITLE, _school(sheet), _subtitle(sheet)], width)
    top = ws.max_row + 1  # the two header rows under the title lines
    ws.append(["№", "Обучающийся", *(name for _, name in sheet.subjects for _ in sheet.columns)])
    ws.append(["", "", *(label for _ in sheet.subjects for _, label in sheet.columns)])
    for column in (1, 2):
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    for i in range(len(sheet.subjects)):
        first = 3 + i * len(sheet.columns)
        ws.merge_cells(
            start_row=top, start_column=first, end_row=top, end_column=first + len(sheet.columns) - 1
        )
    style_header([*ws[top], *ws[top + 1]], [5, 32, *[9] * (width - 2)], ws)
    for number, (pupil, name) in enumerate(sheet.pupils, 1):
        ws.append([number, name, *(_cell(value) for value in sheet.row(pupil))])
    ws.append([])
    ws.append([SIGNATURE])
    ws.append(["М.П."])
    ws.freeze_panes = "C5"
    name, ascii_name = file_names(sheet, "xlsx")
    return XlsxFile(name=name, ascii_name=ascii_name, content=saved(book))


def summary_sheet_pdf(sheet: SummarySheet) -> bytes:
    """The summary sheet on A4 landscape pages, as many subjects to a table as fit, signed at the end."""
    pdf = new_pdf(SUMMARY_TITLE)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, SUMMARY_TITLE, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font(FONT, size=10)
    for line in (_school(sheet), _subtitle(sheet)):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    per_table = max(1, int((pdf.epw - _NUMBER_MM - _NAME_MM) // (_MARK_MM * len(sheet.columns))))
    chunks = [sheet.subjects[i : i + per_table] for i in range(0, len(sheet.subjects), per_table)] or [[]]
    for subjects in chunks:
        pdf.ln(3)
        _pdf_table(pdf, sheet, subjects)
    pdf.ln(10)
    pdf.set_font(FONT, size=11)
    for line in (SIGNATURE, "М.П."):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def journal_xlsx(export: JournalExport) -> XlsxFile:
    """The class's journal of a subject for the year: pupils × lesson dates, topics on a second sheet."""
    c = export.found.school_class
    book, ws = new_sheet("Журнал")
    dates = [lesson.lesson_on for lesson in export.lessons]
    title = f"Журнал: {export.subject_name}, {c.title}, {export.found.year_label}"
    _title(ws, [title], 2 + len(dates))
    ws.append(["№", "Обучающийся", *dates])
    style_header(ws[2], [5, 32, *[7] * len(dates)], ws)
    for cell in ws[2][2:]:
        cell.number_format = "DD.MM"
    for number, (pupil, name) in enumerate(export.pupils, 1):
        ws.append([number, name, *(export.cells.get((pupil, x.lesson_id), "") for x in export.lessons)])
    ws.freeze_panes = "C3"
    topics = book.create_sheet("Темы")
    topics.append(["Дата", "Урок", "Тема урока", "Домашнее задание"])
    style_header(topics[1], [12, 7, 50, 50], topics)
    for lesson in export.lessons:
        record = export.records.get(lesson.lesson_id)
        topic = (record.topic if record else None) or lesson.planned_topic or ""
        topics.append(
            [lesson.lesson_on, lesson.slot_number, topic, (record.homework if record else None) or ""]
        )
        topics.cell(topics.max_row, 1).number_format = "DD.MM.YYYY"
    name = f"Журнал {export.subject_name} {c.title}.xlsx"
    return XlsxFile(name=name, ascii_name=f"journal-{c.grade}.xlsx", content=saved(book))


def _school(sheet: SummarySheet) -> str:
    # A school whose name never arrived gets a line to write it in by hand on the printed sheet.
    name = sheet.found.school_name or "______________________________"
    return f"Образовательная организация: {name}"


def _subtitle(sheet: SummarySheet) -> str:
    return f"Класс {sheet.found.school_class.title}, {sheet.found.year_label}"


def _title(ws: Worksheet, lines: Sequence[str], width: int) -> None:
    for line in lines:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=max(width, 1))
        ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="left")


def _cell(value: str) -> str | int:
    """A numeric mark as a number (Excel sums and counts it), any other as its text («зачёт»)."""
    return int(value) if value.isdigit() else value


def _pdf_table(pdf: FPDF, sheet: SummarySheet, subjects: Sequence[tuple[uuid.UUID, str]]) -> None:
    k = len(sheet.columns)
    pdf.set_font(FONT, size=7)
    with pdf.table(
        col_widths=(_NUMBER_MM, _NAME_MM, *([_MARK_MM] * (k * len(subjects)))),
        width=_NUMBER_MM + _NAME_MM + _MARK_MM * k * len(subjects),
        align="LEFT",
        num_heading_rows=2,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=3.5,
        padding=1,
        text_align="CENTER",
    ) as table:
        head = table.row()
        head.cell("№", rowspan=2)
        head.cell("Обучающийся", rowspan=2)
        for _, name in subjects:
            head.cell(name, colspan=k)
        labels = table.row()
        for _ in subjects:
            for _, label in sheet.columns:
                labels.cell(_short(label))
        by_subject = {s: i for i, (s, _) in enumerate(sheet.subjects)}
        for number, (pupil, name) in enumerate(sheet.pupils, 1):
            marks = sheet.row(pupil)
            row = table.row()
            row.cell(str(number))
            row.cell(name, align="LEFT")
            for subject, _ in subjects:
                first = by_subject[subject] * k
                for value in marks[first : first + k]:
                    row.cell(value)


def _short(label: str) -> str:
    """A column's label narrow enough for the printed table: «1 четверть» → «1 чет.»."""
    if label == "Итоговая":
        return "Итог."
    words = label.split()
    return f"{words[0]} {words[1][:3]}." if len(words) == 2 and len(words[1]) > 4 else label
