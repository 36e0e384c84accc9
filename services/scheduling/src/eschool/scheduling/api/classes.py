"""Contingent's classes of a school and their subgroups, as the timetable's builders read them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.contingent_schemas import ClassRead, ClassSubgroupsRead, SubgroupRead
from eschool.scheduling.services.contingent_views import class_subgroups, school_classes

YearFilter = Annotated[uuid.UUID | None, Query(description="Only the classes of this academic year")]
Day = Annotated[date | None, Query(description="The day of the rosters (today in the school if not given)")]


def classes_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/classes and /v1/classes/{class_id}/subgroups."""
    router = APIRouter(tags=["classes"])

    @router.get("/v1/schools/{school_id}/classes")
    async def list_classes(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: YearFilter = None
    ) -> list[ClassRead]:
        """The school's classes by grade and letter: shift, term scheme (whether it exists), class teacher."""
        async with database_of(request).uow() as uow:
            views = await school_classes(uow, school_id, academic_year_id, actor=actor)
        return [ClassRead.of(view) for view in views]

    @router.get("/v1/classes/{class_id}/subgroups")
    async def list_subgroups(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> ClassSubgroupsRead:
        """The class's subgroups with the pupils in each on the day."""
        async with database_of(request).uow() as uow:
            day, views = await class_subgroups(uow, class_id, on, actor=actor)
        return ClassSubgroupsRead(class_id=class_id, on=day, subgroups=[SubgroupRead.of(v) for v in views])

    return router
