"""Attendance: the lesson's teacher marks it, the class teacher checks and corrects the class's day."""

from __future__ import annotations

from typing import Any

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As

from .journal_helpers import events
from .journal_world import ENGLISH_DAYS, World
from .term_helpers import director, teacher

RECORDED = "journal.attendance.recorded.v1"
CHANGED = "journal.attendance.changed.v1"


def _entries(*rows: tuple[Any, str | None]) -> dict[str, Any]:
    return {"entries": [{"pupil_person_id": str(p), "code": c} for p, c in rows]}


async def test_absences_are_recorded_changed_and_cleared_with_events(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url, headers = f"/v1/lessons/{w.maths_lessons[0]}/attendance", teacher(as_, w)
    first = await api.put(url, json=_entries((w.pupils[0], "absent"), (w.pupils[1], "late")), headers=headers)
    assert first.status_code == 200, first.text
    assert sorted(r["code"] for r in first.json()) == ["absent", "late"]
    second = await api.put(url, json=_entries((w.pupils[0], "ill"), (w.pupils[1], None)), headers=headers)
    assert [r["code"] for r in second.json()] == ["ill"]
    assert [e["code"] for e in await events(journal, RECORDED)] == ["absent", "late"]
    changed = [(e["previous_code"], e["code"]) for e in await events(journal, CHANGED)]
    assert sorted(changed, key=str) == sorted([("absent", "ill"), ("late", None)], key=str)


async def test_a_pupil_off_the_roster_is_refused(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url = f"/v1/lessons/{w.english_lessons[0]}/attendance"
    answer = await api.put(
        url, json=_entries((w.pupils[2], "absent")), headers=teacher(as_, w, w.english_teacher)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.entries.0.pupil_person_id"


async def test_the_class_teacher_corrects_the_class_day(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    lesson, day = w.english_lessons[0], ENGLISH_DAYS[0]
    english = teacher(as_, w, w.english_teacher)
    await api.put(f"/v1/lessons/{lesson}/attendance", json=_entries((w.pupils[0], "absent")), headers=english)
    url = f"/v1/classes/{w.class_5a}/attendance/{day}"
    correction = {
        "entries": [
            {
                "lesson_id": str(lesson),
                "pupil_person_id": str(w.pupils[0]),
                "code": "ill",
                "note": "Справка",
                "reason": "Принесли справку",
            }
        ]
    }
    assert (await api.patch(url, json=correction, headers=english)).status_code == 403
    assert (
        await api.patch(url, json=correction, headers=teacher(as_, w, w.teacher_b, school=w.school_b))
    ).status_code == 404
    corrected = await api.patch(url, json=correction, headers=teacher(as_, w))
    assert corrected.status_code == 200, corrected.text
    pupils = {p["pupil_person_id"]: p for p in corrected.json()["pupils"]}
    assert [(a["code"], a["note"]) for a in pupils[str(w.pupils[0])]["attendance"]] == [("ill", "Справка")]
    [event] = await events(journal, CHANGED)
    assert (event["previous_code"], event["code"]) == ("absent", "ill")
    audit = await api.get(f"/v1/lessons/{lesson}/audit", headers=director(as_, w))
    assert audit.json()["items"][0]["reason"] == "Принесли справку"
    day_view = await api.get(url, headers=director(as_, w))
    assert day_view.status_code == 200
    assert [x["lesson_id"] for x in day_view.json()["lessons"]] == [str(lesson)]
    wrong = {"entries": [{**correction["entries"][0], "lesson_id": str(w.maths_lessons[0])}]}
    refused = await api.patch(url, json=wrong, headers=teacher(as_, w))
    assert refused.json()["errors"][0]["field"] == "body.entries.0.lesson_id"
