"""The partner feed over HTTP: the partner exchange's events in commit order, from any cursor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from eschool.common.auth import Principal, require_scopes
from eschool.common.http.request import database_of
from eschool.enrolment.services.feed import FEED_SCOPE, events_waiting, feed_page, sequence_feed

FeedClient = Annotated[Principal, Depends(require_scopes(FEED_SCOPE))]


class FeedItem(BaseModel):
    """One event and its position: pass the position as ``after`` to read on from it."""

    cursor: int
    event: dict[str, Any] = Field(description="The envelope as published to the partner exchange")


class FeedPage(BaseModel):
    """Events after the cursor asked for, oldest first; ``next_after`` continues (the same when none)."""

    events: list[FeedItem]
    next_after: int
    missed: bool = Field(
        description="True: events right after your cursor are past the retention period and gone (positions"
        " run without holes, so the first event here is not the next one)"
    )


def feed_router() -> APIRouter:
    """Routes under /v1/feed."""
    router = APIRouter(prefix="/v1", tags=["feed"])

    @router.get("/feed")
    async def feed(
        request: Request,
        client: FeedClient,
        after: Annotated[int, Query(ge=0, description="The last cursor read; 0 from the start")] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> FeedPage:
        """What happened to applications and places since ``after``, with the same ids as on the broker."""
        database = database_of(request)
        async with database.reader() as uow:
            waiting = await events_waiting(uow)
        if waiting:  # what was committed before this read is read (a sequencer at it is waited for)
            await sequence_feed(database)
        async with database.reader() as uow:
            page = await feed_page(uow, after, limit)
        items = [FeedItem(cursor=seq, event=envelope) for seq, envelope in page]
        missed = bool(page) and page[0][0] > after + 1
        return FeedPage(events=items, next_after=page[-1][0] if page else after, missed=missed)

    return router
