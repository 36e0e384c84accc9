"""Academic years: named «2025/2026», 1 Sep to 31 Aug unless other dates inside the named years are
given, never overlapping in a school; changed only by the school's administration, its municipality
and the ministry, on the version they saw; announced in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.domain.classes import Violation, year_dates

from .conftest import As, published

YEAR_SET_UP = "contingent.academic_year.set_up.v1"


@dataclass(frozen=True)
class Tree:
    """A region with two municipalities: school A and a closed school under A, school B under B."""

    region: uuid.UUID
    rayon_a: uuid.UUID
    rayon_b: uuid.UUID
    school_a: uuid.UUID
    school_b: uuid.UUID
    closed: uuid.UUID


async def add_tree(runtime: ServiceRuntime) -> Tree:
    """Fresh org units written straight into contingent's database (the org API is not ours)."""
    tree = Tree(*(uuid.uuid4() for _ in range(6)))
    units = [
        (tree.region, "region", None),
        (tree.rayon_a, "municipality", tree.region),
        (tree.rayon_b, "municipality", tree.region),
        (tree.school_a, "school", tree.rayon_a),
        (tree.school_b, "school", tree.rayon_b),
        (tree.closed, "school", tree.rayon_a),
    ]
    now = utcnow()
    async with runtime.database.uow() as uow:
        for unit_id, kind, parent_id in units:
            name = f"{kind} {unit_id.hex[:6]}"
            uow.session.add(
                OrgUnit(
                    org_unit_id=unit_id,
                    kind=kind,
                    parent_id=parent_id,
                    full_name=name,
                    short_name=name,
                    time_zone="Europe/Moscow",
                    created_at=now,
                    updated_at=now,
                    closed_at=now if unit_id == tree.closed else None,
                    version=1,
                )
            )
            await uow.session.flush()  # parents first: the tree's key refers to them
        await uow.commit()
    return tree


@pytest.fixture
async def tree(contingent: ServiceRuntime) -> Tree:
    return await add_tree(contingent)


def years_of(school_id: uuid.UUID) -> str:
    return f"/v1/schools/{school_id}/academic-years"


async def set_up(
    api: httpx.AsyncClient, school_id: uuid.UUID, headers: dict[str, str], name: str, **dates: str
) -> httpx.Response:
    return await api.post(years_of(school_id), json={"name": name, **dates}, headers=headers)


def problem(response: httpx.Response) -> tuple[int, str, list[str]]:
    body: dict[str, Any] = response.json()
    return response.status_code, body["code"], [e["field"] for e in body["errors"]]


# --- the rules alone -------------------------------------------------------------------------------------


def test_year_name_gives_the_default_dates() -> None:
    dates = year_dates("2025 – 2026")
    assert (dates.name, dates.starts_on, dates.ends_on) == ("2025/2026", date(2025, 9, 1), date(2026, 8, 31))
    leap = year_dates("2027/2028", date(2027, 9, 1), date(2028, 8, 31))
    assert leap.ends_on == date(2028, 8, 31)


@pytest.mark.parametrize("name", ["2025", "2025/2027", "2026/2025", "25/26", "1800/1801", "2025/2026/2027"])
def test_bad_year_names_are_refused(name: str) -> None:
    with pytest.raises(Violation) as refused:
        year_dates(name)
    assert (refused.value.field, refused.value.code) == ("name", "invalid_year_name")


# --- through the API ---------------------------------------------------------------------------------------


