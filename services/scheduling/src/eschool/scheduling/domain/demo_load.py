"""The demo's curricula and teaching load, with no I/O (``make run`` only): weekly hours per subject of
a Russian school's grades after the federal basic programmes (ФООП, a five-day week: 21 lessons in the
1st grade, 23 in the 2nd–4th, 27–32 in the 5th–11th), and who teaches what.

Contingent's staff projection carries no positions, so the subjects of grades 5–11 are shared out
deterministically: the teachers who lead no primary class, by name, are given specialities in proportion
to the hours each needs, and each class's subjects of a speciality go to its least loaded teacher. A
primary class's own teacher teaches it everything but English; English is taught to the two subgroups
of a divided class by two teachers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eschool.scheduling.domain.subjects import catalogue_id

ENGLISH = "english"
DIVISION = "Английский язык"
PRIMARY_GRADES = range(1, 5)
_PRIMARY = {"russian": 5, "reading": 4, "mathematics": 4, "world_around": 2, "music": 1, "fine_arts": 1}
_PRIMARY |= {"technology": 1, "physical_education": 3}
_ARTS = {"music": 1, "fine_arts": 1, "technology": 2}
_SCIENCE_7_9 = {"algebra": 3, "geometry": 2, "informatics": 1, "history": 2, "social_studies": 1}
_SENIOR = {"russian": 2, "literature": 3, ENGLISH: 3, "algebra": 4, "geometry": 3, "informatics": 2}
_SENIOR |= {"history": 2, "social_studies": 2, "geography": 1, "biology": 2, "physics": 3, "chemistry": 2}
_SENIOR |= {"life_safety": 1, "physical_education": 2}
# Subject codes and weekly hours, per grade.
HOURS: dict[int, dict[str, int]] = {
    1: _PRIMARY,
    **{g: {**_PRIMARY, ENGLISH: 2} for g in (2, 3, 4)},
    5: {"russian": 5, "literature": 3, ENGLISH: 3, "mathematics": 5, "history": 2, "geography": 1}
    | {"biology": 1, **_ARTS, "physical_education": 3},
    6: {"russian": 6, "literature": 3, ENGLISH: 3, "mathematics": 5, "history": 2, "social_studies": 1}
    | {"geography": 1, "biology": 1, **_ARTS, "physical_education": 2},
    7: {"russian": 4, "literature": 2, ENGLISH: 3, **_SCIENCE_7_9, "geography": 2, "biology": 1}
    | {"physics": 2, **_ARTS, "physical_education": 2},
    8: {"russian": 3, "literature": 2, ENGLISH: 3, **_SCIENCE_7_9, "geography": 2, "biology": 2}
    | {"physics": 2, "chemistry": 2, "music": 1, "technology": 1, "life_safety": 1, "physical_education": 2},
    9: {"russian": 3, "literature": 3, ENGLISH: 3, **_SCIENCE_7_9, "geography": 2, "biology": 2}
    | {"physics": 3, "chemistry": 2, "life_safety": 1, "physical_education": 2},
    10: _SENIOR,
    11: _SENIOR,
}
# What one subject teacher teaches (grades 5–11), in the order teachers are given specialities.
SPECIALITIES = (
    ("russian", "literature", "reading"),
    ("mathematics", "algebra", "geometry"),
    (ENGLISH,),
    ("history", "social_studies"),
    ("physics", "informatics", "life_safety"),
    ("chemistry", "biology", "geography", "world_around"),
    ("physical_education",),
    ("music", "fine_arts", "technology"),
)


def curriculum_name(grade: int) -> str:
    """The demo curriculum's name: «Учебный план, 5 класс»."""
    return f"Учебный план, {grade} класс"


@dataclass(frozen=True)
class DemoClass:
    """A class as the demo plans it: grade, its class teacher, its English subgroups (two or none)."""

    class_id: uuid.UUID
    grade: int
    letter: str
    class_teacher: uuid.UUID | None
    english_groups: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """A teacher teaches a subject in a class (or one subgroup of it) so many hours a week."""

    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    subject_id: uuid.UUID
    person_id: uuid.UUID
    hours: int


def plan_assignments(classes: Sequence[DemoClass], staff: Sequence[uuid.UUID]) -> list[Assignment]:
    """Who teaches what in every class (``staff`` in a stable order, dismissed ones left out)."""
    primary = {c.class_teacher for c in classes if c.grade in PRIMARY_GRADES and c.class_teacher}
    teachers = [p for p in staff if p not in primary] or list(staff)
    pools = _specialists(classes, teachers)
    load = dict.fromkeys(staff, 0)
    planned: list[Assignment] = []
    for cls in sorted(classes, key=lambda c: (c.grade, c.letter, c.class_id)):
        chosen: dict[int, uuid.UUID] = {}
        for code, hours in HOURS.get(cls.grade, {}).items():
            subject, speciality = catalogue_id(code), _speciality(code)
            if code == ENGLISH and len(cls.english_groups) == 2:
                pool = sorted(pools[speciality], key=lambda p: (load[p], pools[speciality].index(p)))
                pair = pool[:2] if len(pool) > 1 else pool * 2
                for group, person in zip(cls.english_groups, pair, strict=True):
                    planned.append(Assignment(cls.class_id, group, subject, person, hours))
                    load[person] += hours
                continue
            if cls.grade in PRIMARY_GRADES and cls.class_teacher in load:
                person = cls.class_teacher
            else:
                person = chosen.get(speciality) or _least_loaded(pools[speciality], load)
                chosen[speciality] = person
            planned.append(Assignment(cls.class_id, None, subject, person, hours))
            load[person] += hours
    return planned


def _least_loaded(pool: list[uuid.UUID], load: dict[uuid.UUID, int]) -> uuid.UUID:
    return min(pool, key=lambda p: (load[p], pool.index(p)))


def _speciality(code: str) -> int:
    return next(i for i, codes in enumerate(SPECIALITIES) if code in codes)


def _specialists(classes: Sequence[DemoClass], teachers: Sequence[uuid.UUID]) -> dict[int, list[uuid.UUID]]:
    """Each speciality's teachers: as many as its share of the hours asks (one at least, while there are
    teachers enough; with fewer teachers than specialities, a teacher has several)."""
    need = dict.fromkeys(range(len(SPECIALITIES)), 0)
    for cls in classes:
        for code, hours in HOURS.get(cls.grade, {}).items():
            if cls.grade not in PRIMARY_GRADES or code == ENGLISH:
                need[_speciality(code)] += hours * (2 if code == ENGLISH and cls.english_groups else 1)
    if len(teachers) <= len(need):
        return {s: [teachers[s % len(teachers)]] for s in need}
    counts = dict.fromkeys(need, 1)
    for _ in range(len(teachers) - len(need)):
        busiest = max(need, key=lambda s: (need[s] / counts[s], -s))
        counts[busiest] += 1
    pools, at = {}, 0
    for speciality in need:
        pools[speciality] = list(teachers[at : at + counts[speciality]])
        at += counts[speciality]
    return pools
