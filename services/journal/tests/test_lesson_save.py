"""The lesson's record, its sheet, the first grade's rules, and the whole lesson saved at once: all or
nothing, and once for a retried Idempotency-Key."""

from __future__ import annotations

from typing import Any

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As
from eschool.journal.db.records import Attendance, LessonRecord, Mark

from .journal_helpers import LESSON_CONDUCTED, MARK_RECORDED, events, give_mark, mark_body, work_types
from .journal_world import World
from .term_helpers import count, teacher


async def test_the_record_takes_topic_and_homework_and_counts_its_versions(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url, headers = f"/v1/lessons/{w.maths_lessons[0]}/record", teacher(as_, w)
    first = await api.put(
        url, json={"topic": "Дроби", "homework": "№ 12", "work_kind": "control"}, headers=headers
    )
    assert first.status_code == 200, first.text
    second = await api.put(url, json={"homework": "№ 12, 13"}, headers=headers)
    record = second.json()
    assert (record["topic"], record["homework"], record["work_kind"], record["version"]) == (
        "Дроби",
        "№ 12, 13",
        "control",
        2,
    )
    assert (record["substitute"], record["taught_by_person_id"]) == (False, str(w.maths_teacher))
    conducted = await events(journal, LESSON_CONDUCTED)
    assert [e["version"] for e in conducted] == [1, 2]
    too_long = await api.put(url, json={"homework": "x" * 5001}, headers=headers)
    assert too_long.status_code == 422


async def test_homework_is_due_at_a_later_lesson_of_the_subject(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url, headers = f"/v1/lessons/{w.maths_lessons[1]}/record", teacher(as_, w)
    for wrong in (w.maths_lessons[0], w.pe_lesson, w.english_lessons[1]):
        answer = await api.put(
            url, json={"homework": "№ 1", "homework_due_lesson_id": str(wrong)}, headers=headers
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "body.homework_due_lesson_id"
    fine = await api.put(
        url, json={"homework": "№ 1", "homework_due_lesson_id": str(w.maths_lessons[2])}, headers=headers
    )
    assert fine.status_code == 200


async def test_the_first_grade_keeps_topics_and_attendance_without_marks_or_homework(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds, lesson = await work_types(journal, w), w.first_grade_lesson
    headers = teacher(as_, w, w.first_grade_teacher)
    mark = await give_mark(api, headers, lesson, mark_body(w.first_graders[0], "5", kinds["answer"]))
    assert mark.status_code == 422
    assert mark.json()["detail"] == "В 1 классе отметки не ставятся"
    homework = await api.put(f"/v1/lessons/{lesson}/record", json={"homework": "Прочитать"}, headers=headers)
    assert homework.status_code == 422
    assert homework.json()["errors"][0]["field"] == "body.homework"
    topic = await api.put(f"/v1/lessons/{lesson}/record", json={"topic": "Звуки и буквы"}, headers=headers)
    assert topic.status_code == 200
    absent = await api.put(
        f"/v1/lessons/{lesson}/attendance",
        json={"entries": [{"pupil_person_id": str(w.first_graders[1]), "code": "ill"}]},
        headers=headers,
    )
    assert absent.status_code == 200, absent.text


def _journal_body(w: World, kinds: dict[str, str], value: str = "4") -> dict[str, Any]:
    return {
        "record": {"topic": "Сложение дробей", "homework": "№ 20"},
        "attendance": [{"pupil_person_id": str(w.pupils[2]), "code": "absent"}],
        "marks": [
            mark_body(w.pupils[0], "5", kinds["answer"]),
            mark_body(w.pupils[1], value, kinds["test"], comment="Молодец"),
        ],
    }


async def test_the_whole_lesson_saved_twice_with_one_key_is_saved_once(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    url, headers = (
        f"/v1/lessons/{w.maths_lessons[0]}/journal",
        {**teacher(as_, w), "Idempotency-Key": "save-1"},
    )
    first = await api.put(url, json=_journal_body(w, kinds), headers=headers)
    assert first.status_code == 200, first.text
    again = await api.put(url, json=_journal_body(w, kinds), headers=headers)
    assert again.json() == first.json()
    assert await count(journal, Mark) == 2
    assert await count(journal, Attendance) == 1
    assert len(await events(journal, MARK_RECORDED)) == 2
    assert len(await events(journal, LESSON_CONDUCTED)) == 1
    sheet = first.json()["lesson"]
    assert sheet["record"]["topic"] == "Сложение дробей"
    lines = {p["pupil_person_id"]: p for p in sheet["pupils"]}
    assert lines[str(w.pupils[1])]["marks"][0]["work_type"] == "test"
    assert lines[str(w.pupils[1])]["marks"][0]["comment"] == "Молодец"
    assert lines[str(w.pupils[2])]["attendance"]["code"] == "absent"
    assert lines[str(w.pupils[0])]["name"]["last_name"] == "Иванов"
    reused = await api.put(url, json=_journal_body(w, kinds, value="3"), headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")


async def test_an_invalid_line_writes_nothing_and_names_every_bad_field(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    body = _journal_body(w, kinds, value="7")
    body["marks"].append(mark_body(w.pupils[0], "5", kinds["control"]))
    body["marks"].append(mark_body(w.pupils[0], "4", kinds["control"]))
    answer = await api.put(f"/v1/lessons/{w.maths_lessons[0]}/journal", json=body, headers=teacher(as_, w))
    assert answer.status_code == 422
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields == ["body.marks.1.value", "body.marks.3.work_type_id"]
    assert await count(journal, Mark) == 0
    assert await count(journal, LessonRecord) == 0
    assert await count(journal, Attendance) == 0
    assert await events(journal, LESSON_CONDUCTED) == []


async def test_the_whole_lesson_changes_and_deletes_marks_by_id(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds, headers = await work_types(journal, w), teacher(as_, w)
    lesson = w.maths_lessons[0]
    control = (await give_mark(api, headers, lesson, mark_body(w.pupils[0], "3", kinds["control"]))).json()
    answer = (await give_mark(api, headers, lesson, mark_body(w.pupils[1], "3", kinds["answer"]))).json()
    body = {
        "marks": [
            {"mark_id": answer["mark_id"], "value": "4", "reason": "Пересдал"},
            mark_body(w.pupils[0], "5", kinds["control"]),
            {"mark_id": control["mark_id"], "delete": True},
        ]
    }
    saved = await api.put(f"/v1/lessons/{lesson}/journal", json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    ids = saved.json()["mark_ids"]
    assert (ids[0], ids[2]) == (answer["mark_id"], control["mark_id"])
    lines = {p["pupil_person_id"]: p["marks"] for p in saved.json()["lesson"]["pupils"]}
    assert [m["value"] for m in lines[str(w.pupils[0])]] == ["5"]
    assert [m["value"] for m in lines[str(w.pupils[1])]] == ["4"]
