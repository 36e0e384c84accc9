"""A school's staff, as the timetable's builders read them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.contingent_schemas import TeacherRead
from eschool.scheduling.services.contingent_views import school_teachers

WithDismissed = Annotated[bool, Query(description="Also the dismissed, flagged with their last day")]


def teachers_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/teachers."""
    router = APIRouter(tags=["teachers"])

    @router.get("/v1/schools/{school_id}/teachers")
    async def list_teachers(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        include_dismissed: WithDismissed = False,
    ) -> list[TeacherRead]:
        """The school's staff by name (the dismissed only if asked)."""
        async with database_of(request).uow() as uow:
            members = await school_teachers(uow, school_id, include_dismissed=include_dismissed, actor=actor)
        return [TeacherRead.of(m) for m in members]

    return router
