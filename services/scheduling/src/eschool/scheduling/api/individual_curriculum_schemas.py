"""The HTTP shapes of class rosters and pupils' individual curricula."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from eschool.scheduling.api.contingent_schemas import PersonName
from eschool.scheduling.api.load_schemas import CurriculumLine
from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.rosters import ClassStay
from eschool.scheduling.db.rosters import PersonName as KeptName
from eschool.scheduling.domain.load import SubjectHours
from eschool.scheduling.services.individual_curricula import IndividualDraft, IndividualView, overrides


class RosterPupilRead(BaseModel):
    """A pupil of the class on the day asked, and their stay in it."""

    person_id: uuid.UUID
    name: PersonName | None = Field(description="None until contingent's enrolment names the pupil")
    from_on: date
    until_on: date | None

    @classmethod
    def of(cls, stay: ClassStay, name: KeptName | None) -> RosterPupilRead:
        """The shape of a roster line."""
        person = PersonName.model_validate(name.name.model_dump()) if name is not None else None
        return cls(person_id=stay.person_id, name=person, from_on=stay.from_on, until_on=stay.until_on)


class IndividualFields(BaseModel):
    """The day an individual curriculum applies from, its reason, and the changed subjects."""

    model_config = ConfigDict(extra="forbid")

    from_on: date
    reason: Annotated[str, Field(min_length=1, max_length=500, examples=["Обучение на дому, приказ № 12"])]
    subjects: Annotated[
        list[CurriculumLine],
        Field(
            min_length=1,
            max_length=60,
            description="Subjects whose weekly hours differ from the class curriculum; 0 drops a subject",
        ),
    ]

    def draft(self) -> IndividualDraft:
        """The individual curriculum as the use cases take it."""
        lines = [SubjectHours(s.subject_id, s.weekly_hours) for s in self.subjects]
        return IndividualDraft(self.from_on, self.reason, lines)


class IndividualCurriculumCreate(IndividualFields):
    """A pupil of the class and their individual curriculum."""

    person_id: uuid.UUID


class IndividualCurriculumUpdate(IndividualFields):
    """An individual curriculum's new content, and the version it was based on."""

    version: int


class IndividualCurriculumRead(IndividualFields):
    """A pupil's individual curriculum, and their weekly hours with it applied."""

    model_config = ConfigDict(extra="ignore")

    individual_curriculum_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    person_id: uuid.UUID
    hours: list[CurriculumLine] = Field(description="The pupil's subjects and weekly hours from ``from_on``")
    version: int
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, view: IndividualView) -> IndividualCurriculumRead:
        """The shape of an individual curriculum."""
        r = view.row
        ids = {k: getattr(r, k) for k in ("individual_curriculum_id", "school_id", "class_id", "person_id")}
        lines = [CurriculumLine(subject_id=s.subject_id, weekly_hours=s.weekly_hours) for s in overrides(r)]
        hours = [CurriculumLine(subject_id=s.subject_id, weekly_hours=s.weekly_hours) for s in view.hours]
        stamps = {"version": r.version, "created_at": r.created_at, "updated_at": r.updated_at}
        return cls(**ids, from_on=r.from_on, reason=r.reason, subjects=lines, hours=hours, **stamps)
