"""What bench/contingent.py measures on: the PostgreSQL server, contingent in this process with its API
reached through httpx's ASGI transport, a school set up through that API, the pupils' xlsx files, and
the bare layer's scratch tables and the same pupils as their rows.

Contingent needs no broker here (its bus is the in-memory one and its relay is off), so only PostgreSQL
is taken: ESCHOOL_BENCH_POSTGRES_URL (admin URL) if set, else a private server started from this
machine's binaries in a temporary directory, as bench/bus.py starts it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from bus import create_database  # bench/bus.py: databases made the same way

from eschool.common.auth import Role
from eschool.common.bus.memory import MemoryTransport
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.contingent.app import service
from eschool.contingent.settings import ContingentSettings

IDENTITY = TestIdentity()
LETTERS = "АБВГ"
TOKEN_LIFETIME_S = 3600  # longer than the whole run
NAMES = (
    ("Иванова", "Анна", "Сергеевна", "ж"),
    ("Петров", "Константин", "Александрович", "м"),
    ("Смирнова", "Ольга", "Игоревна", "ж"),
    ("Кузнецов", "Илья", "Петрович", "м"),
)


@contextlib.contextmanager
def postgres() -> Iterator[tuple[str, str]]:
    """The admin URL (asyncpg DSN without driver) and where the server comes from."""
    if url := os.environ.get("ESCHOOL_BENCH_POSTGRES_URL"):
        yield url, "ESCHOOL_BENCH_POSTGRES_URL"
        return
    from eschool.common.infra import start_postgres

    with (
        tempfile.TemporaryDirectory(prefix="eschool-bench-pg-") as pg_dir,
        start_postgres(Path(pg_dir)) as server,
    ):
        yield server.url("postgres", driver=None), "private server from this machine's binaries (fsync on)"


def headers(role: Role, org_unit_id: uuid.UUID) -> dict[str, str]:
    """Authorization of someone holding ``role`` in ``org_unit_id``."""
    return IDENTITY.headers(IDENTITY.token_for(role, org_unit_id, expires_in=TOKEN_LIFETIME_S))


@contextlib.asynccontextmanager
async def contingent(admin_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Contingent migrated on a fresh database, its events kept in the outbox; its API in-process."""
    database_url = await create_database(admin_url, "bench_contingent")
    settings = ContingentSettings(database_url=database_url, bus_url="memory://")
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    try:
        app = runtime.app(manage_lifespan=False)
        IDENTITY.install(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://contingent.bench") as api:
            yield api
    finally:
        await runtime.stop()


async def call(api: httpx.AsyncClient, method: str, path: str, head: dict[str, str], **kw: Any) -> Any:
    """The answer's JSON; any status but 200, 201, 202 stops the benchmark with the answer."""
    response = await api.request(method, path, headers=head, **kw)
    if response.status_code not in (200, 201, 202):
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:2000]}")
    return response.json()


@dataclass(frozen=True)
class School:
    """The school, its current year, the next year's name, its classes and its administrator."""

    school_id: uuid.UUID
    year_id: str
    starts_on: date
    next_year: str
    class_ids: list[uuid.UUID]
    grades: list[int]
    admin: dict[str, str]


def _unit(kind: str, parent: str | None, name: str) -> dict[str, Any]:
    return {"kind": kind, "parent_id": parent, "full_name": f"{name} (бенчмарк)", "short_name": name}


async def add_school(api: httpx.AsyncClient, classes: int, size: int) -> School:
    """Region, municipality and school, this academic year, ``classes`` classes (grades from 1, letters
    А-Г) of ``max_size`` ``size``: all through the API, as the ministry and the school's administrator."""
    ministry = headers(Role.ministry, uuid.uuid4())
    units = "/v1/org-units"
    region = await call(api, "POST", units, ministry, json=_unit("region", None, "Область"))
    rayon = await call(
        api, "POST", units, ministry, json=_unit("municipality", region["org_unit_id"], "Район")
    )
    school = await call(api, "POST", units, ministry, json=_unit("school", rayon["org_unit_id"], "Школа №1"))
    school_id = uuid.UUID(school["org_unit_id"])
    admin = headers(Role.school_admin, school_id)
    today = date.today()
    first = today.year if today.month >= 9 else today.year - 1
    year_body = {"name": f"{first}/{first + 1}"}
    year = await call(api, "POST", f"/v1/schools/{school_id}/academic-years", admin, json=year_body)
    class_ids, grades = [], []
    for index in range(classes):
        grade, letter = 1 + index // len(LETTERS), LETTERS[index % len(LETTERS)]
        body = {"academic_year_id": year["academic_year_id"], "grade": grade, "letter": letter}
        made = await call(
            api, "POST", f"/v1/schools/{school_id}/classes", admin, json=body | {"max_size": size}
        )
        class_ids.append(uuid.UUID(made["class_id"]))
        grades.append(grade)
    starts_on = date.fromisoformat(year["starts_on"])
    next_year = f"{first + 1}/{first + 2}"
    return School(school_id, year["academic_year_id"], starts_on, next_year, class_ids, grades, admin)


@dataclass(frozen=True)
class PupilRow:
    """One pupil as the template holds it (dates typed as the old system's files have them: text)."""

    number: str
    last_name: str
    first_name: str
    middle_name: str
    sex: str  # м, ж
    birth_date: date
    order_series: str
    order_number: str
    order_date: date

    def cells(self) -> list[Any]:
        born, ordered = f"{self.birth_date:%d.%m.%Y}", f"{self.order_date:%d.%m.%Y}"
        names = [self.last_name, self.first_name, self.middle_name, self.sex]
        return [self.number, *names, born, self.order_series, self.order_number, ordered]


