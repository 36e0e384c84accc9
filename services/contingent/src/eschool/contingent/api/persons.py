"""A person's card corrected (a typo in a name, a new surname, a mistyped SNILS), and its corrections."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.contingent.api.deps import Stamp, database_of, settings_of
from eschool.contingent.api.pupils import Citizenship, MaskedSnils, Name, SexText, Snils
from eschool.contingent.db.people import Person
from eschool.contingent.domain.people import PersonCard, PersonName, Sex, mask_snils
from eschool.contingent.services.people import SnilsKeys
from eschool.contingent.services.person_card import (
    MAX_REASON_LENGTH,
    Correction,
    correct_person,
    person_changes,
)


class PersonCardUpdate(BaseModel):
    """The whole card as it should be, on the version seen; ``snils`` absent: unchanged."""

    model_config = ConfigDict(extra="forbid")

    version: int
    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    birth_date: dt.date | None = None
    sex: SexText | None = None
    citizenship: Citizenship | None = None
    phone: Annotated[str, Field(max_length=30)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    snils: Snils | None = None
    reason: Annotated[str, Field(max_length=2 * MAX_REASON_LENGTH, examples=["Смена фамилии"])] | None = None


class PersonRead(BaseModel):
    """A person's card (SNILS masked)."""

    person_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    sex: Sex | None
    citizenship: str | None
    phone: str | None
    email: str | None
    snils: MaskedSnils
    version: int
    updated_at: Stamp


class PersonChangeRead(BaseModel):
    """One correction: the fields with their old and new values (a SNILS only as «***»)."""

    changes: dict[str, dict[str, Any]]
    reason: str | None
    school_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    changed_at: Stamp


class PersonChangeList(BaseModel):
    """The card's corrections, the oldest first."""

    items: list[PersonChangeRead]


def person_read(person: Person) -> PersonRead:
    """The person as the API shows them."""
    fields = set(PersonRead.model_fields) - {"snils"}
    return PersonRead(**{f: getattr(person, f) for f in fields}, snils=mask_snils(person.snils_tail))


def persons_router() -> APIRouter:
    """Routes under /v1/persons."""
    router = APIRouter(prefix="/v1/persons", tags=["persons"])

    @router.put("/{person_id}")
    async def correct(
        person_id: uuid.UUID, body: PersonCardUpdate, request: Request, actor: CurrentPrincipal
    ) -> PersonRead:
        """Correct the card (the school's administration; the class teacher for their pupils and the
        pupils' guardians); every change is kept in the card's history."""
        name = PersonName(body.last_name, body.first_name, body.middle_name)
        card = PersonCard(name, body.birth_date, body.sex, body.citizenship, body.phone, body.email)
        snils = body.snils.get_secret_value() if body.snils else None
        form = Correction(card, body.version, snils, body.reason)
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            person = await correct_person(uow, person_id, form, actor=actor, keys=keys)
        return person_read(person)

    @router.get("/{person_id}/changes")
    async def changes(person_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> PersonChangeList:
        """The corrections of the card, for those who may correct it."""
        async with database_of(request).uow() as uow:
            rows = await person_changes(uow, person_id, actor=actor)
        return PersonChangeList(
            items=[PersonChangeRead.model_validate(r, from_attributes=True) for r in rows]
        )

    return router
