"""Who writes in a lesson and when: its teacher or its substitute, not in a cancelled lesson, not in a
closed term, marks and attendance not before the lesson's day."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .journal_helpers import (
    cancel_maths_lesson,
    give_mark,
    lesson_to_come,
    mark_body,
    reopen_term_1,
    substitute,
    withdraw_substitute,
    work_types,
)
from .journal_world import World
from .term_helpers import close_term_1, teacher


async def test_another_teacher_of_the_school_is_refused_and_another_school_sees_nothing(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    body = mark_body(w.pupils[0], "5", kinds["answer"])
    lesson = w.maths_lessons[0]
    refused = await give_mark(api, teacher(as_, w, w.other_teacher), lesson, body)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "lesson_write_denied"
    hidden = await give_mark(api, teacher(as_, w, w.teacher_b, school=w.school_b), lesson, body)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "lesson_not_found"
    missing = await give_mark(api, teacher(as_, w), uuid.uuid4(), body)
    assert missing.json()["code"] == "lesson_not_found"
    record = await api.put(
        f"/v1/lessons/{lesson}/record", json={"topic": "x"}, headers=teacher(as_, w, w.other_teacher)
    )
    assert record.status_code == 403
    assert (await give_mark(api, teacher(as_, w), lesson, body)).status_code == 201


async def test_guardian_and_pupil_cannot_write(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    body = mark_body(w.pupils[0], "5", kinds["answer"])
    guardian = as_(Role.guardian, w.school, person_id=w.guardian, pupils=[w.pupils[0]])
    pupil = as_(Role.pupil, w.school, person_id=w.pupils[0])
    for headers in (guardian, pupil):
        answer = await give_mark(api, headers, w.maths_lessons[0], body)
        assert answer.status_code in (403, 404)
        sheet = await api.get(f"/v1/lessons/{w.maths_lessons[0]}", headers=headers)
        assert sheet.status_code in (403, 404)


async def test_the_municipality_reads_the_lesson_but_does_not_write(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    lesson = w.maths_lessons[0]
    municipality = as_(Role.municipality, w.municipality)
    assert (await api.get(f"/v1/lessons/{lesson}", headers=municipality)).status_code == 200
    written = await api.put(f"/v1/lessons/{lesson}/record", json={"topic": "x"}, headers=municipality)
    assert written.status_code == 403
    other = await api.get(f"/v1/lessons/{lesson}", headers=as_(Role.municipality, w.municipality_b))
    assert other.status_code == 404


async def test_the_substitute_writes_in_that_lesson_only_while_assigned(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    kinds = await work_types(journal, w)
    lesson, other_lesson = w.maths_lessons[0], w.maths_lessons[1]
    substitution = await substitute(deliver, w, lesson, w.other_teacher)
    headers = teacher(as_, w, w.other_teacher)
    body = mark_body(w.pupils[1], "4", kinds["answer"])
    assert (await give_mark(api, headers, lesson, body)).status_code == 201
    record = await api.put(f"/v1/lessons/{lesson}/record", json={"topic": "Дроби"}, headers=headers)
    assert record.status_code == 200, record.text
    assert record.json()["substitute"] is True
    assert record.json()["taught_by_person_id"] == str(w.other_teacher)
    assert (await give_mark(api, headers, other_lesson, body)).status_code == 403
    await withdraw_substitute(deliver, w, substitution, lesson, w.other_teacher)
    assert (await give_mark(api, headers, lesson, body)).status_code == 403


async def test_a_closed_term_refuses_writes_and_a_reopened_one_takes_them(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    kinds = await work_types(journal, w)
    lesson, headers = w.maths_lessons[0], teacher(as_, w)
    body = mark_body(w.pupils[0], "5", kinds["answer"])
    await close_term_1(deliver, w)
    refused = [
        await give_mark(api, headers, lesson, body),
        await api.put(f"/v1/lessons/{lesson}/record", json={"topic": "x"}, headers=headers),
        await api.put(
            f"/v1/lessons/{lesson}/attendance",
            json={"entries": [{"pupil_person_id": str(w.pupils[0]), "code": "absent"}]},
            headers=headers,
        ),
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(409, "term_closed")] * 3
    assert "закрыт" in refused[0].json()["detail"]
    await reopen_term_1(deliver, w)
    assert (await give_mark(api, headers, lesson, body)).status_code == 201


async def test_a_cancelled_lesson_takes_no_writes(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await cancel_maths_lesson(deliver, w, 2)
    answer = await api.put(
        f"/v1/lessons/{w.maths_lessons[2]}/record", json={"topic": "x"}, headers=teacher(as_, w)
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "lesson_cancelled")


async def test_a_lesson_to_come_takes_homework_but_no_marks_or_attendance(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    kinds = await work_types(journal, w)
    lesson, headers = await lesson_to_come(deliver, w), teacher(as_, w)
    mark = await give_mark(api, headers, lesson, mark_body(w.pupils[0], "5", kinds["answer"]))
    assert (mark.status_code, mark.json()["code"]) == (422, "lesson_not_happened")
    absence = await api.put(
        f"/v1/lessons/{lesson}/attendance",
        json={"entries": [{"pupil_person_id": str(w.pupils[0]), "code": "ill"}]},
        headers=headers,
    )
    assert absence.status_code == 422
    ahead = await api.put(f"/v1/lessons/{lesson}/record", json={"homework": "§ 4"}, headers=headers)
    assert ahead.status_code == 200, ahead.text
    assert ahead.json()["homework"] == "§ 4"
