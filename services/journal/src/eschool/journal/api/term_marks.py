"""A class's results in a subject: the averages of a term, the term marks grid of the year, the save of
a whole class's term, annual or final marks, and the check before a term closes."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import IdempotencyKey, database_of
from eschool.journal.api.term_mark_schemas import (
    ClassAveragesRead,
    PreCloseRead,
    TermMarkGridRead,
    TermMarksSaved,
    TermMarksUpdate,
)
from eschool.journal.domain.averages import RoundingPolicy
from eschool.journal.services.averages import class_averages, term_mark_grid
from eschool.journal.services.term_marks import (
    TermMarkEntry,
    TermMarksCommand,
    pre_close_check,
    set_term_marks,
)

R = TypeVar("R", bound=BaseModel)


def term_marks_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/subjects/{subject_id}."""
    router = APIRouter(prefix="/v1/classes/{class_id}/subjects/{subject_id}", tags=["term marks"])

    @router.get("/terms/{term_id}/averages")
    async def averages(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        term_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
    ) -> ClassAveragesRead:
        """Every pupil's weighted average in the term, the mark it rounds to, and the forecast."""
        async with database_of(request).uow() as uow:
            found = await class_averages(uow, class_id, subject_id, term_id, actor=actor)
        ids = {"class_id": class_id, "subject_id": subject_id, "term_id": term_id}
        return _read(ClassAveragesRead, found.policy, **ids, pupils=found.pupils)

    @router.get("/term-marks")
    async def grid(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        academic_year_id: Annotated[uuid.UUID | None, Query()] = None,
    ) -> TermMarkGridRead:
        """The class's term marks of the year with the averages beside them, and the annual marks."""
        async with database_of(request).uow() as uow:
            found = await term_mark_grid(uow, class_id, subject_id, academic_year_id, actor=actor)
        year = found.school_class.academic_year_id
        ids = {"class_id": class_id, "subject_id": subject_id, "academic_year_id": year}
        return _read(TermMarkGridRead, found.policy, **ids, terms=found.terms, pupils=found.pupils)

    @router.put("/term-marks")
    async def save(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        body: TermMarksUpdate,
        request: Request,
        actor: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> TermMarksSaved:
        """Set, change or remove a class's marks of a term, the year or the final: all or none."""
        marks = [TermMarkEntry(m.pupil_person_id, m.value) for m in body.marks]
        cmd = TermMarksCommand(class_id, subject_id, body.period, body.term_id, marks, body.reason)
        async with database_of(request).uow() as uow:
            saved = await set_term_marks(uow, cmd, actor=actor, idempotency_key=idempotency_key)
        return TermMarksSaved.model_validate(saved)

    @router.get("/terms/{term_id}/pre-close")
    async def pre_close(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        term_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
    ) -> PreCloseRead:
        """Before the term closes: pupils with too few marks or no term mark, and a missing control work."""
        async with database_of(request).uow() as uow:
            found = await pre_close_check(uow, class_id, subject_id, term_id, actor=actor)
        ids = {"class_id": class_id, "subject_id": subject_id, "term_id": term_id}
        fields = {"due_on": found.due_on, "has_control_work": found.has_control_work}
        return _read(
            PreCloseRead, found.policy, **ids, **fields, findings=found.findings, pupils=found.pupils
        )

    return router


def _read(schema: type[R], policy: RoundingPolicy, **fields: object) -> R:
    """The answer in ``schema``, with the policy the averages were computed with."""
    used = {
        "policy_version": policy.version,
        "rounding_threshold": policy.threshold,
        "min_marks": policy.min_marks,
    }
    return schema.model_validate(used | fields, from_attributes=True)
