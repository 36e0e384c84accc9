"""The region bench/journal.py measures on, loaded straight into the journal's migrated database.

What contingent's and scheduling's events would have put in the journal's projections (org units with
their time zone, subjects, a term per school, classes, class teachers, rosters, staff, names, guardians'
links, lessons) and what teachers would have written over the term (lesson records, marks, absences),
by ``COPY`` (asyncpg ``copy_records_to_table``) in the models' column layout: ordinary schools of
``classes`` classes, and ``big_schools`` of ``big_classes`` (a whole school's term marks). Grades 2-11
(the first grade takes no marks), 12 subjects, a five-day week of six lessons, a term of ``weeks``
weeks ending before today and open. Marks take the region's work types and weights from the
``work_type`` table. History has no audit or outbox rows (the outbox is pruned after a week anyway).
The secondary indexes of the big tables are dropped for the load and built again after it.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

import asyncpg

LETTERS = "АБВГДЕЖИ"
SUBJECTS = (
    "Русский язык",
    "Литература",
    "Математика",
    "Английский язык",
    "История",
    "Обществознание",
    "География",
    "Биология",
    "Физика",
    "Химия",
    "Информатика",
    "Физическая культура",
)
NAMES = (("Иванов", "Пётр", "Сергеевич"), ("Смирнова", "Анна", "Игоревна"), ("Кузнецов", "Илья", None))
# The share of lessons whose marks are of each kind (the rest: answers in class); one mark per pupil.
LESSON_KINDS = (("homework", 0.08), ("independent", 0.05), ("test", 0.04), ("control", 0.03))
BULK_TABLES = ("lesson", "lesson_record", "mark", "attendance")
LESSON = [
    "lesson_id",
    "school_id",
    "class_id",
    "term_id",
    "subject_id",
    "teacher_person_id",
    "lesson_on",
    "slot_number",
    "starts_at",
    "ends_at",
    "cancelled",
    "source_version",
    "planned_topic",
]
RECORD = [
    "lesson_id",
    "school_id",
    "lesson_on",
    "topic",
    "homework",
    "work_kind",
    "taught_by_person_id",
    "substitute",
    "recorded_at",
    "updated_at",
    "updated_by",
    "version",
]
MARK = [
    "mark_id",
    "school_id",
    "lesson_id",
    "pupil_person_id",
    "class_id",
    "subject_id",
    "term_id",
    "lesson_on",
    "work_type_id",
    "weight",
    "value",
    "numeric_value",
    "recorded_by",
    "recorded_at",
    "updated_at",
    "version",
]
ATTENDANCE = [
    "lesson_id",
    "pupil_person_id",
    "school_id",
    "class_id",
    "subject_id",
    "term_id",
    "lesson_on",
    "code",
    "recorded_by",
    "updated_at",
    "version",
]


@dataclass(frozen=True)
class Size:
    """How big the region is."""

    schools: int
    classes: int
    big_schools: int
    big_classes: int
    pupils_per_class: int
    weeks: int
    marks: int
    absences_per_lesson: float
    days: int = 5
    slots: int = 6


FULL = Size(100, 20, 2, 40, 25, 10, 5_000_000, 1.0)
SMALL = Size(4, 4, 2, 8, 10, 4, 40_000, 1.0)


@dataclass(frozen=True)
class WorkType:
    """A regional work type as the migration wrote it."""

    work_type_id: uuid.UUID
    code: str
    weight: Decimal
    multiple: bool


@dataclass(frozen=True)
class Lesson:
    """A past lesson the write lanes may write in: its facts, its teacher, its class's pupils."""

    lesson_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    term_id: uuid.UUID
    lesson_on: date
    teacher_id: uuid.UUID
    pupils: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class SchoolClass:
    """A class: its pupils and, by subject, the teacher who teaches it."""

    class_id: uuid.UUID
    grade: int
    pupils: tuple[uuid.UUID, ...]
    teachers: dict[uuid.UUID, uuid.UUID]


@dataclass
class School:
    """A school, its term and its classes."""

    school_id: uuid.UUID
    term_id: uuid.UUID
    classes: list[SchoolClass]


