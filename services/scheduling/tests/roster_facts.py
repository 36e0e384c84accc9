"""Contingent's facts about pupils' places in classes and people's names, as its relay would publish them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from eschool.common.db import utcnow
from eschool.common.events.contingent import (
    FullName,
    PersonChangedV1,
    PupilEnrolledV1,
    PupilPromotedV1,
    PupilTransferredV1,
    PupilWithdrawnV1,
)


def full_name(last_name: str) -> FullName:
    """``last_name`` Мария Ивановна."""
    return FullName(last_name=last_name, first_name="Мария", middle_name="Ивановна")


def enrolled(
    person: uuid.UUID,
    class_id: uuid.UUID,
    school: uuid.UUID,
    year: uuid.UUID,
    *,
    on: date = date(2025, 9, 1),
    last_name: str = "Смирнова",
    at: datetime | None = None,
) -> PupilEnrolledV1:
    """An enrolment into the class from ``on``, under ``last_name``."""
    return PupilEnrolledV1(
        person_id=person,
        school_id=school,
        class_id=class_id,
        academic_year_id=year,
        enrolled_on=on,
        name=full_name(last_name),
        occurred_at=at or utcnow(),
    )


def withdrawn(
    person: uuid.UUID, class_id: uuid.UUID | None, school: uuid.UUID, on: date, *, at: datetime | None = None
) -> PupilWithdrawnV1:
    """A withdrawal from the school, ``on`` the last day."""
    return PupilWithdrawnV1(
        person_id=person, school_id=school, class_id=class_id, withdrawn_on=on, occurred_at=at or utcnow()
    )


def transferred(
    person: uuid.UUID, school: uuid.UUID, from_class: uuid.UUID, to_class: uuid.UUID, on: date
) -> PupilTransferredV1:
    """A transfer to another class of the school from ``on``."""
    return PupilTransferredV1(
        person_id=person,
        school_id=school,
        from_class_id=from_class,
        to_class_id=to_class,
        transferred_on=on,
        occurred_at=utcnow(),
    )


def promoted(
    person: uuid.UUID,
    school: uuid.UUID,
    from_class: uuid.UUID,
    to_class: uuid.UUID,
    year: uuid.UUID,
    *,
    cancelled: bool = False,
) -> PupilPromotedV1:
    """The rollover into the next grade's class from 1 Sep 2026 (or its cancellation)."""
    return PupilPromotedV1(
        person_id=person,
        school_id=school,
        from_class_id=from_class,
        to_class_id=to_class,
        academic_year_id=year,
        promoted_on=date(2026, 9, 1),
        cancelled=cancelled,
        occurred_at=utcnow(),
    )


def person_changed(person: uuid.UUID, last_name: str, *, at: datetime | None = None) -> PersonChangedV1:
    """A correction of the person's card: the new surname."""
    return PersonChangedV1(
        person_id=person, name=full_name(last_name), snils_hash="a" * 64, occurred_at=at or utcnow()
    )
