"""Free places per grade (public counts, set by the school) and assigning an application to a class."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.events.enrolment import EnrolmentOrder
from eschool.common.http.request import database_of
from eschool.enrolment.api.schemas import ApplicationRead, AssignmentIn, PlacesIn, PlacesRead
from eschool.enrolment.services.places import (
    Assignment,
    GradeFigures,
    assign_to_class,
    school_places,
    set_places,
)
from eschool.enrolment.services.reads import application_read

Grade = Annotated[int, Path(ge=1, le=11)]
SchoolYear = Annotated[int, Path(ge=2000, le=2100, description="The year the school year starts in")]


def places_read(figures: GradeFigures) -> PlacesRead:
    return PlacesRead(
        grade=figures.grade,
        free_places=figures.free_places,
        taken=figures.taken,
        left=figures.left,
        version=figures.version,
    )


def places_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/places and /v1/applications/{id}/assignment."""
    router = APIRouter(prefix="/v1", tags=["places"])

    @router.get("/schools/{school_id}/places")
    async def public(
        school_id: uuid.UUID,
        request: Request,
        school_year: Annotated[
            int, Query(ge=2000, le=2100, description="The year the school year starts in")
        ],
    ) -> list[PlacesRead]:
        """The school's free places per grade: for anyone, without signing in (counts only)."""
        async with database_of(request).reader() as uow:
            return [places_read(f) for f in await school_places(uow, school_id, school_year)]

    @router.put("/schools/{school_id}/places/{school_year}/{grade}")
    async def put(
        school_id: uuid.UUID,
        school_year: SchoolYear,
        grade: Grade,
        body: PlacesIn,
        request: Request,
        actor: CurrentPrincipal,
    ) -> PlacesRead:
        """Set the free places of a grade (the school's administration); never below those taken."""
        async with database_of(request).uow() as uow:
            figures = await set_places(
                uow, school_id, school_year, grade, body.free_places, version=body.version, actor=actor
            )
            await uow.commit()
        return places_read(figures)

    @router.post("/applications/{application_id}/assignment")
    async def assign(
        application_id: uuid.UUID, body: AssignmentIn, request: Request, actor: CurrentPrincipal
    ) -> ApplicationRead:
        """Send a registered application to a class (within the free places and the class's size): the
        child is enrolled by contingent, and the application follows its answer."""
        order = EnrolmentOrder(series=body.order.series, number=body.order.number, date=body.order.date)
        assignment = Assignment(body.class_id, order, body.enrol_on, body.version)
        async with database_of(request).uow() as uow:
            application = await assign_to_class(uow, application_id, assignment, actor=actor)
            await uow.commit()
        return application_read(application)

    return router
