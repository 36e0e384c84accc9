"""Homework files of a lesson: upload, download, delete.

The upload is the file itself as the request body, as the xlsx imports take theirs (not multipart), with
its name in the ``file_name`` query parameter; the body's Content-Type is not trusted (the bytes decide
the type). A body over the limit is refused with 413 as soon as it passes it, never read whole.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.errors import Problem, unprocessable
from eschool.common.http.request import IdempotencyKey, Stamp, database_of, settings_of
from eschool.common.http.uploads import file_download
from eschool.journal.domain.file_types import ALLOWED, extension_of
from eschool.journal.services.attachments import (
    DatabaseStore,
    Upload,
    attach_file,
    attachment_file,
    delete_attachment,
    upload_retry,
)
from eschool.journal.settings import JournalSettings

FileName = Annotated[
    str, Query(min_length=1, max_length=1000, description="The file's name", examples=["Задание № 5.docx"])
]
_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
}
_REFUSALS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Larger than the service's limit"},
    415: {"description": f"None of {ALLOWED} by its content"},
}
_STORE = DatabaseStore()


class AttachmentRead(BaseModel):
    """A file of a lesson's homework."""

    model_config = ConfigDict(from_attributes=True)

    attachment_id: uuid.UUID
    lesson_id: uuid.UUID
    file_name: str = Field(examples=["Задание № 5.docx"])
    content_type: str = Field(examples=["application/pdf"])
    size_bytes: int
    sha256: str
    uploaded_by: uuid.UUID | None
    uploaded_at: Stamp


def attachments_router() -> APIRouter:
    """Routes under /v1/lessons/{lesson_id}/attachments and /v1/attachments/{attachment_id}."""
    router = APIRouter(prefix="/v1", tags=["journal"])

    @router.post(
        "/lessons/{lesson_id}/attachments", status_code=201, openapi_extra=_BODY, responses=_REFUSALS
    )
    async def post_attachment(
        lesson_id: uuid.UUID,
        file_name: FileName,
        request: Request,
        actor: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> AttachmentRead:
        """Attach a file (pdf, doc, docx, xls, xlsx, odt, jpg, png) to the lesson's homework."""
        limit = settings_of(request, JournalSettings).attachment_max_bytes
        upload = Upload(file_name, await _limited_body(request, limit))
        retry = upload_retry(idempotency_key, upload)
        async with database_of(request).uow() as uow:
            row = await attach_file(uow, lesson_id, upload, actor=actor, store=_STORE, retry=retry)
            return AttachmentRead.model_validate(row)

    @router.get("/attachments/{attachment_id}", response_class=Response)
    async def get_attachment(attachment_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> Response:
        """Download a homework file (the lesson's readers, its pupils and their guardians)."""
        async with database_of(request).uow() as uow:
            row, content = await attachment_file(uow, attachment_id, actor=actor, store=_STORE)
        ascii_name = f"attachment.{extension_of(row.file_name) or 'bin'}"
        response = file_download(row.file_name, ascii_name, content, row.content_type)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @router.delete("/attachments/{attachment_id}", status_code=204, response_class=Response)
    async def remove_attachment(
        attachment_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> Response:
        """Delete a homework file (the lesson's teacher or substitute); its row is kept."""
        async with database_of(request).uow() as uow:
            await delete_attachment(uow, attachment_id, actor=actor)
        return Response(status_code=204)

    return router


async def _limited_body(request: Request, limit: int) -> bytes:
    """The body, or 413 as soon as the declared or the received length passes ``limit``."""
    declared = request.headers.get("content-length", "")
    received = bytearray()
    if not declared.isdigit() or int(declared) <= limit:
        async for chunk in request.stream():
            received.extend(chunk)
            if len(received) > limit:
                break
    if len(received) > limit or (declared.isdigit() and int(declared) > limit):
        megabytes = f"{limit / (1024 * 1024):.3g}"
        detail = f"Файл больше {megabytes} МБ: уменьшите его или разделите на части"
        raise Problem(413, "attachment_too_large", detail, title="Слишком большой файл")
    if not received:
        raise unprocessable("attachment_empty", "Файл пуст", field_name="file")
    return bytes(received)
