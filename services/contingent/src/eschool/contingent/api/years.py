"""A school's academic years: set one up, list them, move a year's dates."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import Stamp, database_of
from eschool.contingent.services.years import change_year_dates, school_years, set_up_year


class AcademicYearCreate(BaseModel):
    """A year to set up: its name, and its dates when they are not 1 Sep to 31 Aug."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=20, examples=["2025/2026"])
    starts_on: date | None = None
    ends_on: date | None = None


class AcademicYearUpdate(BaseModel):
    """New dates of a year, and the version they were based on."""

    model_config = ConfigDict(extra="forbid")

    version: int
    starts_on: date | None = None
    ends_on: date | None = None


class AcademicYearRead(BaseModel):
    """An academic year of a school."""

    academic_year_id: uuid.UUID
    school_id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    version: int
    created_at: Stamp
    updated_at: Stamp


def years_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/academic-years."""
    router = APIRouter(prefix="/v1/schools/{school_id}/academic-years", tags=["academic years"])

    @router.post("", status_code=201)
    async def create_year(
        school_id: uuid.UUID, body: AcademicYearCreate, request: Request, actor: CurrentPrincipal
    ) -> AcademicYearRead:
        """Set up an academic year in the school (1 Sep to 31 Aug unless other dates are given)."""
        async with database_of(request).uow() as uow:
            year = await set_up_year(
                uow, school_id, body.name, actor=actor, starts_on=body.starts_on, ends_on=body.ends_on
            )
            await uow.commit()
        return AcademicYearRead.model_validate(year, from_attributes=True)

    @router.get("")
    async def list_years(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[AcademicYearRead]:
        """The school's academic years, earliest first."""
        async with database_of(request).uow() as uow:
            years = await school_years(uow, school_id, actor=actor)
        return [AcademicYearRead.model_validate(y, from_attributes=True) for y in years]

    @router.patch("/{academic_year_id}")
    async def update_year(
        school_id: uuid.UUID,
        academic_year_id: uuid.UUID,
        body: AcademicYearUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> AcademicYearRead:
        """Move the year's first or last day (409 ``stale_version`` if it changed since ``version``)."""
        async with database_of(request).uow() as uow:
            year = await change_year_dates(
                uow,
                school_id,
                academic_year_id,
                actor=actor,
                version=body.version,
                starts_on=body.starts_on,
                ends_on=body.ends_on,
            )
            await uow.commit()
        return AcademicYearRead.model_validate(year, from_attributes=True)

    return router
