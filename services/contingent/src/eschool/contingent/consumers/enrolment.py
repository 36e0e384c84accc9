"""The enrolment service's events: an application assigned to a class enrols its child
(``services.applications``), once however often it arrives, and is answered either way."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork
from eschool.common.events import Envelope
from eschool.common.events.enrolment import ApplicationAssignedToClassV1
from eschool.contingent.services.applications import carry_out_application


async def on_application_assigned_to_class(
    event: Envelope[ApplicationAssignedToClassV1], uow: UnitOfWork
) -> None:
    """Enrol the child into the class, or refuse: ``PupilEnrolledV1`` or ``EnrolmentRefusedV1``."""
    await carry_out_application(uow, event.data)


ENROLMENT_EVENTS = ConsumerDefinition.of(
    "contingent.enrolment-events",
    {ApplicationAssignedToClassV1: on_application_assigned_to_class},
)