@dataclass
class Dataset:
    """What the benchmark needs to know of the loaded region (ids, not rows)."""

    size: Size
    term_start: date
    subjects: list[uuid.UUID]
    work_types: dict[str, WorkType]
    schools: list[School] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    guardians: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def pupils(self) -> list[uuid.UUID]:
        return list(self.guardians)


class Ids:
    """Random UUIDs (version 4) from a seeded generator: the same region every run."""

    def __init__(self, rng: random.Random) -> None:
        self.bits = rng.getrandbits

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self.bits(128), version=4)


def term_start(weeks: int, today: date) -> date:
    """The Monday ``weeks + 1`` weeks before this one: the term ends on the Sunday before last week."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks + 1)


async def load(conn: asyncpg.Connection, size: Size, *, seed: int = 20261201, keep: int = 40_000) -> Dataset:
    """Generate and COPY the region; ``keep`` past lessons are kept (at random) for the write lanes."""
    started = time.perf_counter()
    await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")
    rng = random.Random(seed)
    ids = Ids(rng)
    work_types = {
        r["code"]: WorkType(r["work_type_id"], r["code"], r["weight"], r["multiple"])
        for r in await conn.fetch("SELECT * FROM work_type WHERE school_id IS NULL AND NOT retired")
    }
    data = Dataset(size, term_start(size.weeks, date.today()), [ids() for _ in SUBJECTS], work_types)
    await _region(conn, data, ids)
    indexes = await _drop_indexes(conn)
    data.seconds["projections"] = time.perf_counter() - started
    lessons_total = _lessons_total(size)
    sampler = (rng, keep / lessons_total)
    per_lesson = size.marks / lessons_total
    for school in data.schools:
        await _school_term(conn, data, school, ids, sampler, per_lesson)
    data.seconds["copy"] = time.perf_counter() - started - data.seconds["projections"]
    started_indexes = time.perf_counter()
    for statement in indexes:
        await conn.execute(statement)
    await conn.execute("ANALYZE")
    data.seconds["indexes_and_analyze"] = time.perf_counter() - started_indexes
    data.seconds["total"] = time.perf_counter() - started
    return data


def _lessons_total(size: Size) -> int:
    classes = size.big_schools * size.big_classes + (size.schools - size.big_schools) * size.classes
    return classes * size.weeks * size.days * size.slots


async def _copy(conn: asyncpg.Connection, data: Dataset, table: str, columns: list[str], rows: Any) -> None:
    rows = list(rows)
    await conn.copy_records_to_table(table, records=rows, columns=columns)
    data.rows[table] = data.rows.get(table, 0) + len(rows)


async def _drop_indexes(conn: asyncpg.Connection) -> list[str]:
    """Drop the big tables' indexes and primary keys; the statements that make them again."""
    found = await conn.fetch(
        """SELECT c.relname AS index_name, t.relname AS table_name, pg_get_indexdef(c.oid) AS indexdef,
                  con.conname, pg_get_constraintdef(con.oid) AS condef
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
           LEFT JOIN pg_constraint con ON con.conindid = c.oid
           WHERE t.relname = ANY($1::text[])""",
        list(BULK_TABLES),
    )
    again = []
    for row in found:
        if row["conname"] is not None:
            await conn.execute(f'ALTER TABLE {row["table_name"]} DROP CONSTRAINT "{row["conname"]}"')
            again.append(f'ALTER TABLE {row["table_name"]} ADD CONSTRAINT "{row["conname"]}" {row["condef"]}')
        else:
            await conn.execute(f'DROP INDEX "{row["index_name"]}"')
            again.append(row["indexdef"])
    return again


