"""A school's rooms."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.setup_schemas import RoomCreate, RoomRead, RoomUpdate
from eschool.scheduling.services.rooms import add_room, change_room, school_rooms

Retired = Annotated[bool, Query(description="Also the retired rooms")]


def rooms_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/rooms and /v1/rooms."""
    router = APIRouter(tags=["rooms"])

    @router.post("/v1/schools/{school_id}/rooms", status_code=201)
    async def create(
        school_id: uuid.UUID, body: RoomCreate, request: Request, actor: CurrentPrincipal
    ) -> RoomRead:
        """Add a room to the school (its name unique in the school)."""
        async with database_of(request).uow() as uow:
            room = await add_room(uow, school_id, body.draft(), actor=actor)
            await uow.commit()
        return RoomRead.model_validate(room, from_attributes=True)

    @router.get("/v1/schools/{school_id}/rooms")
    async def list_all(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, include_retired: Retired = False
    ) -> list[RoomRead]:
        """The school's rooms, by name."""
        async with database_of(request).uow() as uow:
            rooms = await school_rooms(uow, school_id, include_retired=include_retired, actor=actor)
        return [RoomRead.model_validate(r, from_attributes=True) for r in rooms]

    @router.put("/v1/rooms/{room_id}")
    async def update(
        room_id: uuid.UUID, body: RoomUpdate, request: Request, actor: CurrentPrincipal
    ) -> RoomRead:
        """Change a room's card or retire it (409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            room = await change_room(
                uow, room_id, body.draft(), retired=body.retired, version=body.version, actor=actor
            )
            await uow.commit()
        return RoomRead.model_validate(room, from_attributes=True)

    return router
