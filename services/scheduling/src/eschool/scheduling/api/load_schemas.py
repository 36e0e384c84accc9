"""The HTTP shapes of curricula, teaching assignments and the teaching-load check."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.curricula import TeachingAssignment
from eschool.scheduling.domain.load import Coverage, SubjectHours
from eschool.scheduling.services.curricula import CurriculumDraft, CurriculumView
from eschool.scheduling.services.teaching_assignments import AssignmentDraft

Hours = Annotated[
    Decimal,
    Field(ge=0, le=80, max_digits=3, decimal_places=1, examples=[2.5]),
    PlainSerializer(float, return_type=float),
]
Total = Annotated[Decimal, PlainSerializer(float, return_type=float)]


class CurriculumLine(BaseModel):
    """A subject of the curriculum and its weekly hours (one decimal)."""

    model_config = ConfigDict(extra="forbid")

    subject_id: uuid.UUID
    weekly_hours: Hours


class CurriculumFields(BaseModel):
    """A curriculum's name, grade level, profile and subjects."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200, examples=["5 классы, ФГОС ООО"])]
    grade: Annotated[int, Field(ge=1, le=12)]
    profile: Annotated[str | None, Field(max_length=200, examples=["технологический"])] = None
    subjects: Annotated[list[CurriculumLine], Field(min_length=1, max_length=60)]

    def draft(self) -> CurriculumDraft:
        """The curriculum as the use cases take it."""
        lines = [SubjectHours(s.subject_id, s.weekly_hours) for s in self.subjects]
        return CurriculumDraft(self.name, self.grade, self.profile, lines)


class CurriculumCreate(CurriculumFields):
    """A curriculum to add to the school's year."""

    academic_year_id: uuid.UUID


class CurriculumUpdate(CurriculumFields):
    """A curriculum's new content, and the version it was based on."""

    version: int


class CurriculumRead(CurriculumFields):
    """A curriculum of a school's year and the classes following it."""

    model_config = ConfigDict(extra="ignore")

    curriculum_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    class_ids: list[uuid.UUID]
    version: int
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, view: CurriculumView) -> CurriculumRead:
        """The shape of a curriculum."""
        c = view.curriculum
        fields = {k: getattr(c, k) for k in ("curriculum_id", "school_id", "academic_year_id", "name")}
        fields |= {k: getattr(c, k) for k in ("grade", "profile", "subjects", "version")}
        return cls(**fields, class_ids=list(view.class_ids), created_at=c.created_at, updated_at=c.updated_at)


class CurriculaCarry(BaseModel):
    """The year to carry curricula from and the year to carry them into."""

    model_config = ConfigDict(extra="forbid")

    from_academic_year_id: uuid.UUID
    to_academic_year_id: uuid.UUID


class CurriculaCarried(BaseModel):
    """Curricula the carrying made, and those it found already there (by name)."""

    created: list[CurriculumRead]
    existing: list[CurriculumRead]


class ClassCurriculumSet(BaseModel):
    """The curriculum the class follows (None: none)."""

    model_config = ConfigDict(extra="forbid")

    curriculum_id: uuid.UUID | None


class TeachingAssignmentCreate(BaseModel):
    """A teacher (their person id) teaching a subject in a class, or one of its subgroups."""

    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None = None
    subject_id: uuid.UUID
    weekly_hours: Hours

    def draft(self) -> AssignmentDraft:
        """The assignment as the use cases take it."""
        return AssignmentDraft(
            self.person_id, self.class_id, self.subgroup_id, self.subject_id, self.weekly_hours
        )


class TeachingAssignmentUpdate(BaseModel):
    """An assignment's new weekly hours, and the version they were based on."""

    model_config = ConfigDict(extra="forbid")

    weekly_hours: Hours
    version: int


class TeachingAssignmentRead(TeachingAssignmentCreate):
    """A teaching assignment of a school's year."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)

    teaching_assignment_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    version: int
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, assignment: TeachingAssignment) -> TeachingAssignmentRead:
        """The shape of an assignment."""
        return cls.model_validate(assignment)


class SubjectCoverageRead(BaseModel):
    """A subject of a class: the curriculum's hours, the assigned ones, the verdict."""

    subject_id: uuid.UUID
    planned_hours: Total
    assigned_hours: Total
    coverage: Coverage


class ClassLoadRead(BaseModel):
    """A class of the year with its curriculum (None: it follows none) and its subjects."""

    class_id: uuid.UUID
    grade: int
    letter: str
    curriculum_id: uuid.UUID | None
    subjects: list[SubjectCoverageRead]


class TeacherLoadRead(BaseModel):
    """A teacher's weekly hours in the year; ``over_max`` past the maximum."""

    person_id: uuid.UUID
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    dismissed: bool
    weekly_hours: Total
    over_max: bool


class TeachingLoadRead(BaseModel):
    """The check of the year's teaching load."""

    max_weekly_hours: Total
    classes: list[ClassLoadRead]
    teachers: list[TeacherLoadRead]
