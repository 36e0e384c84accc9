"""A leaving teacher's handover: what they hold in the school, and its passing to another teacher."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.services.handover import Handover, hand_over, handover_of

PATH = "/v1/schools/{school_id}/teachers/{person_id}/handover"
FromOn = Annotated[date | None, Query(alias="from", description="Lessons counted from this day (today)")]


class HandoverCreate(BaseModel):
    """Who takes the teacher's classes, and from which day."""

    model_config = ConfigDict(extra="forbid")

    to_person_id: uuid.UUID
    from_on: date


class HandoverAssignment(BaseModel):
    """A teaching assignment the teacher holds."""

    teaching_assignment_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    subject_id: uuid.UUID
    weekly_hours: Decimal


class HandoverPlan(BaseModel):
    """A thematic plan of a class's subject the teacher teaches by."""

    thematic_plan_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    total_hours: int
    version: int


class HandoverLessons(BaseModel):
    """The teacher's scheduled lessons of a class's subject from the day on."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    lessons: int


class HandoverRead(BaseModel):
    """What the teacher holds in the school."""

    assignments: list[HandoverAssignment]
    thematic_plans: list[HandoverPlan]
    lessons: list[HandoverLessons]

    @classmethod
    def of(cls, found: Handover) -> HandoverRead:
        """The handover as the API shows it."""
        return cls(
            assignments=[
                HandoverAssignment.model_validate(a, from_attributes=True) for a in found.assignments
            ],
            thematic_plans=[HandoverPlan.model_validate(p, from_attributes=True) for p in found.plans],
            lessons=[HandoverLessons(class_id=c, subject_id=s, lessons=n) for c, s, n in found.lessons],
        )


def handover_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/teachers/{person_id}/handover."""
    router = APIRouter(tags=["teachers"])

    @router.get(PATH)
    async def get_handover(
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        day: FromOn = None,
    ) -> HandoverRead:
        """What the teacher holds: assignments, thematic plans, scheduled lessons from the day on."""
        async with database_of(request).uow() as uow:
            found = await handover_of(uow, school_id, person_id, day, actor=actor)
            return HandoverRead.of(found)

    @router.post(PATH)
    async def post_handover(
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        body: HandoverCreate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> HandoverRead:
        """Pass the teacher's assignments and weeks from the day to another teacher (409 on a clash)."""
        async with database_of(request).uow() as uow:
            found = await hand_over(uow, school_id, person_id, body.to_person_id, body.from_on, actor=actor)
            await uow.commit()
            return HandoverRead.of(found)

    return router
