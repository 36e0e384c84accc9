"""The year rollover («Перевести всё»): queued by a request (202), carried in the background, watched by
its job; a pupil's promotion cancelled before anything else moves them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import Stamp, database_of
from eschool.contingent.api.pupils import OrderFields
from eschool.contingent.db.rollover import PupilPromotion, RolloverJob
from eschool.contingent.domain.people import Order
from eschool.contingent.services.promotion import cancel_promotion
from eschool.contingent.services.rollover import (
    RolloverRequest,
    request_rollover,
    rollover_job,
    start_rollover,
)


class RolloverCreate(BaseModel):
    """From which year, into which (set up with 1 Sep – 31 Aug if missing), which classes (all if none)."""

    model_config = ConfigDict(extra="forbid")

    from_academic_year_id: uuid.UUID
    to_year_name: Annotated[str, Field(max_length=20, examples=["2026/2027"])]
    class_ids: list[uuid.UUID] | None = Field(default=None, description="Only these classes of the year")
    promoted_on: dt.date | None = Field(default=None, description="The new year's first day by default")
    order: OrderFields | None = Field(default=None, description="The promotion order, if the school has one")


class RolloverConflict(BaseModel):
    """A class the rollover skipped, and why (in Russian)."""

    class_id: uuid.UUID
    class_name: str = Field(examples=["9 Б"])
    code: str
    detail: str


class RolloverRead(BaseModel):
    """A rollover job: its parameters and its progress (classes gone through of all)."""

    rollover_job_id: uuid.UUID
    school_id: uuid.UUID
    from_academic_year_id: uuid.UUID
    to_academic_year_id: uuid.UUID
    class_ids: list[uuid.UUID] | None
    promoted_on: dt.date
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    percent: int
    promoted: int = Field(description="Pupils this job promoted")
    conflicts: list[RolloverConflict]
    error: str | None
    created_at: Stamp
    finished_at: Stamp | None


class PromotionRead(BaseModel):
    """A pupil's promotion: from which class into which, on which day, cancelled when."""

    person_id: uuid.UUID
    from_class_id: uuid.UUID
    to_class_id: uuid.UUID
    promoted_on: dt.date
    cancelled_at: Stamp | None


def rollover_read(job: RolloverJob) -> RolloverRead:
    """The job as the API shows it."""
    percent = 100 if job.total == 0 else job.done * 100 // job.total
    fields = set(RolloverRead.model_fields) - {"percent"}
    return RolloverRead.model_validate({**{f: getattr(job, f) for f in fields}, "percent": percent})


def rollover_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/rollovers, /v1/rollovers and /v1/pupils/{id}/promotion."""
    router = APIRouter(prefix="/v1", tags=["rollover"])

    @router.post("/schools/{school_id}/rollovers", status_code=202)
    async def roll_over(
        school_id: uuid.UUID,
        body: RolloverCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> RolloverRead:
        """Carry the school's classes and pupils into the new year in the background; the same request
        while it runs answers the running job, another one 409 ``rollover_running``."""
        order = body.order and Order(body.order.number, body.order.date, body.order.series)
        ids = None if body.class_ids is None else tuple(body.class_ids)
        form = RolloverRequest(body.from_academic_year_id, body.to_year_name, ids, body.promoted_on, order)
        database = database_of(request)
        async with database.uow() as uow:
            job, created = await request_rollover(uow, school_id, form, actor=actor)
        if created:
            start_rollover(database, job.rollover_job_id)
        response.headers["Location"] = f"/v1/rollovers/{job.rollover_job_id}"
        return rollover_read(job)

    @router.get("/rollovers/{job_id}")
    async def get_rollover(job_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> RolloverRead:
        """The rollover's status and progress, and the classes it had to skip."""
        async with database_of(request).uow() as uow:
            job = await rollover_job(uow, job_id, actor=actor)
        return rollover_read(job)

    @router.post("/pupils/{person_id}/promotion/cancellation", status_code=201, responses={200: {}})
    async def cancel(
        person_id: uuid.UUID, request: Request, response: Response, actor: CurrentPrincipal
    ) -> PromotionRead:
        """Put the pupil back into the class they were promoted from (no movement since); a retry: 200."""
        async with database_of(request).uow() as uow:
            promotion, created = await cancel_promotion(uow, person_id, actor=actor)
        response.status_code = 201 if created else 200
        return promotion_read(promotion)

    return router


def promotion_read(promotion: PupilPromotion) -> PromotionRead:
    """The promotion as the API shows it."""
    return PromotionRead.model_validate({f: getattr(promotion, f) for f in PromotionRead.model_fields})
