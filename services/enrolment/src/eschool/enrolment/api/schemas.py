"""Enrolment's HTTP shapes: an application as a portal sends it and as the school reads it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from eschool.common.events.enrolment import ApplicantKind, ApplicationKind, ApplicationStatus, Sex
from eschool.common.http.request import Stamp
from eschool.common.names import checked_name
from eschool.enrolment.domain.ranking import Benefit

# As contingent will enrol the child under it: refused at intake, not at the school's enrolment.
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(checked_name)
]
PortalNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$")
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9]{10,15}$")]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
Snils = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
DocumentCode = Literal[
    "birth_certificate",
    "applicant_identity",
    "registration_certificate",
    "benefit_proof",
    "guardianship_act",
    "sibling_proof",
    "personal_file",
    "other",
]


class ChildIn(BaseModel):
    """The child the place is asked for."""

    model_config = ConfigDict(extra="forbid")

    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    birth_date: date
    sex: Sex
    citizenship: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-2", examples=["RU"]
    )
    snils: Snils | None = Field(default=None, description="Kept only as its keyed hash")


class ApplicantIn(BaseModel):
    """The applicant: a parent or another legal representative of the child, and how to reach them."""

    model_config = ConfigDict(extra="forbid")

    kind: ApplicantKind
    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    snils: Snils | None = Field(default=None, description="Kept only as its keyed hash")
    email: Email | None = None
    phone: Phone | None = Field(default=None, examples=["+79001234567"])


class ApplicationFields(BaseModel):
    """What an application asks, for whom, by whom, and the declared facts that rank it (benefit,
    sibling, territory), however it arrives."""

    model_config = ConfigDict(extra="forbid")

    kind: ApplicationKind
    grade: int = Field(ge=1, le=11)
    school_year: int = Field(ge=2000, le=2100, description="The year the school year wanted starts in")
    child: ChildIn
    applicant: ApplicantIn
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="The child's registered address"
    )
    in_territory: bool = Field(description="The address lies in the territory assigned to the school")
    benefit: Benefit = "none"
    sibling_in_school: bool = False
    documents: list[DocumentCode] = Field(min_length=1, max_length=20)


class ApplicationIn(ApplicationFields):
    """An application as a portal sends it: the portal's own number and the school asked for, too."""

    portal_number: PortalNumber = Field(description="The portal's own number (a re-send: the same one)")
    source: Literal["state_portal", "regional_portal"]
    school_id: uuid.UUID


class SchoolApplicationIn(ApplicationFields):
    """An application the school enters itself (a family came with a paper one): the school is the path's."""


class IntakeReceipt(BaseModel):
    """The answer to a portal: the application's id and where it stands; the same for every re-send."""

    application_id: uuid.UUID
    portal_number: str | None
    status: ApplicationStatus
    status_title: str
    received_at: Stamp
    priority_group: int
    duplicate_of: uuid.UUID | None


class PersonRead(BaseModel):
    last_name: str
    first_name: str
    middle_name: str | None


class ChildRead(PersonRead):
    birth_date: date
    sex: Sex
    citizenship: str | None
    snils_declared: bool


class ApplicantRead(PersonRead):
    kind: ApplicantKind
    email: str | None
    phone: str | None


class ApplicationRead(BaseModel):
    """An application as the school handles it."""

    application_id: uuid.UUID
    school_id: uuid.UUID
    kind: ApplicationKind
    grade: int
    school_year: int
    source: str
    portal_number: str | None
    status: ApplicationStatus
    status_title: str
    received_at: Stamp
    priority_group: int
    benefit: Benefit
    sibling_in_school: bool
    in_territory: bool
    age_out_of_range: bool = Field(description="First grade: younger than 6.5 or older than 8 on 1 September")
    duplicate_of: uuid.UUID | None
    child: ChildRead
    applicant: ApplicantRead
    address: str
    documents: list[str]
    class_id: uuid.UUID | None = Field(description="The class it was assigned to, once it was")
    status_since: Stamp = Field(description="When it took its status (automatic steps count days from it)")
    answer_overdue_at: Stamp | None = Field(
        description="Assigned to a class and contingent has not confirmed the enrolment in time: since when"
    )
    version: int


class StatusChangeIn(BaseModel):
    """A step of the application's workflow taken by the school."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["documents_check", "registered", "rejected", "withdrawn"] = Field(
        description="Assignment to a class and enrolment are steps of their own"
    )
    reason_code: str | None = Field(default=None, max_length=50)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    version: int | None = Field(default=None, description="The version the step is based on (409 if stale)")


class StatusChangeRead(BaseModel):
    """One step of the application's history."""

    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    to_status_title: str
    reason_code: str | None
    comment: str | None
    by_user_id: uuid.UUID | None
    by_client_id: str | None
    at: Stamp
    version: int


class PlacesIn(BaseModel):
    """The free places the school offers in a grade."""

    model_config = ConfigDict(extra="forbid")

    free_places: int = Field(ge=0, le=1000)
    version: int | None = Field(default=None, description="The version the change is based on (409 if stale)")


class PlacesRead(BaseModel):
    """A grade's places for a school year: offered, taken by applications, left (public figures)."""

    grade: int
    free_places: int
    taken: int
    left: int
    version: int


class OrderIn(BaseModel):
    """The school's order on the enrolment (приказ о зачислении)."""

    model_config = ConfigDict(extra="forbid")

    series: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    date: date


class AssignmentIn(BaseModel):
    """A registered application sent to a class of its grade and year."""

    model_config = ConfigDict(extra="forbid")

    class_id: uuid.UUID
    order: OrderIn
    enrol_on: date | None = Field(default=None, description="The first day; the year's first day by default")
    version: int | None = Field(default=None, description="The version the step is based on (409 if stale)")


class EnrolmentSettingsIn(BaseModel):
    """A school's enrolment settings (seed 000, point 7): what fills a grade, and after how many days the
    system registers and enrols by itself (null: the school does it)."""

    model_config = ConfigDict(extra="forbid")

    fill_type: Literal["grade_places", "class_max_size"] = Field(
        description="grade_places: the grade's free places and the class's size; class_max_size: the class's"
        " maximum size only"
    )
    register_after_days: int | None = Field(default=None, ge=1, le=365)
    enrol_after_days: int | None = Field(default=None, ge=1, le=365)
    order: OrderIn | None = Field(default=None, description="The order automatic enrolments go under")
    version: int | None = Field(default=None, description="The version the change is based on (409 if stale)")


class EnrolmentSettingsRead(BaseModel):
    fill_type: Literal["grade_places", "class_max_size"]
    register_after_days: int | None
    enrol_after_days: int | None
    order: OrderIn | None
    updated_at: Stamp | None
    version: int


class WithdrawalIn(BaseModel):
    """The applicant withdraws their application."""

    model_config = ConfigDict(extra="forbid")

    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    version: int | None = Field(default=None, description="The version the step is based on (409 if stale)")


class SchoolMonitoringRead(BaseModel):
    """A school's handling of the applications of a school year (counts only)."""

    school_id: uuid.UUID
    school_name: str | None
    received: int
    from_portals: int
    by_status: dict[ApplicationStatus, int]
    unhandled_too_long: int = Field(
        description="New or in the documents check for longer than the days asked"
    )
    mean_days_to_registration: float | None
    answers_overdue: int = Field(description="Assigned to a class, contingent's answer overdue")
    past_years_open: int = Field(description="Open applications of past school years (none may stay)")
