"""Contingent's events enrolment follows: which units are open schools, the schools' academic years,
their classes with their grades and maximum sizes (an application is assigned to one), each kept with
``keep_card`` (an older fact arriving late changes nothing); persons' SNILS hashes (the applicant
asking is recognised by them); and the saga's answers (``saga``)."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork
from eschool.common.db.contingent_projection import OrgTreeProjection, keep_card
from eschool.common.db.person_keys import record_person_snils_hash
from eschool.common.events import Envelope
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    ClassSavedV1,
    EnrolmentRefusedV1,
    GuardianLinkedV1,
    PersonChangedV1,
    PupilEnrolledV1,
    StaffHiredV1,
)
from eschool.enrolment.consumers.saga import on_enrolment_refused, on_pupil_enrolled
from eschool.enrolment.db import metadata
from eschool.enrolment.db.models import AcademicYear, PersonKey, SchoolClass

PROJECTION = OrgTreeProjection.of(metadata())


async def on_academic_year_set_up(event: Envelope[AcademicYearSetUpV1], uow: UnitOfWork) -> None:
    """A school's academic year, or its new dates."""
    await keep_card(uow, AcademicYear.__table__, event.data, key="academic_year_id")  # type: ignore[arg-type]


async def on_class_saved(event: Envelope[ClassSavedV1], uow: UnitOfWork) -> None:
    """A class's card: its year, grade, letter and maximum size."""
    await keep_card(uow, SchoolClass.__table__, event.data, key="class_id")  # type: ignore[arg-type]


async def on_person_keyed(
    event: Envelope[GuardianLinkedV1 | StaffHiredV1 | PersonChangedV1], uow: UnitOfWork
) -> None:
    """A person's SNILS hash, as a guardian, a staff member, or corrected (None: forgotten)."""
    data = event.data
    if isinstance(data, GuardianLinkedV1):
        if data.snils_hash is not None:
            await record_person_snils_hash(
                uow, PersonKey, data.guardian_person_id, data.snils_hash, as_of=data.occurred_at
            )
    elif isinstance(data, PersonChangedV1) or data.snils_hash is not None:
        await record_person_snils_hash(
            uow, PersonKey, data.person_id, data.snils_hash, as_of=data.occurred_at
        )


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "enrolment.contingent-events",
    {
        **PROJECTION.handlers(),
        AcademicYearSetUpV1: on_academic_year_set_up,
        ClassSavedV1: on_class_saved,
        GuardianLinkedV1: on_person_keyed,
        StaffHiredV1: on_person_keyed,
        PersonChangedV1: on_person_keyed,
        PupilEnrolledV1: on_pupil_enrolled,
        EnrolmentRefusedV1: on_enrolment_refused,
    },
)
