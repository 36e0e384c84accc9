"""Class rosters and pupils' individual curricula: create, list, read, change, remove."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.individual_curriculum_schemas import (
    IndividualCurriculumCreate,
    IndividualCurriculumRead,
    IndividualCurriculumUpdate,
    RosterPupilRead,
)
from eschool.scheduling.services.class_rosters import class_roster
from eschool.scheduling.services.individual_curricula import (
    change_individual_curriculum,
    class_individual_curricula,
    create_individual_curriculum,
    individual_curriculum_for,
    remove_individual_curriculum,
)

CLASS = "/v1/classes/{class_id}/individual-curricula"
ONE = "/v1/individual-curricula/{individual_curriculum_id}"


def individual_curricula_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/pupils, .../individual-curricula and /v1/individual-curricula."""
    router = APIRouter(tags=["individual curricula"])

    @router.get("/v1/classes/{class_id}/pupils")
    async def roster(
        class_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        on: Annotated[date, Query(description="The day of the roster")],
    ) -> list[RosterPupilRead]:
        """The class's pupils on a day, by name."""
        async with database_of(request).uow() as uow:
            pupils = await class_roster(uow, class_id, on, actor=actor)
        return [RosterPupilRead.of(stay, name) for stay, name in pupils]

    @router.post(CLASS, status_code=201)
    async def create(
        class_id: uuid.UUID, body: IndividualCurriculumCreate, request: Request, actor: CurrentPrincipal
    ) -> IndividualCurriculumRead:
        """A pupil of the class follows an individual curriculum from a day (422 if not in the class)."""
        async with database_of(request).uow() as uow:
            view = await create_individual_curriculum(
                uow, class_id, body.person_id, body.draft(), actor=actor
            )
            await uow.commit()
        return IndividualCurriculumRead.of(view)

    @router.get(CLASS)
    async def list_all(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[IndividualCurriculumRead]:
        """The individual curricula of the class's pupils, by pupil and day."""
        async with database_of(request).uow() as uow:
            views = await class_individual_curricula(uow, class_id, actor=actor)
        return [IndividualCurriculumRead.of(v) for v in views]

    @router.get(ONE)
    async def read(
        individual_curriculum_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> IndividualCurriculumRead:
        """An individual curriculum with the pupil's weekly hours."""
        async with database_of(request).uow() as uow:
            view = await individual_curriculum_for(uow, individual_curriculum_id, actor=actor, write=False)
        return IndividualCurriculumRead.of(view)

    @router.put(ONE)
    async def update(
        individual_curriculum_id: uuid.UUID,
        body: IndividualCurriculumUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> IndividualCurriculumRead:
        """Change the day, reason and changed subjects (all of them; 409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            view = await change_individual_curriculum(
                uow, individual_curriculum_id, body.draft(), version=body.version, actor=actor
            )
            await uow.commit()
        return IndividualCurriculumRead.of(view)

    @router.delete(ONE, status_code=204)
    async def delete(
        individual_curriculum_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        version: Annotated[int | None, Query(description="The version seen")] = None,
    ) -> Response:
        """Remove the individual curriculum (the pupil follows the class's; announced as removed)."""
        async with database_of(request).uow() as uow:
            await remove_individual_curriculum(uow, individual_curriculum_id, version=version, actor=actor)
            await uow.commit()
        return Response(status_code=204)

    return router
