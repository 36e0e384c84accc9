"""Holidays and extra vacation days: inside the year, for the school or one scheme's classes, a public
holiday falling in a term, changed on the version seen, each change announcing the year's whole list."""

from __future__ import annotations

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published

from .conftest import World, new_scheme

CHANGED = "scheduling.holidays.changed.v1"


def holiday(world: World, **fields: object) -> dict[str, object]:
    return {
        "academic_year_id": str(world.year_a),
        "kind": "holiday",
        "name": "День защитника Отечества",
        "starts_on": "2026-02-23",
        "ends_on": "2026-02-23",
        **fields,
    }


async def test_a_public_holiday_falls_inside_a_term(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    third = scheme["terms"][2]
    added = await api.post(f"/v1/schools/{world.school_a}/holidays", json=holiday(world), headers=admin)
    assert added.status_code == 201, added.text
    assert third["starts_on"] < added.json()["starts_on"] < third["ends_on"]
    assert added.json()["term_scheme_id"] is None
    listed = await api.get(
        f"/v1/schools/{world.school_a}/holidays", headers=as_(Role.guardian, world.school_a)
    )
    assert [h["name"] for h in listed.json()] == [
        "Осенние каникулы",
        "Зимние каникулы",
        "День защитника Отечества",
        "Весенние каникулы",
    ]
    newest = (await published(scheduling, CHANGED))[-1]["data"]
    assert [h["holiday_id"] for h in newest["holidays"]] == [h["holiday_id"] for h in listed.json()]


async def test_the_first_graders_extra_vacation_belongs_to_their_scheme(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first = await new_scheme(api, admin, world.school_a, world.year_a, name="Четверти, 1 классы")
    extra = holiday(
        world,
        kind="extra_vacation",
        name="Дополнительные каникулы",
        starts_on="2026-02-16",
        ends_on="2026-02-22",
        term_scheme_id=first["term_scheme_id"],
    )
    added = await api.post(f"/v1/schools/{world.school_a}/holidays", json=extra, headers=admin)
    assert added.status_code == 201
    assert added.json()["term_scheme_id"] == first["term_scheme_id"]
    twin = await api.post(f"/v1/schools/{world.school_a}/holidays", json=extra, headers=admin)
    assert twin.status_code == 409
    assert twin.json()["code"] == "holiday_exists"
    b_scheme = await new_scheme(api, as_(Role.school_admin, world.school_b), world.school_b, world.year_b)
    foreign = await api.post(
        f"/v1/schools/{world.school_a}/holidays",
        json={**extra, "term_scheme_id": b_scheme["term_scheme_id"]},
        headers=admin,
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "body.term_scheme_id"


async def test_bad_holidays_are_refused_naming_the_field(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin, url = as_(Role.school_admin, world.school_a), f"/v1/schools/{world.school_a}/holidays"
    outside = await api.post(
        url, json=holiday(world, starts_on="2026-09-01", ends_on="2026-09-02"), headers=admin
    )
    assert outside.status_code == 422
    assert {e["field"] for e in outside.json()["errors"]} == {"body.starts_on", "body.ends_on"}
    reversed_ = await api.post(url, json=holiday(world, ends_on="2026-02-20"), headers=admin)
    assert reversed_.json()["errors"][0]["field"] == "body.ends_on"
    kind = await api.post(url, json=holiday(world, kind="strike"), headers=admin)
    assert kind.status_code == 422
    assert kind.json()["errors"][0]["field"] == "body.kind"
    blank = await api.post(url, json=holiday(world, name="   "), headers=admin)
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "body.name"


async def test_a_holiday_is_changed_on_its_version_and_removed(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    added = (
        await api.post(f"/v1/schools/{world.school_a}/holidays", json=holiday(world), headers=admin)
    ).json()
    url = f"/v1/holidays/{added['holiday_id']}"
    body = {k: added[k] for k in ("kind", "name", "starts_on", "term_scheme_id")} | {"ends_on": "2026-02-24"}
    changed = await api.put(url, json={**body, "version": 1}, headers=admin)
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = await api.put(url, json={**body, "version": 1}, headers=admin)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    teacher = await api.delete(url, headers=as_(Role.subject_teacher, world.school_a))
    assert teacher.status_code == 403
    assert (await api.delete(url, params={"version": 2}, headers=admin)).status_code == 204
    assert (await api.delete(url, headers=admin)).status_code == 404
    assert [len(e["data"]["holidays"]) for e in await published(scheduling, CHANGED)] == [1, 1, 0]
