"""Holidays and extra vacation days of a school's year."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.schemas import HolidayCreate, HolidayFields, HolidayRead, HolidayUpdate
from eschool.scheduling.domain.holidays import HolidayDraft
from eschool.scheduling.services.holidays import add_holiday, change_holiday, remove_holiday, school_holidays

YearFilter = Annotated[uuid.UUID | None, Query(description="Only the holidays of this academic year")]
Version = Annotated[int | None, Query(description="The version the deletion is based on (409 if stale)")]


def _draft(body: HolidayFields) -> HolidayDraft:
    return HolidayDraft(body.kind, body.name, body.starts_on, body.ends_on)


def holidays_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/holidays and /v1/holidays."""
    router = APIRouter(tags=["holidays"])

    @router.post("/v1/schools/{school_id}/holidays", status_code=201)
    async def create(
        school_id: uuid.UUID, body: HolidayCreate, request: Request, actor: CurrentPrincipal
    ) -> HolidayRead:
        """Add days off to the school's year: a vacation, a public holiday or extra vacation days."""
        async with database_of(request).uow() as uow:
            holiday = await add_holiday(
                uow,
                school_id,
                body.academic_year_id,
                _draft(body),
                term_scheme_id=body.term_scheme_id,
                actor=actor,
            )
            await uow.commit()
        return HolidayRead.model_validate(holiday, from_attributes=True)

    @router.get("/v1/schools/{school_id}/holidays")
    async def list_all(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: YearFilter = None
    ) -> list[HolidayRead]:
        """The school's holidays, earliest first."""
        async with database_of(request).uow() as uow:
            holidays = await school_holidays(uow, school_id, academic_year_id, actor=actor)
        return [HolidayRead.model_validate(h, from_attributes=True) for h in holidays]

    @router.put("/v1/holidays/{holiday_id}")
    async def update(
        holiday_id: uuid.UUID, body: HolidayUpdate, request: Request, actor: CurrentPrincipal
    ) -> HolidayRead:
        """Change a holiday (409 ``stale_version`` if it changed since ``version``)."""
        async with database_of(request).uow() as uow:
            holiday = await change_holiday(
                uow,
                holiday_id,
                _draft(body),
                term_scheme_id=body.term_scheme_id,
                version=body.version,
                actor=actor,
            )
            await uow.commit()
        return HolidayRead.model_validate(holiday, from_attributes=True)

    @router.delete("/v1/holidays/{holiday_id}", status_code=204)
    async def delete(
        holiday_id: uuid.UUID, request: Request, actor: CurrentPrincipal, version: Version = None
    ) -> Response:
        """Remove a holiday: lessons are held on its days again."""
        async with database_of(request).uow() as uow:
            await remove_holiday(uow, holiday_id, version=version, actor=actor)
            await uow.commit()
        return Response(status_code=204)

    return router
