"""Bell schedules: created from given slots or the default, validated with the field named, changed on
the version seen, read by the school's families, carried into another year without twins."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.events.contingent import AcademicYearSetUpV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World

SAVED = "scheduling.bell_schedule.saved.v1"


def url(world: World) -> str:
    return f"/v1/schools/{world.school_a}/bell-schedules"


async def new_schedule(api: httpx.AsyncClient, as_: As, world: World, **body: Any) -> dict[str, Any]:
    payload = {"academic_year_id": str(world.year_a), "name": "1 смена", **body}
    response = await api.post(url(world), json=payload, headers=as_(Role.schedule_dispatcher, world.school_a))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_default_schedule_is_generated_and_announced(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    schedule = await new_schedule(api, as_, world, lessons=6)
    assert [(s["number"], s["starts_at"], s["ends_at"]) for s in schedule["slots"][:3]] == [
        (1, "08:00", "08:45"),
        (2, "08:55", "09:40"),
        (3, "10:00", "10:45"),
    ]
    assert len(schedule["slots"]) == 6
    second = await new_schedule(api, as_, world, name="2 смена", shift=2, starts_at="13:30")
    assert second["slots"][0]["starts_at"] == "13:30"
    twin = await api.post(
        url(world),
        json={"academic_year_id": str(world.year_a), "name": "1 СМЕНА"},
        headers=as_(Role.school_admin, world.school_a),
    )
    assert twin.status_code == 409
    assert twin.json()["errors"][0]["field"] == "body.name"
    events = await published(scheduling, SAVED)
    assert [e["data"]["name"] for e in events] == ["1 смена", "2 смена"]
    assert events[0]["data"]["slots"][0] == {"number": 1, "starts_at": "08:00:00", "ends_at": "08:45:00"}


async def test_broken_slots_are_refused_naming_the_field(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    base = {"academic_year_id": str(world.year_a), "name": "Сокращённый день"}
    cases = (
        ([{"number": 1, "starts_at": "8:00", "ends_at": "08:30"}], "body.slots.0.starts_at", None),
        ([{"number": 1, "starts_at": "08:00", "ends_at": "25:00"}], "body.slots.0.ends_at", None),
        ([{"number": 1, "starts_at": "08:30", "ends_at": "08:00"}], "body.slots.0.ends_at", "slot_reversed"),
        (
            [
                {"number": 1, "starts_at": "08:00", "ends_at": "08:30"},
                {"number": 3, "starts_at": "08:40", "ends_at": "09:10"},
            ],
            "body.slots.1.number",
            "slot_numbers_gap",
        ),
        (
            [
                {"number": 1, "starts_at": "08:00", "ends_at": "08:30"},
                {"number": 2, "starts_at": "08:20", "ends_at": "09:10"},
            ],
            "body.slots.1.starts_at",
            "slots_overlap",
        ),
        ([], "body.slots", "slots_empty"),
    )
    for slots, field, code in cases:
        response = await api.post(url(world), json={**base, "slots": slots}, headers=admin)
        assert response.status_code == 422, (slots, response.text)
        errors = {e["field"]: e["code"] for e in response.json()["errors"]}
        assert field in errors, errors
        assert code is None or errors[field] == code
    shift = await api.post(url(world), json={**base, "shift": 3}, headers=admin)
    assert shift.json()["errors"][0]["field"] == "body.shift"
    alien_year = await api.post(
        url(world), json={**base, "academic_year_id": str(world.year_b)}, headers=admin
    )
    assert alien_year.json()["errors"][0]["field"] == "body.academic_year_id"


async def test_a_schedule_is_changed_whole_on_the_version_seen(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    schedule = await new_schedule(api, as_, world, lessons=2)
    slots = [
        {"number": 0, "starts_at": "07:30", "ends_at": "08:00"},
        *({k: s[k] for k in ("number", "starts_at", "ends_at")} for s in schedule["slots"]),
    ]
    body = {"name": "1 смена", "shift": 1, "slots": slots, "version": 1}
    one = f"/v1/bell-schedules/{schedule['bell_schedule_id']}"
    changed = await api.put(one, json=body, headers=as_(Role.director, world.school_a))
    assert changed.status_code == 200, changed.text
    assert [s["number"] for s in changed.json()["slots"]] == [0, 1, 2]
    stale = await api.put(one, json=body, headers=as_(Role.director, world.school_a))
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert len(await published(scheduling, SAVED)) == 2


async def test_guardians_read_their_schools_bells_and_nobody_else_changes_them(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    schedule = await new_schedule(api, as_, world)
    one = f"/v1/bell-schedules/{schedule['bell_schedule_id']}"
    guardian = as_(Role.guardian, world.school_a)
    assert (await api.get(one, headers=guardian)).status_code == 200
    assert len((await api.get(url(world), headers=guardian)).json()) == 1
    teacher = as_(Role.subject_teacher, world.school_a)
    body = {"name": "x", "slots": schedule["slots"], "version": 1}
    refused = await api.put(one, json=body, headers=teacher)
    assert refused.status_code == 403
    assert refused.json()["code"] == "school_setup_write_denied"
    for stranger in (as_(Role.school_admin, world.school_b), as_(Role.guardian, world.school_b)):
        assert (await api.get(one, headers=stranger)).json()["code"] == "bell_schedule_not_found"
        assert (await api.get(url(world), headers=stranger)).status_code == 404
    assert (await api.put(one, json=body, headers=as_(Role.municipality, world.rayon_a))).status_code == 200


async def test_carrying_into_the_next_year_creates_nothing_twice(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    next_year = uuid.uuid4()
    await deliver(
        AcademicYearSetUpV1(
            academic_year_id=next_year,
            school_id=world.school_a,
            name="2026/2027",
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 8, 31),
            occurred_at=datetime(2026, 6, 1, tzinfo=UTC),
        )
    )
    first = await new_schedule(api, as_, world)
    await new_schedule(api, as_, world, name="Сокращённый день", lessons=5)
    admin = as_(Role.school_admin, world.school_a)
    body = {"from_academic_year_id": str(world.year_a), "to_academic_year_id": str(next_year)}
    carried = await api.post(url(world) + "/carry", json=body, headers=admin)
    assert carried.status_code == 200, carried.text
    assert sorted(s["name"] for s in carried.json()["created"]) == ["1 смена", "Сокращённый день"]
    again = await api.post(url(world) + "/carry", json=body, headers=admin)
    assert again.json()["created"] == []
    assert len(again.json()["existing"]) == 2
    listed = await api.get(url(world), params={"academic_year_id": str(next_year)}, headers=admin)
    assert len(listed.json()) == 2
    assert listed.json()[0]["slots"] == first["slots"]
    events = await published(scheduling, SAVED)
    assert [e["data"]["academic_year_id"] for e in events].count(str(next_year)) == 2
    same = await api.post(
        url(world) + "/carry", json={**body, "to_academic_year_id": str(world.year_a)}, headers=admin
    )
    assert same.json()["errors"][0]["field"] == "body.to_academic_year_id"
    alien = await api.post(
        url(world) + "/carry", json={**body, "from_academic_year_id": str(world.year_b)}, headers=admin
    )
    assert alien.json()["errors"][0]["field"] == "body.from_academic_year_id"
    picked = {**body, "bell_schedule_ids": [str(uuid.uuid4())]}
    unknown = await api.post(url(world) + "/carry", json=picked, headers=admin)
    assert unknown.json()["errors"][0]["field"] == "body.bell_schedule_ids.0"
