"""Events contingent publishes about people and their places in schools.

They carry ids, never contacts or SNILS: where another service must recognise a person by SNILS
(identity matching a login through the state identity provider), the event carries ``snils_hash``, the
keyed hash of ``eschool.common.snils`` under the secret the two services share. A pupil's or a staff
member's full name travels once, with their enrolment or hire (``name``), because the services that show
people to people (the journal's grid, the timetable's teachers, the diary) must name them.
Every event carries ``occurred_at``, the time of the change in contingent; consumers keep the newest.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.base import Event

GuardianKind = Literal["mother", "father", "legal_representative", "other"]


class FullName(BaseModel):
    """A person's full name as the school wrote it (no other personal data travels with it)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    last_name: str
    first_name: str
    middle_name: str | None = None


OrgUnitKind = Literal["region", "municipality", "school"]


class OrgUnitRegisteredV1(Event):
    """Emitted when an org unit (the region, a municipality, a school) is added to the tree."""

    event_type = "contingent.org_unit.registered.v1"

    org_unit_id: uuid.UUID
    kind: OrgUnitKind
    parent_id: uuid.UUID | None = Field(description="The unit above (None only for the region)")
    short_name: str | None = Field(default=None, description="The name reports show")
    time_zone: str | None = Field(default=None, description="IANA time zone of the unit")
    occurred_at: datetime


class OrgUnitChangedV1(Event):
    """Emitted when a unit's card changes what other services show or compute with (name, time zone),
    or the unit is closed (liquidated, merged) or reopened."""

    event_type = "contingent.org_unit.changed.v1"

    org_unit_id: uuid.UUID
    kind: OrgUnitKind
    short_name: str
    time_zone: str
    closed: bool
    occurred_at: datetime


class OrgUnitReassignedV1(Event):
    """Emitted when an org unit moves under another parent (a school handed to another municipality)."""

    event_type = "contingent.org_unit.reassigned.v1"

    org_unit_id: uuid.UUID
    kind: OrgUnitKind
    parent_id: uuid.UUID | None
    occurred_at: datetime


class GuardianLinkedV1(Event):
    """Emitted when a guardian is linked to a pupil (the class teacher entered the parent)."""

    event_type = "contingent.guardian.linked.v1"

    guardian_person_id: uuid.UUID
    pupil_person_id: uuid.UUID
    school_id: uuid.UUID
    kind: GuardianKind
    snils_hash: str | None = Field(default=None, description="Keyed hash of the guardian's SNILS, if known")
    occurred_at: datetime


class GuardianUnlinkedV1(Event):
    """Emitted when a guardian's link to a pupil ends (rights withdrawn, an entry corrected)."""

    event_type = "contingent.guardian.unlinked.v1"

    guardian_person_id: uuid.UUID
    pupil_person_id: uuid.UUID
    school_id: uuid.UUID
    occurred_at: datetime


class StaffHiredV1(Event):
    """Emitted when a person is employed by a school, or restored from the dismissed register."""

    event_type = "contingent.staff.hired.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    snils_hash: str | None = Field(default=None, description="Keyed hash of the SNILS, if known")
    name: FullName | None = Field(default=None, description="The staff member's full name")
    restored: bool = Field(default=False, description="True: restored from the register of the dismissed")
    occurred_at: datetime


class StaffDismissedV1(Event):
    """Emitted when a staff member is dismissed from a school."""

    event_type = "contingent.staff.dismissed.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    dismissed_on: date
    occurred_at: datetime


WithdrawalReason = Literal[
    "graduated",
    "transferred_to_school",
    "transferred_to_vocational",
    "left_for_repeated_study",
    "changed_form_of_education",
    "individual_plan",
    "other",
]
DestinationKind = Literal["school_of_region", "outside_region", "unknown"]


class PupilWithdrawnV1(Event):
    """Emitted when a pupil leaves a school (graduated, transferred, other reasons)."""

    event_type = "contingent.pupil.withdrawn.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    withdrawn_on: date
    class_id: uuid.UUID | None = Field(default=None, description="The class the pupil left")
    reason: WithdrawalReason | None = None
    destination: DestinationKind | None = None
    destination_school_id: uuid.UUID | None = Field(
        default=None, description="The school of the region the pupil goes to (on its arrivals list)"
    )
    occurred_at: datetime


class PupilTransferredV1(Event):
    """Emitted when a pupil moves to another class of the same school."""

    event_type = "contingent.pupil.transferred.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    from_class_id: uuid.UUID
    to_class_id: uuid.UUID
    transferred_on: date
    occurred_at: datetime


