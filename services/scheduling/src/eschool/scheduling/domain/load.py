"""Rules of curricula and the teaching load, with no I/O: weekly hours, a curriculum's subjects, and
how a class's assigned hours are read against its curriculum.

Hours are kept with one decimal (0.5: a lesson every other week). A subject divided into subgroups
(a foreign language) is taught to the subgroups in parallel: the class gets the hours of its
whole-class assignments plus those of the subgroup given the most.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from eschool.scheduling.domain.rules import Violation

MAX_WEEKLY_HOURS = Decimal(10)
ZERO = Decimal(0)


class Coverage(StrEnum):
    """How a class's assigned hours of a subject compare with its curriculum's."""

    covered = "covered"
    not_covered = "not_covered"  # fewer hours assigned than planned (none at all, too)
    over = "over"  # more hours assigned than planned
    unplanned = "unplanned"  # assigned, but not in the class's curriculum (or it follows none)


@dataclass(frozen=True)
class SubjectHours:
    """A subject and its weekly hours."""

    subject_id: uuid.UUID
    weekly_hours: Decimal


@dataclass(frozen=True)
class Assigned:
    """Hours a teacher is assigned in a class, or one of its subgroups."""

    subject_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    weekly_hours: Decimal


@dataclass(frozen=True)
class SubjectCoverage:
    """A subject of a class: hours planned by its curriculum, hours assigned, and the verdict."""

    subject_id: uuid.UUID
    planned: Decimal
    assigned: Decimal
    coverage: Coverage


def check_hours(hours: Decimal, field: str) -> list[Violation]:
    """Hours above zero, at most ten, with one decimal at most."""
    if hours <= ZERO or hours > MAX_WEEKLY_HOURS:
        return [Violation(field, "weekly_hours_out_of_range", "Часов в неделю: больше 0 и не больше 10")]
    if hours != hours.quantize(Decimal("0.1")):
        return [Violation(field, "weekly_hours_precision", "Часы указываются с точностью до десятых")]
    return []


def check_curriculum(name: str, grade: int, subjects: Sequence[SubjectHours]) -> list[Violation]:
    """A named curriculum of a grade 1–12 with at least one subject, each once, hours in range."""
    broken = [] if name else [Violation("name", "name_blank", "Укажите название учебного плана")]
    if not 1 <= grade <= 12:
        broken.append(Violation("grade", "grade_out_of_range", "Параллель: от 1 до 12"))
    if not subjects:
        broken.append(Violation("subjects", "subjects_empty", "Добавьте в учебный план хотя бы один предмет"))
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(subjects):
        if line.subject_id in seen:
            broken.append(
                Violation(f"subjects.{index}.subject_id", "subject_repeated", "Предмет уже есть в плане")
            )
        seen.add(line.subject_id)
        broken += check_hours(line.weekly_hours, f"subjects.{index}.weekly_hours")
    return broken


def class_hours(assigned: Iterable[Assigned]) -> dict[uuid.UUID, Decimal]:
    """A class's assigned hours by subject: whole-class ones plus the most of any one subgroup."""
    whole: dict[uuid.UUID, Decimal] = {}
    groups: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = {}
    for a in assigned:
        if a.subgroup_id is None:
            whole[a.subject_id] = whole.get(a.subject_id, ZERO) + a.weekly_hours
        else:
            by_group = groups.setdefault(a.subject_id, {})
            by_group[a.subgroup_id] = by_group.get(a.subgroup_id, ZERO) + a.weekly_hours
    subjects = whole.keys() | groups.keys()
    return {s: whole.get(s, ZERO) + max(groups.get(s, {}).values(), default=ZERO) for s in subjects}


def coverage(
    planned: Mapping[uuid.UUID, Decimal], assigned: Mapping[uuid.UUID, Decimal]
) -> list[SubjectCoverage]:
    """Each planned subject (in the plan's order), then each assigned one the plan lacks."""
    rows = [
        SubjectCoverage(s, p, assigned.get(s, ZERO), _verdict(p, assigned.get(s, ZERO)))
        for s, p in planned.items()
    ]
    extra = [s for s in assigned if s not in planned]
    return rows + [SubjectCoverage(s, ZERO, assigned[s], Coverage.unplanned) for s in sorted(extra)]


def _verdict(planned: Decimal, assigned: Decimal) -> Coverage:
    if assigned < planned:
        return Coverage.not_covered
    return Coverage.over if assigned > planned else Coverage.covered
