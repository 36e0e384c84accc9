"""Substitutions (seed 003, 3.15): a lesson is taught in place of its teacher only by a teacher of the
same subject who is free then; a teacher's lessons over days at once; the free teachers suggested; the
report of substituted, cancelled and uncovered lessons (a dismissed teacher's)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import dismissed
from .lesson_helpers import Term, generate, lessons_of, term_ready

ASSIGNED, REMOVED = "scheduling.substitution.assigned.v1", "scheduling.substitution.removed.v1"


async def teaches(
    api: httpx.AsyncClient, headers: dict[str, str], world: World, t: Term, who: int, subject: str
) -> None:
    body = {
        "person_id": str(t.school.teachers[who]),
        "class_id": str(t.school.class_5a),
        "subject_id": t.school.subjects[subject],
        "weekly_hours": 1,
    }
    made = await api.post(f"/v1/schools/{world.school_a}/teaching-assignments", json=body, headers=headers)
    assert made.status_code == 201, made.text


async def ready(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> tuple[Term, list[dict[str, Any]]]:
    """5 А's lessons of the first quarter; teachers 0 and 2 teach Maths, teacher 1 Russian."""
    t = await term_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    for who, subject in ((0, "Математика"), (2, "Математика"), (1, "Русский язык")):
        await teaches(api, admin, world, t, who, subject)
    await generate(api, admin, world, t)
    return t, await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on)


def code_of(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json().get("code", "")


async def test_only_a_free_teacher_of_the_same_subject_substitutes(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t, lessons = await ready(api, as_, world, deliver)
    admin = as_(Role.schedule_dispatcher, world.school_a)
    maths = next(x for x in lessons if x["subject_id"] == t.school.subjects["Математика"])
    path = f"/v1/schools/{world.school_a}/substitutions"
    russian_teacher = {"substitute_person_id": str(t.school.teachers[1]), "lesson_ids": [maths["lesson_id"]]}
    assert code_of(await api.post(path, json=russian_teacher, headers=admin)) == (
        422,
        "subject_not_taught_by_substitute",
    )
    himself = {"substitute_person_id": str(t.school.teachers[0]), "lesson_ids": [maths["lesson_id"]]}
    assert code_of(await api.post(path, json=himself, headers=admin)) == (422, "substitute_is_teacher")
    stranger = {"substitute_person_id": str(uuid.uuid4()), "lesson_ids": [maths["lesson_id"]]}
    assert code_of(await api.post(path, json=stranger, headers=admin)) == (422, "teacher_not_on_staff")
    assert await published(scheduling, ASSIGNED) == []

    found = await api.get(f"/v1/lessons/{maths['lesson_id']}/substitute-candidates", headers=admin)
    assert [x["person_id"] for x in found.json()] == [str(t.school.teachers[2])]
    good = {
        "substitute_person_id": str(t.school.teachers[2]),
        "lesson_ids": [maths["lesson_id"]],
        "reason": "Больничный",
    }
    done = await api.post(path, json=good, headers=admin)
    again = await api.post(path, json=good, headers=admin)
    assert (done.status_code, again.status_code) == (200, 200), done.text
    assert done.json()[0]["substitution_id"] == again.json()[0]["substitution_id"]
    [event] = await published(scheduling, ASSIGNED)
    assert (event["data"]["lesson"]["lesson_id"], event["data"]["substitute_person_id"]) == (
        maths["lesson_id"],
        str(t.school.teachers[2]),
    )
    removed = await api.delete(f"/v1/substitutions/{done.json()[0]['substitution_id']}", headers=admin)
    assert removed.status_code == 200, removed.text
    assert len(await published(scheduling, REMOVED)) == 1


async def test_a_teachers_days_at_once_and_the_report(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t, lessons = await ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    maths = [x for x in lessons if x["subject_id"] == t.school.subjects["Математика"]][:3]
    body = {
        "substitute_person_id": str(t.school.teachers[2]),
        "teacher_person_id": str(t.school.teachers[0]),
        "from_on": maths[0]["lesson_on"],
        "to_on": maths[-1]["lesson_on"],
    }
    done = await api.post(f"/v1/schools/{world.school_a}/substitutions", json=body, headers=admin)
    assert done.status_code == 200, done.text
    # Teacher 0's lessons those days: 5 А's Maths and 6 Б's Maths on Mondays.
    assert len(done.json()) == 2 * len(maths)
    query = {"from": maths[0]["lesson_on"], "to": maths[-1]["lesson_on"]}
    report = await api.get(f"/v1/schools/{world.school_a}/substitution-report", params=query, headers=admin)
    assert report.status_code == 200, report.text
    assert len(report.json()["substituted"]) == 2 * len(maths)
    # Teacher 1 (Russian) dismissed: their lessons after the last day need a substitute.
    await deliver(dismissed(t.school.teachers[1], world.school_a, on=t.starts_on))
    later = {"from": t.starts_on.isoformat(), "to": t.ends_on.isoformat()}
    uncovered = (
        await api.get(f"/v1/schools/{world.school_a}/substitution-report", params=later, headers=admin)
    ).json()
    assert uncovered["needing_substitute"]
    assert {x["teacher_person_id"] for x in uncovered["needing_substitute"]} == {str(t.school.teachers[1])}


async def test_who_substitutes(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> None:
    t, lessons = await ready(api, as_, world, deliver)
    body = {"substitute_person_id": str(t.school.teachers[2]), "lesson_ids": [lessons[0]["lesson_id"]]}
    path = f"/v1/schools/{world.school_a}/substitutions"
    teacher = as_(Role.subject_teacher, world.school_a, person_id=t.school.teachers[2])
    assert (await api.post(path, json=body, headers=teacher)).status_code == 403
    other = as_(Role.school_admin, world.school_b)
    assert (await api.post(path, json=body, headers=other)).status_code == 404
    report = f"/v1/schools/{world.school_a}/substitution-report?from=2025-09-01&to=2025-09-30"
    assert (await api.get(report, headers=teacher)).status_code == 200
    assert (await api.get(report, headers=other)).status_code == 404
