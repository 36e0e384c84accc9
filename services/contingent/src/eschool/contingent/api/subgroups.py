"""Subgroups of a class: add one, the class's division on a day, place pupils (a move between subgroups
by the director's order, at a term boundary or with the administrator's reason), take a pupil out,
and a subgroup's history with every order and reason."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import Stamp, database_of
from eschool.contingent.api.pupils import OrderFields
from eschool.contingent.db.people import Person
from eschool.contingent.db.subgroups import Subgroup, SubgroupMembership
from eschool.contingent.domain.people import Order
from eschool.contingent.domain.subgroups import MAX_REASON_LENGTH, MAX_SUBGROUP_NAME_LENGTH
from eschool.contingent.services.subgroup_moves import Departure, Placement, place_pupils, take_out
from eschool.contingent.services.subgroups import add_subgroup, class_division, subgroup_history

Label = Annotated[str, Field(max_length=2 * MAX_SUBGROUP_NAME_LENGTH)]
Reason = Annotated[
    str,
    Field(
        max_length=2 * MAX_REASON_LENGTH,
        description="The administrator's reason for a change inside a term",
        examples=["Перевод по заявлению родителей в связи с изменением профиля"],
    ),
]


class SubgroupCreate(BaseModel):
    """A subgroup of the class: what the class is divided for, and the subgroup's name."""

    model_config = ConfigDict(extra="forbid")

    division: Label = Field(examples=["Английский язык"])
    name: Label = Field(examples=["1 группа"])


class SubgroupRead(BaseModel):
    """A subgroup of a class."""

    subgroup_id: uuid.UUID
    class_id: uuid.UUID
    school_id: uuid.UUID
    division: str
    name: str
    created_at: Stamp


class MemberRead(BaseModel):
    """A pupil's stay in a subgroup, with the orders and reasons that began and ended it."""

    membership_id: uuid.UUID
    person_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    from_on: dt.date
    until_on: dt.date | None
    order: OrderFields | None
    override_reason: str | None
    end_order: OrderFields | None
    end_override_reason: str | None
    created_by_user_id: uuid.UUID | None
    ended_by_user_id: uuid.UUID | None


class SubgroupMembers(SubgroupRead):
    """A subgroup and its pupils on the day asked."""

    members: list[MemberRead]


class ClassDivision(BaseModel):
    """The class's subgroups by division and name, each with its pupils on ``on``."""

    on: dt.date
    items: list[SubgroupMembers]


class SubgroupHistory(SubgroupRead):
    """Every stay the subgroup has had, voided placements included, in the order they began."""

    stays: list[MemberRead]


class PlacementCreate(BaseModel):
    """Pupils into the subgroup from ``effective_on`` (absent: today). A pupil in another subgroup of the
    division moves: the administration only, by order, at a term boundary or with ``override_reason``."""

    model_config = ConfigDict(extra="forbid")

    person_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    effective_on: dt.date | None = None
    order: OrderFields | None = None
    override_reason: Reason | None = None


class PlacementRead(BaseModel):
    """What the placement did."""

    joined: int
    moved: int
    unchanged: int


class DepartureCreate(BaseModel):
    """The pupil out of the subgroup from ``effective_on`` (their first day out), by order."""

    model_config = ConfigDict(extra="forbid")

    effective_on: dt.date
    order: OrderFields | None = None
    override_reason: Reason | None = None


def _order(body: OrderFields | None) -> Order | None:
    return None if body is None else Order(body.number, body.date, body.series)


def _order_fields(series: str | None, number: str | None, date: dt.date | None) -> OrderFields | None:
    if number is None or date is None:
        return None
    return OrderFields(series=series, number=number, date=date)


def subgroup_read(row: Subgroup) -> SubgroupRead:
    """The subgroup as the API shows it."""
    return SubgroupRead.model_validate(row, from_attributes=True)


def member_read(stay: SubgroupMembership, person: Person) -> MemberRead:
    """A stay and its pupil's name as the API shows them."""
    return MemberRead(
        membership_id=stay.membership_id,
        person_id=stay.person_id,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        from_on=stay.from_on,
        until_on=stay.until_on,
        order=_order_fields(stay.order_series, stay.order_number, stay.order_date),
        override_reason=stay.override_reason,
        end_order=_order_fields(stay.end_order_series, stay.end_order_number, stay.end_order_date),
        end_override_reason=stay.end_override_reason,
        created_by_user_id=stay.created_by_user_id,
        ended_by_user_id=stay.ended_by_user_id,
    )


def subgroups_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/subgroups and /v1/subgroups."""
    router = APIRouter(prefix="/v1", tags=["subgroups"])

    @router.post("/classes/{class_id}/subgroups", status_code=201, responses={200: {"description": "Exists"}})
    async def create(
        class_id: uuid.UUID,
        body: SubgroupCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> SubgroupRead:
        """Add a subgroup (the administration or the class teacher); the same division and name again
        answers the subgroup there is (200)."""
        async with database_of(request).uow() as uow:
            row, created = await add_subgroup(uow, class_id, body.division, body.name, actor=actor)
        if not created:
            response.status_code = 200
        return subgroup_read(row)

    @router.get("/classes/{class_id}/subgroups")
    async def division(
        class_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        on: Annotated[dt.date | None, Query(description="The day (default: today at the school)")] = None,
    ) -> ClassDivision:
        """The class's subgroups with their pupils on the day (the school's administration and teachers)."""
        async with database_of(request).uow() as uow:
            day, subgroups, members = await class_division(uow, class_id, on, actor=actor)
        items = [
            SubgroupMembers(
                **subgroup_read(s).model_dump(),
                members=[member_read(m, p) for m, p in members.get(s.subgroup_id, [])],
            )
            for s in subgroups
        ]
        return ClassDivision(on=day, items=items)

    @router.post("/subgroups/{subgroup_id}/members")
    async def place(
        subgroup_id: uuid.UUID, body: PlacementCreate, request: Request, actor: CurrentPrincipal
    ) -> PlacementRead:
        """Place pupils of the class into the subgroup, all or none; pupils there already are unchanged."""
        form = Placement(body.person_ids, body.effective_on, _order(body.order), body.override_reason)
        async with database_of(request).uow() as uow:
            placed = await place_pupils(uow, subgroup_id, form, actor=actor)
        return PlacementRead(joined=placed.joined, moved=placed.moved, unchanged=placed.unchanged)

    @router.post("/subgroups/{subgroup_id}/members/{person_id}/departure")
    async def depart(
        subgroup_id: uuid.UUID,
        person_id: uuid.UUID,
        body: DepartureCreate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> MemberRead:
        """Take the pupil out of the subgroup (the administration, by order); a retry answers the same."""
        form = Departure(body.effective_on, _order(body.order), body.override_reason)
        async with database_of(request).uow() as uow:
            stay = await take_out(uow, subgroup_id, person_id, form, actor=actor)
            person = await uow.session.get(Person, stay.person_id)
        assert person is not None  # the stay's key refers to it
        return member_read(stay, person)

    @router.get("/subgroups/{subgroup_id}/history")
    async def history(subgroup_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> SubgroupHistory:
        """Every stay of the subgroup with its orders and reasons (the school's administration, teachers)."""
        async with database_of(request).uow() as uow:
            subgroup, stays = await subgroup_history(uow, subgroup_id, actor=actor)
        return SubgroupHistory(
            **subgroup_read(subgroup).model_dump(), stays=[member_read(s, p) for s, p in stays]
        )

    return router
