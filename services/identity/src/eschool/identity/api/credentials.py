"""Bulk credentials: logins and one-time passwords for a class, as an xlsx sheet."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from eschool.common.auth import CurrentPrincipal, Role
from eschool.common.db import utcnow
from eschool.identity.api.deps import database_of, passwords_of
from eschool.identity.services.credential_sheet import credential_sheet
from eschool.identity.services.credentials import Person, issue_credentials

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Name = Annotated[str, Field(min_length=1, max_length=100)]


# The roles handed out on a sheet: families, and a school's staff (the administration grants those).
IssuedRole = Literal[
    "pupil",
    "guardian",
    "subject_teacher",
    "class_teacher",
    "deputy_director",
    "secretary",
    "schedule_dispatcher",
    "school_admin",
    "director",
]


class PersonIn(BaseModel):
    """A pupil, a guardian or a staff member to hand access to (the names are not kept by identity)."""

    person_id: uuid.UUID
    role: IssuedRole
    last_name: Name
    first_name: Name
    middle_name: Annotated[str | None, Field(max_length=100)] = None
    class_label: Annotated[str | None, Field(max_length=20)] = None
    pupil_ids: Annotated[list[uuid.UUID], Field(max_length=20)] = []


class CredentialBatch(BaseModel):
    """The school and the people: a class's pupils and guardians, or staff."""

    school_id: uuid.UUID
    people: Annotated[list[PersonIn], Field(min_length=1, max_length=200)]


def credentials_router() -> APIRouter:
    """Routes under /v1/credentials."""
    router = APIRouter(prefix="/v1/credentials", tags=["administration"])

    @router.post(
        "/batches",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}, "description": "Лист с логинами и временными паролями"}},
    )
    async def issue_batch(body: CredentialBatch, request: Request, actor: CurrentPrincipal) -> Response:
        """Issue logins and one-time passwords; the xlsx answer is the only copy of the passwords."""
        people = [
            Person(
                p.person_id,
                Role(p.role),
                p.last_name,
                p.first_name,
                p.middle_name,
                p.class_label,
                tuple(p.pupil_ids),
            )
            for p in body.people
        ]
        async with database_of(request).uow() as uow:
            issued = await issue_credentials(
                uow, body.school_id, people, actor=actor, passwords=passwords_of(request)
            )
            await uow.commit()
        now = utcnow()
        filename = quote(f"доступ-{now:%Y-%m-%d}.xlsx")
        return Response(
            credential_sheet(issued, issued_at=now),
            media_type=XLSX,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
                "Cache-Control": "no-store",
            },
        )

    return router