def class_pupils(school: School, index: int, size: int) -> list[PupilRow]:
    """``size`` pupils of the school's class ``index``, of an age for its grade, enrolled by one order."""
    grade = school.grades[index]
    rows = []
    for n in range(size):
        last, first, middle, sex = NAMES[n % len(NAMES)]
        born = date(school.starts_on.year - 7 - grade, 1 + n % 12, 1 + n % 28)
        ordered = school.starts_on - timedelta(days=30)
        rows.append(
            PupilRow(f"{index + 1}-{n + 1}", last, first, middle, sex, born, "К", f"{index + 1}", ordered)
        )
    return rows


async def template(api: httpx.AsyncClient, school: School) -> bytes:
    """The empty template as the service hands it out (``GET .../pupils/import-template``)."""
    path = f"/v1/classes/{school.class_ids[0]}/pupils/import-template"
    response = await api.get(path, headers=school.admin)
    response.raise_for_status()
    return response.content


def workbook(empty: bytes, rows: list[PupilRow]) -> bytes:
    """The template filled as a school fills it: one pupil a row from the third."""
    book = openpyxl.load_workbook(io.BytesIO(empty))
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row.cells())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The bare layer's tables and rows (bench/contingent.py writes them with raw asyncpg).
PERSON = ("person_id", "last_name", "first_name", "middle_name", "birth_date", "sex")
PERSON += ("created_at", "updated_at", "version")
ENROLMENT = ("pupil_enrolment_id", "school_id", "person_id", "class_id", "academic_year_id")
ENROLMENT += ("personal_file_number", "education_form", "enrolled_on", "order_series", "order_number")
ENROLMENT += (
    "order_date",
    "attends_day_care",
    "status",
    "form_digest",
    "created_at",
    "updated_at",
    "version",
)
MOVEMENT = ("pupil_movement_id", "person_id", "pupil_enrolment_id", "school_id", "kind", "happened_on")
MOVEMENT += ("from_class_id", "to_class_id", "order_series", "order_number", "order_date", "recorded_at")
# The columns, keys and indexes of contingent's tables (services/contingent/migrations), less the foreign
# keys into tables the scratch database does not have (org_unit, school_class, academic_year).
DDL = """
CREATE TABLE person (person_id uuid PRIMARY KEY, last_name varchar(100) NOT NULL,
  first_name varchar(100) NOT NULL, middle_name varchar(100), birth_date date, sex varchar(6),
  citizenship varchar(2), snils_hash varchar(64) UNIQUE, snils_ciphertext varchar(255), snils_tail varchar(2),
  phone varchar(20), email varchar(254), created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  version integer NOT NULL);
CREATE INDEX ON person (snils_hash);
CREATE TABLE pupil_enrolment (pupil_enrolment_id uuid PRIMARY KEY, school_id uuid NOT NULL,
  person_id uuid NOT NULL REFERENCES person, class_id uuid NOT NULL, academic_year_id uuid NOT NULL,
  personal_file_number varchar(30) NOT NULL, education_form varchar(30) NOT NULL, enrolled_on date NOT NULL,
  withdrawn_on date, order_series varchar(20), order_number varchar(30) NOT NULL, order_date date NOT NULL,
  attends_day_care boolean NOT NULL, status varchar(20) NOT NULL, form_digest varchar(64) NOT NULL,
  enrolled_by_user_id uuid, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  version integer NOT NULL, UNIQUE (school_id, personal_file_number));
CREATE INDEX ON pupil_enrolment (person_id);
CREATE INDEX ON pupil_enrolment (class_id);
CREATE UNIQUE INDEX ON pupil_enrolment (person_id) WHERE status = 'enrolled';
CREATE TABLE pupil_movement (pupil_movement_id uuid PRIMARY KEY, person_id uuid NOT NULL REFERENCES person,
  pupil_enrolment_id uuid NOT NULL REFERENCES pupil_enrolment, school_id uuid NOT NULL,
  kind varchar(20) NOT NULL, happened_on date NOT NULL, from_class_id uuid, to_class_id uuid,
  order_series varchar(20), order_number varchar(30) NOT NULL, order_date date NOT NULL, reason varchar(40),
  destination varchar(20), destination_school_id uuid, withdrawal_movement_id uuid UNIQUE,
  actor_user_id uuid, recorded_at timestamptz NOT NULL);
CREATE INDEX ON pupil_movement (person_id);
CREATE INDEX ON pupil_movement (pupil_enrolment_id);
CREATE INDEX ON pupil_movement (destination_school_id);
"""
Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]  # one class: person rows, enrolment rows


def raw_batches(school: School, pupils: list[list[PupilRow]]) -> list[Batch]:
    """The rows the import writes into person and pupil_enrolment, class by class."""
    now, batches = utcnow(), []
    for class_id, rows in zip(school.class_ids, pupils, strict=True):
        persons, enrolments = [], []
        for row in rows:
            person_id, sex = uuid.uuid4(), "female" if row.sex == "ж" else "male"
            names = (row.last_name, row.first_name, row.middle_name)
            persons.append((person_id, *names, row.birth_date, sex, now, now, 1))
            digest = hashlib.sha256(repr(row).encode()).hexdigest()
            order = (row.order_series, row.order_number, row.order_date)
            ids = (uuid.uuid4(), school.school_id, person_id, class_id, uuid.UUID(school.year_id))
            stay = (row.number, "full_time", school.starts_on, *order, False, "enrolled", digest)
            enrolments.append((*ids, *stay, now, now, 1))
        batches.append((persons, enrolments))
    return batches
