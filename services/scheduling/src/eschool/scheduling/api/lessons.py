"""Dated lessons: a school's term generated as a job, a lesson cancelled or moved, a class's and a
teacher's lessons between two days."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.lesson_schemas import (
    LessonCancel,
    LessonGenerationCreate,
    LessonGenerationRead,
    LessonMove,
    LessonRead,
)
from eschool.scheduling.services.lesson_changes import (
    cancel_lesson,
    class_lessons,
    move_lesson,
    teacher_lessons,
)
from eschool.scheduling.services.lesson_jobs import generation_job, request_generation, start_generation

From = Annotated[date, Query(alias="from", description="The first day, included")]
To = Annotated[date, Query(alias="to", description="The last day, included")]


def lessons_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/lesson-generations, /v1/lesson-generations, /v1/lessons,
    /v1/classes/{class_id}/lessons and /v1/schools/{school_id}/teachers/{person_id}/lessons."""
    router = APIRouter(prefix="/v1", tags=["lessons"])

    @router.post("/schools/{school_id}/lesson-generations", status_code=202)
    async def generate(
        school_id: uuid.UUID,
        body: LessonGenerationCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> LessonGenerationRead:
        """Generate the term's lessons of the school's classes of the scheme in the background; the same
        request while it runs answers the running job."""
        database = database_of(request)
        async with database.uow() as uow:
            job, created = await request_generation(
                uow, school_id, body.term_scheme_id, body.term_id, actor=actor
            )
        if created:
            start_generation(database, job.lesson_generation_job_id)
        response.headers["Location"] = f"/v1/lesson-generations/{job.lesson_generation_job_id}"
        return LessonGenerationRead.of(job)

    @router.get("/lesson-generations/{job_id}")
    async def get_generation(
        job_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> LessonGenerationRead:
        """The generation's status and progress."""
        async with database_of(request).uow() as uow:
            return LessonGenerationRead.of(await generation_job(uow, job_id, actor=actor))

    @router.post("/lessons/{lesson_id}/cancellation")
    async def cancel(
        lesson_id: uuid.UUID, body: LessonCancel, request: Request, actor: CurrentPrincipal
    ) -> LessonRead:
        """Cancel the lesson with a reason; the same cancellation again changes nothing."""
        async with database_of(request).uow() as uow:
            lesson = await cancel_lesson(uow, lesson_id, body.reason, actor=actor)
            await uow.commit()
            return LessonRead.of(lesson)

    @router.post("/lessons/{lesson_id}/move")
    async def move(
        lesson_id: uuid.UUID, body: LessonMove, request: Request, actor: CurrentPrincipal
    ) -> LessonRead:
        """Move the lesson to another day and slot (409 naming a clash of teacher, room or class)."""
        async with database_of(request).uow() as uow:
            lesson = await move_lesson(uow, lesson_id, body.lesson_on, body.slot_number, actor=actor)
            await uow.commit()
            return LessonRead.of(lesson)

    @router.get("/classes/{class_id}/lessons")
    async def of_class(
        class_id: uuid.UUID, first: From, last: To, request: Request, actor: CurrentPrincipal
    ) -> list[LessonRead]:
        """The class's lessons held between the days, by day and slot."""
        async with database_of(request).uow() as uow:
            found = await class_lessons(uow, class_id, first, last, actor=actor)
            return [LessonRead.of(x) for x in found]

    @router.get("/schools/{school_id}/teachers/{person_id}/lessons")
    async def of_teacher(
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        first: From,
        last: To,
        request: Request,
        actor: CurrentPrincipal,
    ) -> list[LessonRead]:
        """The teacher's lessons in the school held between the days, by day and slot."""
        async with database_of(request).uow() as uow:
            found = await teacher_lessons(uow, school_id, person_id, first, last, actor=actor)
            return [LessonRead.of(x) for x in found]

    return router
