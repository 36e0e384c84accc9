"""The region's shapes (bench/journal_dataset.py): its size, what the benchmark keeps of it, seeded ids."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg


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


async def copy_rows(
    conn: asyncpg.Connection, data: Dataset, table: str, columns: list[str], rows: Any
) -> None:
    """COPY ``rows`` into ``table``, counted in ``data.rows``."""
    rows = list(rows)
    await conn.copy_records_to_table(table, records=rows, columns=columns)
    data.rows[table] = data.rows.get(table, 0) + len(rows)
