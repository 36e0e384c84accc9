"""A term's lifecycle: move it to closing, closed, or open again, and read its history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.schemas import TermRead, TermStatusChangeCreate, TermStatusChangeRead
from eschool.scheduling.services.term_lifecycle import change_term_status, term_history


def terms_router() -> APIRouter:
    """Routes under /v1/term-schemes/{term_scheme_id}/terms/{term_id}."""
    router = APIRouter(prefix="/v1/term-schemes/{term_scheme_id}/terms/{term_id}", tags=["terms"])

    @router.post("/status")
    async def change_status(
        term_scheme_id: uuid.UUID,
        term_id: uuid.UUID,
        body: TermStatusChangeCreate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> TermRead:
        """Move the term: open → closing → closed; closing back to open; closed to open with a reason."""
        async with database_of(request).uow() as uow:
            term = await change_term_status(
                uow, term_scheme_id, term_id, body.status, reason=body.reason, actor=actor
            )
            await uow.commit()
        return TermRead.model_validate(term, from_attributes=True)

    @router.get("/history")
    async def history(
        term_scheme_id: uuid.UUID, term_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[TermStatusChangeRead]:
        """The term's lifecycle steps, oldest first: who, when, from what to what, why."""
        async with database_of(request).uow() as uow:
            steps = await term_history(uow, term_scheme_id, term_id, actor=actor)
        return [TermStatusChangeRead.model_validate(s, from_attributes=True) for s in steps]

    return router
