"""Contingent's events enrolment follows: which units are open schools, the schools' academic years,
their classes with their grades and maximum sizes (an application is assigned to one), each kept with
``keep_card`` (an older fact arriving late changes nothing); and the saga's answers (``saga``)."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork
from eschool.common.db.contingent_projection import OrgTreeProjection, keep_card
from eschool.common.events import Envelope
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    ClassSavedV1,
    EnrolmentRefusedV1,
    PupilEnrolledV1,
)
from eschool.enrolment.consumers.saga import on_enrolment_refused, on_pupil_enrolled
from eschool.enrolment.db import metadata
from eschool.enrolment.db.models import AcademicYear, SchoolClass

PROJECTION = OrgTreeProjection.of(metadata())


async def on_academic_year_set_up(event: Envelope[AcademicYearSetUpV1], uow: UnitOfWork) -> None:
    """A school's academic year, or its new dates."""
    await keep_card(uow, AcademicYear.__table__, event.data, key="academic_year_id")  # type: ignore[arg-type]


async def on_class_saved(event: Envelope[ClassSavedV1], uow: UnitOfWork) -> None:
    """A class's card: its year, grade, letter and maximum size."""
    await keep_card(uow, SchoolClass.__table__, event.data, key="class_id")  # type: ignore[arg-type]


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "enrolment.contingent-events",
    {
        **PROJECTION.handlers(),
        AcademicYearSetUpV1: on_academic_year_set_up,
        ClassSavedV1: on_class_saved,
        PupilEnrolledV1: on_pupil_enrolled,
        EnrolmentRefusedV1: on_enrolment_refused,
    },
)