async def test_year_set_up_with_default_dates_is_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, tree: Tree
) -> None:
    created = await set_up(api, tree.school_a, as_(Role.school_admin, tree.school_a), "2025-2026")
    assert created.status_code == 201, created.text
    year = created.json()
    assert (year["name"], year["starts_on"], year["ends_on"]) == ("2025/2026", "2025-09-01", "2026-08-31")
    assert (year["school_id"], year["version"]) == (str(tree.school_a), 1)

    [event] = await published(contingent, YEAR_SET_UP)
    assert (event["subject"], event["school_id"]) == (year["academic_year_id"], str(tree.school_a))
    data = event["data"]
    assert (data["academic_year_id"], data["school_id"], data["name"]) == (
        year["academic_year_id"],
        str(tree.school_a),
        "2025/2026",
    )
    assert (data["starts_on"], data["ends_on"]) == ("2025-09-01", "2026-08-31")

    listed = await api.get(years_of(tree.school_a), headers=as_(Role.subject_teacher, tree.school_a))
    assert [y["academic_year_id"] for y in listed.json()] == [year["academic_year_id"]]


async def test_year_validation_names_the_field(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, tree: Tree
) -> None:
    admin = as_(Role.director, tree.school_a)
    cases = [
        ({"name": "2025/2027"}, ("invalid_year_name", "body.name")),
        ({"name": "2025/2026", "starts_on": "2024-09-01"}, ("date_outside_year", "body.starts_on")),
        ({"name": "2025/2026", "ends_on": "2027-05-31"}, ("date_outside_year", "body.ends_on")),
        (
            {"name": "2025/2026", "starts_on": "2026-06-01", "ends_on": "2026-05-31"},
            ("dates_reversed", "body.ends_on"),
        ),
        (
            {"name": "2025/2026", "starts_on": "2025-01-09", "ends_on": "2026-08-31"},
            ("year_too_long", "body.ends_on"),
        ),
    ]
    for body, (code, field) in cases:
        response = await api.post(years_of(tree.school_a), json=body, headers=admin)
        assert problem(response) == (422, code, [field]), body
        assert response.json()["detail"]
    malformed = await api.post(
        years_of(tree.school_a), json={"name": "2025/2026", "ends_on": "31.08"}, headers=admin
    )
    assert problem(malformed) == (422, "validation_error", ["body.ends_on"])
    assert await published(contingent, YEAR_SET_UP) == []  # nothing refused was announced


async def test_explicit_dates_inside_the_named_years_are_kept(
    api: httpx.AsyncClient, as_: As, tree: Tree
) -> None:
    created = await set_up(
        api,
        tree.school_a,
        as_(Role.secretary, tree.school_a),
        "2025/2026",
        starts_on="2025-09-02",
        ends_on="2026-06-30",
    )
    assert created.status_code == 201, created.text
    assert (created.json()["starts_on"], created.json()["ends_on"]) == ("2025-09-02", "2026-06-30")


async def test_years_of_a_school_never_overlap_and_never_repeat(
    api: httpx.AsyncClient, as_: As, tree: Tree
) -> None:
    admin = as_(Role.school_admin, tree.school_a)
    assert (await set_up(api, tree.school_a, admin, "2025/2026")).status_code == 201
    overlapping = await set_up(
        api, tree.school_a, admin, "2026/2027", starts_on="2026-08-20", ends_on="2027-06-30"
    )
    assert problem(overlapping) == (409, "academic_years_overlap", ["body.starts_on"])
    assert "2025/2026" in overlapping.json()["detail"]
    again = await set_up(api, tree.school_a, admin, "2025/2026")
    assert problem(again) == (409, "academic_year_exists", ["body.name"])
    assert (await set_up(api, tree.school_a, admin, "2026/2027")).status_code == 201
    # Another school's years are its own business.
    assert (await set_up(api, tree.school_b, as_(Role.ministry, tree.region), "2025/2026")).status_code == 201
    listed = await api.get(years_of(tree.school_a), headers=admin)
    assert [y["name"] for y in listed.json()] == ["2025/2026", "2026/2027"]


async def test_years_only_in_an_open_school(api: httpx.AsyncClient, as_: As, tree: Tree) -> None:
    ministry = as_(Role.ministry, tree.region)
    assert problem(await set_up(api, uuid.uuid4(), ministry, "2025/2026"))[:2] == (404, "school_not_found")
    assert problem(await set_up(api, tree.rayon_a, ministry, "2025/2026"))[:2] == (404, "school_not_found")
    closed = await set_up(api, tree.closed, ministry, "2025/2026")
    assert problem(closed)[:2] == (409, "school_closed")
    # A closed school's history stays readable.
    assert (await api.get(years_of(tree.closed), headers=ministry)).status_code == 200


