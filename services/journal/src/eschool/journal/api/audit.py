"""The audit trail of a pupil's and a lesson's records: who changed what, when, from what, why."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from eschool.common.auth import CurrentPrincipal
from eschool.common.db import Page
from eschool.common.http.request import Cursor, Stamp, database_of
from eschool.journal.api.deps import AuditLimit
from eschool.journal.services.audit import lesson_audit, pupil_audit


class AuditRead(BaseModel):
    """One change: of what (``entity``: mark, attendance, lesson_record, term_mark, attachment,
    exemption; a school's settings: grading_policy, work_type, subject_scale), old and new, who, when,
    why."""

    model_config = ConfigDict(from_attributes=True)

    audit_id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    lesson_id: uuid.UUID | None
    pupil_person_id: uuid.UUID | None
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    actor_user_id: uuid.UUID | None
    actor_person_id: uuid.UUID | None
    at: Stamp


class AuditPage(BaseModel):
    """A page of changes, newest first, and the cursor of the next page."""

    items: list[AuditRead]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any]) -> AuditPage:
        """The shape of a page of the audit."""
        return cls(items=[AuditRead.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@dataclass(frozen=True)
class PageQuery:
    """Which page of the audit: after ``cursor``, ``limit`` rows."""

    cursor: Cursor = None
    limit: AuditLimit = 50


Paging = Annotated[PageQuery, Depends()]


def audit_router() -> APIRouter:
    """Routes under /v1/pupils/{pupil_id}/audit and /v1/lessons/{lesson_id}/audit."""
    router = APIRouter(prefix="/v1", tags=["journal"])

    @router.get("/pupils/{pupil_id}/audit")
    async def of_pupil(
        pupil_id: uuid.UUID,
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        page: Paging,
    ) -> AuditPage:
        """The changes of the pupil's records in the school (its administration, the class teacher)."""
        async with database_of(request).uow() as uow:
            found = await pupil_audit(
                uow, pupil_id, school_id, actor=actor, cursor=page.cursor, limit=page.limit
            )
            return AuditPage.of(found)

    @router.get("/lessons/{lesson_id}/audit")
    async def of_lesson(
        lesson_id: uuid.UUID, request: Request, actor: CurrentPrincipal, page: Paging
    ) -> AuditPage:
        """The changes of the lesson's records (its teacher, the class teacher, the administration)."""
        async with database_of(request).uow() as uow:
            found = await lesson_audit(uow, lesson_id, actor=actor, cursor=page.cursor, limit=page.limit)
            return AuditPage.of(found)

    return router
