"""Curricula of a school's years: create, list, read, change, carry into another year; the curriculum a
class follows."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.load_schemas import (
    ClassCurriculumSet,
    CurriculaCarried,
    CurriculaCarry,
    CurriculumCreate,
    CurriculumRead,
    CurriculumUpdate,
)
from eschool.scheduling.services.class_curricula import follow_curriculum
from eschool.scheduling.services.curricula import (
    CurriculumView,
    change_curriculum,
    create_curriculum,
    curriculum_for,
    school_curricula,
)
from eschool.scheduling.services.curriculum_carry import carry_curricula

YearFilter = Annotated[uuid.UUID | None, Query(description="Only the curricula of this academic year")]
SCHOOL = "/v1/schools/{school_id}/curricula"


def curricula_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/curricula, /v1/curricula and /v1/classes/{class_id}/curriculum."""
    router = APIRouter(tags=["curricula"])

    @router.post(SCHOOL, status_code=201)
    async def create(
        school_id: uuid.UUID, body: CurriculumCreate, request: Request, actor: CurrentPrincipal
    ) -> CurriculumRead:
        """Add a curriculum (a grade's weekly hours per subject) to the school's year."""
        async with database_of(request).uow() as uow:
            view = await create_curriculum(uow, school_id, body.academic_year_id, body.draft(), actor=actor)
            await uow.commit()
        return CurriculumRead.of(view)

    @router.get(SCHOOL)
    async def list_all(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: YearFilter = None
    ) -> list[CurriculumRead]:
        """The school's curricula with their classes, by year, grade and name."""
        async with database_of(request).uow() as uow:
            views = await school_curricula(uow, school_id, academic_year_id, actor=actor)
        return [CurriculumRead.of(v) for v in views]

    @router.post(SCHOOL + "/carry")
    async def carry(
        school_id: uuid.UUID, body: CurriculaCarry, request: Request, actor: CurrentPrincipal
    ) -> CurriculaCarried:
        """Carry a year's curricula into another year of the school; a second carrying adds nothing."""
        async with database_of(request).uow() as uow:
            carried = await carry_curricula(
                uow, school_id, body.from_academic_year_id, body.to_academic_year_id, actor=actor
            )
            await uow.commit()
        return CurriculaCarried(
            created=[CurriculumRead.of(CurriculumView(c, [])) for c in carried.created],
            existing=[CurriculumRead.of(CurriculumView(c, [])) for c in carried.existing],
        )

    @router.get("/v1/curricula/{curriculum_id}")
    async def read(curriculum_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> CurriculumRead:
        """A curriculum with its subjects and classes."""
        async with database_of(request).uow() as uow:
            view = await curriculum_for(uow, curriculum_id, actor=actor, write=False)
        return CurriculumRead.of(view)

    @router.put("/v1/curricula/{curriculum_id}")
    async def update(
        curriculum_id: uuid.UUID, body: CurriculumUpdate, request: Request, actor: CurrentPrincipal
    ) -> CurriculumRead:
        """Change the curriculum's name, grade, profile and subjects (all of them; 409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            view = await change_curriculum(
                uow, curriculum_id, body.draft(), version=body.version, actor=actor
            )
            await uow.commit()
        return CurriculumRead.of(view)

    @router.put("/v1/classes/{class_id}/curriculum")
    async def follow(
        class_id: uuid.UUID, body: ClassCurriculumSet, request: Request, actor: CurrentPrincipal
    ) -> ClassCurriculumSet:
        """The curriculum the class follows (of its year and grade; None: none)."""
        async with database_of(request).uow() as uow:
            followed = await follow_curriculum(uow, class_id, body.curriculum_id, actor=actor)
            await uow.commit()
        return ClassCurriculumSet(curriculum_id=followed)

    return router
