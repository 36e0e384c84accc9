"""Search for pupils and staff within the caller's schools."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import database_of
from eschool.contingent.services.search import Found, SearchQuery, search_pupils, search_staff


class FoundRead(BaseModel):
    """A person found: who, born when, where (never SNILS or contacts)."""

    person_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    school_id: uuid.UUID
    school_name: str
    class_id: uuid.UUID | None = None
    class_label: str | None = None
    personal_file_number: str | None = None
    position: str | None = None


class SearchResults(BaseModel):
    """Up to 50 people, by surname and name; narrow the query to see others."""

    items: list[FoundRead]


def _query(
    q: str | None, birth_date: dt.date | None, personal_file_number: str | None, school_id: uuid.UUID | None
) -> SearchQuery:
    return SearchQuery(q, birth_date, personal_file_number, school_id)


def _results(found: list[Found]) -> SearchResults:
    return SearchResults(items=[FoundRead.model_validate(f, from_attributes=True) for f in found])


def search_router() -> APIRouter:
    """Routes under /v1/search."""
    router = APIRouter(prefix="/v1/search", tags=["search"])

    @router.get("/pupils")
    async def pupils(
        request: Request,
        actor: CurrentPrincipal,
        q: Annotated[str | None, Query(max_length=100)] = None,
        birth_date: dt.date | None = None,
        personal_file_number: Annotated[str | None, Query(max_length=30)] = None,
        school_id: uuid.UUID | None = None,
    ) -> SearchResults:
        """Pupils enrolled now, by name words, birth date or personal file number."""
        async with database_of(request).uow() as uow:
            query = _query(q, birth_date, personal_file_number, school_id)
            return _results(await search_pupils(uow, query, actor=actor))

    @router.get("/staff")
    async def staff(
        request: Request,
        actor: CurrentPrincipal,
        q: Annotated[str | None, Query(max_length=100)] = None,
        birth_date: dt.date | None = None,
        school_id: uuid.UUID | None = None,
    ) -> SearchResults:
        """Staff working now, by name words or birth date."""
        async with database_of(request).uow() as uow:
            return _results(await search_staff(uow, _query(q, birth_date, None, school_id), actor=actor))

    return router
