"""The journal archive: sending a closed year to the archive, the list of a school's archives, the
archived year's summary sheet (xlsx, printable pdf) and a class's journal of a subject (xlsx), and the
ministry's run of retention."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.db import utcnow
from eschool.common.http.request import database_of, settings_of
from eschool.common.http.uploads import XLSX_ANSWER, file_download, off_loop, xlsx_download
from eschool.common.pdf import PDF_MEDIA_TYPE
from eschool.journal.api.archive_schemas import JournalArchiveRead, PurgedRead, SheetFormat
from eschool.journal.services.archive import archive_year, list_archives
from eschool.journal.services.archive_export import YearClass, journal_export, summary_sheet
from eschool.journal.services.archive_files import (
    file_names,
    journal_xlsx,
    summary_sheet_pdf,
    summary_sheet_xlsx,
)
from eschool.journal.services.retention import purge_as
from eschool.journal.settings import JournalSettings

ClassId = Annotated[uuid.UUID, Query(description="A class of the archived year")]
SHEET_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {**XLSX_ANSWER[200]["content"], PDF_MEDIA_TYPE: {}}, "description": "xlsx or pdf"}
}


def archive_router() -> APIRouter:
    """Routes under /v1/schools/{school_id} (archives) and /v1/retention."""
    router = APIRouter(prefix="/v1", tags=["journal archive"])
    year = "/schools/{school_id}/years/{academic_year_id}"

    @router.post(f"{year}/archive", status_code=201, responses={200: {"description": "Archived already"}})
    async def archive(
        school_id: uuid.UUID,
        academic_year_id: uuid.UUID,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> JournalArchiveRead:
        """Send the school's closed year to the archive, read-only from then on (administration, ministry)."""
        keep = settings_of(request, JournalSettings)
        async with database_of(request).uow() as uow:
            done = await archive_year(uow, school_id, academic_year_id, actor=actor, keep=keep)
        response.status_code = 201 if done.created else 200
        return JournalArchiveRead.model_validate(done.archive)

    @router.get("/schools/{school_id}/archives")
    async def archives(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[JournalArchiveRead]:
        """The school's archived years, the newest first (administration, municipality, ministry)."""
        async with database_of(request).uow() as uow:
            found = await list_archives(uow, school_id, actor=actor)
        return [JournalArchiveRead.model_validate(a) for a in found]

    @router.get(f"{year}/summary-sheet", response_class=Response, responses=SHEET_ANSWER)
    async def sheet(
        school_id: uuid.UUID,
        academic_year_id: uuid.UUID,
        class_id: ClassId,
        request: Request,
        actor: CurrentPrincipal,
        file_format: Annotated[SheetFormat, Query(alias="format")] = "xlsx",
    ) -> Response:
        """The class's summary sheet of final marks of the archived year (xlsx, or pdf to print)."""
        async with database_of(request).uow() as uow:
            found = await summary_sheet(uow, YearClass(school_id, academic_year_id, class_id), actor=actor)
        if file_format == "xlsx":
            return xlsx_download(await off_loop(summary_sheet_xlsx, found))
        content = await off_loop(summary_sheet_pdf, found)
        return file_download(*file_names(found, "pdf"), content, PDF_MEDIA_TYPE)

    @router.get(f"{year}/journal-export", response_class=Response, responses=XLSX_ANSWER)
    async def journal(
        school_id: uuid.UUID,
        academic_year_id: uuid.UUID,
        class_id: ClassId,
        subject_id: Annotated[uuid.UUID, Query()],
        request: Request,
        actor: CurrentPrincipal,
        file_format: Annotated[Literal["xlsx"], Query(alias="format")] = "xlsx",
    ) -> Response:
        """The class's journal of a subject for the archived year: marks, absences, topics (xlsx)."""
        async with database_of(request).uow() as uow:
            ref = YearClass(school_id, academic_year_id, class_id)
            found = await journal_export(uow, ref, subject_id, actor=actor)
        return xlsx_download(await off_loop(journal_xlsx, found))

    @router.post("/retention/purge")
    async def purge(request: Request, actor: CurrentPrincipal) -> PurgedRead:
        """Delete what archives have kept past their time: journals after 5 years, summary sheets after
        25 (the ministry)."""
        async with database_of(request).uow() as uow:
            purged = await purge_as(uow, utcnow().date(), actor=actor)
        return PurgedRead(journals=purged.journals, summary_sheets=purged.summary_sheets, **purged.rows)

    return router
