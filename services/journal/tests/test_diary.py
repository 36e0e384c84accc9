"""The diary: a pupil's week and term as the family reads them, and who may read them (the BOLA matrix:
a stranger asking by path, by filter or for the export gets the 404 of a pupil that does not exist)."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import GuardianLinkedV1, GuardianUnlinkedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .diary_helpers import WEEK_OF_SEPTEMBER_8, put_absence, put_mark, put_record
from .journal_world import World

START = {"start": WEEK_OF_SEPTEMBER_8.isoformat()}


def guardian(as_: As, w: World) -> dict[str, str]:
    return as_(Role.guardian, w.school, person_id=w.guardian)


async def test_guardian_sees_the_childs_week(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    await put_record(journal, w.maths_lessons[0], "Натуральные числа", "§ 1, № 5")
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 5, work_type="control", comment="Отлично")
    await put_mark(journal, w.maths_lessons[0], w.pupils[1], 3)
    await put_absence(journal, w.maths_lessons[1], w.pupils[0], "ill")
    response = await api.get(f"/v1/pupils/{w.pupils[0]}/diary/week", params=START, headers=guardian(as_, w))
    assert response.status_code == 200, response.text
    week = response.json()
    assert (week["week_start"], week["week_end"]) == ("2025-09-08", "2025-09-14")
    assert week["name"]["last_name"] == "Иванов"
    lessons = [lesson for day in week["days"] for lesson in day["lessons"]]
    # Maths on the 8th, 10th and 12th, English of the pupil's subgroup on the 9th, PE on the 11th.
    assert [(x["lesson_on"], x["subject_name"]) for x in lessons] == [
        ("2025-09-08", "Математика"),
        ("2025-09-09", "Английский язык"),
        ("2025-09-10", "Математика"),
        ("2025-09-11", "Физическая культура"),
        ("2025-09-12", "Математика"),
    ]
    first = lessons[0]
    assert (first["topic"], first["homework"]) == ("Натуральные числа", "§ 1, № 5")
    # Only the pupil's own mark, with the control work's weight and the teacher's comment.
    assert [(m["value"], m["weight"], m["work_type"], m["comment"]) for m in first["marks"]] == [
        ("5", "2.00", "Контрольная работа", "Отлично")
    ]
    # A moment says its zone on either database (SQLite hands timestamps back without one).
    assert datetime.fromisoformat(first["marks"][0]["recorded_at"]).utcoffset() == timedelta(0)
    assert lessons[2]["attendance"] == "ill"


async def test_a_pupil_outside_the_subgroup_does_not_see_its_lessons(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    headers = as_(Role.pupil, w.school, person_id=w.pupils[2])
    response = await api.get(f"/v1/pupils/{w.pupils[2]}/diary/week", params=START, headers=headers)
    assert response.status_code == 200, response.text
    subjects = {lesson["subject_name"] for day in response.json()["days"] for lesson in day["lessons"]}
    assert subjects == {"Математика", "Физическая культура"}


def _paths(pupil: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"/v1/pupils/{pupil}/diary/week", START),
        ("/v1/diary/week", {"pupil_id": str(pupil), **START}),
        (f"/v1/pupils/{pupil}/diary/week/export", START),
        (f"/v1/pupils/{pupil}/diary/term", {}),
        (f"/v1/pupils/{pupil}/diary/recent", {}),
    ]


async def _statuses(
    api: httpx.AsyncClient, pupil: uuid.UUID, headers: dict[str, str]
) -> list[tuple[int, Any]]:
    answers = []
    for path, params in _paths(pupil):
        response = await api.get(path, params=params, headers=headers)
        body = response.json() if response.status_code != 200 else None
        answers.append((response.status_code, body and {k: body[k] for k in ("status", "code", "detail")}))
    return answers


async def test_a_stranger_gets_the_404_of_a_pupil_that_does_not_exist(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    nobody = await _statuses(api, uuid.uuid4(), guardian(as_, w))
    assert {status for status, _ in nobody} == {404}
    strangers = {
        "guardian of another child": guardian(as_, w),
        "another pupil": as_(Role.pupil, w.school, person_id=w.pupils[2]),
        "a teacher who is not the class teacher": as_(
            Role.subject_teacher, w.school, person_id=w.english_teacher
        ),
        "another school's administrator": as_(Role.school_admin, w.school_b),
        "another municipality": as_(Role.municipality, w.municipality_b),
        "a guardian role in the school, not linked": as_(Role.guardian, w.school),
    }
    for who, headers in strangers.items():
        assert await _statuses(api, w.pupils[1], headers) == nobody, who


@pytest.mark.parametrize("reader", ["pupil", "class teacher", "school admin", "municipality", "ministry"])
async def test_the_pupils_readers_open_the_diary(
    api: httpx.AsyncClient, as_: As, world: World, reader: str
) -> None:
    w = world
    headers = {
        "pupil": as_(Role.pupil, w.school, person_id=w.pupils[1]),
        "class teacher": as_(Role.class_teacher, w.school, person_id=w.maths_teacher),
        "school admin": as_(Role.school_admin, w.school),
        "municipality": as_(Role.municipality, w.municipality),
        "ministry": as_(Role.ministry, w.region),
    }[reader]
    assert {status for status, _ in await _statuses(api, w.pupils[1], headers)} == {200}


async def test_an_unlinked_guardian_loses_the_diary(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    path = f"/v1/pupils/{w.pupils[0]}/diary/week"
    assert (await api.get(path, params=START, headers=guardian(as_, w))).status_code == 200
    unlinked = GuardianUnlinkedV1(
        guardian_person_id=w.guardian, pupil_person_id=w.pupils[0], school_id=w.school, occurred_at=utcnow()
    )
    await deliver(unlinked)
    assert (await api.get(path, params=START, headers=guardian(as_, w))).status_code == 404
    children = await api.get("/v1/diary/children", headers=guardian(as_, w))
    assert children.json() == []


async def test_a_child_whose_class_has_not_arrived_yet_has_an_empty_week(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w, child, parent = world, uuid.uuid4(), uuid.uuid4()
    # Contingent's link may arrive before the pupil's stay in a class: the diary is empty, not broken.
    linked = GuardianLinkedV1(
        guardian_person_id=parent,
        pupil_person_id=child,
        school_id=w.school,
        kind="mother",
        occurred_at=utcnow(),
    )
    await deliver(linked)
    headers = as_(Role.guardian, w.school, person_id=parent)
    for params in ({}, START):
        response = await api.get(f"/v1/pupils/{child}/diary/week", params=params, headers=headers)
        assert response.status_code == 200, response.text
        assert [day["lessons"] for day in response.json()["days"]] == [[]] * 7


async def test_the_term_summary_gives_the_average_and_the_forecast(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    # Maths: 5 (answer, weight 1) and 4 (control, weight 2): (5 + 8) / 3 = 4.333… → 4.33 → a 4.
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 5)
    await put_mark(journal, w.maths_lessons[1], w.pupils[0], 4, work_type="control")
    await put_absence(journal, w.maths_lessons[2], w.pupils[0], "absent")
    await put_absence(journal, w.maths_lessons[3], w.pupils[0], "late")
    params = {"term_id": str(w.term_1)}
    response = await api.get(f"/v1/pupils/{w.pupils[0]}/diary/term", params=params, headers=guardian(as_, w))
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["term"]["name"] == "1 четверть"
    (maths,) = summary["subjects"]
    assert maths["subject_name"] == "Математика"
    assert maths["average"] == "4.33"
    # One 5 lifts it: (13 + 5) / 4 = 4.5 ≥ 4.5. Two 2s drop it: (13 + 4) / 5 = 3.4 < 3.5; one: 15/4 = 3.75.
    assert maths["forecast"] == {
        "mark": 4,
        "enough_marks": False,
        "marks_needed": 1,
        "next_mark": 5,
        "fives_for_next": 1,
        "risk_twos": 2,
    }
    # Lateness is not a missed lesson.
    assert maths["absences"] == 1


async def test_a_guardian_lists_the_children_and_prints_the_week(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    children = (await api.get("/v1/diary/children", headers=guardian(as_, w))).json()
    assert [(c["pupil_person_id"], [p["title"] for p in c["classes"]]) for c in children] == [
        (str(w.pupils[0]), ["5 А"])
    ]
    await put_record(journal, w.maths_lessons[0], "Натуральные числа", "§ 1")
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 5)
    response = await api.get(
        f"/v1/pupils/{w.pupils[0]}/diary/week/export", params=START, headers=guardian(as_, w)
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][2:6] == ["Математика", "Натуральные числа", "§ 1", "5 (Ответ на уроке, вес 1)"]
    assert len(rows) == 5


async def test_recent_changes_list_the_newest_entries(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 3)
    await put_absence(journal, w.maths_lessons[1], w.pupils[0], "absent")
    response = await api.get(f"/v1/pupils/{w.pupils[0]}/diary/recent", headers=guardian(as_, w))
    assert response.status_code == 200
    assert [(c["kind"], c["value"]) for c in response.json()] == [("attendance", "absent"), ("mark", "3")]
    assert {datetime.fromisoformat(c["at"]).utcoffset() for c in response.json()} == {timedelta(0)}
    assert date.fromisoformat(response.json()[1]["lesson_on"]) == date(2025, 9, 8)
