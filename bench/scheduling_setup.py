"""The school of the scheduling benchmark: contingent's facts delivered as its relay would publish them,
the rest through scheduling's API; and the bare layer's scratch ``lesson`` table."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from bus import create_database
from contingent_setup import IDENTITY, call, headers

from eschool.common.auth import Role
from eschool.common.bus.memory import MemoryTransport
from eschool.common.db import utcnow
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    ClassSavedV1,
    FullName,
    OrgUnitRegisteredV1,
    StaffHiredV1,
)
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import deliverer
from eschool.scheduling.app import service
from eschool.scheduling.settings import SchedulingSettings

LETTERS = "АБВГ"
SUBJECTS = ("Математика", "Русский язык", "Литература", "Английский язык", "История", "Биология")
LESSON_COLUMNS = [
    "lesson_id",
    "school_id",
    "class_id",
    "subgroup_id",
    "term_id",
    "timetable_entry_id",
    "planned_on",
    "planned_slot_number",
    "lesson_on",
    "slot_number",
    "starts_at",
    "ends_at",
    "subject_id",
    "teacher_person_id",
    "room_id",
    "status",
    "cancel_reason",
    "created_at",
    "changed_at",
    "changed_by_user_id",
    "version",
]
DDL = """
CREATE TABLE lesson (
    lesson_id uuid PRIMARY KEY, school_id uuid NOT NULL, class_id uuid NOT NULL, subgroup_id uuid,
    term_id uuid NOT NULL, timetable_entry_id uuid, planned_on date NOT NULL,
    planned_slot_number smallint NOT NULL, lesson_on date NOT NULL, slot_number smallint NOT NULL,
    starts_at time NOT NULL, ends_at time NOT NULL, subject_id uuid NOT NULL,
    teacher_person_id uuid NOT NULL, room_id uuid, status varchar(20) NOT NULL, cancel_reason text,
    created_at timestamptz NOT NULL, changed_at timestamptz, changed_by_user_id uuid, version integer NOT NULL
);
CREATE UNIQUE INDEX uq_lesson ON lesson (school_id, class_id, planned_on, planned_slot_number, subgroup_id)
    NULLS NOT DISTINCT;
CREATE INDEX ix_lesson_class ON lesson (school_id, class_id, lesson_on);
CREATE INDEX ix_lesson_teacher ON lesson (school_id, teacher_person_id, lesson_on);
CREATE INDEX ix_lesson_room ON lesson (school_id, room_id, lesson_on);
"""


@dataclass(frozen=True)
class School:
    """The school, its scheme and first term (nine weeks), its classes, its administrator."""

    school_id: uuid.UUID
    scheme_id: str
    term_id: str
    class_ids: list[uuid.UUID]
    admin: dict[str, str]


@contextlib.asynccontextmanager
async def scheduling(admin_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    """Scheduling migrated on a fresh database, its events kept in the outbox; its API in-process."""
    database_url = await create_database(admin_url, "bench_scheduling")
    settings = SchedulingSettings(database_url=database_url, bus_url="memory://")
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    try:
        app = runtime.app(manage_lifespan=False)
        IDENTITY.install(app)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://s.bench"
        ) as api:
            yield api, runtime
    finally:
        await runtime.stop()


async def add_school(
    api: httpx.AsyncClient, runtime: ServiceRuntime, classes: int, days: int, slots: int
) -> School:
    """A school of 2025/2026 with ``classes`` classes on «Четверти» (the third quarter 12 Jan - 14 Mar: nine
    weeks), 40 teachers, six subjects, a bell schedule, and each class's week of ``days`` × ``slots``."""
    deliver, now = deliverer(runtime, within=30.0), utcnow()
    region, rayon, school, year = (uuid.uuid4() for _ in range(4))
    units = [(region, "region", None), (rayon, "municipality", region), (school, "school", rayon)]
    await deliver(
        *(
            OrgUnitRegisteredV1(
                org_unit_id=u, kind=k, parent_id=p, time_zone="Europe/Moscow", occurred_at=now
            )
            for u, k, p in units
        ),
        AcademicYearSetUpV1(
            academic_year_id=year,
            school_id=school,
            name="2025/2026",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
            occurred_at=now,
        ),
    )
    admin = headers(Role.school_admin, school)
    body = {"academic_year_id": str(year), "name": "Четверти", "kind": "quarters"}
    scheme = await call(api, "POST", f"/v1/schools/{school}/term-schemes", admin, json=body)
    terms = [{k: t[k] for k in ("name", "starts_on", "ends_on")} for t in scheme["terms"]]
    terms[2]["starts_on"], terms[2]["ends_on"] = "2026-01-12", "2026-03-14"
    path = f"/v1/term-schemes/{scheme['term_scheme_id']}/terms"
    scheme = await call(api, "PUT", path, admin, json={"version": scheme["version"], "terms": terms})
    teachers = [uuid.uuid4() for _ in range(40)]
    class_ids = [uuid.uuid4() for _ in range(classes)]
    name = FullName(last_name="Учитель", first_name="Анна", middle_name="Сергеевна")
    await deliver(
        *(
            StaffHiredV1(person_id=t, school_id=school, name=name, restored=False, occurred_at=now)
            for t in teachers
        )
    )
    await deliver(
        *(_class(c, i, school, year, uuid.UUID(scheme["term_scheme_id"])) for i, c in enumerate(class_ids))
    )
    catalogue = await call(api, "GET", "/v1/subjects", admin)
    subjects = [x["subject_id"] for x in catalogue if x["name"] in SUBJECTS]
    await call(api, "POST", f"/v1/schools/{school}/subjects/chosen", admin, json={"subject_ids": subjects})
    bells = {"academic_year_id": str(year), "name": "1 смена", "lessons": slots}
    schedule = await call(api, "POST", f"/v1/schools/{school}/bell-schedules", admin, json=bells)
    for index, class_id in enumerate(class_ids):
        entries = [
            _entry(d, s, subjects[(d + s) % len(subjects)], teachers[(index + d + s) % len(teachers)])
            for d in range(1, days + 1)
            for s in range(1, slots + 1)
        ]
        week = {
            "valid_from": "2025-09-01",
            "bell_schedule_id": schedule["bell_schedule_id"],
            "entries": entries,
        }
        await call(api, "PUT", f"/v1/classes/{class_id}/timetable", admin, json=week)
    return School(school, scheme["term_scheme_id"], scheme["terms"][2]["term_id"], class_ids, admin)


def _class(
    class_id: uuid.UUID, index: int, school: uuid.UUID, year: uuid.UUID, scheme: uuid.UUID
) -> ClassSavedV1:
    return ClassSavedV1(
        class_id=class_id,
        school_id=school,
        academic_year_id=year,
        grade=1 + index // len(LETTERS),
        letter=LETTERS[index % len(LETTERS)],
        kind="general",
        profile=None,
        shift=1,
        term_scheme_id=scheme,
        max_size=25,
        class_teacher_person_id=None,
        occurred_at=utcnow(),
    )


def _entry(weekday: int, slot: int, subject: str, teacher: uuid.UUID) -> dict[str, Any]:
    return {"weekday": weekday, "slot_number": slot, "subject_id": subject, "teacher_person_id": str(teacher)}
