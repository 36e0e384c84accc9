"""The weekly timetable of a class and of a teacher as xlsx (``.../export``) and PDF
(``.../export.pdf``) files."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.common.http.uploads import XLSX_ANSWER, file_download, xlsx_download
from eschool.scheduling.services.timetable_export import (
    PdfFile,
    class_week_file,
    class_week_sheet,
    teacher_week_file,
    teacher_week_sheet,
    week_pdf_file,
)

Day = Annotated[
    date | None, Query(description="The day whose week is exported (today in the school if not given)")
]
PDF_MEDIA_TYPE = "application/pdf"
PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF_MEDIA_TYPE: {}}, "description": "The printable week (PDF, A4 landscape)"}
}
# As ``xlsx_download`` does: characters no file system takes in a name.
CLASS_EXPORT = "/v1/classes/{class_id}/timetable/export"
TEACHER_EXPORT = "/v1/schools/{school_id}/teachers/{person_id}/timetable/export"


def timetable_exports_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/timetable/export[.pdf] and
    /v1/schools/{school_id}/teachers/{person_id}/timetable/export[.pdf]."""
    router = APIRouter(tags=["timetable"])

    @router.get(CLASS_EXPORT, response_class=Response, responses=XLSX_ANSWER)
    async def export_class_week(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The class's week in effect on the day as a workbook titled with the class and the week."""
        async with database_of(request).uow() as uow:
            return xlsx_download(await class_week_file(uow, class_id, on, actor=actor))

    @router.get(TEACHER_EXPORT, response_class=Response, responses=XLSX_ANSWER)
    async def export_teacher_week(
        school_id: uuid.UUID, person_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The teacher's week in the school in effect on the day as a workbook titled with their name."""
        async with database_of(request).uow() as uow:
            return xlsx_download(await teacher_week_file(uow, school_id, person_id, on, actor=actor))

    @router.get(f"{CLASS_EXPORT}.pdf", response_class=Response, responses=PDF_ANSWER)
    async def export_class_week_pdf(
        class_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The class's week in effect on the day as a printable PDF titled with the class and the week."""
        async with database_of(request).uow() as uow:
            sheet = await class_week_sheet(uow, class_id, on, actor=actor)
        return pdf_download(await week_pdf_file(sheet))

    @router.get(f"{TEACHER_EXPORT}.pdf", response_class=Response, responses=PDF_ANSWER)
    async def export_teacher_week_pdf(
        school_id: uuid.UUID, person_id: uuid.UUID, request: Request, actor: CurrentPrincipal, on: Day = None
    ) -> Response:
        """The teacher's week in the school in effect on the day as a printable PDF titled with their name."""
        async with database_of(request).uow() as uow:
            sheet = await teacher_week_sheet(uow, school_id, person_id, on, actor=actor)
        return pdf_download(await week_pdf_file(sheet))

    return router


def pdf_download(file: PdfFile) -> Response:
    """The PDF as an attachment, named as the xlsx one is."""
    return file_download(file.name, file.ascii_name, file.content, PDF_MEDIA_TYPE)
