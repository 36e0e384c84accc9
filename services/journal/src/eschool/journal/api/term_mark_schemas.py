"""HTTP shapes of a class's averages, its term marks grid, the save of a class's term marks and the
check before a term closes."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Read = ConfigDict(from_attributes=True)


class PolicyUsed(BaseModel):
    """The version of the school's rounding policy the averages were computed with."""

    policy_version: int
    rounding_threshold: Decimal = Field(examples=["0.5"])
    min_marks: int


class PupilAverageRead(BaseModel):
    """A pupil's weighted average (two decimals), the mark it rounds to, and the forecast; None without
    marks or for a pupil exempted from the subject."""

    model_config = Read

    pupil_person_id: uuid.UUID
    name: str | None
    exempted: bool
    average: Decimal | None = Field(examples=["3.89"])
    mark: int | None
    marks_count: int
    enough_marks: bool
    marks_needed: int = Field(description="How many marks are missing to the policy's minimum")
    next_mark: int | None
    fives_for_next: int | None = Field(description="How many 5s lift the mark to the next one")
    risk_twos: int | None = Field(description="How many 2s would drop the mark")


class ClassAveragesRead(PolicyUsed):
    """Every pupil of the class in the term, with the averages of their marks in the subject."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    term_id: uuid.UUID
    pupils: list[PupilAverageRead]


class GridTermRead(BaseModel):
    """A term of the class's term scheme."""

    model_config = Read

    term_id: uuid.UUID
    number: int
    name: str
    starts_on: date | None
    ends_on: date | None
    closed: bool


class GridCellRead(BaseModel):
    """A mark of a period (None: not set), the average kept beside it, and the average the marks give now."""

    model_config = Read

    term_id: uuid.UUID | None
    value: str | None
    computed_average: Decimal | None = Field(description="Computed when the mark was set")
    average: Decimal | None = Field(description="Computed now: a term's marks, or the year's term marks")
    mark: int | None = Field(description="The mark ``average`` rounds to")


class GridRowRead(BaseModel):
    """A pupil's term marks, annual mark and final mark."""

    model_config = Read

    pupil_person_id: uuid.UUID
    name: str | None
    terms: list[GridCellRead]
    annual: GridCellRead
    final: GridCellRead


class TermMarkGridRead(PolicyUsed):
    """A class's term marks in a subject for its year."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    academic_year_id: uuid.UUID
    terms: list[GridTermRead]
    pupils: list[GridRowRead]


class TermMarkEntryWrite(BaseModel):
    """A pupil's mark of the period; null removes it."""

    model_config = ConfigDict(extra="forbid")

    pupil_person_id: uuid.UUID
    value: Annotated[str | None, Field(max_length=16, examples=["5", "зач"])]


class TermMarksUpdate(BaseModel):
    """A class's marks of one period: a term (``term_id``), the year (``annual``) or the final mark."""

    model_config = ConfigDict(extra="forbid")

    period: Literal["term", "annual", "final"]
    term_id: uuid.UUID | None = None
    marks: Annotated[list[TermMarkEntryWrite], Field(min_length=1, max_length=60)]
    reason: Annotated[str | None, Field(max_length=500, description="Required to change a closed period")] = (
        None
    )


class SavedTermMarkRead(BaseModel):
    """A pupil's live mark of the period after the save, and whether the save changed it."""

    model_config = Read

    pupil_person_id: uuid.UUID
    term_mark_id: uuid.UUID | None
    value: str | None
    numeric_value: int | None
    computed_average: Decimal | None
    policy_version: int | None
    version: int | None
    changed: bool


class TermMarksSaved(BaseModel):
    """The result of a save of a class's term marks."""

    model_config = Read

    class_id: uuid.UUID
    subject_id: uuid.UUID
    period: Literal["term", "annual", "final"]
    term_id: uuid.UUID | None
    overridden: bool
    changed: int
    marks: list[SavedTermMarkRead]


class FindingRead(BaseModel):
    """A thing to put right before the term closes."""

    model_config = Read

    code: str = Field(examples=["too_few_marks", "no_term_mark", "no_control_work"])
    message: str


class PupilFindingsRead(BaseModel):
    """A pupil with something to put right."""

    model_config = Read

    pupil_person_id: uuid.UUID
    name: str | None
    marks_count: int
    findings: list[FindingRead]


class PreCloseRead(PolicyUsed):
    """The check of a class's subject before its term closes (seed 004, 5.1–5.3, 6.2)."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    term_id: uuid.UUID
    due_on: date | None = Field(description="The last day to set the term marks: two days before the end")
    has_control_work: bool
    findings: list[FindingRead]
    pupils: list[PupilFindingsRead]
