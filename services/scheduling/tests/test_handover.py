"""A leaving teacher's handover (seed 000, point 6): what they hold, then their classes passed to another
teacher from a day through the timetable: refused whole on a clash, else lessons from the day carry
the other teacher and earlier ones stay."""

from __future__ import annotations

from datetime import timedelta

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import dismissed
from .lesson_helpers import Term, generate, lessons_of, term_ready
from .test_substitutions import teaches
from .timetable_setup import lesson, week

ASSIGNMENT = "scheduling.teaching_assignment.changed.v1"


async def ready(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> Term:
    """5 А and 6 Б's weeks with teacher 0's Maths on Mondays; 6 Б's English with teacher 2 on Monday's
    1st slot, when teacher 0 teaches 5 А; the quarter generated."""
    t = await term_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    await teaches(api, admin, world, t, 0, "Математика")
    body = week(
        t.school,
        "2025-09-01",
        lesson(t.school, 1, 2, "Математика", 0),
        lesson(t.school, 1, 1, "Английский язык", 2),
    )
    put = await api.put(f"/v1/classes/{t.school.class_6b}/timetable", json=body, headers=admin)
    assert put.status_code == 200, put.text
    await generate(api, admin, world, t)
    return t


async def test_a_clash_refuses_the_whole_handover(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await ready(api, as_, world, deliver)
    admin = as_(Role.schedule_dispatcher, world.school_a)
    path = f"/v1/schools/{world.school_a}/teachers/{t.school.teachers[0]}/handover"
    before = (await api.get(path, params={"from": t.starts_on.isoformat()}, headers=admin)).json()
    assert len(before["assignments"]) == 1
    assert {x["class_id"]: x["lessons"] for x in before["lessons"]}.keys() == {
        str(t.school.class_5a),
        str(t.school.class_6b),
    }
    events = len(await published(scheduling))
    body = {"to_person_id": str(t.school.teachers[2]), "from_on": t.starts_on.isoformat()}
    refused = await api.post(path, json=body, headers=admin)
    assert refused.status_code == 409, refused.text
    after = (await api.get(path, params={"from": t.starts_on.isoformat()}, headers=admin)).json()
    assert (after, len(await published(scheduling))) == (before, events)
    await deliver(dismissed(t.school.teachers[3], world.school_a, on=t.starts_on))
    gone = {"to_person_id": str(t.school.teachers[3]), "from_on": t.starts_on.isoformat()}
    answer = await api.post(path, json=gone, headers=admin)
    assert (answer.status_code, answer.json()["code"]) == (422, "teacher_not_on_staff")


async def test_the_handover_moves_lessons_from_the_day(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    old, new = t.school.teachers[0], t.school.teachers[3]
    day = t.starts_on + timedelta(days=28)  # a Monday four weeks in
    path = f"/v1/schools/{world.school_a}/teachers/{old}/handover"
    done = await api.post(path, json={"to_person_id": str(new), "from_on": day.isoformat()}, headers=admin)
    assert done.status_code == 200, done.text
    assert (done.json()["assignments"], done.json()["lessons"]) == ([], [])
    for class_id in (t.school.class_5a, t.school.class_6b):
        maths = [
            x
            for x in await lessons_of(api, admin, class_id, t.starts_on, t.ends_on)
            if x["subject_id"] == t.school.subjects["Математика"] and x["status"] == "scheduled"
        ]
        assert {x["teacher_person_id"] for x in maths if x["lesson_on"] < day.isoformat()} == {str(old)}
        assert {x["teacher_person_id"] for x in maths if x["lesson_on"] >= day.isoformat()} == {str(new)}
    moved = [e["data"] for e in await published(scheduling, ASSIGNMENT)][-2:]
    assert [(e["teacher_person_id"], e["removed"]) for e in moved] == [(str(old), True), (str(new), False)]

    teacher = as_(Role.subject_teacher, world.school_a, person_id=new)
    mine = await api.get(f"/v1/schools/{world.school_a}/teachers/{new}/handover", headers=teacher)
    assert mine.status_code == 200, mine.text
    assert (await api.get(path, headers=teacher)).status_code == 403
    assert (
        await api.post(path, json={"to_person_id": str(old), "from_on": day.isoformat()}, headers=teacher)
    ).status_code == 403
