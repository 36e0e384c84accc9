"""The region's projections (bench/journal_dataset.py): org units with their time zone, subjects, a term per
school, classes, class teachers, rosters, staff, names, guardians' links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from journal_data import Dataset, Ids, School, SchoolClass, copy_rows

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
COLUMNS = {  # in the order of the COPY (the dataset's row counts keep it)
    "org_unit": "org_unit_id kind parent_id source_version",
    "org_unit_state": "org_unit_id time_zone closed source_version",
    "subject": "subject_id school_id name short_name source_version",
    "term": "term_id school_id term_scheme_id academic_year_id number name starts_on ends_on dates_version"
    " closed state_version",
    "school_class": "class_id school_id academic_year_id grade letter term_scheme_id source_version",
    "class_teacher": "class_id school_id person_id source_version",
    "class_stay": "school_id person_id class_id from_on opened_at source_version",
    "staff_member": "school_id person_id last_name first_name middle_name hired_at name_version"
    " source_version",
    "person_name": "person_id last_name first_name middle_name name_version",
    "guardian_link": "guardian_person_id pupil_person_id school_id linked source_version",
}


async def load_projections(conn: asyncpg.Connection, data: Dataset, ids: Ids) -> None:
    """Org units, subjects, and each school's term, classes, teachers, pupils and guardians."""
    now = datetime.now(UTC)
    region, municipalities = ids(), [ids() for _ in range(max(1, data.size.schools // 10))]
    units = [(region, "region", None, now)] + [(m, "municipality", region, now) for m in municipalities]
    start = data.term_start
    year_start = date(start.year if start.month >= 9 else start.year - 1, 9, 1)
    built = _Projections(data, ids, now, ids(), year_start)
    for index in range(data.size.schools):
        school = built.school(index)
        units.append((school.school_id, "school", municipalities[index % len(municipalities)], now))
    rows = built.rows
    rows["org_unit"] = units
    rows["org_unit_state"] = [(u[0], "Europe/Moscow", False, now) for u in units]
    subjects = zip(data.subjects, SUBJECTS, strict=True)
    rows["subject"] = [(s, None, name, name[:10], now) for s, name in subjects]
    for table, columns in COLUMNS.items():
        await copy_rows(conn, data, table, columns.split(), rows[table])


@dataclass
class _Projections:
    """The projections' rows by table, built a school at a time (``ids`` in a fixed order: the seed's)."""

    data: Dataset
    ids: Ids
    now: datetime
    year_id: uuid.UUID
    year_start: date
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def school(self, index: int) -> School:
        """A school, its term and staff, and its classes."""
        data, now = self.data, self.now
        school = School(self.ids(), self.ids(), [])
        data.schools.append(school)
        ends, scheme = data.term_start + timedelta(weeks=data.size.weeks, days=-1), self.ids()
        term = (school.term_id, school.school_id, scheme, self.year_id, 2, "2 четверть")
        self.rows["term"].append((*term, data.term_start, ends, now, False, now))
        classes = data.size.big_classes if index < data.size.big_schools else data.size.classes
        teachers = [self.ids() for _ in range(max(1, classes * len(SUBJECTS) // 6))]
        for t, teacher in enumerate(teachers):
            self.rows["staff_member"].append(
                (school.school_id, teacher, *NAMES[t % len(NAMES)], now, now, now)
            )
        for c in range(classes):
            self.school_class(school, scheme, teachers, c, classes)
        return school

    def school_class(
        self, school: School, scheme: uuid.UUID, teachers: list[uuid.UUID], c: int, classes: int
    ) -> None:
        """The ``c``-th of a school's classes: its teachers, its pupils, their names and guardians."""
        grade, letter = 2 + c * 10 // classes, LETTERS[c % max(1, -(-classes // 10))]
        by_subject = {
            s: teachers[(k * classes + c) // 6 % len(teachers)] for k, s in enumerate(self.data.subjects)
        }
        pupils = tuple(self.ids() for _ in range(self.data.size.pupils_per_class))
        school.classes.append(SchoolClass(self.ids(), grade, pupils, by_subject))
        class_id, school_id, now = school.classes[-1].class_id, school.school_id, self.now
        self.rows["school_class"].append((class_id, school_id, self.year_id, grade, letter, scheme, now))
        self.rows["class_teacher"].append((class_id, school_id, teachers[c % len(teachers)], now))
        for p, pupil in enumerate(pupils):
            self.rows["class_stay"].append((school_id, pupil, class_id, self.year_start, now, now))
            self.rows["person_name"].append((pupil, *NAMES[p % len(NAMES)], now))
            self.data.guardians[pupil] = self.ids()
            self.rows["guardian_link"].append((self.data.guardians[pupil], pupil, school_id, True, now))
