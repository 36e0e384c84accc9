"""A school's grading settings: the rounding policy and its versions, the work types with their
weights, and the subjects marked pass/fail."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import Stamp, database_of
from eschool.journal.api.audit import AuditPage, Paging
from eschool.journal.domain.scales import GradingScale
from eschool.journal.services.grading_settings import (
    PolicyHistory,
    WorkTypeChange,
    change_grading_policy,
    grading_policy,
    override_work_type,
    set_subject_scale,
    settings_audit,
    work_types,
)

Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,39}$", examples=["control"])]
Weight = Annotated[Decimal, Field(ge=Decimal("0.5"), le=Decimal(5), decimal_places=2, examples=["2"])]


def grading_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}."""
    router = APIRouter(prefix="/v1/schools/{school_id}", tags=["grading settings"])

    @router.get("/grading-policy")
    async def policy(school_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> GradingPolicyRead:
        """The school's rounding policy in force and every version of it, newest first."""
        async with database_of(request).uow() as uow:
            return _policy(await grading_policy(uow, school_id, actor=actor))

    @router.put("/grading-policy")
    async def change_policy(
        school_id: uuid.UUID, body: GradingPolicyUpdate, request: Request, actor: CurrentPrincipal
    ) -> GradingPolicyRead:
        """Make a new version of the school's rounding policy; new averages and term marks use it."""
        async with database_of(request).uow() as uow:
            found = await change_grading_policy(
                uow, school_id, body.rounding_threshold, body.min_marks, actor=actor
            )
        return _policy(found)

    @router.get("/work-types")
    async def list_work_types(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[WorkTypeRead]:
        """The work types in force at the school: the region's, with the school's overrides and own types."""
        async with database_of(request).uow() as uow:
            rows = await work_types(uow, school_id, actor=actor)
        return [WorkTypeRead.model_validate(row) for row in rows]

    @router.put("/work-types/{code}")
    async def put_work_type(
        school_id: uuid.UUID, code: Code, body: WorkTypeUpdate, request: Request, actor: CurrentPrincipal
    ) -> WorkTypeRead:
        """Override a regional work type for the school (weight, name, retired), or keep the school's own."""
        change = WorkTypeChange(**body.model_dump())
        async with database_of(request).uow() as uow:
            row = await override_work_type(uow, school_id, code, change, actor=actor)
        return WorkTypeRead.model_validate(row)

    @router.get("/grading-audit")
    async def audit(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, page: Paging
    ) -> AuditPage:
        """Who changed the school's rounding policy, work types and subject scales, when, from what, newest
        first (its administration, the municipality, the ministry)."""
        async with database_of(request).uow() as uow:
            found = await settings_audit(uow, school_id, actor=actor, cursor=page.cursor, limit=page.limit)
            return AuditPage.of(found)

    @router.put("/subjects/{subject_id}/scale")
    async def put_scale(
        school_id: uuid.UUID,
        subject_id: uuid.UUID,
        body: SubjectScaleUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> SubjectScaleRead:
        """Mark the subject at the school on the five-point scale or pass/fail."""
        async with database_of(request).uow() as uow:
            row = await set_subject_scale(uow, school_id, subject_id, GradingScale(body.scale), actor=actor)
        return SubjectScaleRead.model_validate(row)

    return router


class GradingPolicyUpdate(BaseModel):
    """A school's rounding rule: an average rounds up from ``rounding_threshold``; a term mark wants at
    least ``min_marks`` marks (seed 004, 5.2)."""

    model_config = ConfigDict(extra="forbid")

    rounding_threshold: Annotated[Decimal, Field(ge=Decimal("0.01"), le=Decimal("0.99"), decimal_places=2)]
    min_marks: Annotated[int, Field(ge=1, le=20)]


class GradingPolicyVersionRead(BaseModel):
    """A version of the school's rounding policy."""

    model_config = ConfigDict(from_attributes=True)

    version: int
    rounding_threshold: Decimal
    min_marks: int
    created_at: Stamp | None = None
    created_by: uuid.UUID | None = None


class GradingPolicyRead(BaseModel):
    """The policy in force (``is_default``: the region's, until the school sets its own) and its history."""

    school_id: uuid.UUID
    is_default: bool
    current: GradingPolicyVersionRead
    history: list[GradingPolicyVersionRead]


class WorkTypeUpdate(BaseModel):
    """What changes of a work type; a new type of the school's own needs a name and a weight."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    weight: Weight | None = None
    retired: bool | None = None
    control: bool | None = Field(default=None, description="A control, laboratory or practical work")
    multiple: bool | None = Field(default=None, description="Several marks of it per lesson")


class WorkTypeRead(BaseModel):
    """A work type in force at the school (``school_id`` None: the region's default)."""

    model_config = ConfigDict(from_attributes=True)

    work_type_id: uuid.UUID
    school_id: uuid.UUID | None
    code: str
    name: str
    weight: Decimal
    multiple: bool
    control: bool
    retired: bool


class SubjectScaleUpdate(BaseModel):
    """How the school marks a subject."""

    model_config = ConfigDict(extra="forbid")

    scale: Literal["five_point", "pass_fail"]


class SubjectScaleRead(BaseModel):
    """How the school marks a subject."""

    model_config = ConfigDict(from_attributes=True)

    school_id: uuid.UUID
    subject_id: uuid.UUID
    scale: str


def _policy(found: PolicyHistory) -> GradingPolicyRead:
    current = found.current
    in_force = next((v for v in found.versions if v.version == current.version), None)
    return GradingPolicyRead(
        school_id=found.school_id,
        is_default=found.is_default,
        current=GradingPolicyVersionRead.model_validate(in_force)
        if in_force
        else GradingPolicyVersionRead(
            version=current.version, rounding_threshold=current.threshold, min_marks=current.min_marks
        ),
        history=[GradingPolicyVersionRead.model_validate(v) for v in found.versions],
    )
