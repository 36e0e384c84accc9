"""What teachers would have written over the term (bench/journal_dataset.py): each school's lessons, their
records, marks and absences, generated from the seed and copied a table at a time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import asyncpg
from journal_data import Dataset, Ids, Lesson, School, SchoolClass, WorkType, copy_rows

# The share of lessons whose marks are of each kind (the rest: answers in class); one mark per pupil.
LESSON_KINDS = (("homework", 0.08), ("independent", 0.05), ("test", 0.04), ("control", 0.03))
GRADES, CODES = ("2", "3", "4", "4", "5", "5", "5"), ("absent", "ill", "excused", "late")
COLUMNS = {
    "lesson": "lesson_id school_id class_id term_id subject_id teacher_person_id lesson_on slot_number"
    " starts_at ends_at cancelled source_version planned_topic",
    "lesson_record": "lesson_id school_id lesson_on topic homework work_kind taught_by_person_id substitute"
    " recorded_at updated_at updated_by version",
    "mark": "mark_id school_id lesson_id pupil_person_id class_id subject_id term_id lesson_on work_type_id"
    " weight value numeric_value recorded_by recorded_at updated_at version",
    "attendance": "lesson_id pupil_person_id school_id class_id subject_id term_id lesson_on code recorded_by"
    " updated_at version",
}
Row = tuple[Any, ...]


@dataclass
class TermHistory:
    """The term's lessons and what was written in them; ``keep``: the share of lessons kept for the write
    lanes (in ``data.lessons``); ``per_lesson``: marks a lesson on average."""

    data: Dataset
    ids: Ids
    rng: random.Random
    keep: float
    per_lesson: float

    async def copy(self, conn: asyncpg.Connection, school: School) -> None:
        """A school's term: lessons, their records, marks and absences, copied a table at a time."""
        tables: dict[str, list[Row]] = {table: [] for table in COLUMNS}
        for lesson, record, marks, absences in self.lessons(school):
            tables["lesson"].append(lesson)
            tables["lesson_record"].append(record)
            tables["mark"].extend(marks)
            tables["attendance"].extend(absences)
        for table, rows in tables.items():
            await copy_rows(conn, self.data, table, COLUMNS[table].split(), rows)

    def lessons(self, school: School) -> Iterator[tuple[Row, Row, list[Row], list[Row]]]:
        size, subjects = self.data.size, self.data.subjects
        for c, school_class in enumerate(school.classes):
            for week in range(size.weeks):
                for day in range(size.days):
                    lesson_on = self.data.term_start + timedelta(weeks=week, days=day)
                    for slot in range(1, size.slots + 1):
                        subject = subjects[(c + day * size.slots + slot) % len(subjects)]
                        lesson = self.lesson(school, school_class, subject, lesson_on)
                        rows = self.rows(lesson, slot, f"Тема урока {week + 1}.{day + 1}")
                        if self.rng.random() < self.keep:
                            self.data.lessons.append(lesson)
                        yield rows

    def lesson(self, school: School, school_class: SchoolClass, subject: Any, lesson_on: date) -> Lesson:
        facts = (school.school_id, school_class.class_id, subject, school.term_id, lesson_on)
        return Lesson(self.ids(), *facts, school_class.teachers[subject], school_class.pupils)

    def rows(self, lesson: Lesson, slot: int, topic: str) -> tuple[Row, Row, list[Row], list[Row]]:
        """The lesson's row, its record's, its marks' and its absences'."""
        at, teacher = datetime.combine(lesson.lesson_on, clock(12), tzinfo=UTC), lesson.teacher_id
        facts = (lesson.lesson_id, lesson.school_id, lesson.class_id, lesson.term_id, lesson.subject_id)
        row = (*facts, teacher, lesson.lesson_on, slot, *_slot_times(slot), False, at, topic)
        work = self.data.work_types[_lesson_kind(self.rng)]
        kind = "control" if work.code == "control" else None
        head = (lesson.lesson_id, lesson.school_id, lesson.lesson_on)
        record = (*head, topic, "§ 12, № 3-5", kind, teacher, False, at, at, teacher, 1)
        return row, record, self.marks(lesson, work, at), self.absences(lesson, at)

    def marks(self, lesson: Lesson, work: WorkType, at: datetime) -> list[Row]:
        rng, common = self.rng, (lesson.class_id, lesson.subject_id, lesson.term_id, lesson.lesson_on)
        marked = rng.sample(lesson.pupils, min(_count(rng, self.per_lesson), len(lesson.pupils)))
        head, typed = (lesson.school_id, lesson.lesson_id), (work.work_type_id, work.weight)
        return [
            (self.ids(), *head, pupil, *common, *typed, value, int(value), lesson.teacher_id, at, at, 1)
            for pupil in marked
            for value in (rng.choice(GRADES),)
        ]

    def absences(self, lesson: Lesson, at: datetime) -> list[Row]:
        rng, common = self.rng, (lesson.class_id, lesson.subject_id, lesson.term_id, lesson.lesson_on)
        absent = rng.sample(lesson.pupils, _count(rng, self.data.size.absences_per_lesson))
        head, teacher = (lesson.lesson_id,), lesson.teacher_id
        return [
            (*head, pupil, lesson.school_id, *common, rng.choice(CODES), teacher, at, 1) for pupil in absent
        ]


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


def _count(rng: random.Random, mean: float) -> int:
    return int(mean) + (rng.random() < mean % 1)