async def test_who_may_set_up_and_read_years(api: httpx.AsyncClient, as_: As, tree: Tree) -> None:
    school = tree.school_a
    writers = [
        as_(Role.ministry, tree.region),
        as_(Role.municipality, tree.rayon_a),
        as_(Role.school_admin, school),
        as_(Role.director, school),
        as_(Role.deputy_director, school),
        as_(Role.secretary, school),
    ]
    for first, headers in enumerate(writers):
        name = f"{2010 + first}/{2011 + first}"
        assert (await set_up(api, school, headers, name)).status_code == 201, name
    for role in (Role.subject_teacher, Role.class_teacher, Role.schedule_dispatcher):
        headers = as_(role, school)
        assert (await api.get(years_of(school), headers=headers)).status_code == 200
        assert problem(await set_up(api, school, headers, "2030/2031"))[:2] == (403, "school_write_denied")
    # A pupil knows the school, but years are for the staff.
    assert problem(await api.get(years_of(school), headers=as_(Role.pupil, school)))[:2] == (
        403,
        "school_access_denied",
    )
    # Out of sight: another school's administration, another area's municipality.
    for headers in (as_(Role.school_admin, tree.school_b), as_(Role.municipality, tree.rayon_b)):
        assert problem(await set_up(api, school, headers, "2030/2031"))[:2] == (404, "school_not_found")
        assert problem(await api.get(years_of(school), headers=headers))[:2] == (404, "school_not_found")
    assert (await api.get(years_of(school))).status_code == 401


async def test_year_dates_change_on_the_version_seen(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, tree: Tree
) -> None:
    admin = as_(Role.school_admin, tree.school_a)
    earlier = (await set_up(api, tree.school_a, admin, "2024/2025")).json()
    year = (await set_up(api, tree.school_a, admin, "2025/2026")).json()
    url = f"{years_of(tree.school_a)}/{year['academic_year_id']}"

    moved = await api.patch(url, json={"version": 1, "ends_on": "2026-06-30"}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["ends_on"], moved.json()["version"]) == ("2026-06-30", 2)
    events = await published(contingent, YEAR_SET_UP)
    assert [e["data"]["ends_on"] for e in events] == ["2025-08-31", "2026-08-31", "2026-06-30"]

    stale = await api.patch(url, json={"version": 1, "ends_on": "2026-05-31"}, headers=admin)
    assert problem(stale) == (409, "stale_version", ["body.version"])
    overlapping = await api.patch(url, json={"version": 2, "starts_on": "2025-08-15"}, headers=admin)
    assert problem(overlapping)[:2] == (409, "academic_years_overlap")
    assert earlier["name"] in overlapping.json()["detail"]
    outside = await api.patch(url, json={"version": 2, "starts_on": "2024-12-31"}, headers=admin)
    assert problem(outside) == (422, "date_outside_year", ["body.starts_on"])
    same = await api.patch(url, json={"version": 2, "ends_on": "2026-06-30"}, headers=admin)
    assert same.json()["version"] == 2
    assert len(await published(contingent, YEAR_SET_UP)) == 3  # an unchanged year is not announced again

    teacher = await api.patch(
        url, json={"version": 2, "ends_on": "2026-05-31"}, headers=as_(Role.subject_teacher, tree.school_a)
    )
    assert problem(teacher)[:2] == (403, "school_write_denied")
    elsewhere = f"{years_of(tree.school_b)}/{year['academic_year_id']}"
    ministry = as_(Role.ministry, tree.region)
    assert problem(await api.patch(elsewhere, json={"version": 2}, headers=ministry))[:2] == (
        404,
        "academic_year_not_found",
    )
