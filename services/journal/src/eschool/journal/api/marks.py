"""Marks: given in a lesson one at a time (safe to retry with an Idempotency-Key), changed, deleted (the
row and its audit stay)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import IdempotencyKey, Stamp, database_of
from eschool.journal.api.deps import Reason, retry_of
from eschool.journal.db.records import Mark
from eschool.journal.services.lesson_journal import MarkEntry
from eschool.journal.services.lesson_save import change_mark, delete_mark, record_mark
from eschool.journal.services.marks import MarkForm, MarkPatch

Value = Annotated[str, Field(min_length=1, max_length=20, examples=["5", "зач"])]
Comment = Annotated[str, Field(max_length=500, examples=["Не оформлено решение"])]


class MarkCreate(BaseModel):
    """A pupil's mark in the lesson."""

    model_config = ConfigDict(extra="forbid")

    pupil_person_id: uuid.UUID
    value: Value
    work_type_id: uuid.UUID
    comment: Comment | None = None


class MarkUpdate(BaseModel):
    """A change of a mark: what is left out stays; ``reason`` goes to the audit."""

    model_config = ConfigDict(extra="forbid")

    value: Value | None = None
    work_type_id: uuid.UUID | None = None
    comment: Comment | None = None
    reason: Reason | None = None

    def patch(self) -> MarkPatch:
        """The use case's change."""
        given = "comment" in self.model_fields_set
        return MarkPatch(self.value, self.work_type_id, self.comment, given, self.reason)


class MarkLine(MarkUpdate):
    """A mark of the whole-lesson save: new (pupil, value, work type), a change of ``mark_id``, or with
    ``delete`` its deletion."""

    mark_id: uuid.UUID | None = None
    delete: bool = False
    pupil_person_id: uuid.UUID | None = None

    def entry(self) -> MarkEntry:
        """The use case's entry."""
        return MarkEntry(self.mark_id, self.delete, self.pupil_person_id, self.patch())


class MarkRead(BaseModel):
    """A mark: its value, work type and the weight it was given with, who gave it and when."""

    model_config = ConfigDict(from_attributes=True)

    mark_id: uuid.UUID
    lesson_id: uuid.UUID
    pupil_person_id: uuid.UUID
    value: str
    numeric_value: int | None
    work_type_id: uuid.UUID
    weight: Decimal
    comment: str | None
    recorded_by: uuid.UUID | None
    recorded_at: Stamp
    updated_at: Stamp
    deleted_at: Stamp | None
    version: int


def _read(mark: Mark) -> MarkRead:
    return MarkRead.model_validate(mark)


def marks_router() -> APIRouter:
    """Routes under /v1/lessons/{lesson_id}/marks and /v1/marks/{mark_id}."""
    router = APIRouter(prefix="/v1", tags=["journal"])

    @router.post("/lessons/{lesson_id}/marks", status_code=201)
    async def create(
        lesson_id: uuid.UUID,
        body: MarkCreate,
        request: Request,
        actor: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> MarkRead:
        """Give a pupil a mark in the lesson (the lesson's teacher or substitute)."""
        form = MarkForm(body.pupil_person_id, body.value, body.work_type_id, body.comment)
        async with database_of(request).uow() as uow:
            mark = await record_mark(uow, lesson_id, form, actor=actor, retry=retry_of(idempotency_key, body))
            return _read(mark)

    @router.patch("/marks/{mark_id}")
    async def change(
        mark_id: uuid.UUID, body: MarkUpdate, request: Request, actor: CurrentPrincipal
    ) -> MarkRead:
        """Change the mark's value, work type or comment; the old ones stay in the audit."""
        async with database_of(request).uow() as uow:
            return _read(await change_mark(uow, mark_id, body.patch(), actor=actor))

    @router.delete("/marks/{mark_id}")
    async def delete(
        mark_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        reason: Annotated[str | None, Query(max_length=500)] = None,
    ) -> MarkRead:
        """Delete the mark: it leaves the journal, its row and audit stay."""
        async with database_of(request).uow() as uow:
            return _read(await delete_mark(uow, mark_id, reason, actor=actor))

    return router
