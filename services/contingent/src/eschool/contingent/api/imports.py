"""Import of a class's pupils from the xlsx template of seed 001, and the empty template to fill.

The upload is the workbook itself as the request body (``Content-Type:
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``; not multipart), at most 5 MB: more
is 413, another media type 415, a body that is not an xlsx in the template's layout 422.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.errors import Problem
from eschool.contingent.api.deps import database_of
from eschool.contingent.domain.pupil_import import XLSX_MEDIA_TYPE
from eschool.contingent.services.pupil_import import import_pupils, import_template

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_TEMPLATE_NAME = "Шаблон импорта учеников.xlsx"


class ImportErrorRead(BaseModel):
    """One broken rule of the file: the spreadsheet's row and column (null: the file as a whole)."""

    row: int | None = Field(examples=[3])
    column: str | None = Field(examples=["F"])
    field: str = Field(examples=["birth_date"])
    code: str = Field(examples=["invalid_date"])
    message: str = Field(examples=["Пол указывается буквой «м» или «ж», а не «x»"])


class PupilImportRead(BaseModel):
    """The file's report: rows read, every error, pupils it enrols (``enrolled``: did) and already has."""

    rows: int
    valid: bool
    errors: list[ImportErrorRead]
    would_enrol: int
    already_enrolled: int
    enrolled: int


async def _workbook(request: Request) -> bytes:
    """The uploaded workbook, refused before it is read whole if it is not xlsx or too large."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != XLSX_MEDIA_TYPE:
        detail = f"Загрузите файл Excel (.xlsx) телом запроса с Content-Type: {XLSX_MEDIA_TYPE}"
        raise Problem(415, "unsupported_media_type", detail, title="Неподдерживаемый формат")
    declared = request.headers.get("content-length", "")
    chunks, size = [], int(declared) if declared.isdigit() else 0
    if size <= MAX_UPLOAD_BYTES:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                break
            chunks.append(chunk)
    if size > MAX_UPLOAD_BYTES:
        detail = f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ: в шаблоне должен быть один класс"
        raise Problem(413, "import_file_too_large", detail, title="Слишком большой запрос")
    return b"".join(chunks)


def imports_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/pupils/import."""
    router = APIRouter(prefix="/v1/classes/{class_id}/pupils", tags=["pupils"])

    @router.get(
        "/import-template",
        response_class=Response,
        responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The empty template"}},
    )
    async def download_template(class_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> Response:
        """The empty import template of seed 001 (xlsx), for those who enrol pupils into the class."""
        async with database_of(request).uow() as uow:
            content = await import_template(uow, class_id, actor=actor)
        disposition = f"attachment; filename=\"pupils-import.xlsx\"; filename*=UTF-8''{quote(_TEMPLATE_NAME)}"
        return Response(content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": disposition})

    @router.post(
        "/import",
        openapi_extra={"requestBody": {"required": True, "content": {XLSX_MEDIA_TYPE: {}}}},
        responses={413: {"description": "Over 5 MB"}, 415: {"description": "Not xlsx"}},
    )
    async def import_class_pupils(
        class_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        dry_run: Annotated[bool, Query(description="true: only the report, nothing written")],
    ) -> PupilImportRead:
        """Check the filled template whole; with dry_run=false enrol all its new pupils at once, or none
        (422 with the same report); rows already enrolled in the class with the same data are skipped."""
        content = await _workbook(request)
        async with database_of(request).uow() as uow:
            report = await import_pupils(uow, class_id, content, actor=actor, dry_run=dry_run)
        enrolled = 0 if dry_run else report.would_enrol
        return PupilImportRead.model_validate(report.as_dict() | {"enrolled": enrolled})

    return router
