"""The monitoring of how schools handle the applications (seed 001, Приложение 6): counts per school for
the municipality over them and the ministry, a school's own row for its administration, nobody else."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As
from eschool.enrolment.db.models import Application

from .conftest import INTAKE, World, application, next_school_year

DAY = timedelta(days=1)


def url(org_unit: uuid.UUID) -> str:
    return f"/v1/org-units/{org_unit}/applications/monitoring"


async def test_the_municipality_sees_each_schools_handling_and_the_school_its_own(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    ids = []
    for first_name in ("Анна", "Борис", "Вера"):
        body = application(world.school_a, child={"first_name": first_name})
        ids.append((await api.post(INTAKE, json=body, headers=portal)).json()["application_id"])
    paper = application(world.school_a, child={"first_name": "Глеб"})
    del paper["portal_number"], paper["source"], paper["school_id"]
    entered = await api.post(f"/v1/schools/{world.school_a}/applications", json=paper, headers=admin)
    assert entered.status_code == 201, entered.text
    assert (await api.post(INTAKE, json=application(world.school_b), headers=portal)).status_code == 201
    step = f"/v1/applications/{ids[0]}/status"
    assert (await api.post(step, json={"status": "registered"}, headers=admin)).status_code == 200
    rejection = {"status": "rejected", "reason_code": "duplicate"}
    assert (
        await api.post(f"/v1/applications/{ids[1]}/status", json=rejection, headers=admin)
    ).status_code == 200
    async with enrolment.database.uow() as uow:  # one has waited in the documents check for ten days
        await uow.session.execute(
            update(Application)
            .where(Application.application_id == uuid.UUID(ids[2]))
            .values(status_since=utcnow() - 10 * DAY)
        )
        await uow.commit()
    old = await api.post(
        INTAKE, json=application(world.school_b, child={"first_name": "Дина"}), headers=portal
    )
    async with enrolment.database.uow() as uow:  # still open, of a school year two years back
        await uow.session.execute(
            update(Application)
            .where(Application.application_id == uuid.UUID(old.json()["application_id"]))
            .values(school_year=Application.school_year - 2)
        )
        await uow.commit()
    year = {"school_year": next_school_year(), "stale_days": 7}
    seen = await api.get(url(world.rayon), params=year, headers=as_(Role.municipality, world.rayon))
    assert seen.status_code == 200, seen.text
    rows = {row["school_id"]: row for row in seen.json()}
    assert set(rows) == {str(world.school_a), str(world.school_b), str(world.closed_school)}
    a = rows[str(world.school_a)]
    assert (a["received"], a["from_portals"], a["unhandled_too_long"]) == (4, 3, 1)
    assert a["by_status"] == {"registered": 1, "rejected": 1, "documents_check": 1, "new": 1}
    assert a["mean_days_to_registration"] == 0.0
    assert (rows[str(world.school_b)]["received"], rows[str(world.closed_school)]["received"]) == (1, 0)
    past = [rows[str(school)]["past_years_open"] for school in (world.school_a, world.school_b)]
    assert past == [0, 1]
    ministry = await api.get(url(world.region), params=year, headers=as_(Role.ministry, world.region))
    assert len(ministry.json()) == 3
    own = await api.get(url(world.rayon), params=year, headers=admin)
    assert [row["school_id"] for row in own.json()] == [str(world.school_a)]
    for refused in (
        as_(Role.school_admin, world.school_b),
        as_(Role.guardian, world.school_a),
        as_(Role.subject_teacher, world.school_a),
        portal,
    ):
        assert (await api.get(url(world.school_a), params=year, headers=refused)).status_code == 404
    assert (
        await api.get(url(uuid.uuid4()), params=year, headers=as_(Role.ministry, world.region))
    ).status_code == 404
