"""The audit trail: every change of a mark is listed per pupil and per lesson with old, new and why."""

from __future__ import annotations

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As

from .journal_helpers import give_mark, mark_body, work_types
from .journal_world import World
from .term_helpers import director, teacher


async def test_mark_changes_are_listed_per_pupil_and_per_lesson_newest_first(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds, headers, lesson = await work_types(journal, w), teacher(as_, w), w.maths_lessons[0]
    mark = (await give_mark(api, headers, lesson, mark_body(w.pupils[0], "3", kinds["answer"]))).json()
    url = f"/v1/marks/{mark['mark_id']}"
    await api.patch(url, json={"value": "4", "reason": "Ошибка ввода"}, headers=headers)
    await api.delete(url, params={"reason": "Повторная отметка"}, headers=headers)
    pupil_url = f"/v1/pupils/{w.pupils[0]}/audit"
    listed = await api.get(pupil_url, params={"school_id": str(w.school)}, headers=director(as_, w))
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [i["action"] for i in items] == ["deleted", "changed", "created"]
    assert (items[1]["old"]["value"], items[1]["new"]["value"], items[1]["reason"]) == (
        "3",
        "4",
        "Ошибка ввода",
    )
    assert (items[0]["old"]["value"], items[0]["new"], items[0]["reason"]) == ("4", None, "Повторная отметка")
    assert items[0]["actor_person_id"] == str(w.maths_teacher)
    # The maths teacher is also the class teacher of 5 А.
    first = await api.get(pupil_url, params={"school_id": str(w.school), "limit": 2}, headers=headers)
    rest = await api.get(
        pupil_url,
        params={"school_id": str(w.school), "limit": 2, "cursor": first.json()["next_cursor"]},
        headers=headers,
    )
    assert [i["action"] for i in first.json()["items"] + rest.json()["items"]] == [
        "deleted",
        "changed",
        "created",
    ]
    by_lesson = await api.get(f"/v1/lessons/{lesson}/audit", headers=headers)
    assert [i["entity"] for i in by_lesson.json()["items"]] == ["mark"] * 3


async def test_the_audit_is_not_for_other_teachers(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    params = {"school_id": str(w.school)}
    other = await api.get(
        f"/v1/pupils/{w.pupils[0]}/audit", params=params, headers=teacher(as_, w, w.other_teacher)
    )
    assert other.status_code == 403
    stranger = teacher(as_, w, w.teacher_b, school=w.school_b)
    assert (
        await api.get(f"/v1/pupils/{w.pupils[0]}/audit", params=params, headers=stranger)
    ).status_code == 404
    lesson = await api.get(
        f"/v1/lessons/{w.maths_lessons[0]}/audit", headers=teacher(as_, w, w.english_teacher)
    )
    assert lesson.status_code == 403
