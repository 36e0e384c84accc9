"""Staff members: hire one into a school by form, the school's staff list, an employment, dismiss, restore.

SNILS is taken on hiring and shown masked (``***-***-*** 64``) everywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import Stamp, database_of, settings_of
from eschool.contingent.api.pupils import MaskedSnils, Name, SexText, Snils
from eschool.contingent.api.staff_workbooks import staff_workbooks_router
from eschool.contingent.db.staff import MAX_POSITION_LENGTH, MAX_REASON_LENGTH
from eschool.contingent.domain.people import PersonCard, PersonName, Sex, mask_snils
from eschool.contingent.domain.staff import HireForm
from eschool.contingent.services.people import SnilsKeys
from eschool.contingent.services.staff import (
    Employee,
    dismiss_staff,
    employee_for,
    hire_staff,
    restore_staff,
    school_staff,
)


class StaffCreate(BaseModel):
    """A new staff member: full name, birth date, sex, SNILS (to find them if they work elsewhere), the
    position and the first day."""

    model_config = ConfigDict(extra="forbid")

    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    birth_date: dt.date
    sex: SexText | None = None
    snils: Snils | None = Field(
        default=None, description="Recommended: the same SNILS in two schools makes one person"
    )
    position: Annotated[str, Field(max_length=2 * MAX_POSITION_LENGTH, examples=["учитель"])]
    hired_on: dt.date


class StaffDismiss(BaseModel):
    """The last day of work and, optionally, why."""

    model_config = ConfigDict(extra="forbid")

    dismissed_on: dt.date
    reason: (
        Annotated[str, Field(max_length=2 * MAX_REASON_LENGTH, examples=["по собственному желанию"])] | None
    ) = None


class StaffRead(BaseModel):
    """A staff member of a school: the person (SNILS masked) and the employment."""

    staff_employment_id: uuid.UUID
    person_id: uuid.UUID
    school_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    sex: Sex | None
    snils: MaskedSnils
    position: str
    hired_on: dt.date
    dismissed_on: dt.date | None
    dismissal_reason: str | None
    version: int
    created_at: Stamp
    updated_at: Stamp


class StaffList(BaseModel):
    """The school's staff, by last name, first name, patronymic."""

    items: list[StaffRead]


def staff_read(employee: Employee) -> StaffRead:
    """The staff member as the API shows them, SNILS masked."""
    person, employment = employee.person, employee.employment
    return StaffRead.model_validate(
        {
            **{
                f: getattr(person, f) for f in ("last_name", "first_name", "middle_name", "birth_date", "sex")
            },
            "snils": mask_snils(person.snils_tail),
            **{
                f: getattr(employment, f)
                for f in ("staff_employment_id", "person_id", "school_id", "position")
            },
            **{f: getattr(employment, f) for f in ("hired_on", "dismissed_on", "dismissal_reason")},
            **{f: getattr(employment, f) for f in ("version", "created_at", "updated_at")},
        }
    )


def _form(body: StaffCreate) -> HireForm:
    card = PersonCard(
        PersonName(body.last_name, body.first_name, body.middle_name), body.birth_date, body.sex
    )
    return HireForm(card, body.position, body.hired_on, body.snils.get_secret_value() if body.snils else None)


def staff_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/staff (with its workbooks) and /v1/staff/{staff_employment_id}."""
    router = APIRouter(prefix="/v1", tags=["staff"])
    router.include_router(staff_workbooks_router())

    @router.post("/schools/{school_id}/staff", status_code=201, responses={200: {"description": "A retry"}})
    async def hire(
        school_id: uuid.UUID, body: StaffCreate, request: Request, response: Response, actor: CurrentPrincipal
    ) -> StaffRead:
        """Hire a staff member by form (the person known under the SNILS, or added); the same form again
        answers 200 with the same employment, the person already working there otherwise 409."""
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            employee, created = await hire_staff(uow, school_id, _form(body), actor=actor, keys=keys)
        if not created:
            response.status_code = 200
        return staff_read(employee)

    @router.get("/schools/{school_id}/staff")
    async def list_staff(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, include_dismissed: bool = False
    ) -> StaffList:
        """The school's staff by full name (``include_dismissed``: its register of the dismissed too)."""
        async with database_of(request).uow() as uow:
            staff = await school_staff(uow, school_id, include_dismissed=include_dismissed, actor=actor)
        return StaffList(items=[staff_read(e) for e in staff])

    @router.get("/staff/{staff_employment_id}")
    async def read_staff(
        staff_employment_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> StaffRead:
        """A staff member's employment in a school."""
        async with database_of(request).uow() as uow:
            employee = await employee_for(uow, staff_employment_id, actor=actor)
        return staff_read(employee)

    @router.post("/staff/{staff_employment_id}/dismiss")
    async def dismiss(
        staff_employment_id: uuid.UUID, body: StaffDismiss, request: Request, actor: CurrentPrincipal
    ) -> StaffRead:
        """Dismiss the staff member (not while they lead a class of the school); dismissed already: 409."""
        async with database_of(request).uow() as uow:
            employee = await dismiss_staff(
                uow, staff_employment_id, body.dismissed_on, body.reason, actor=actor
            )
        return staff_read(employee)

    @router.post("/staff/{staff_employment_id}/restore")
    async def restore(staff_employment_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> StaffRead:
        """Restore the staff member from the school's register of the dismissed; not dismissed: 409."""
        async with database_of(request).uow() as uow:
            employee = await restore_staff(uow, staff_employment_id, actor=actor)
        return staff_read(employee)

    return router
