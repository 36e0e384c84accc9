"""Pupils' individual curricula: the class's curriculum with subjects changed, added or dropped from a
day, for a pupil in the class that day; edited by the school's administration, read by its teachers,
announced with the pupil's subjects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import class_saved
from .load_helpers import chosen_subjects, new_curriculum
from .roster_facts import enrolled

SAVED = "scheduling.individual_curriculum.saved.v1"


@dataclass(frozen=True)
class Class5:
    """A 5th-grade class of school A following maths 5 h and PE 3 h, with one pupil; the school also
    teaches music (in no curriculum)."""

    class_id: uuid.UUID
    pupil: uuid.UUID
    subjects: dict[str, str]

    @property
    def url(self) -> str:
        return f"/v1/classes/{self.class_id}/individual-curricula"


@pytest_asyncio.fixture
async def class5(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> Class5:
    admin = as_(Role.school_admin, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "mathematics", "physical_education", "music")
    hours = {subjects["mathematics"]: 5, subjects["physical_education"]: 3}
    curriculum = await new_curriculum(api, admin, world, hours)
    class_id, pupil = uuid.uuid4(), uuid.uuid4()
    await deliver(class_saved(class_id, world.school_a, world.year_a))
    await deliver(enrolled(pupil, class_id, world.school_a, world.year_a))
    follows = {"curriculum_id": curriculum["curriculum_id"]}
    assert (
        await api.put(f"/v1/classes/{class_id}/curriculum", json=follows, headers=admin)
    ).status_code == 200
    return Class5(class_id, pupil, subjects)


def body(c: Class5, **changes: Any) -> dict[str, Any]:
    """Home schooling from 1 Oct: maths 3 h, PE dropped, music 1 h added."""
    subjects = [
        {"subject_id": c.subjects["mathematics"], "weekly_hours": 3},
        {"subject_id": c.subjects["physical_education"], "weekly_hours": 0},
        {"subject_id": c.subjects["music"], "weekly_hours": 1},
    ]
    return {
        "person_id": str(c.pupil),
        "from_on": "2025-10-01",
        "reason": "Обучение на дому",
        "subjects": subjects,
    } | changes


async def test_an_individual_curriculum_changes_adds_and_drops_subjects_and_is_announced(
    api: httpx.AsyncClient, as_: As, world: World, class5: Class5, scheduling: ServiceRuntime
) -> None:
    dispatcher = as_(Role.schedule_dispatcher, world.school_a)
    created = await api.post(class5.url, json=body(class5), headers=dispatcher)
    assert created.status_code == 201, created.text
    made = created.json()
    maths, music = class5.subjects["mathematics"], class5.subjects["music"]
    assert [(h["subject_id"], h["weekly_hours"]) for h in made["hours"]] == [(maths, 3.0), (music, 1.0)]
    twice = await api.post(class5.url, json=body(class5), headers=dispatcher)
    assert twice.status_code == 409
    assert twice.json()["code"] == "individual_curriculum_exists"
    one = f"/v1/individual-curricula/{made['individual_curriculum_id']}"
    change = body(class5, subjects=[{"subject_id": maths, "weekly_hours": 2}], version=1)
    del change["person_id"]
    changed = await api.put(one, json=change, headers=dispatcher)
    assert changed.status_code == 200, changed.text
    assert [h["weekly_hours"] for h in changed.json()["hours"]] == [2.0, 3.0]
    assert (await api.put(one, json=change, headers=dispatcher)).json()["code"] == "stale_version"
    assert (await api.delete(one, params={"version": 2}, headers=dispatcher)).status_code == 204
    assert (await api.get(one, headers=dispatcher)).status_code == 404
    events = [e["data"] for e in await published(scheduling, SAVED) if e["subject"] == str(class5.pupil)]
    assert [[s["weekly_hours"] for s in e["subjects"]] for e in events] == [[3.0, 1.0], [2.0, 3.0], []]
    assert [e["removed"] for e in events] == [False, False, True]
    assert "reason" not in events[0]
    assert events[0]["from_on"] == "2025-10-01"


async def test_an_individual_curriculum_names_the_field_a_rule_is_broken_in(
    api: httpx.AsyncClient, as_: As, world: World, class5: Class5
) -> None:
    admin, maths = as_(Role.school_admin, world.school_a), class5.subjects["mathematics"]
    cases = [
        (body(class5, person_id=str(uuid.uuid4())), "body.person_id", "pupil_not_in_class"),
        (body(class5, from_on="2025-08-31"), "body.from_on", "from_on_out_of_year"),
        (body(class5, from_on="2026-09-01"), "body.from_on", "from_on_out_of_year"),
        (body(class5, reason="   "), "body.reason", "reason_blank"),
        (
            body(class5, subjects=[{"subject_id": maths, "weekly_hours": 5}]),
            "body.subjects.0.weekly_hours",
            "override_unchanged",
        ),
        (
            body(class5, subjects=[{"subject_id": class5.subjects["music"], "weekly_hours": 0}]),
            "body.subjects.0.subject_id",
            "subject_not_in_curriculum",
        ),
        (
            body(class5, subjects=[{"subject_id": str(uuid.uuid4()), "weekly_hours": 1}]),
            "body.subjects.0.subject_id",
            "subject_not_taught",
        ),
        (
            body(class5, subjects=[{"subject_id": maths, "weekly_hours": 11}]),
            "body.subjects.0.weekly_hours",
            "weekly_hours_out_of_range",
        ),
    ]
    for payload, field, code in cases:
        refused = await api.post(class5.url, json=payload, headers=admin)
        assert refused.status_code == 422, (code, refused.text)
        assert {(e["field"], e["code"]) for e in refused.json()["errors"]} >= {(field, code)}, refused.text


async def test_a_class_without_a_curriculum_has_no_individual_ones(
    api: httpx.AsyncClient, as_: As, world: World, class5: Class5, deliver: Deliver
) -> None:
    admin, other, pupil = as_(Role.school_admin, world.school_a), uuid.uuid4(), uuid.uuid4()
    await deliver(class_saved(other, world.school_a, world.year_a, letter="Б"))
    await deliver(enrolled(pupil, other, world.school_a, world.year_a))
    refused = await api.post(
        f"/v1/classes/{other}/individual-curricula", json=body(class5, person_id=str(pupil)), headers=admin
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "class_without_curriculum"


async def test_individual_curricula_are_the_schools_administration_and_teachers_only(
    api: httpx.AsyncClient, as_: As, world: World, class5: Class5
) -> None:
    made = (
        await api.post(class5.url, json=body(class5), headers=as_(Role.school_admin, world.school_a))
    ).json()
    one = f"/v1/individual-curricula/{made['individual_curriculum_id']}"
    teacher = as_(Role.class_teacher, world.school_a)
    assert (await api.get(one, headers=teacher)).status_code == 200
    assert len((await api.get(class5.url, headers=teacher)).json()) == 1
    assert (await api.post(class5.url, json=body(class5, from_on="2025-11-01"), headers=teacher)).json()[
        "code"
    ] == "teaching_load_write_denied"
    assert (await api.delete(one, headers=teacher)).status_code == 403
    guardian = await api.get(class5.url, headers=as_(Role.guardian, world.school_a))
    assert guardian.json()["code"] == "teaching_load_access_denied"
    for who, org in ((Role.school_admin, world.school_b), (Role.municipality, world.rayon_b)):
        assert (await api.get(one, headers=as_(who, org))).status_code == 404
        assert (await api.get(class5.url, headers=as_(who, org))).status_code == 404
        assert (await api.delete(one, headers=as_(who, org))).status_code == 404
