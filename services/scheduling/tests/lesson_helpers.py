"""School A's 5 А and 6 Б on a quarters scheme with a week's timetable, and helpers to generate and
read their dated lessons."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import World, new_scheme
from .contingent_facts import class_saved
from .timetable_setup import School, lesson, school_ready, week


@dataclass(frozen=True)
class Term:
    """School A's classes on a scheme, and its first quarter."""

    school: School
    scheme_id: str
    term_id: str
    starts_on: date
    ends_on: date


async def term_ready(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> Term:
    """5 А: Monday 1st Maths (teacher 0, room 0), Wednesday 2nd Russian (teacher 1); 6 Б: Monday 2nd
    Maths (teacher 0); both classes on the scheme «Четверти»."""
    s = await school_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    await deliver(
        class_saved(s.class_5a, world.school_a, world.year_a, scheme=uuid.UUID(scheme["term_scheme_id"])),
        class_saved(
            s.class_6b,
            world.school_a,
            world.year_a,
            grade=6,
            letter="Б",
            scheme=uuid.UUID(scheme["term_scheme_id"]),
        ),
    )
    body = week(
        s,
        "2025-09-01",
        lesson(s, 1, 1, "Математика", 0, room_id=s.rooms[0]),
        lesson(s, 3, 2, "Русский язык", 1),
    )
    assert (await api.put(f"/v1/classes/{s.class_5a}/timetable", json=body, headers=admin)).status_code == 200
    body = week(s, "2025-09-01", lesson(s, 1, 2, "Математика", 0))
    assert (await api.put(f"/v1/classes/{s.class_6b}/timetable", json=body, headers=admin)).status_code == 200
    first = scheme["terms"][0]
    return Term(
        s,
        scheme["term_scheme_id"],
        first["term_id"],
        date.fromisoformat(first["starts_on"]),
        date.fromisoformat(first["ends_on"]),
    )


async def generate(
    api: httpx.AsyncClient, headers: dict[str, str], world: World, term: Term
) -> dict[str, Any]:
    """Run the term's generation through the API and wait for its end (polling, never a bare sleep)."""
    body = {"term_scheme_id": term.scheme_id, "term_id": term.term_id}
    made = await api.post(f"/v1/schools/{world.school_a}/lesson-generations", json=body, headers=headers)
    assert made.status_code == 202, made.text
    job = made.json()
    for _ in range(400):
        if job["status"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.025)
        job = (
            await api.get(f"/v1/lesson-generations/{job['lesson_generation_job_id']}", headers=headers)
        ).json()
    raise AssertionError(f"generation did not end: {job}")


async def lessons_of(
    api: httpx.AsyncClient, headers: dict[str, str], class_id: object, first: date, last: date
) -> list[dict[str, Any]]:
    """The class's lessons between the days."""
    query = {"from": first.isoformat(), "to": last.isoformat()}
    found = await api.get(f"/v1/classes/{class_id}/lessons", params=query, headers=headers)
    assert found.status_code == 200, found.text
    return found.json()


def weekdays(first: date, last: date, weekday: int, skip: set[date]) -> list[date]:
    """The days between (both included) falling on the ISO weekday, except ``skip``."""
    days, day = [], first
    while day <= last:
        if day.isoweekday() == weekday and day not in skip:
            days.append(day)
        day += timedelta(days=1)
    return days
