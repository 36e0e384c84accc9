"""A term's lifecycle (closing, closed, open again, and its history) and its sub-periods."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.scheduling.api.schemas import TermRead, TermStatusChangeCreate, TermStatusChangeRead
from eschool.scheduling.db.calendar import Term
from eschool.scheduling.db.sub_terms import SubTerm
from eschool.scheduling.domain.sub_terms import SubTermDraft, halves
from eschool.scheduling.services.sub_terms import replace_sub_terms, term_sub_terms
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

    @router.get("/sub-terms")
    async def sub_terms(
        term_scheme_id: uuid.UUID, term_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> SubTermList:
        """The term's sub-periods in order."""
        async with database_of(request).uow() as uow:
            term, rows = await term_sub_terms(uow, term_scheme_id, term_id, actor=actor)
        return _sub_terms(term, rows)

    @router.put("/sub-terms")
    async def replace(
        term_scheme_id: uuid.UUID,
        term_id: uuid.UUID,
        body: SubTermsReplace,
        request: Request,
        actor: CurrentPrincipal,
    ) -> SubTermList:
        """Replace the term's sub-periods whole on the scheme's version seen (``halves``: cut it in two)."""
        async with database_of(request).uow() as uow:
            if body.halves:
                view = await term_sub_terms(uow, term_scheme_id, term_id, actor=actor)
                drafts = halves(view[0].name, view[0].starts_on, view[0].ends_on)
            else:
                drafts = [SubTermDraft(x.name, x.starts_on, x.ends_on) for x in body.sub_terms]
            term, rows = await replace_sub_terms(
                uow, term_scheme_id, term_id, drafts, version=body.version, actor=actor
            )
        return _sub_terms(term, rows)

    return router


class SubTermFields(BaseModel):
    """A sub-period's name and dates, both days included."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=200, examples=["1 половина 1 четверти"])]
    starts_on: date
    ends_on: date


class SubTermsReplace(BaseModel):
    """The term's sub-periods in order (empty: none), or ``halves`` to cut the term in two; the scheme's
    version they were based on."""

    model_config = ConfigDict(extra="forbid")

    version: int
    sub_terms: list[SubTermFields] = Field(default_factory=list, max_length=12)
    halves: bool = False


class SubTermRead(SubTermFields):
    """A sub-period of a term."""

    model_config = ConfigDict(from_attributes=True)

    sub_term_id: uuid.UUID
    number: int


class SubTermList(BaseModel):
    """A term's sub-periods."""

    term_id: uuid.UUID
    items: list[SubTermRead]


def _sub_terms(term: Term, rows: Sequence[SubTerm]) -> SubTermList:
    return SubTermList(term_id=term.term_id, items=[SubTermRead.model_validate(r) for r in rows])