class PupilArrivedV1(Event):
    """Emitted when a school accepts a pupil from its arrivals list into a class (the same person who
    was withdrawn towards it by another school of the region)."""

    event_type = "contingent.pupil.arrived.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    academic_year_id: uuid.UUID
    from_school_id: uuid.UUID
    arrived_on: date
    occurred_at: datetime


ClassKind = Literal["general", "profile", "correctional", "home_schooling", "evening", "cadet"]


class AcademicYearSetUpV1(Event):
    """Emitted when a school sets up an academic year, or changes its dates."""

    event_type = "contingent.academic_year.set_up.v1"

    academic_year_id: uuid.UUID
    school_id: uuid.UUID
    name: str = Field(description="2025/2026")
    starts_on: date
    ends_on: date
    occurred_at: datetime


class ClassSavedV1(Event):
    """Emitted when a class is created or its card changes; carries the whole card, newest wins."""

    event_type = "contingent.class.saved.v1"

    class_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    grade: int
    letter: str
    kind: ClassKind
    profile: str | None
    shift: int
    term_scheme_id: uuid.UUID | None
    max_size: int
    class_teacher_person_id: uuid.UUID | None
    promoted_from_class_id: uuid.UUID | None = None
    occurred_at: datetime


class ClassTeacherAssignedV1(Event):
    """Emitted when a class gets a class teacher, another one, or none (person_id None)."""

    event_type = "contingent.class.teacher_assigned.v1"

    class_id: uuid.UUID
    school_id: uuid.UUID
    person_id: uuid.UUID | None
    previous_person_id: uuid.UUID | None
    occurred_at: datetime


class PupilEnrolledV1(Event):
    """Emitted when a pupil is enrolled into a class of a school (by form, by import, or from an accepted
    application); the journal adds them to the class roster from ``enrolled_on``."""

    event_type = "contingent.pupil.enrolled.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    academic_year_id: uuid.UUID
    enrolled_on: date
    application_id: uuid.UUID | None = Field(
        default=None, description="The enrolment application this enrolment carried out, if any"
    )
    name: FullName | None = Field(default=None, description="The pupil's full name, for rosters")
    occurred_at: datetime


class PupilPromotedV1(Event):
    """Emitted when the year rollover carries a pupil into the next grade's class of the new year (or
    when a promotion is cancelled: ``cancelled`` true, the pupil stays in the old class)."""

    event_type = "contingent.pupil.promoted.v1"

    person_id: uuid.UUID
    school_id: uuid.UUID
    from_class_id: uuid.UUID
    to_class_id: uuid.UUID
    academic_year_id: uuid.UUID = Field(description="The new academic year")
    promoted_on: date
    cancelled: bool = False
    occurred_at: datetime


class EnrolmentRefusedV1(Event):
    """Emitted when contingent cannot carry out an enrolment application assigned to a class (the class
    is full or gone, the child is enrolled in another school...): the application's saga fails visibly."""

    event_type = "contingent.enrolment.refused.v1"

    application_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    code: str = Field(description="Stable machine code of the reason, e.g. class_full")
    detail: str = Field(description="The reason in Russian, for the people handling the application")
    occurred_at: datetime


class SubgroupSavedV1(Event):
    """Emitted when a subgroup of a class is created or renamed. A ``division`` is what the class is
    divided for (a foreign language, computer science, labour); a pupil is in one subgroup of a
    division at a time."""

    event_type = "contingent.subgroup.saved.v1"

    subgroup_id: uuid.UUID
    class_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    division: str = Field(examples=["Английский язык"])
    name: str = Field(examples=["1 группа"])
    occurred_at: datetime


class SubgroupMembershipChangedV1(Event):
    """Emitted when a pupil's stay in a subgroup begins, or gets its last day (a move to another subgroup
    of the division, a withdrawal, a transfer to another class). One stay is one ``membership_id``; the
    roster of a subgroup on a day holds the stays with ``from_on`` <= day <= ``until_on`` (or no end)."""

    event_type = "contingent.subgroup.membership_changed.v1"

    membership_id: uuid.UUID
    subgroup_id: uuid.UUID
    class_id: uuid.UUID
    school_id: uuid.UUID
    person_id: uuid.UUID
    from_on: date
    until_on: date | None = Field(description="The stay's last day; None while it lasts")
    occurred_at: datetime


class PersonChangedV1(Event):
    """Emitted when a school corrects a person's card and their name or SNILS changes (a typo, a new
    surname): the services that show the name keep the new one; identity matches logins by the new
    SNILS hash (None: the person has no SNILS on record)."""

    event_type = "contingent.person.changed.v1"

    person_id: uuid.UUID
    name: FullName
    snils_hash: str | None = Field(description="Keyed hash of the SNILS now on record")
    occurred_at: datetime
