"""Substitutions: another teacher of the same subject teaches lessons in place of their own teacher;
the free teachers of a lesson's subject; the report of substituted and cancelled lessons."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.contingent_schemas import TeacherRead
from eschool.scheduling.api.lesson_schemas import LessonRead
from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.substitutions import Substitution
from eschool.scheduling.services.substitution_report import substitution_report
from eschool.scheduling.services.substitutions import (
    SubstitutionForm,
    assign_substitute,
    candidates,
    remove_substitution,
)


class SubstitutionCreate(BaseModel):
    """The lessons to substitute (by id, or a teacher's between two days), the substitute, the reason."""

    model_config = ConfigDict(extra="forbid")

    substitute_person_id: uuid.UUID
    lesson_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    teacher_person_id: uuid.UUID | None = None
    from_on: date | None = Field(default=None, description="With teacher_person_id: the first day")
    to_on: date | None = Field(default=None, description="With teacher_person_id: the last day")
    reason: Annotated[str, Field(max_length=500, examples=["Больничный"])] | None = None


class SubstitutionRead(BaseModel):
    """A substitution of one lesson."""

    model_config = ConfigDict(from_attributes=True)

    substitution_id: uuid.UUID
    school_id: uuid.UUID
    lesson_id: uuid.UUID
    lesson_on: date
    substitute_person_id: uuid.UUID
    teacher_person_id: uuid.UUID
    reason: str | None
    created_at: Stamp
    removed_at: Stamp | None


class SubstitutedLesson(BaseModel):
    """A lesson and who substitutes in it."""

    lesson: LessonRead
    substitution: SubstitutionRead


class SubstitutionReportRead(BaseModel):
    """The period's substituted and cancelled lessons, and dismissed teachers' lessons left uncovered."""

    substituted: list[SubstitutedLesson]
    cancelled: list[LessonRead]
    needing_substitute: list[LessonRead]


def _read(row: Substitution) -> SubstitutionRead:
    return SubstitutionRead.model_validate(row)


def substitutions_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/substitutions, /v1/substitutions and /v1/lessons."""
    router = APIRouter(prefix="/v1", tags=["substitutions"])

    @router.post("/schools/{school_id}/substitutions")
    async def assign(
        school_id: uuid.UUID, body: SubstitutionCreate, request: Request, actor: CurrentPrincipal
    ) -> list[SubstitutionRead]:
        """Substitute the lessons, all or none (the administration and dispatchers)."""
        form = SubstitutionForm(
            body.substitute_person_id,
            body.lesson_ids,
            body.teacher_person_id,
            body.from_on,
            body.to_on,
            body.reason,
        )
        async with database_of(request).uow() as uow:
            rows = await assign_substitute(uow, school_id, form, actor=actor)
            return [_read(r) for r in rows]

    @router.delete("/substitutions/{substitution_id}")
    async def remove(
        substitution_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> SubstitutionRead:
        """Withdraw the substitution: the lesson's own teacher teaches it again."""
        async with database_of(request).uow() as uow:
            return _read(await remove_substitution(uow, substitution_id, actor=actor))

    @router.get("/lessons/{lesson_id}/substitute-candidates")
    async def free_teachers(
        lesson_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[TeacherRead]:
        """The school's teachers of the lesson's subject who are free then."""
        async with database_of(request).uow() as uow:
            return [TeacherRead.of(m) for m in await candidates(uow, lesson_id, actor=actor)]

    @router.get("/schools/{school_id}/substitution-report")
    async def report(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        first: Annotated[date, Query(alias="from")],
        last: Annotated[date, Query(alias="to")],
    ) -> SubstitutionReportRead:
        """Substituted and cancelled lessons between the days, and lessons needing a substitute."""
        async with database_of(request).uow() as uow:
            found = await substitution_report(uow, school_id, first, last, actor=actor)
            return SubstitutionReportRead(
                substituted=[
                    SubstitutedLesson(lesson=LessonRead.of(x), substitution=_read(s))
                    for x, s in found.substituted
                ],
                cancelled=[LessonRead.of(x) for x in found.cancelled],
                needing_substitute=[LessonRead.of(x) for x in found.needing_substitute],
            )

    return router
