"""Import of a class's pupils from the xlsx template of seed 001, and the empty template to fill.

The upload is the workbook itself as the request body (``common.http.uploads``): more than 5 MB is 413,
another media type 415, a body that is not an xlsx in the template's layout 422.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.uploads import (
    UPLOAD_REFUSALS,
    XLSX_ANSWER,
    XLSX_BODY,
    DryRun,
    ImportErrorRead,
    uploaded_workbook,
    xlsx_download,
)
from eschool.common.xlsx import XlsxFile
from eschool.contingent.api.deps import database_of
from eschool.contingent.services.pupil_import import import_pupils, import_template

_TEMPLATE_NAME = "Шаблон импорта учеников.xlsx"


class PupilImportRead(BaseModel):
    """The file's report: rows read, every error, pupils it enrols (``enrolled``: did) and already has."""

    rows: int
    valid: bool
    errors: list[ImportErrorRead]
    would_enrol: int
    already_enrolled: int
    enrolled: int


def imports_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/pupils/import."""
    router = APIRouter(prefix="/v1/classes/{class_id}/pupils", tags=["pupils"])

    @router.get("/import-template", response_class=Response, responses=XLSX_ANSWER)
    async def download_template(class_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> Response:
        """The empty import template of seed 001 (xlsx), for those who enrol pupils into the class."""
        async with database_of(request).uow() as uow:
            content = await import_template(uow, class_id, actor=actor)
        return xlsx_download(XlsxFile(_TEMPLATE_NAME, "pupils-import.xlsx", content))

    @router.post("/import", openapi_extra=XLSX_BODY, responses=UPLOAD_REFUSALS)
    async def import_class_pupils(
        class_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        dry_run: DryRun,
    ) -> PupilImportRead:
        """Check the filled template whole; with dry_run=false enrol all its new pupils at once, or none
        (422 with the same report); rows already enrolled in the class with the same data are skipped."""
        content = await uploaded_workbook(request, too_large="в шаблоне должен быть один класс")
        async with database_of(request).uow() as uow:
            report = await import_pupils(uow, class_id, content, actor=actor, dry_run=dry_run)
        enrolled = 0 if dry_run else report.counts["would_enrol"]
        return PupilImportRead.model_validate(report.as_dict() | {"enrolled": enrolled})

    return router
