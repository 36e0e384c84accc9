"""The diary pupils and guardians read: their children, a week, a term's summary, recent entries, and
the week as a printable workbook. One request per screen."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.common.http.uploads import xlsx_download
from eschool.journal.api.diary_schemas import ChildRead, DiaryWeekRead, RecentChangeRead, TermSummaryRead
from eschool.journal.services.diary_export import week_workbook
from eschool.journal.services.diary_term import diary_children, diary_recent, diary_term
from eschool.journal.services.diary_week import diary_week

Start = Annotated[date | None, Query(description="A day of the week wanted; this week by default")]


def diary_router() -> APIRouter:
    """Routes under /v1/diary and /v1/pupils/{pupil_id}/diary."""
    router = APIRouter(prefix="/v1", tags=["diary"])

    @router.get("/diary/children")
    async def children(request: Request, actor: CurrentPrincipal) -> list[ChildRead]:
        """The pupils whose diaries the caller opens: a guardian's children in every school, or oneself."""
        async with database_of(request).reader() as uow:
            return await diary_children(uow, actor=actor)

    @router.get("/pupils/{pupil_id}/diary/week")
    async def week(
        pupil_id: uuid.UUID, request: Request, actor: CurrentPrincipal, start: Start = None
    ) -> DiaryWeekRead:
        """A pupil's week: lessons with topics, homework, marks with weights and comments, absences."""
        async with database_of(request).reader() as uow:
            return await diary_week(uow, pupil_id, start, actor=actor)

    @router.get("/diary/week")
    async def week_by_filter(
        request: Request,
        actor: CurrentPrincipal,
        pupil_id: Annotated[uuid.UUID, Query()],
        start: Start = None,
    ) -> DiaryWeekRead:
        """The same week, the pupil named by a filter."""
        async with database_of(request).reader() as uow:
            return await diary_week(uow, pupil_id, start, actor=actor)

    @router.get("/pupils/{pupil_id}/diary/week/export")
    async def week_export(
        pupil_id: uuid.UUID, request: Request, actor: CurrentPrincipal, start: Start = None
    ) -> Response:
        """The week as an xlsx workbook to print for the family."""
        async with database_of(request).reader() as uow:
            found = await diary_week(uow, pupil_id, start, actor=actor)
        return xlsx_download(week_workbook(found))

    @router.get("/pupils/{pupil_id}/diary/term")
    async def term(
        pupil_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        term_id: Annotated[uuid.UUID | None, Query(description="The current term by default")] = None,
    ) -> TermSummaryRead:
        """A pupil's term: each subject's marks, weighted average, forecast, term mark and absences."""
        async with database_of(request).reader() as uow:
            return await diary_term(uow, pupil_id, term_id, actor=actor)

    @router.get("/pupils/{pupil_id}/diary/recent")
    async def recent(
        pupil_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> list[RecentChangeRead]:
        """The newest marks and absences entered, changed or removed for the pupil."""
        async with database_of(request).reader() as uow:
            return await diary_recent(uow, pupil_id, limit, actor=actor)

    return router
