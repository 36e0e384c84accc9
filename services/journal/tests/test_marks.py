"""Marks one at a time: the roster, the scale, the work type's rules, exemptions, the weight, retries;
changed and deleted marks keep their rows and leave the lesson's sheet."""

from __future__ import annotations

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As
from eschool.journal.db.records import Mark

from .journal_helpers import (
    MARK_CHANGED,
    MARK_DELETED,
    MARK_RECORDED,
    events,
    give_mark,
    mark_body,
    work_types,
)
from .journal_world import World
from .term_helpers import count, teacher


async def test_a_mark_is_given_with_the_weight_of_its_work_type_and_an_event(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    answer = await give_mark(
        api, teacher(as_, w), w.maths_lessons[0], mark_body(w.pupils[0], " 5 ", kinds["control"])
    )
    assert answer.status_code == 201, answer.text
    mark = answer.json()
    assert (mark["value"], mark["numeric_value"], mark["weight"]) == ("5", 5, "2.00")
    [event] = await events(journal, MARK_RECORDED)
    assert (event["mark_id"], event["work_type"], event["value"]) == (mark["mark_id"], "control", "5")
    assert "comment" not in event


async def test_a_pupil_off_the_roster_and_a_bad_value_are_refused_naming_the_field(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    english = teacher(as_, w, w.english_teacher)
    # P2 is not in the English subgroup.
    off = await give_mark(api, english, w.english_lessons[0], mark_body(w.pupils[2], "5", kinds["answer"]))
    assert off.status_code == 422
    assert off.json()["errors"][0]["field"] == "body.pupil_person_id"
    bad = await give_mark(api, english, w.english_lessons[0], mark_body(w.pupils[0], "6", kinds["answer"]))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.value"
    assert await count(journal, Mark) == 0


async def test_a_single_mark_work_type_takes_one_mark_and_answers_take_many(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds, headers, lesson = await work_types(journal, w), teacher(as_, w), w.maths_lessons[0]
    first = await give_mark(api, headers, lesson, mark_body(w.pupils[0], "4", kinds["control"]))
    assert first.status_code == 201
    second = await give_mark(api, headers, lesson, mark_body(w.pupils[0], "5", kinds["control"]))
    assert (second.status_code, second.json()["code"]) == (409, "single_mark_taken")
    for value in ("5", "3"):
        assert (
            await give_mark(api, headers, lesson, mark_body(w.pupils[0], value, kinds["answer"]))
        ).status_code == 201
    assert await count(journal, Mark, pupil_person_id=w.pupils[0]) == 3


async def test_the_same_idempotency_key_gives_one_mark(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    headers = {**teacher(as_, w), "Idempotency-Key": "mark-1"}
    body = mark_body(w.pupils[0], "5", kinds["answer"])
    first = await give_mark(api, headers, w.maths_lessons[0], body)
    again = await give_mark(api, headers, w.maths_lessons[0], body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["mark_id"] == again.json()["mark_id"]
    assert await count(journal, Mark) == 1
    assert len(await events(journal, MARK_RECORDED)) == 1
    reused = await give_mark(api, headers, w.maths_lessons[0], {**body, "value": "4"})
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")


async def test_a_changed_and_a_deleted_mark_keep_their_rows_and_leave_the_sheet(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds, headers, lesson = await work_types(journal, w), teacher(as_, w), w.maths_lessons[0]
    mark = (await give_mark(api, headers, lesson, mark_body(w.pupils[0], "3", kinds["answer"]))).json()
    changed = await api.patch(
        f"/v1/marks/{mark['mark_id']}", json={"value": "4", "reason": "Ошибка ввода"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["value"], changed.json()["version"]) == ("4", 2)
    [event] = await events(journal, MARK_CHANGED)
    assert (event["value"], event["previous_value"]) == ("4", "3")
    deleted = await api.delete(
        f"/v1/marks/{mark['mark_id']}", params={"reason": "Не тот ученик"}, headers=headers
    )
    assert deleted.status_code == 200
    assert deleted.json()["deleted_at"] is not None
    assert len(await events(journal, MARK_DELETED)) == 1
    assert await count(journal, Mark) == 1
    sheet = (await api.get(f"/v1/lessons/{lesson}", headers=headers)).json()
    assert all(p["marks"] == [] for p in sheet["pupils"])
    again = await api.patch(f"/v1/marks/{mark['mark_id']}", json={"value": "5"}, headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "mark_deleted")


async def test_another_teacher_cannot_change_a_mark(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    mark = (
        await give_mark(
            api, teacher(as_, w), w.maths_lessons[0], mark_body(w.pupils[0], "3", kinds["answer"])
        )
    ).json()
    url = f"/v1/marks/{mark['mark_id']}"
    assert (
        await api.patch(url, json={"value": "5"}, headers=teacher(as_, w, w.other_teacher))
    ).status_code == 403
    hidden = await api.delete(url, headers=teacher(as_, w, w.teacher_b, school=w.school_b))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "mark_not_found")
