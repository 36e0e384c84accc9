"""The weekly timetable of classes, and its views by teacher and by room."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.timetable_schemas import TimetableRead, TimetableUpdate
from eschool.scheduling.services.timetable import publish_week
from eschool.scheduling.services.timetable_views import class_week, room_week, teacher_week

Day = Annotated[
    date | None, Query(description="The day whose week is shown (today in the school if not given)")
]


def timetable_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/timetable, /v1/schools/{school_id}/teachers/{person_id}/timetable
    and /v1/rooms/{room_id}/timetable."""
    router = APIRouter(tags=["timetable"])

    @router.put("/v1/classes/{class_id}/timetable")
    async def put_week(
        class_id: uuid.UUID, body: TimetableUpdate, request: Request, actor: CurrentPrincipal
    ) -> TimetableRead:
        """Set the class's week from a date (409 naming each clash); the same body again changes nothing."""
        async with database_of(request).uow() as uow:
            await publish_week(uow, class_id, body.draft(), actor=actor)
            await uow.commit()
        async with database_of(request).uow() as uow:
            view = await class_week(uow, class_id, body.valid_from, actor=actor)
        return TimetableRead.of(view)

    @router.get("/v1/classes/{class_id}/timetable")
    async def class_timetable(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> TimetableRead:
        """The class's week in effect on the day."""
        async with database_of(request).uow() as uow:
            return TimetableRead.of(await class_week(uow, class_id, on, actor=actor))

    @router.get("/v1/schools/{school_id}/teachers/{person_id}/timetable")
    async def teacher_timetable(
        school_id: uuid.UUID, person_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> TimetableRead:
        """The teacher's lessons in the school in the week in effect on the day."""
        async with database_of(request).uow() as uow:
            return TimetableRead.of(await teacher_week(uow, school_id, person_id, on, actor=actor))

    @router.get("/v1/rooms/{room_id}/timetable")
    async def room_timetable(
        room_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> TimetableRead:
        """The lessons held in the room in the week in effect on the day."""
        async with database_of(request).uow() as uow:
            return TimetableRead.of(await room_week(uow, room_id, on, actor=actor))

    return router
