"""Events enrolment publishes about applications for a place in a school.

``ApplicationAssignedToClassV1`` is internal: it carries the child's name, birth date and sex, which
contingent needs to enrol the child, and so never goes to the partner exchange (partners get the
status events, which carry ids and statuses only). SNILS travels only as its keyed hash.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.base import Event

Sex = Literal["male", "female"]
ApplicantKind = Literal["mother", "father", "legal_representative", "other"]


class EnrolmentOrder(BaseModel):
    """The school's order on the enrolment (приказ о зачислении)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    series: str | None = None
    number: str
    date: date


class ApplicationChild(BaseModel):
    """The child of an application, as contingent needs them to enrol (no contacts, no SNILS)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    last_name: str
    first_name: str
    middle_name: str | None = None
    birth_date: date
    sex: Sex
    citizenship: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    snils_hash: str | None = Field(default=None, description="Keyed hash of the child's SNILS, if declared")


class ApplicationApplicant(BaseModel):
    """The applicant, a guardian of the child; contingent links them to the pupil."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: ApplicantKind
    last_name: str
    first_name: str
    middle_name: str | None = None
    snils_hash: str | None = Field(default=None, description="Keyed hash of the applicant's SNILS, if known")


class ApplicationAssignedToClassV1(Event):
    """Emitted when an application is assigned to a class of the school (the school accepted it):
    contingent enrols the child into that class once, then answers with ``contingent.pupil.enrolled.v1``
    carrying ``application_id``, or with ``contingent.enrolment.refused.v1``."""

    event_type = "enrolment.application.assigned_to_class.v1"

    application_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    class_id: uuid.UUID
    enrol_on: date = Field(description="The first day of the child's stay in the school")
    order: EnrolmentOrder
    personal_file_number: str | None = Field(
        default=None, description="The school's number for the personal file; None: contingent assigns one"
    )
    child: ApplicationChild
    applicant: ApplicationApplicant | None = None
    occurred_at: datetime


ApplicationKind = Literal["first_grade", "tenth_grade", "transfer"]
ApplicationSource = Literal["state_portal", "regional_portal", "school"]
ApplicationStatus = Literal[
    "new", "documents_check", "registered", "assigned_to_class", "enrolled", "rejected", "withdrawn"
]


class ApplicationSubmittedV1(Event):
    """Emitted when an application arrives (from a portal, or entered by the school): ids, what is asked
    for and where it stands; no name, birth date, SNILS, address or contact (partner-visible)."""

    event_type = "enrolment.application.submitted.v1"

    application_id: uuid.UUID
    school_id: uuid.UUID
    kind: ApplicationKind
    grade: int = Field(ge=1, le=11)
    school_year: int = Field(
        description="The calendar year the school year wanted starts in", examples=[2027]
    )
    source: ApplicationSource
    portal_number: str | None = Field(default=None, description="The portal's own number of the application")
    status: ApplicationStatus
    priority_group: int = Field(
        ge=1, le=5, description="1 first: the order of the ranked list, then received_at"
    )
    received_at: datetime = Field(description="Server receipt time, to the microsecond")
    duplicate_of: uuid.UUID | None = Field(
        default=None, description="An open application for the same child to the same school, if any"
    )
    version: int
    occurred_at: datetime


class ApplicationStep(Event):
    """What every step of an application's workflow says (a base: each step is one of the events below)."""

    application_id: uuid.UUID
    school_id: uuid.UUID
    from_status: ApplicationStatus
    reason_code: str | None = Field(
        default=None, description="Why: the rejection's or withdrawal's reason, or contingent's refusal"
    )
    version: int
    occurred_at: datetime


class ApplicationStatusChangedV1(ApplicationStep):
    """Emitted when an application moves on short of its outcome (documents check, registered, assigned to
    class, or back to registered when contingent refused the enrolment), by the school, the applicant, or
    on its own after the configured days. Its outcomes are events of their own (enrolled, rejected,
    withdrawn), so a partner binds to exactly what it follows."""

    event_type = "enrolment.application.status_changed.v1"

    to_status: ApplicationStatus


class ApplicationEnrolledV1(ApplicationStep):
    """Emitted when contingent confirmed the child a pupil of the class the application was assigned to:
    the application is enrolled (final)."""

    event_type = "enrolment.application.enrolled.v1"

    class_id: uuid.UUID


class ApplicationRejectedV1(ApplicationStep):
    """Emitted when the school rejects an application (final); ``reason_code`` says why."""

    event_type = "enrolment.application.rejected.v1"


class ApplicationWithdrawnV1(ApplicationStep):
    """Emitted when an application is withdrawn at the applicant's request (final)."""

    event_type = "enrolment.application.withdrawn.v1"


class PlacesChangedV1(Event):
    """Emitted when a school's free places in a grade for a school year change: set by the school, or
    taken by an application assigned to a class. Public figures, no personal data."""

    event_type = "enrolment.places.changed.v1"

    school_id: uuid.UUID
    school_year: int
    grade: int = Field(ge=1, le=11)
    free_places: int = Field(ge=0, description="The places the school offers in the grade")
    taken: int = Field(ge=0, description="Applications assigned to a class of the grade, or enrolled")
    version: int
    occurred_at: datetime


# The events enrolment announces to partners (its feed) and so the keys that reach the partner exchange:
# exact types, so a new event reaches partners only once it is added here.
PARTNER_EVENT_TYPES: tuple[str, ...] = tuple(
    event.event_type
    for event in (
        ApplicationSubmittedV1,
        ApplicationStatusChangedV1,
        ApplicationEnrolledV1,
        ApplicationRejectedV1,
        ApplicationWithdrawnV1,
        PlacesChangedV1,
    )
)
