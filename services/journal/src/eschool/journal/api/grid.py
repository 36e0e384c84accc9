"""The class journal in a subject and term (seed 003, 4.5), as JSON and as a workbook or a PDF."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.common.http.uploads import XLSX_ANSWER, file_download, off_loop, xlsx_download
from eschool.common.pdf import PDF_MEDIA_TYPE
from eschool.journal.api.grid_schemas import JournalGridRead
from eschool.journal.services.grid_export import file_name, grid_pdf, grid_workbook
from eschool.journal.services.journal_grid import journal_grid

TermId = Annotated[uuid.UUID | None, Query(description="The term (the class's current one if not given)")]
SubgroupId = Annotated[uuid.UUID | None, Query(description="One subgroup of the class only")]
Format = Annotated[Literal["xlsx", "pdf"], Query(description="A workbook, or a printable PDF")]
GRID = "/v1/classes/{class_id}/subjects/{subject_id}/journal"
_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {**XLSX_ANSWER[200]["content"], PDF_MEDIA_TYPE: {}},
        "description": "The journal as a workbook (xlsx) or a printable PDF (A4 landscape)",
    }
}


async def _grid(
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    request: Request,
    actor: CurrentPrincipal,
    term_id: TermId = None,
    subgroup_id: SubgroupId = None,
) -> JournalGridRead:
    async with database_of(request).uow() as uow:
        return await journal_grid(uow, class_id, subject_id, term_id, subgroup_id, actor=actor)


# The journal as its readers may see it, for the route answering it and the one exporting it.
Grid = Annotated[JournalGridRead, Depends(_grid)]


def grid_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/subjects/{subject_id}/journal."""
    router = APIRouter(tags=["journal"])

    @router.get(GRID)
    async def get_grid(grid: Grid) -> JournalGridRead:
        """The class's journal: lessons across, pupils down, marks and attendance, the term's averages."""
        return grid

    @router.get(f"{GRID}/export", response_class=Response, responses=_FILES)
    async def export_grid(grid: Grid, format: Format = "xlsx") -> Response:
        """The class's journal as a workbook or a printable PDF, for its readers."""
        if format == "xlsx":
            return xlsx_download(await off_loop(grid_workbook, grid))
        content = await off_loop(grid_pdf, grid)
        return file_download(file_name(grid, "pdf"), "journal.pdf", content, PDF_MEDIA_TYPE)

    return router
