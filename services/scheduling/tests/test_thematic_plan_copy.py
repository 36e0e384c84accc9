"""A thematic plan copied from the previous year (seed 001, stage 4): taken when its hours equal this
year's curriculum hours, refused naming both totals otherwise, and copying again changes nothing."""

from __future__ import annotations

import uuid
from datetime import date

import httpx

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import AcademicYearSetUpV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import class_saved
from .plan_helpers import plan_class, topics

CHANGED = "scheduling.thematic_plan.changed.v1"


async def last_years_class(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, subject: str
) -> uuid.UUID:
    """School A's 2024/2025 year with its 4 «А», whose mathematics plan has 34 hours."""
    year, class_id = uuid.uuid4(), uuid.uuid4()
    last_year = AcademicYearSetUpV1(
        academic_year_id=year,
        school_id=world.school_a,
        name="2024/2025",
        starts_on=date(2024, 9, 1),
        ends_on=date(2025, 8, 31),
        occurred_at=utcnow(),
    )
    await deliver(last_year, class_saved(class_id, world.school_a, year, grade=4))
    url = f"/v1/classes/{class_id}/thematic-plans/{subject}"
    saved = await api.put(
        url, json={"version": 0, "topics": topics(30, 4)}, headers=as_(Role.school_admin, world.school_a)
    )
    assert saved.status_code == 200, saved.text
    return class_id


async def test_the_plan_is_copied_when_the_hours_match_and_refused_naming_both_totals_when_not(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.deputy_director, world.school_a)
    cls = await plan_class(api, as_, world, deliver, weekly=1)
    source = await last_years_class(api, as_, world, deliver, cls.subject_id)
    copied = await api.post(f"{cls.url}/copy-from-previous-year", json={}, headers=admin)
    assert copied.status_code == 200, copied.text
    plan = copied.json()
    assert (plan["version"], plan["hours"]["matches"], len(plan["topics"])) == (1, True, 2)
    again = await api.post(f"{cls.url}/copy-from-previous-year", json={"version": 1}, headers=admin)
    assert again.json()["version"] == 1
    mine = [e for e in await published(scheduling, CHANGED) if e["data"]["class_id"] == str(cls.class_id)]
    assert len(mine) == 1

    wider = await plan_class(api, as_, world, deliver, weekly=2)
    body = {"source_class_id": str(source)}
    refused = await api.post(f"{wider.url}/copy-from-previous-year", json=body, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (422, "hours_mismatch")
    assert refused.json()["detail"] == (
        "КТП не скопирован: в КТП класса 4 «А» прошлого года 34 ч, а в учебном плане класса 5 «А» — 68 ч"
    )
    assert (await api.get(wider.url, headers=admin)).json()["version"] == 0
    this_year = {"source_class_id": str(cls.class_id)}
    wrong = await api.post(f"{wider.url}/copy-from-previous-year", json=this_year, headers=admin)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "source_class_not_found")


async def test_a_teacher_of_another_subject_cannot_copy(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    cls = await plan_class(api, as_, world, deliver)
    await last_years_class(api, as_, world, deliver, cls.subject_id)
    teacher = as_(Role.subject_teacher, world.school_a, person_id=uuid.uuid4())
    denied = await api.post(f"{cls.url}/copy-from-previous-year", json={}, headers=teacher)
    assert (denied.status_code, denied.json()["code"]) == (403, "thematic_plan_write_denied")
