"""Term schemes of a school's year: generate one, list them, read one, correct its terms."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.schemas import TermSchemeCreate, TermSchemeRead, TermsReplace
from eschool.scheduling.domain.terms import TermDraft
from eschool.scheduling.services.term_schemes import (
    create_term_scheme,
    replace_terms,
    scheme_for,
    school_term_schemes,
)

YearFilter = Annotated[uuid.UUID | None, Query(description="Only the schemes of this academic year")]


def term_schemes_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/term-schemes and /v1/term-schemes."""
    router = APIRouter(tags=["term schemes"])

    @router.post("/v1/schools/{school_id}/term-schemes", status_code=201)
    async def create_scheme(
        school_id: uuid.UUID, body: TermSchemeCreate, request: Request, actor: CurrentPrincipal
    ) -> TermSchemeRead:
        """Generate a term scheme of the school's year, with default terms and the vacations between them."""
        async with database_of(request).uow() as uow:
            view = await create_term_scheme(
                uow, school_id, body.academic_year_id, body.name, body.kind, actor=actor
            )
            await uow.commit()
        return TermSchemeRead.of(view)

    @router.get("/v1/schools/{school_id}/term-schemes")
    async def list_schemes(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: YearFilter = None
    ) -> list[TermSchemeRead]:
        """The school's term schemes with their terms."""
        async with database_of(request).uow() as uow:
            views = await school_term_schemes(uow, school_id, academic_year_id, actor=actor)
        return [TermSchemeRead.of(view) for view in views]

    @router.get("/v1/term-schemes/{term_scheme_id}")
    async def read_scheme(
        term_scheme_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> TermSchemeRead:
        """A term scheme with its terms."""
        async with database_of(request).uow() as uow:
            view = await scheme_for(uow, term_scheme_id, actor=actor, write=False)
        return TermSchemeRead.of(view)

    @router.put("/v1/term-schemes/{term_scheme_id}/terms")
    async def put_terms(
        term_scheme_id: uuid.UUID, body: TermsReplace, request: Request, actor: CurrentPrincipal
    ) -> TermSchemeRead:
        """Correct the terms' names and dates (all of them, in order; 409 ``stale_version``)."""
        drafts = [TermDraft(t.name, t.starts_on, t.ends_on) for t in body.terms]
        async with database_of(request).uow() as uow:
            view = await replace_terms(uow, term_scheme_id, drafts, version=body.version, actor=actor)
            await uow.commit()
        return TermSchemeRead.of(view)

    return router
