"""Bell schedules of a school's years: create (given or default slots), list, read, change, carry into
another year."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.setup_schemas import (
    BellScheduleCreate,
    BellScheduleRead,
    BellSchedulesCarried,
    BellSchedulesCarry,
    BellScheduleUpdate,
)
from eschool.scheduling.domain.bells import default_slots
from eschool.scheduling.services.bell_carry import carry_bell_schedules
from eschool.scheduling.services.bells import (
    BellDraft,
    bell_schedule_for,
    change_bell_schedule,
    create_bell_schedule,
    school_bell_schedules,
)

YearFilter = Annotated[uuid.UUID | None, Query(description="Only the schedules of this academic year")]
SCHOOL = "/v1/schools/{school_id}/bell-schedules"


def _draft(body: BellScheduleCreate) -> BellDraft:
    if body.slots is not None:
        return BellDraft(body.name, body.shift, [s.slot() for s in body.slots])
    return BellDraft(body.name, body.shift, default_slots(body.lessons, time.fromisoformat(body.starts_at)))


def bell_schedules_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/bell-schedules and /v1/bell-schedules."""
    router = APIRouter(tags=["bell schedules"])

    @router.post(SCHOOL, status_code=201)
    async def create(
        school_id: uuid.UUID, body: BellScheduleCreate, request: Request, actor: CurrentPrincipal
    ) -> BellScheduleRead:
        """Add a bell schedule to the school's year (without slots: the default 45-minute lessons)."""
        async with database_of(request).uow() as uow:
            schedule = await create_bell_schedule(
                uow, school_id, body.academic_year_id, _draft(body), actor=actor
            )
            await uow.commit()
        return BellScheduleRead.of(schedule)

    @router.get(SCHOOL)
    async def list_all(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: YearFilter = None
    ) -> list[BellScheduleRead]:
        """The school's bell schedules, by year, shift and name."""
        async with database_of(request).uow() as uow:
            schedules = await school_bell_schedules(uow, school_id, academic_year_id, actor=actor)
        return [BellScheduleRead.of(s) for s in schedules]

    @router.post(SCHOOL + "/carry")
    async def carry(
        school_id: uuid.UUID, body: BellSchedulesCarry, request: Request, actor: CurrentPrincipal
    ) -> BellSchedulesCarried:
        """Carry a year's bell schedules into another year of the school; a second carrying adds nothing."""
        async with database_of(request).uow() as uow:
            carried = await carry_bell_schedules(
                uow,
                school_id,
                body.from_academic_year_id,
                body.to_academic_year_id,
                bell_schedule_ids=body.bell_schedule_ids,
                actor=actor,
            )
            await uow.commit()
        return BellSchedulesCarried(
            created=[BellScheduleRead.of(s) for s in carried.created],
            existing=[BellScheduleRead.of(s) for s in carried.existing],
        )

    @router.get("/v1/bell-schedules/{bell_schedule_id}")
    async def read(
        bell_schedule_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> BellScheduleRead:
        """A bell schedule with its slots."""
        async with database_of(request).uow() as uow:
            schedule = await bell_schedule_for(uow, bell_schedule_id, actor=actor, write=False)
        return BellScheduleRead.of(schedule)

    @router.put("/v1/bell-schedules/{bell_schedule_id}")
    async def update(
        bell_schedule_id: uuid.UUID, body: BellScheduleUpdate, request: Request, actor: CurrentPrincipal
    ) -> BellScheduleRead:
        """Change the schedule's name, shift and slots (all of them; 409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            schedule = await change_bell_schedule(
                uow, bell_schedule_id, body.draft(), version=body.version, actor=actor
            )
            await uow.commit()
        return BellScheduleRead.of(schedule)

    return router
