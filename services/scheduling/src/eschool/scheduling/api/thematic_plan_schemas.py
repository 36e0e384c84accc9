"""HTTP shapes of thematic plans (КТП)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.http.uploads import ImportErrorRead
from eschool.scheduling.domain.thematic_plans import LABEL_LENGTH, MAX_TOPICS, TITLE_LENGTH, Topic
from eschool.scheduling.services.thematic_plans import PlanView


class TopicBody(BaseModel):
    """A topic: its number in the plan (1, 2, 3… in order), title, whole hours, section, lesson type."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(examples=[1])
    title: str = Field(max_length=TITLE_LENGTH, examples=["Натуральные числа и шкалы"])
    hours: int = Field(examples=[2])
    section: str | None = Field(
        default=None, max_length=LABEL_LENGTH, examples=["Глава 1. Натуральные числа"]
    )
    lesson_type: str | None = Field(default=None, max_length=LABEL_LENGTH, examples=["контрольная работа"])

    def topic(self) -> Topic:
        """The topic as the domain checks it (spaces collapsed)."""
        section = " ".join((self.section or "").split()) or None
        lesson_type = " ".join((self.lesson_type or "").split()) or None
        return Topic(self.number, " ".join(self.title.split()), self.hours, section, lesson_type)


class ThematicPlanUpdate(BaseModel):
    """The whole plan, on the version the editor saw (0: there was none)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=0, examples=[0])
    topics: list[TopicBody] = Field(max_length=MAX_TOPICS)


class ThematicPlanCopy(BaseModel):
    """Copy from the previous year: the class to copy from (default: a grade lower, the same letter)."""

    model_config = ConfigDict(extra="forbid")

    source_class_id: uuid.UUID | None = None
    version: int | None = Field(default=None, ge=0, description="The plan's version seen (null: no check)")


class HoursRead(BaseModel):
    """The plan's hours against the curriculum's hours of the subject in the year (weekly × weeks)."""

    planned_hours: int
    curriculum_hours: int | None = Field(description="null: the class's curriculum has no hours of it")
    matches: bool
    message: str = Field(examples=["В плане 170 ч — столько же, сколько в учебном плане"])


class TopicRead(BaseModel):
    """A topic of the plan."""

    number: int
    title: str
    hours: int
    section: str | None
    lesson_type: str | None


class ThematicPlanRead(BaseModel):
    """A class's plan of a subject (version 0 and no topics: none yet) and its hours check."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    academic_year_id: uuid.UUID
    version: int
    topics: list[TopicRead]
    hours: HoursRead

    @classmethod
    def of(cls, view: PlanView) -> ThematicPlanRead:
        """The view as the API answers it."""
        check = view.hours
        return cls(
            class_id=view.school_class.class_id,
            subject_id=view.subject_id,
            academic_year_id=view.school_class.academic_year_id,
            version=view.version,
            topics=[TopicRead(**t.as_json()) for t in view.topics],
            hours=HoursRead(
                planned_hours=check.planned_hours,
                curriculum_hours=check.curriculum_hours,
                matches=check.matches,
                message=check.message,
            ),
        )


class ThematicPlanImportRead(BaseModel):
    """The file's report: rows read, every error, the topics and hours it holds, whether the plan
    already is the file (``unchanged``: 1) and whether it was applied."""

    rows: int
    valid: bool
    errors: list[ImportErrorRead]
    topics: int
    total_hours: int
    curriculum_hours: int | None
    unchanged: int
    applied: bool
