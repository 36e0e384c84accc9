"""The weekly timetable as a printable A4 landscape page (``eschool.common.pdf``, its bundled font): the
title, then the grid the workbook has (a row per bell slot, a column per weekday), the lessons wrapped."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.fonts import FontFace

from eschool.common.pdf import FONT, new_pdf
from eschool.scheduling.domain.timetable_xlsx import WEEKDAYS, Cell, week_days, week_rows

_NUMBER_MM, _TIMES_MM = 15, 24


def week_pdf(title: str, cells: Sequence[Cell]) -> bytes:
    """The week on A4 landscape pages (the header row repeated if the slots overflow one)."""
    days = week_days(cells)
    pdf = new_pdf(title)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, size=9)
    day_mm = (pdf.epw - _NUMBER_MM - _TIMES_MM) / days
    with pdf.table(
        col_widths=(_NUMBER_MM, _TIMES_MM, *([day_mm] * days)),
        width=pdf.epw,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=4.5,
        padding=1.5,
        text_align=("CENTER", "CENTER", *(["LEFT"] * days)),
    ) as table:
        table.row(["Урок", "Время", *WEEKDAYS[:days]])
        rows = week_rows(cells, days)
        for number, times, texts in rows:
            table.row([str(number), times, *texts])
        if not rows:
            table.row(["", "", "Уроков нет", *([""] * (days - 1))])
    return bytes(pdf.output())
