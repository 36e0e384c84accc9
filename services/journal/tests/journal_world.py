"""A small school as the journal learns it from contingent's and scheduling's events.

School A (under a municipality of a region) has its 2025/2026 year with two quarters, a fifth grade
«5 А» (pupils P0, P1, P2; P0 and P1 in the English subgroup) and a first grade «1 А» (pupils F0, F1).
Teachers: the maths teacher (also the class teacher of 5 А), the English teacher, another teacher of
the school, the first grade's teacher. P0's guardian is linked. Lessons: maths of 5 А on five days of
the first term, English of the subgroup on two, physical education on one, a lesson of 1 А. School B
is another school under another municipality, with its own teacher.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from eschool.common.db import utcnow
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    ClassSavedV1,
    FullName,
    GuardianLinkedV1,
    OrgUnitRegisteredV1,
    PupilEnrolledV1,
    StaffHiredV1,
    SubgroupMembershipChangedV1,
    SubgroupSavedV1,
)
from eschool.common.events.scheduling import (
    LessonData,
    LessonsScheduledV1,
    SubjectSavedV1,
    TermClosedV1,
    TermDates,
    TermReopenedV1,
    TermSchemeSavedV1,
)
from eschool.common.testing.events import Deliver

TERM_1 = (date(2025, 9, 1), date(2025, 10, 26))
TERM_2 = (date(2025, 11, 5), date(2025, 12, 28))
MATHS_DAYS = [date(2025, 9, 8), date(2025, 9, 10), date(2025, 9, 12), date(2025, 9, 15), date(2025, 9, 17)]
ENGLISH_DAYS = [date(2025, 9, 9), date(2025, 9, 16)]
PE_DAY = date(2025, 9, 11)
FIRST_GRADE_DAY = date(2025, 9, 8)


def _ids(n: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(n)]


@dataclass(frozen=True)
class World:
    """The ids of everything ``build_world`` delivered."""

    region: uuid.UUID = field(default_factory=uuid.uuid4)
    municipality: uuid.UUID = field(default_factory=uuid.uuid4)
    municipality_b: uuid.UUID = field(default_factory=uuid.uuid4)
    school: uuid.UUID = field(default_factory=uuid.uuid4)
    school_b: uuid.UUID = field(default_factory=uuid.uuid4)
    year: uuid.UUID = field(default_factory=uuid.uuid4)
    scheme: uuid.UUID = field(default_factory=uuid.uuid4)
    term_1: uuid.UUID = field(default_factory=uuid.uuid4)
    term_2: uuid.UUID = field(default_factory=uuid.uuid4)
    class_5a: uuid.UUID = field(default_factory=uuid.uuid4)
    class_1a: uuid.UUID = field(default_factory=uuid.uuid4)
    english_group: uuid.UUID = field(default_factory=uuid.uuid4)
    pupils: list[uuid.UUID] = field(default_factory=lambda: _ids(3))
    first_graders: list[uuid.UUID] = field(default_factory=lambda: _ids(2))
    guardian: uuid.UUID = field(default_factory=uuid.uuid4)
    maths_teacher: uuid.UUID = field(default_factory=uuid.uuid4)
    english_teacher: uuid.UUID = field(default_factory=uuid.uuid4)
    other_teacher: uuid.UUID = field(default_factory=uuid.uuid4)
    first_grade_teacher: uuid.UUID = field(default_factory=uuid.uuid4)
    teacher_b: uuid.UUID = field(default_factory=uuid.uuid4)
    maths: uuid.UUID = field(default_factory=uuid.uuid4)
    english: uuid.UUID = field(default_factory=uuid.uuid4)
    pe: uuid.UUID = field(default_factory=uuid.uuid4)
    reading: uuid.UUID = field(default_factory=uuid.uuid4)
    maths_lessons: list[uuid.UUID] = field(default_factory=lambda: _ids(len(MATHS_DAYS)))
    english_lessons: list[uuid.UUID] = field(default_factory=lambda: _ids(len(ENGLISH_DAYS)))
    pe_lesson: uuid.UUID = field(default_factory=uuid.uuid4)
    first_grade_lesson: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def term_1_dates(self) -> tuple[date, date]:
        return TERM_1


def lesson_data(
    w: World,
    lesson_id: uuid.UUID,
    day: date,
    *,
    subject: uuid.UUID,
    teacher: uuid.UUID,
    class_id: uuid.UUID | None = None,
    subgroup: uuid.UUID | None = None,
    slot: int = 1,
    term: uuid.UUID | None = None,
) -> LessonData:
    """A dated lesson of school A as scheduling announces it."""
    start = time(8 + slot, 0)
    return LessonData(
        lesson_id=lesson_id,
        school_id=w.school,
        class_id=class_id or w.class_5a,
        subgroup_id=subgroup,
        term_id=term or w.term_1,
        subject_id=subject,
        teacher_person_id=teacher,
        lesson_on=day,
        slot_number=slot,
        starts_at=start,
        ends_at=start.replace(minute=45),
    )


def _name(last: str, first: str) -> FullName:
    return FullName(last_name=last, first_name=first, middle_name=None)


def _contingent(w: World, at: datetime) -> list:
    units = [
        OrgUnitRegisteredV1(
            org_unit_id=w.region, kind="region", parent_id=None, time_zone="Europe/Moscow", occurred_at=at
        ),
        OrgUnitRegisteredV1(
            org_unit_id=w.municipality,
            kind="municipality",
            parent_id=w.region,
            time_zone="Europe/Moscow",
            occurred_at=at,
        ),
        OrgUnitRegisteredV1(
            org_unit_id=w.municipality_b,
            kind="municipality",
            parent_id=w.region,
            time_zone="Europe/Moscow",
            occurred_at=at,
        ),
        OrgUnitRegisteredV1(
            org_unit_id=w.school,
            kind="school",
            parent_id=w.municipality,
            short_name="МБОУ СОШ № 1",
            time_zone="Europe/Moscow",
            occurred_at=at,
        ),
        OrgUnitRegisteredV1(
            org_unit_id=w.school_b,
            kind="school",
            parent_id=w.municipality_b,
            time_zone="Europe/Moscow",
            occurred_at=at,
        ),
        AcademicYearSetUpV1(
            academic_year_id=w.year,
            school_id=w.school,
            name="2025/2026",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
            occurred_at=at,
        ),
    ]
    classes = [
        ClassSavedV1(
            class_id=class_id,
            school_id=w.school,
            academic_year_id=w.year,
            grade=grade,
            letter="А",
            kind="general",
            profile=None,
            shift=1,
            term_scheme_id=w.scheme,
            max_size=25,
            class_teacher_person_id=teacher,
            occurred_at=at,
        )
        for class_id, grade, teacher in (
            (w.class_5a, 5, w.maths_teacher),
            (w.class_1a, 1, w.first_grade_teacher),
        )
    ]
    names = ["Иванов Иван", "Петрова Анна", "Сидоров Пётр"]
    pupils = [
        PupilEnrolledV1(
            person_id=p,
            school_id=w.school,
            class_id=w.class_5a,
            academic_year_id=w.year,
            enrolled_on=date(2025, 9, 1),
            name=_name(*n.split()),
            occurred_at=at,
        )
        for p, n in zip(w.pupils, names, strict=True)
    ] + [
        PupilEnrolledV1(
            person_id=p,
            school_id=w.school,
            class_id=w.class_1a,
            academic_year_id=w.year,
            enrolled_on=date(2025, 9, 1),
            name=_name("Первоклассник", f"№{i}"),
            occurred_at=at,
        )
        for i, p in enumerate(w.first_graders)
    ]
    staff = [
        StaffHiredV1(
            person_id=t,
            school_id=school,
            name=_name("Учитель", label),
            occurred_at=at,
        )
        for t, school, label in (
            (w.maths_teacher, w.school, "Математики"),
            (w.english_teacher, w.school, "Английского"),
            (w.other_teacher, w.school, "Другой"),
            (w.first_grade_teacher, w.school, "Начальных"),
            (w.teacher_b, w.school_b, "Другой школы"),
        )
    ]
    subgroup = [
        SubgroupSavedV1(
            subgroup_id=w.english_group,
            class_id=w.class_5a,
            school_id=w.school,
            academic_year_id=w.year,
            division="Английский язык",
            name="1 группа",
            occurred_at=at,
        ),
        *(
            SubgroupMembershipChangedV1(
                membership_id=uuid.uuid4(),
                subgroup_id=w.english_group,
                class_id=w.class_5a,
                school_id=w.school,
                person_id=p,
                from_on=date(2025, 9, 1),
                until_on=None,
                occurred_at=at,
            )
            for p in w.pupils[:2]
        ),
    ]
    guardian = GuardianLinkedV1(
        guardian_person_id=w.guardian,
        pupil_person_id=w.pupils[0],
        school_id=w.school,
        kind="mother",
        occurred_at=at,
    )
    return [*units, *classes, *pupils, *staff, *subgroup, guardian]


def _scheduling(w: World, at: datetime) -> list:
    subjects = [
        SubjectSavedV1(subject_id=s, school_id=None, code=code, name=name, occurred_at=at)
        for s, code, name in (
            (w.maths, "math", "Математика"),
            (w.english, "english", "Английский язык"),
            (w.pe, "pe", "Физическая культура"),
            (w.reading, "reading", "Литературное чтение"),
        )
    ]
    terms = [
        TermDates(term_id=w.term_1, number=1, name="1 четверть", starts_on=TERM_1[0], ends_on=TERM_1[1]),
        TermDates(term_id=w.term_2, number=2, name="2 четверть", starts_on=TERM_2[0], ends_on=TERM_2[1]),
    ]
    scheme = TermSchemeSavedV1(
        term_scheme_id=w.scheme,
        school_id=w.school,
        academic_year_id=w.year,
        name="Четверти",
        terms=terms,
        occurred_at=at,
    )
    lessons_5a = [
        *(
            lesson_data(w, lid, day, subject=w.maths, teacher=w.maths_teacher)
            for lid, day in zip(w.maths_lessons, MATHS_DAYS, strict=True)
        ),
        *(
            lesson_data(
                w, lid, day, subject=w.english, teacher=w.english_teacher, subgroup=w.english_group, slot=2
            )
            for lid, day in zip(w.english_lessons, ENGLISH_DAYS, strict=True)
        ),
        lesson_data(w, w.pe_lesson, PE_DAY, subject=w.pe, teacher=w.other_teacher, slot=3),
    ]
    lessons_1a = [
        lesson_data(
            w,
            w.first_grade_lesson,
            FIRST_GRADE_DAY,
            subject=w.reading,
            teacher=w.first_grade_teacher,
            class_id=w.class_1a,
        )
    ]
    scheduled = [
        LessonsScheduledV1(
            school_id=w.school, class_id=class_id, term_id=w.term_1, lessons=lessons, occurred_at=at
        )
        for class_id, lessons in ((w.class_5a, lessons_5a), (w.class_1a, lessons_1a))
    ]
    return [*subjects, scheme, *scheduled]


def term_closed(w: World, number: int = 1, at: datetime | None = None) -> TermClosedV1:
    """Scheduling's closing of the world's first or second term."""
    term_id, (starts_on, ends_on) = (w.term_1, TERM_1) if number == 1 else (w.term_2, TERM_2)
    ids = {"term_id": term_id, "term_scheme_id": w.scheme, "school_id": w.school, "academic_year_id": w.year}
    return TermClosedV1(
        **ids,
        number=number,
        name=f"{number} четверть",
        starts_on=starts_on,
        ends_on=ends_on,
        occurred_at=at or utcnow(),
    )


def term_1_closed(w: World, at: datetime | None = None) -> TermClosedV1:
    """Scheduling's closing of the first term."""
    return term_closed(w, 1, at)


def term_1_reopened(w: World, at: datetime | None = None) -> TermReopenedV1:
    """Scheduling's opening of the first term again."""
    ids = {"term_id": w.term_1, "term_scheme_id": w.scheme, "school_id": w.school, "academic_year_id": w.year}
    return TermReopenedV1(
        **ids, number=1, name="1 четверть", reason="Исправление", occurred_at=at or utcnow()
    )


async def build_world(deliver: Deliver, w: World | None = None) -> World:
    """Deliver the world's facts to the journal (of ``w``, or fresh ids); returns their ids."""
    w = w or World()
    at = utcnow() - timedelta(minutes=5)
    await deliver(*_contingent(w, at))
    await deliver(*_scheduling(w, at))
    return w
