"""The week of a class and of a teacher as xlsx and PDF: a Russian title row and file name, a row per slot
and a column per weekday; the same people read it as read the views, anyone else meets 404."""

from __future__ import annotations

import io
from urllib.parse import unquote

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.scheduling.domain.timetable_pdf import week_pdf
from eschool.scheduling.domain.timetable_xlsx import Cell

from .conftest import World
from .timetable_setup import lesson, school_ready, week


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert pages[0].mediabox.width > pages[0].mediabox.height  # A4 landscape
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def sheet_of(response: httpx.Response) -> list[tuple[object, ...]]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


async def test_class_and_teacher_weeks_export_titled_in_russian(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    body = week(
        s,
        "2025-09-01",
        lesson(s, 1, 1, "Математика", 0, room_id=s.rooms[0]),
        lesson(s, 3, 2, "Русский язык", 1),
    )
    dispatcher = as_(Role.schedule_dispatcher, world.school_a)
    put = await api.put(f"/v1/classes/{s.class_5a}/timetable", json=body, headers=dispatcher)
    assert put.status_code == 200, put.text
    pupil, on = as_(Role.pupil, world.school_a), {"on": "2025-09-03"}
    response = await api.get(f"/v1/classes/{s.class_5a}/timetable/export", params=on, headers=pupil)
    rows = sheet_of(response)
    assert rows[0][0] == "Расписание занятий 5 А класса, неделя с 01.09.2025"
    assert rows[1][:5] == ("Урок", "Время", "Понедельник", "Вторник", "Среда")
    assert rows[2][:3] == (1, "08:00–08:45", "Математика, Петрова А. С., каб. 204")
    assert rows[3][0] == 2
    assert rows[3][4].startswith("Русский язык, ")
    assert "Расписание 5 А.xlsx" in unquote(response.headers["content-disposition"])
    teacher = f"/v1/schools/{world.school_a}/teachers/{s.teachers[0]}/timetable/export"
    rows = sheet_of(await api.get(teacher, params=on, headers=pupil))
    assert rows[0][0].startswith("Расписание занятий: Петрова А. С., неделя с 01.09.2025")
    assert rows[2][2] == "5 А, Математика, каб. 204"
    stranger = as_(Role.pupil, world.school_b)
    refused = await api.get(f"/v1/classes/{s.class_5a}/timetable/export", params=on, headers=stranger)
    assert refused.status_code == 404


async def test_class_and_teacher_weeks_export_as_printable_pdf(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    body = week(s, "2025-09-01", lesson(s, 1, 1, "Математика", 0, room_id=s.rooms[0]))
    dispatcher = as_(Role.schedule_dispatcher, world.school_a)
    put = await api.put(f"/v1/classes/{s.class_5a}/timetable", json=body, headers=dispatcher)
    assert put.status_code == 200, put.text
    pupil, on = as_(Role.pupil, world.school_a), {"on": "2025-09-03"}
    response = await api.get(f"/v1/classes/{s.class_5a}/timetable/export.pdf", params=on, headers=pupil)
    text = pdf_text(response)
    assert "Расписание занятий 5 А класса, неделя с 01.09.2025" in text
    assert "Понедельник" in text
    assert "08:00–08:45" in text
    assert "Математика, Петрова А. С., каб. 204" in text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="timetable-class.pdf"')
    assert "Расписание 5 А.pdf" in unquote(disposition)
    teacher = f"/v1/schools/{world.school_a}/teachers/{s.teachers[0]}/timetable/export.pdf"
    response = await api.get(teacher, params=on, headers=pupil)
    assert "Расписание занятий: Петрова А. С., неделя с 01.09.2025" in pdf_text(response)
    assert "Расписание Петрова А. С..pdf" in unquote(response.headers["content-disposition"])


async def test_pdf_export_refused_as_the_workbook_is(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    stranger, on = as_(Role.school_admin, world.school_b), {"on": "2025-09-03"}
    for path in (
        f"/v1/classes/{s.class_5a}/timetable/export.pdf",
        f"/v1/schools/{world.school_a}/teachers/{s.teachers[0]}/timetable/export.pdf",
    ):
        refused = await api.get(path, params=on, headers=stranger)
        workbook = await api.get(path.removesuffix(".pdf"), params=on, headers=stranger)
        assert refused.status_code == workbook.status_code
        assert refused.json()["code"] == workbook.json()["code"]
        assert refused.status_code in (403, 404)
    refused = await api.get(f"/v1/classes/{s.class_5a}/timetable/export.pdf", params=on, headers=stranger)
    assert refused.status_code == 404


def test_pdf_week_shows_saturday_and_repeats_the_header_on_overflow() -> None:
    text = "Иностранный язык (английский), Иванова Б. В., каб. 205 (2 группа)"
    cells = [Cell(day, slot, f"{7 + slot:02d}:00", text) for day in range(1, 7) for slot in range(1, 10)]
    pages = PdfReader(io.BytesIO(week_pdf("Расписание", cells))).pages
    assert len(pages) > 1
    assert all("Суббота" in page.extract_text() for page in pages)


def test_pdf_of_an_empty_week_says_so() -> None:
    text = PdfReader(io.BytesIO(week_pdf("Расписание", []))).pages[0].extract_text()
    assert "Уроков нет" in text
    assert "Пятница" in text
    assert "Суббота" not in text
