"""The monitoring of how schools handle the applications (seed 001, Приложение 6)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.db import utcnow
from eschool.common.http.request import database_of
from eschool.enrolment.api.schemas import SchoolMonitoringRead
from eschool.enrolment.services.monitoring import monitoring


def monitoring_router() -> APIRouter:
    """Routes under /v1/org-units/{org_unit_id}/applications/monitoring."""
    router = APIRouter(prefix="/v1", tags=["monitoring"])

    @router.get("/org-units/{org_unit_id}/applications/monitoring")
    async def figures(
        org_unit_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        school_year: Annotated[
            int, Query(ge=2000, le=2100, description="The year the school year starts in")
        ],
        stale_days: Annotated[int, Query(ge=1, le=365, description="Unhandled longer than this is late")] = 7,
    ) -> list[SchoolMonitoringRead]:
        """Each school's handling of the year's applications, under a school, municipality or region."""
        async with database_of(request).reader() as uow:
            found = await monitoring(uow, org_unit_id, school_year, stale_days, utcnow(), actor=actor)
        return [SchoolMonitoringRead(**asdict(f)) for f in found]

    return router
