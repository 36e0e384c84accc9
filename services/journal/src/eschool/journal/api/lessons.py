"""A lesson in the journal: its sheet, its record, its attendance, the whole lesson saved at once; and a
class's attendance of a day, checked and corrected by the class teacher."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import IdempotencyKey, database_of
from eschool.journal.api.deps import retry_of
from eschool.journal.api.lesson_schemas import (
    AttendanceRead,
    AttendanceUpdate,
    ClassAttendanceUpdate,
    ClassDayRead,
    LessonJournalRead,
    LessonJournalUpdate,
    LessonRecordRead,
    LessonRecordUpdate,
    LessonSheetRead,
    record_read,
)
from eschool.journal.services.attendance import class_day, correct_class_day, record_attendance
from eschool.journal.services.lesson_access import lesson_sheet
from eschool.journal.services.lesson_journal import save_lesson_journal
from eschool.journal.services.lesson_save import record_lesson


def lessons_router() -> APIRouter:
    """Routes under /v1/lessons/{lesson_id} and /v1/classes/{class_id}/attendance/{day}."""
    router = APIRouter(prefix="/v1", tags=["journal"])

    @router.get("/lessons/{lesson_id}")
    async def get_sheet(lesson_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> LessonSheetRead:
        """The lesson's sheet: the lesson, its record, its pupils with marks, attendance, exemptions."""
        async with database_of(request).uow() as uow:
            return LessonSheetRead.of(await lesson_sheet(uow, lesson_id, actor=actor))

    @router.put("/lessons/{lesson_id}/record")
    async def put_record(
        lesson_id: uuid.UUID, body: LessonRecordUpdate, request: Request, actor: CurrentPrincipal
    ) -> LessonRecordRead:
        """Record the lesson's topic, homework and kind of work (the lesson's teacher or substitute)."""
        async with database_of(request).uow() as uow:
            return record_read(await record_lesson(uow, lesson_id, body.form(), actor=actor))

    @router.put("/lessons/{lesson_id}/attendance")
    async def put_attendance(
        lesson_id: uuid.UUID, body: AttendanceUpdate, request: Request, actor: CurrentPrincipal
    ) -> list[AttendanceRead]:
        """Record who was absent, ill, excused or late (null: present); answers the lesson's absences."""
        entries = [e.entry() for e in body.entries]
        async with database_of(request).uow() as uow:
            rows = await record_attendance(uow, lesson_id, entries, actor=actor)
            return [AttendanceRead.model_validate(r) for r in rows]

    @router.put("/lessons/{lesson_id}/journal")
    async def put_journal(
        lesson_id: uuid.UUID,
        body: LessonJournalUpdate,
        request: Request,
        actor: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> LessonJournalRead:
        """Save the whole lesson (record, attendance, marks) all or nothing; a retried key changes nothing."""
        retry = retry_of(idempotency_key, body)
        async with database_of(request).uow() as uow:
            saved = await save_lesson_journal(uow, lesson_id, body.form(), actor=actor, retry=retry)
            return LessonJournalRead.of(saved)

    @router.get("/classes/{class_id}/attendance/{day}")
    async def get_class_day(
        class_id: uuid.UUID, day: date, request: Request, actor: CurrentPrincipal
    ) -> ClassDayRead:
        """The class's attendance of the day, pupil by lesson (its class teacher and the administration)."""
        async with database_of(request).uow() as uow:
            return ClassDayRead.of(await class_day(uow, class_id, day, actor=actor))

    @router.patch("/classes/{class_id}/attendance/{day}")
    async def patch_class_day(
        class_id: uuid.UUID, day: date, body: ClassAttendanceUpdate, request: Request, actor: CurrentPrincipal
    ) -> ClassDayRead:
        """Correct the class's attendance of the day (its class teacher and the administration)."""
        corrections = [e.correction() for e in body.entries]
        async with database_of(request).uow() as uow:
            return ClassDayRead.of(await correct_class_day(uow, class_id, day, corrections, actor=actor))

    return router
