"""The week of a class and of a teacher as xlsx: a Russian title row and file name, a row per slot and a
column per weekday; the same people read it as read the views, anyone else meets 404."""

from __future__ import annotations

import io
from urllib.parse import unquote

import httpx
from openpyxl import load_workbook

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import World
from .timetable_setup import lesson, school_ready, week


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