async def _region(conn: asyncpg.Connection, data: Dataset, ids: Ids) -> None:
    """Org units, subjects, and each school's term, classes, teachers, pupils and guardians."""
    size, now = data.size, datetime.now(UTC)
    region, municipalities = ids(), [ids() for _ in range(max(1, size.schools // 10))]
    units = [(region, "region", None, now)] + [(m, "municipality", region, now) for m in municipalities]
    year_start = date(data.term_start.year if data.term_start.month >= 9 else data.term_start.year - 1, 9, 1)
    year_id = ids()
    rows: dict[str, list[tuple[Any, ...]]] = {
        t: [] for t in ("term", "school_class", "class_teacher", "class_stay", "staff", "names", "links")
    }
    for index in range(size.schools):
        school = School(ids(), ids(), [])
        data.schools.append(school)
        units.append((school.school_id, "school", municipalities[index % len(municipalities)], now))
        ends = data.term_start + timedelta(weeks=size.weeks, days=-1)
        rows["term"].append(
            (
                school.term_id,
                school.school_id,
                ids(),
                year_id,
                2,
                "2 четверть",
                data.term_start,
                ends,
                now,
                False,
                now,
            )
        )
        classes = size.big_classes if index < size.big_schools else size.classes
        teachers = [ids() for _ in range(max(1, classes * len(SUBJECTS) // 6))]
        for t, teacher in enumerate(teachers):
            last, first, middle = NAMES[t % len(NAMES)]
            rows["staff"].append((school.school_id, teacher, last, first, middle, now, now, now))
        scheme = rows["term"][-1][2]
        for c in range(classes):
            grade, letter = 2 + c * 10 // classes, LETTERS[c % max(1, -(-classes // 10))]
            subject_teachers = {
                s: teachers[(k * classes + c) // 6 % len(teachers)] for k, s in enumerate(data.subjects)
            }
            pupils = tuple(ids() for _ in range(size.pupils_per_class))
            school.classes.append(SchoolClass(ids(), grade, pupils, subject_teachers))
            class_id = school.classes[-1].class_id
            rows["school_class"].append((class_id, school.school_id, year_id, grade, letter, scheme, now))
            rows["class_teacher"].append((class_id, school.school_id, teachers[c % len(teachers)], now))
            for p, pupil in enumerate(pupils):
                last, first, middle = NAMES[p % len(NAMES)]
                rows["class_stay"].append((school.school_id, pupil, class_id, year_start, now, now))
                rows["names"].append((pupil, last, first, middle, now))
                data.guardians[pupil] = ids()
                rows["links"].append((data.guardians[pupil], pupil, school.school_id, True, now))
    subjects = [(s, None, name, name[:10], now) for s, name in zip(data.subjects, SUBJECTS, strict=True)]
    states = [(u[0], "Europe/Moscow", False, now) for u in units]
    await _copy(conn, data, "org_unit", ["org_unit_id", "kind", "parent_id", "source_version"], units)
    await _copy(
        conn, data, "org_unit_state", ["org_unit_id", "time_zone", "closed", "source_version"], states
    )
    await _copy(
        conn, data, "subject", ["subject_id", "school_id", "name", "short_name", "source_version"], subjects
    )
    term_columns = "term_id school_id term_scheme_id academic_year_id number name starts_on ends_on"
    term_columns += " dates_version closed state_version"
    await _copy(conn, data, "term", term_columns.split(), rows["term"])
    class_columns = [
        "class_id",
        "school_id",
        "academic_year_id",
        "grade",
        "letter",
        "term_scheme_id",
        "source_version",
    ]
    await _copy(conn, data, "school_class", class_columns, rows["school_class"])
    teacher_columns = ["class_id", "school_id", "person_id", "source_version"]
    await _copy(conn, data, "class_teacher", teacher_columns, rows["class_teacher"])
    stay_columns = ["school_id", "person_id", "class_id", "from_on", "opened_at", "source_version"]
    await _copy(conn, data, "class_stay", stay_columns, rows["class_stay"])
    staff_columns = "school_id person_id last_name first_name middle_name hired_at name_version"
    await _copy(conn, data, "staff_member", [*staff_columns.split(), "source_version"], rows["staff"])
    name_columns = ["person_id", "last_name", "first_name", "middle_name", "name_version"]
    await _copy(conn, data, "person_name", name_columns, rows["names"])
    link_columns = ["guardian_person_id", "pupil_person_id", "school_id", "linked", "source_version"]
    await _copy(conn, data, "guardian_link", link_columns, rows["links"])


def _slot_times(slot: int) -> tuple[clock, clock]:
    minutes = 8 * 60 + (slot - 1) * 55
    return clock(minutes // 60, minutes % 60), clock((minutes + 45) // 60, (minutes + 45) % 60)


def _lesson_kind(rng: random.Random) -> str:
    draw = rng.random()
    for code, share in LESSON_KINDS:
        if draw < share:
            return code
        draw -= share
    return "answer"


async def _school_term(
    conn: asyncpg.Connection,
    data: Dataset,
    school: School,
    ids: Ids,
    sampler: tuple[random.Random, float],
    per_lesson: float,
) -> None:
    """A school's term: lessons, their records, marks and absences, copied a table at a time."""
    lessons, records, marks, absences = [], [], [], []
    for row in _lessons(data, school, ids, sampler, per_lesson):
        lessons.append(row[0])
        records.append(row[1])
        marks.extend(row[2])
        absences.extend(row[3])
    for table, columns, rows in (
        ("lesson", LESSON, lessons),
        ("lesson_record", RECORD, records),
        ("mark", MARK, marks),
        ("attendance", ATTENDANCE, absences),
    ):
        await _copy(conn, data, table, columns, rows)


def _lessons(
    data: Dataset, school: School, ids: Ids, sampler: tuple[random.Random, float], per_lesson: float
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    rng, keep = sampler
    size, grades = data.size, ("2", "3", "4", "4", "5", "5", "5")
    subjects, work_types = data.subjects, data.work_types
    for c, school_class in enumerate(school.classes):
        facts = (school.school_id, school_class.class_id, school.term_id)
        for week in range(size.weeks):
            for day in range(size.days):
                lesson_on = data.term_start + timedelta(weeks=week, days=day)
                at = datetime.combine(lesson_on, clock(12), tzinfo=UTC)
                for slot in range(1, size.slots + 1):
                    subject = subjects[(c + day * size.slots + slot) % len(subjects)]
                    teacher = school_class.teachers[subject]
                    lesson_id = ids()
                    starts, ends = _slot_times(slot)
                    topic = f"Тема урока {week + 1}.{day + 1}"
                    lesson = (
                        lesson_id,
                        facts[0],
                        facts[1],
                        facts[2],
                        subject,
                        teacher,
                        lesson_on,
                        slot,
                        starts,
                        ends,
                        False,
                        at,
                        topic,
                    )
                    work = work_types[_lesson_kind(rng)]
                    kind = "control" if work.code == "control" else None
                    record = (
                        lesson_id,
                        facts[0],
                        lesson_on,
                        topic,
                        "§ 12, № 3-5",
                        kind,
                        teacher,
                        False,
                        at,
                        at,
                        teacher,
                        1,
                    )
                    count = int(per_lesson) + (rng.random() < per_lesson % 1)
                    marked = rng.sample(school_class.pupils, min(count, len(school_class.pupils)))
                    common = (facts[1], subject, facts[2], lesson_on)
                    marks = [
                        (
                            ids(),
                            facts[0],
                            lesson_id,
                            pupil,
                            *common,
                            work.work_type_id,
                            work.weight,
                            value,
                            int(value),
                            teacher,
                            at,
                            at,
                            1,
                        )
                        for pupil in marked
                        for value in (rng.choice(grades),)
                    ]
                    absent = rng.sample(school_class.pupils, _count(rng, size.absences_per_lesson))
                    codes = ("absent", "ill", "excused", "late")
                    absences = [
                        (lesson_id, pupil, facts[0], *common, rng.choice(codes), teacher, at, 1)
                        for pupil in absent
                    ]
                    if rng.random() < keep:
                        data.lessons.append(
                            Lesson(
                                lesson_id,
                                facts[0],
                                facts[1],
                                subject,
                                facts[2],
                                lesson_on,
                                teacher,
                                school_class.pupils,
                            )
                        )
                    yield lesson, record, marks, absences


def _count(rng: random.Random, mean: float) -> int:
    return int(mean) + (rng.random() < mean % 1)
