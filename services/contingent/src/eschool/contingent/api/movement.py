"""Pupils' movement: withdrawal («Листок выбытия»), transfer between classes, the history; the arrivals
list of a school and the acceptance of an arrival. Every movement is made by an order (series optional).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.events.contingent import DestinationKind, WithdrawalReason
from eschool.contingent.api.deps import Stamp, database_of
from eschool.contingent.api.pupils import MaskedSnils, OrderFields, PupilRead, pupil_read
from eschool.contingent.db.movement import PupilMovement
from eschool.contingent.domain.people import MAX_FILE_NUMBER_LENGTH, EducationForm, Order, mask_snils
from eschool.contingent.services.arrivals import Acceptance, Arrival, accept_arrival, arrivals_of
from eschool.contingent.services.movement import (
    Transfer,
    Withdrawal,
    movements_of,
    transfer_pupil,
    withdraw_pupil,
)

_RETRY = {200: {"description": "A retry of the same form: the movement made the first time"}}


class WithdrawalCreate(BaseModel):
    """The withdrawal: the last day, the reason, where to (a school of the region: which one), the order."""

    model_config = ConfigDict(extra="forbid")

    withdrawn_on: dt.date
    reason: WithdrawalReason
    destination: DestinationKind = Field(description="school_of_region needs destination_school_id")
    destination_school_id: uuid.UUID | None = None
    order: OrderFields


class TransferCreate(BaseModel):
    """A transfer to another class of the same school and year, from ``transferred_on``, by order."""

    model_config = ConfigDict(extra="forbid")

    to_class_id: uuid.UUID
    transferred_on: dt.date
    order: OrderFields


class AcceptanceCreate(BaseModel):
    """The acceptance of an arrival: the class, the first day, the personal file number here, the order."""

    model_config = ConfigDict(extra="forbid")

    class_id: uuid.UUID
    arrived_on: dt.date
    personal_file_number: Annotated[str, Field(max_length=2 * MAX_FILE_NUMBER_LENGTH, examples=["45п"])]
    order: OrderFields
    education_form: EducationForm | None = Field(
        default=None, description="The form of education from now on (absent: the one the pupil had)"
    )


class MovementRead(BaseModel):
    """One movement of a pupil, as the history shows it."""

    pupil_movement_id: uuid.UUID
    person_id: uuid.UUID
    pupil_enrolment_id: uuid.UUID
    school_id: uuid.UUID
    kind: Literal["enrolled", "withdrawn", "transferred", "arrived", "promoted", "promotion_cancelled"]
    happened_on: dt.date
    from_class_id: uuid.UUID | None
    to_class_id: uuid.UUID | None
    order: OrderFields
    reason: WithdrawalReason | None
    destination: DestinationKind | None
    destination_school_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    recorded_at: Stamp


class MovementList(BaseModel):
    """A pupil's movements in the order they happened."""

    items: list[MovementRead]


class ArrivalRead(BaseModel):
    """A pupil on the arrivals list: who, from which school and class, since when."""

    person_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    snils: MaskedSnils
    from_school_id: uuid.UUID
    from_school_name: str
    from_class_id: uuid.UUID
    from_class_name: str = Field(examples=["5 А"])
    withdrawn_on: dt.date
    reason: WithdrawalReason | None


class ArrivalList(BaseModel):
    """The school's arrivals list, the earliest withdrawal first."""

    items: list[ArrivalRead]


def _order(body: OrderFields) -> Order:
    return Order(body.number, body.date, body.series)


def movement_read(m: PupilMovement) -> MovementRead:
    """The movement as the API shows it."""
    order = OrderFields(series=m.order_series, number=m.order_number, date=m.order_date)
    fields = set(MovementRead.model_fields) - {"order"}
    return MovementRead.model_validate({**{f: getattr(m, f) for f in fields}, "order": order})


def arrival_read(a: Arrival) -> ArrivalRead:
    """The arrival as the list shows it, SNILS masked."""
    person = a.person
    return ArrivalRead(
        **{
            f: getattr(person, f)
            for f in ("person_id", "last_name", "first_name", "middle_name", "birth_date")
        },
        snils=mask_snils(person.snils_tail),
        from_school_id=a.from_school.org_unit_id,
        from_school_name=a.from_school.short_name,
        from_class_id=a.from_class.class_id,
        from_class_name=f"{a.from_class.grade} {a.from_class.letter}",
        withdrawn_on=a.withdrawal.happened_on,
        reason=a.withdrawal.reason,  # type: ignore[arg-type]  # written from the same Literal
    )


def movement_router() -> APIRouter:
    """Routes under /v1/pupils/{person_id} (withdrawal, transfer, movements) and /v1/schools/{id}/arrivals."""
    router = APIRouter(prefix="/v1", tags=["movement"])

    @router.post("/pupils/{person_id}/withdrawal", status_code=201, responses=_RETRY)
    async def withdraw(
        person_id: uuid.UUID,
        body: WithdrawalCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> MovementRead:
        """Withdraw the pupil from their school by order; the same form again answers 200, another 409."""
        form = Withdrawal(
            body.withdrawn_on, body.reason, body.destination, _order(body.order), body.destination_school_id
        )
        async with database_of(request).uow() as uow:
            movement, created = await withdraw_pupil(uow, person_id, form, actor=actor)
        response.status_code = 201 if created else 200
        return movement_read(movement)

    @router.post("/pupils/{person_id}/transfer", status_code=201, responses=_RETRY)
    async def transfer(
        person_id: uuid.UUID,
        body: TransferCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> MovementRead:
        """Transfer the pupil to another class of the same school and academic year, by order."""
        form = Transfer(body.to_class_id, body.transferred_on, _order(body.order))
        async with database_of(request).uow() as uow:
            movement, created = await transfer_pupil(uow, person_id, form, actor=actor)
        response.status_code = 201 if created else 200
        return movement_read(movement)

    @router.get("/pupils/{person_id}/movements")
    async def list_movements(person_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> MovementList:
        """The pupil's movement history: enrolments, transfers, withdrawals, arrivals, as they happened."""
        async with database_of(request).uow() as uow:
            movements = await movements_of(uow, person_id, actor=actor)
        return MovementList(items=[movement_read(m) for m in movements])

    @router.get("/schools/{school_id}/arrivals")
    async def list_arrivals(school_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> ArrivalList:
        """Pupils withdrawn towards this school by other schools of the region, not yet accepted."""
        async with database_of(request).uow() as uow:
            arrivals = await arrivals_of(uow, school_id, actor=actor)
        return ArrivalList(items=[arrival_read(a) for a in arrivals])

    @router.post("/schools/{school_id}/arrivals/{person_id}/acceptance", status_code=201, responses=_RETRY)
    async def accept(
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        body: AcceptanceCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> PupilRead:
        """Accept a pupil from the arrivals list into a class of this school (the same person, a new stay)."""
        form = Acceptance(
            body.class_id, body.arrived_on, body.personal_file_number, _order(body.order), body.education_form
        )
        async with database_of(request).uow() as uow:
            pupil, created = await accept_arrival(uow, school_id, person_id, form, actor=actor)
        response.status_code = 201 if created else 200
        return pupil_read(pupil)

    return router
