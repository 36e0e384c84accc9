"""Who sees and changes a school's calendar: its administration and schedule dispatcher, its
municipality (by the projected org tree) and the ministry change it; its teachers and families read it;
anyone else meets 404, as if the school did not exist."""

from __future__ import annotations

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import OrgUnitChangedV1, OrgUnitReassignedV1
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import World, new_scheme


def scheme_body(world: World, name: str) -> dict[str, str]:
    return {"academic_year_id": str(world.year_a), "name": name, "kind": "trimesters"}


@pytest.mark.parametrize(
    "who", ["school_admin", "director", "deputy_director", "schedule_dispatcher", "municipality", "ministry"]
)
async def test_the_school_its_municipality_and_the_ministry_change_the_calendar(
    api: httpx.AsyncClient, as_: As, world: World, who: str
) -> None:
    org = {"municipality": world.rayon_a, "ministry": world.region}.get(who, world.school_a)
    response = await api.post(
        f"/v1/schools/{world.school_a}/term-schemes",
        json=scheme_body(world, who),
        headers=as_(Role(who), org),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("who", ["subject_teacher", "class_teacher", "secretary", "pupil", "guardian"])
async def test_teachers_and_families_read_but_do_not_change(
    api: httpx.AsyncClient, as_: As, world: World, who: str
) -> None:
    scheme = await new_scheme(api, as_(Role.school_admin, world.school_a), world.school_a, world.year_a)
    reader = as_(Role(who), world.school_a)
    one = await api.get(f"/v1/term-schemes/{scheme['term_scheme_id']}", headers=reader)
    assert one.status_code == 200
    assert len(one.json()["terms"]) == 4
    assert (await api.get(f"/v1/schools/{world.school_a}/holidays", headers=reader)).status_code == 200
    write = await api.post(
        f"/v1/schools/{world.school_a}/term-schemes", json=scheme_body(world, "x"), headers=reader
    )
    assert write.status_code == 403
    assert write.json()["code"] == "calendar_write_denied"


async def test_another_schools_administrator_and_municipality_see_nothing(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    scheme = await new_scheme(api, as_(Role.school_admin, world.school_a), world.school_a, world.year_a)
    for stranger in (as_(Role.school_admin, world.school_b), as_(Role.municipality, world.rayon_b)):
        listed = await api.get(f"/v1/schools/{world.school_a}/term-schemes", headers=stranger)
        assert listed.status_code == 404
        assert listed.json()["code"] == "school_not_found"
        one = await api.get(f"/v1/term-schemes/{scheme['term_scheme_id']}", headers=stranger)
        assert one.status_code == 404
        assert one.json()["code"] == "term_scheme_not_found"
        put = await api.put(
            f"/v1/term-schemes/{scheme['term_scheme_id']}/terms",
            json={"version": 1, "terms": []},
            headers=stranger,
        )
        assert put.status_code == 404
    assert (await api.get(f"/v1/schools/{world.school_a}/term-schemes")).status_code == 401


async def test_a_school_moved_to_another_municipality_is_the_new_ones(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    await deliver(
        OrgUnitReassignedV1(
            org_unit_id=world.school_a, kind="school", parent_id=world.rayon_b, occurred_at=utcnow()
        )
    )
    url = f"/v1/schools/{world.school_a}/term-schemes"
    assert (await api.get(url, headers=as_(Role.municipality, world.rayon_b))).status_code == 200
    assert (await api.get(url, headers=as_(Role.municipality, world.rayon_a))).status_code == 404


async def test_a_closed_school_is_read_but_not_changed(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    await deliver(
        OrgUnitChangedV1(
            org_unit_id=world.school_a,
            kind="school",
            short_name="СШ",
            time_zone="Europe/Moscow",
            closed=True,
            occurred_at=utcnow(),
        )
    )
    refused = await api.post(
        f"/v1/schools/{world.school_a}/term-schemes", json=scheme_body(world, "y"), headers=admin
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "school_closed"
    assert (await api.get(f"/v1/term-schemes/{scheme['term_scheme_id']}", headers=admin)).status_code == 200
