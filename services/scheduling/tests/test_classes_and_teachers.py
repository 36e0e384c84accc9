"""What the timetable's builders read of contingent's classes, subgroups and staff, and who may: the
school's administration, dispatcher and teachers, its municipality and the ministry; anyone else meets
404, as if the school (or the class) did not exist."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import World, new_scheme
from .contingent_facts import class_saved, dismissed, hired, stay, subgroup_saved


async def test_classes_show_shift_class_teacher_and_whether_their_term_scheme_exists(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    scheme = await new_scheme(api, as_(Role.school_admin, world.school_a), world.school_a, world.year_a)
    other_school = await new_scheme(api, as_(Role.school_admin, world.school_b), world.school_b, world.year_b)
    teacher, known, unknown, none, foreign, next_year = (uuid.uuid4() for _ in range(6))
    await deliver(
        hired(teacher, world.school_a, last_name="Иванова"),
        class_saved(
            known,
            world.school_a,
            world.year_a,
            letter="Б",
            scheme=uuid.UUID(scheme["term_scheme_id"]),
            teacher=teacher,
        ),
        class_saved(unknown, world.school_a, world.year_a, letter="А", scheme=uuid.uuid4()),
        class_saved(none, world.school_a, world.year_a, grade=1),
        class_saved(
            foreign,
            world.school_a,
            world.year_a,
            letter="В",
            scheme=uuid.UUID(other_school["term_scheme_id"]),
        ),
        class_saved(next_year, world.school_a, uuid.uuid4(), grade=6),
    )
    url = f"/v1/schools/{world.school_a}/classes"
    response = await api.get(url, params={"academic_year_id": str(world.year_a)}, headers=admin)
    assert response.status_code == 200, response.text
    classes = response.json()
    assert [(c["grade"], c["letter"]) for c in classes] == [(1, "А"), (5, "А"), (5, "Б"), (5, "В")]
    states = {c["class_id"]: c["term_scheme_state"] for c in classes}
    assert states == {
        str(none): "missing",
        str(unknown): "unknown",
        str(known): "defined",
        str(foreign): "unknown",
    }
    led = next(c for c in classes if c["class_id"] == str(known))
    assert led["shift"] == 2
    assert led["term_scheme_name"] == "Четверти, 1–4 классы"
    assert led["class_teacher_person_id"] == str(teacher)
    assert led["class_teacher_name"] == {
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "Сергеевна",
    }
    assert len((await api.get(url, headers=admin)).json()) == 5


async def test_subgroups_show_who_is_in_them_on_the_day(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    class_id, first, second, mover, stayer = (uuid.uuid4() for _ in range(5))
    school, year = world.school_a, world.year_a
    await deliver(
        class_saved(class_id, school, year),
        subgroup_saved(first, class_id, school, year, name="1 группа"),
        subgroup_saved(second, class_id, school, year, name="2 группа"),
        stay(uuid.uuid4(), first, class_id, school, stayer, date(2025, 9, 1)),
        stay(uuid.uuid4(), first, class_id, school, mover, date(2025, 9, 1), date(2025, 12, 31)),
        stay(uuid.uuid4(), second, class_id, school, mover, date(2026, 1, 1)),
    )
    url, teacher = f"/v1/classes/{class_id}/subgroups", as_(Role.subject_teacher, school)

    async def members(on: str) -> dict[str, set[str]]:
        response = await api.get(url, params={"on": on}, headers=teacher)
        assert response.status_code == 200, response.text
        assert response.json()["on"] == on
        return {g["name"]: set(g["person_ids"]) for g in response.json()["subgroups"]}

    assert await members("2025-12-31") == {"1 группа": {str(stayer), str(mover)}, "2 группа": set()}
    assert await members("2026-01-01") == {"1 группа": {str(stayer)}, "2 группа": {str(mover)}}
    assert await members("2025-08-31") == {"1 группа": set(), "2 группа": set()}
    today = await api.get(url, headers=teacher)
    assert today.status_code == 200
    assert date.fromisoformat(today.json()["on"])


async def test_teachers_hide_the_dismissed_unless_asked(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    working, gone = uuid.uuid4(), uuid.uuid4()
    await deliver(
        hired(working, world.school_a, last_name="Борисова"),
        hired(gone, world.school_a, last_name="Александрова"),
        hired(uuid.uuid4(), world.school_b),
    )
    await deliver(dismissed(gone, world.school_a, on=date(2025, 11, 14)))
    url, admin = f"/v1/schools/{world.school_a}/teachers", as_(Role.school_admin, world.school_a)
    staff = (await api.get(url, headers=admin)).json()
    assert [t["person_id"] for t in staff] == [str(working)]
    assert staff[0]["name"]["last_name"] == "Борисова"
    assert staff[0]["dismissed"] is False
    everyone = (await api.get(url, params={"include_dismissed": "true"}, headers=admin)).json()
    assert [t["name"]["last_name"] for t in everyone] == ["Александрова", "Борисова"]
    assert (everyone[0]["dismissed"], everyone[0]["dismissed_on"]) == (True, "2025-11-14")


def _urls(world: World, class_id: uuid.UUID) -> list[str]:
    return [
        f"/v1/schools/{world.school_a}/classes",
        f"/v1/classes/{class_id}/subgroups",
        f"/v1/schools/{world.school_a}/teachers",
    ]


@pytest.mark.parametrize(
    "who",
    [
        "school_admin",
        "director",
        "deputy_director",
        "schedule_dispatcher",
        "subject_teacher",
        "class_teacher",
        "municipality",
        "ministry",
    ],
)
async def test_the_school_its_teachers_its_municipality_and_the_ministry_read(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, who: str
) -> None:
    class_id = uuid.uuid4()
    await deliver(class_saved(class_id, world.school_a, world.year_a))
    org = {"municipality": world.rayon_a, "ministry": world.region}.get(who, world.school_a)
    for url in _urls(world, class_id):
        assert (await api.get(url, headers=as_(Role(who), org))).status_code == 200, url


async def test_families_the_secretary_and_strangers_see_nothing(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    class_id = uuid.uuid4()
    await deliver(class_saved(class_id, world.school_a, world.year_a))
    strangers = [
        as_(Role.pupil, world.school_a),
        as_(Role.guardian, world.school_a),
        as_(Role.secretary, world.school_a),
        as_(Role.school_admin, world.school_b),
        as_(Role.subject_teacher, world.school_b),
        as_(Role.municipality, world.rayon_b),
    ]
    for stranger in strangers:
        classes, subgroups, teachers = [await api.get(u, headers=stranger) for u in _urls(world, class_id)]
        assert (classes.status_code, classes.json()["code"]) == (404, "school_not_found")
        assert (subgroups.status_code, subgroups.json()["code"]) == (404, "class_not_found")
        assert (teachers.status_code, teachers.json()["code"]) == (404, "school_not_found")
    admin = as_(Role.school_admin, world.school_a)
    missing = await api.get(f"/v1/classes/{uuid.uuid4()}/subgroups", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "class_not_found")
    assert (await api.get(f"/v1/schools/{world.school_a}/teachers")).status_code == 401
