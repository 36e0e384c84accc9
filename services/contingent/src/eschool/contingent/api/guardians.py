"""A pupil's guardians: link one (by form, with SNILS and contacts), list them, unlink one, read a SNILS."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.events.contingent import GuardianKind
from eschool.contingent.api.deps import Stamp, database_of, settings_of
from eschool.contingent.api.pupils import MaskedSnils, Name, Snils, SnilsRead, snils_read
from eschool.contingent.domain.people import PersonCard, PersonName, mask_snils
from eschool.contingent.services.guardians import (
    Guardian,
    GuardianForm,
    guardian_snils,
    link_guardian,
    pupil_guardians,
    unlink_guardian,
)
from eschool.contingent.services.people import SnilsKeys


class GuardianCreate(BaseModel):
    """A guardian of the pupil: who they are to the pupil, their name, SNILS and contacts."""

    model_config = ConfigDict(extra="forbid")

    kind: GuardianKind
    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    birth_date: dt.date | None = None
    snils: Snils | None = None
    phone: Annotated[str, Field(max_length=30, examples=["+7 912 345-67-89"])] | None = None
    email: Annotated[str, Field(max_length=254, examples=["parent@example.ru"])] | None = None


class GuardianRead(BaseModel):
    """A guardian of the pupil (SNILS masked; contacts for the school)."""

    guardian_person_id: uuid.UUID
    pupil_person_id: uuid.UUID
    kind: GuardianKind
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    snils: MaskedSnils
    phone: str | None
    email: str | None
    linked_at: Stamp


class GuardianList(BaseModel):
    """The pupil's guardians now, in the order they were linked."""

    items: list[GuardianRead]


def guardian_read(guardian: Guardian) -> GuardianRead:
    """The guardian as the API shows them, SNILS masked."""
    person, link = guardian.person, guardian.link
    return GuardianRead.model_validate(
        {
            **{f: getattr(person, f) for f in ("last_name", "first_name", "middle_name", "birth_date")},
            **{f: getattr(person, f) for f in ("phone", "email")},
            "snils": mask_snils(person.snils_tail),
            **{f: getattr(link, f) for f in ("guardian_person_id", "pupil_person_id", "kind", "linked_at")},
        }
    )


def _form(body: GuardianCreate) -> GuardianForm:
    name = PersonName(body.last_name, body.first_name, body.middle_name)
    card = PersonCard(name, body.birth_date, phone=body.phone, email=body.email)
    return GuardianForm(card, body.kind, body.snils.get_secret_value() if body.snils else None)


def guardians_router() -> APIRouter:
    """Routes under /v1/pupils/{person_id}/guardians."""
    router = APIRouter(prefix="/v1/pupils/{person_id}/guardians", tags=["guardians"])

    @router.post("", status_code=201, responses={200: {"description": "The guardian was already linked"}})
    async def add_guardian(
        person_id: uuid.UUID,
        body: GuardianCreate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> GuardianRead:
        """Link a guardian to the pupil: the person found by SNILS, or added; an existing link answers 200."""
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            guardian, created = await link_guardian(uow, person_id, _form(body), actor=actor, keys=keys)
        if not created:
            response.status_code = 200
        return guardian_read(guardian)

    @router.get("")
    async def list_guardians(person_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> GuardianList:
        """The pupil's guardians now (the school, its municipality, the ministry)."""
        async with database_of(request).uow() as uow:
            guardians = await pupil_guardians(uow, person_id, actor=actor)
        return GuardianList(items=[guardian_read(g) for g in guardians])

    @router.delete("/{guardian_person_id}", status_code=204)
    async def remove_guardian(
        person_id: uuid.UUID, guardian_person_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> None:
        """End the guardian's link to the pupil; ending an ended link again changes nothing."""
        async with database_of(request).uow() as uow:
            await unlink_guardian(uow, person_id, guardian_person_id, actor=actor)

    @router.get("/{guardian_person_id}/snils")
    async def read_guardian_snils(
        person_id: uuid.UUID,
        guardian_person_id: uuid.UUID,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
    ) -> SnilsRead:
        """The guardian's SNILS in clear, for the school's administration only (each reading is logged)."""
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            digits = await guardian_snils(uow, person_id, guardian_person_id, actor=actor, keys=keys)
        return snils_read(guardian_person_id, digits, response)

    return router
