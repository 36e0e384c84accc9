"""A school's staff as workbooks: the empty import template, the import of a filled one, the staff list.

The upload is the workbook itself as the request body (``common.http.uploads``): more than 5 MB is 413,
another media type 415, a body that is not an xlsx in the template's layout 422. The SNILS of the file
is never echoed: errors name its row and column.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal
from eschool.common.http import uploads as workbooks
from eschool.common.http.uploads import DryRun, ImportErrorRead
from eschool.common.xlsx import XlsxFile
from eschool.contingent.api.deps import database_of, settings_of
from eschool.contingent.db.people import SnilsKeys
from eschool.contingent.services.exports import staff_list_file
from eschool.contingent.services.staff_import import import_staff, staff_import_template

_TEMPLATE_NAME = "Шаблон импорта сотрудников.xlsx"


class StaffImportRead(BaseModel):
    """The file's report: rows read, every error, staff it hires (``hired``: did) and already employs."""

    rows: int
    valid: bool
    errors: list[ImportErrorRead]
    would_hire: int
    already_employed: int
    hired: int


def staff_workbooks_router() -> APIRouter:
    """Routes under /schools/{school_id}/staff: import-template, import, export (``staff_router`` puts them
    under /v1)."""
    router = APIRouter(prefix="/schools/{school_id}/staff", tags=["staff"])

    @router.get("/import-template", response_class=Response, responses=workbooks.XLSX_ANSWER)
    async def download_staff_template(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> Response:
        """The empty staff import template (xlsx), for those who hire in the school."""
        async with database_of(request).uow() as uow:
            content = await staff_import_template(uow, school_id, actor=actor)
        return workbooks.xlsx_download(XlsxFile(_TEMPLATE_NAME, "staff-import.xlsx", content))

    @router.post("/import", openapi_extra=workbooks.XLSX_BODY, responses=workbooks.UPLOAD_REFUSALS)
    async def import_school_staff(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        dry_run: DryRun,
    ) -> StaffImportRead:
        """Check the filled template whole, each row as the hiring form would be; with dry_run=false hire
        all its new staff at once, or none (422 with the same report); rows already employed in the school
        with the same data are skipped."""
        content = await workbooks.uploaded_workbook(
            request, too_large="в шаблоне должны быть сотрудники одной школы"
        )
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            report = await import_staff(uow, school_id, content, actor=actor, keys=keys, dry_run=dry_run)
        hired = 0 if dry_run else report.counts["would_hire"]
        return StaffImportRead.model_validate(report.as_dict() | {"hired": hired})

    @router.get("/export", response_class=Response, responses=workbooks.XLSX_ANSWER)
    async def export_staff(school_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> Response:
        """The school's working staff as a workbook (no SNILS, no contacts), for those who read its staff."""
        async with database_of(request).uow() as uow:
            file = await staff_list_file(uow, school_id, actor=actor)
        return workbooks.xlsx_download(file)

    return router
