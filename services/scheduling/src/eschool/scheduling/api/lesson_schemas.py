"""HTTP shapes of dated lessons and of their generation jobs."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.lessons import Lesson, LessonGenerationJob


class LessonGenerationCreate(BaseModel):
    """Which term of which scheme to generate lessons of, for the school's classes of that scheme."""

    model_config = ConfigDict(extra="forbid")

    term_scheme_id: uuid.UUID
    term_id: uuid.UUID


class LessonGenerationRead(BaseModel):
    """A generation job: its term and its progress (classes gone through of all)."""

    lesson_generation_job_id: uuid.UUID
    school_id: uuid.UUID
    term_scheme_id: uuid.UUID
    term_id: uuid.UUID
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    percent: int
    created_lessons: int
    removed_lessons: int = Field(description="Lessons dropped because the timetable changed")
    error: str | None
    created_at: Stamp
    finished_at: Stamp | None

    @classmethod
    def of(cls, job: LessonGenerationJob) -> LessonGenerationRead:
        """The job as the API shows it."""
        percent = 100 if job.total == 0 else job.done * 100 // job.total
        fields = set(cls.model_fields) - {"percent"}
        return cls.model_validate({**{f: getattr(job, f) for f in fields}, "percent": percent})


class LessonCancel(BaseModel):
    """Why the lesson is cancelled (people read it in the journal and the diary)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=500, examples=["Карантин"])]


class LessonMove(BaseModel):
    """Where the lesson goes: a day of its term and a slot of its bell schedule."""

    model_config = ConfigDict(extra="forbid")

    lesson_on: date
    slot_number: Annotated[int, Field(ge=0, le=20)]


class PlannedTopicRead(BaseModel):
    """The thematic plan's topic falling on the lesson: the journal's default lesson topic."""

    number: int
    title: str


class LessonRead(BaseModel):
    """A dated lesson: where it is (and where the timetable put it), what it is, its status."""

    lesson_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    term_id: uuid.UUID
    timetable_entry_id: uuid.UUID | None
    lesson_on: date
    slot_number: int
    starts_at: time
    ends_at: time
    planned_on: date
    planned_slot_number: int
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None
    status: Literal["scheduled", "cancelled"]
    cancel_reason: str | None
    changed_at: Stamp | None
    version: int
    planned_topic: PlannedTopicRead | None = Field(description="None: no topic of the plan falls on it")

    @classmethod
    def of(cls, lesson: Lesson) -> LessonRead:
        """The lesson as the API shows it."""
        fields = {f: getattr(lesson, f) for f in cls.model_fields if f != "planned_topic"}
        number, title = lesson.planned_topic_number, lesson.planned_topic_title
        topic = PlannedTopicRead(number=number, title=title) if number is not None and title else None
        return cls.model_validate({**fields, "planned_topic": topic})
