"""The weekly timetable of a class and of a teacher as xlsx files."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.common.http.uploads import XLSX_ANSWER, xlsx_download
from eschool.scheduling.services.timetable_export import class_week_file, teacher_week_file

Day = Annotated[
    date | None, Query(description="The day whose week is exported (today in the school if not given)")
]


def timetable_exports_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/timetable/export and
    /v1/schools/{school_id}/teachers/{person_id}/timetable/export."""
    router = APIRouter(tags=["timetable"])

    @router.get("/v1/classes/{class_id}/timetable/export", response_class=Response, responses=XLSX_ANSWER)
    async def export_class_week(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The class's week in effect on the day as a workbook titled with the class and the week."""
        async with database_of(request).uow() as uow:
            return xlsx_download(await class_week_file(uow, class_id, on, actor=actor))

    @router.get(
        "/v1/schools/{school_id}/teachers/{person_id}/timetable/export",
        response_class=Response,
        responses=XLSX_ANSWER,
    )
    async def export_teacher_week(
        school_id: uuid.UUID, person_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The teacher's week in the school in effect on the day as a workbook titled with their name."""
        async with database_of(request).uow() as uow:
            return xlsx_download(await teacher_week_file(uow, school_id, person_id, on, actor=actor))

    return router
