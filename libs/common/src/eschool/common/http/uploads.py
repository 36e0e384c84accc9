"""What every service's xlsx imports and exports share over HTTP: the uploaded workbook read from the
request body, read off the event loop, a file with errors refused with its report, and a workbook
answered as a download with a Russian file name.

The upload is the workbook itself as the request body (``Content-Type:
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``; not multipart), at most 5 MB: more
is 413, another media type 415, a body that is not an xlsx in the template's layout 422.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from anyio import to_thread
from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from eschool.common.errors import FieldError, Problem, unprocessable
from eschool.common.xlsx import XLSX_MEDIA_TYPE, ImportReport, UnreadableFile, XlsxFile

T = TypeVar("T")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# What a route answering a workbook documents, and what a route taking one.
XLSX_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The workbook (xlsx)"}
}
XLSX_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {XLSX_MEDIA_TYPE: {}}}}
UPLOAD_REFUSALS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Over 5 MB"},
    415: {"description": "Not xlsx"},
}
DryRun = Annotated[bool, Query(description="true: only the report, nothing written")]
# Characters no file system takes in a name (a school's name may hold quotes).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class ImportErrorRead(BaseModel):
    """One broken rule of the file: the spreadsheet's row and column (null: the file as a whole)."""

    row: int | None = Field(examples=[3])
    column: str | None = Field(examples=["F"])
    field: str = Field(examples=["birth_date"])
    code: str = Field(examples=["invalid_date"])
    message: str = Field(examples=["Пол указывается буквой «м» или «ж», а не «x»"])


async def uploaded_workbook(request: Request, *, too_large: str) -> bytes:
    """The uploaded workbook, refused before it is read whole if it is not xlsx or too large
    (``too_large``: what the 413 advises)."""
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
        detail = f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ: {too_large}"
        raise Problem(413, "import_file_too_large", detail, title="Слишком большой запрос")
    return b"".join(chunks)


def xlsx_download(file: XlsxFile) -> Response:
    """The workbook as an attachment: the Russian name (RFC 6266 ``filename*``), ASCII for old clients."""
    return file_download(file.name, file.ascii_name, file.content, XLSX_MEDIA_TYPE)


def file_download(name: str, ascii_name: str, content: bytes, media_type: str) -> Response:
    """A file as an attachment: the Russian ``name`` (RFC 6266 ``filename*``), ``ascii_name`` for old
    clients."""
    safe = _UNSAFE.sub("_", name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a worker thread: openpyxl parses and writes on the CPU, and the event loop keeps
    answering other requests meanwhile."""
    return await to_thread.run_sync(work, *args)


async def read_upload(read: Callable[[bytes], T], content: bytes) -> T:
    """The upload read by ``read`` off the event loop; a file it cannot read is 422 with the reason."""
    try:
        return await off_loop(read, content)
    except UnreadableFile as error:
        raise unprocessable("import_file_unreadable", str(error)) from None


def refused_import(report: ImportReport, detail: str, *, whole: str = "file") -> Problem:
    """The 422 of a file with errors: the report, and each error as a field ``file.<row>.<field>``
    (``whole`` stands for the row of an error about the file as a whole)."""
    problem = unprocessable("import_file_invalid", detail)
    problem.extra["report"] = report.as_dict()
    problem.errors.extend(
        FieldError(f"file.{whole if e.row is None else e.row}.{e.field}", e.code, e.message)
        for e in report.errors
    )
    return problem
