"""Contingent's facts about classes, subgroups and staff, as its relay would publish them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from eschool.common.db import utcnow
from eschool.common.events.contingent import (
    ClassSavedV1,
    FullName,
    StaffDismissedV1,
    StaffHiredV1,
    SubgroupMembershipChangedV1,
    SubgroupSavedV1,
)


def class_saved(
    class_id: uuid.UUID,
    school: uuid.UUID,
    year: uuid.UUID,
    *,
    grade: int = 5,
    letter: str = "А",
    scheme: uuid.UUID | None = None,
    teacher: uuid.UUID | None = None,
    at: datetime | None = None,
) -> ClassSavedV1:
    """A class card of the second shift with room for 25."""
    return ClassSavedV1(
        class_id=class_id,
        school_id=school,
        academic_year_id=year,
        grade=grade,
        letter=letter,
        kind="general",
        profile=None,
        shift=2,
        term_scheme_id=scheme,
        max_size=25,
        class_teacher_person_id=teacher,
        occurred_at=at or utcnow(),
    )


def hired(
    person: uuid.UUID,
    school: uuid.UUID,
    *,
    last_name: str = "Петрова",
    restored: bool = False,
    at: datetime | None = None,
) -> StaffHiredV1:
    """A hire (or a restoration) of ``last_name`` Анна Сергеевна."""
    name = FullName(last_name=last_name, first_name="Анна", middle_name="Сергеевна")
    return StaffHiredV1(
        person_id=person, school_id=school, name=name, restored=restored, occurred_at=at or utcnow()
    )


def dismissed(
    person: uuid.UUID, school: uuid.UUID, *, on: date = date(2025, 11, 14), at: datetime | None = None
) -> StaffDismissedV1:
    """A dismissal with its last day."""
    return StaffDismissedV1(person_id=person, school_id=school, dismissed_on=on, occurred_at=at or utcnow())


def subgroup_saved(
    subgroup: uuid.UUID,
    class_id: uuid.UUID,
    school: uuid.UUID,
    year: uuid.UUID,
    *,
    name: str = "1 группа",
    at: datetime | None = None,
) -> SubgroupSavedV1:
    """A subgroup of the class's English division."""
    return SubgroupSavedV1(
        subgroup_id=subgroup,
        class_id=class_id,
        school_id=school,
        academic_year_id=year,
        division="Английский язык",
        name=name,
        occurred_at=at or utcnow(),
    )


def stay(
    membership: uuid.UUID,
    subgroup: uuid.UUID,
    class_id: uuid.UUID,
    school: uuid.UUID,
    person: uuid.UUID,
    from_on: date,
    until_on: date | None = None,
    *,
    at: datetime | None = None,
) -> SubgroupMembershipChangedV1:
    """A pupil's stay in a subgroup (its beginning, or with ``until_on`` its last day)."""
    return SubgroupMembershipChangedV1(
        membership_id=membership,
        subgroup_id=subgroup,
        class_id=class_id,
        school_id=school,
        person_id=person,
        from_on=from_on,
        until_on=until_on,
        occurred_at=at or utcnow(),
    )
