"""Administration of machine clients (the state portal, partner systems): the ministry only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from eschool.common.auth import Role, require_roles
from eschool.common.http.request import Stamp
from eschool.identity.api.deps import database_of, passwords_of
from eschool.identity.services.clients import (
    list_clients,
    register_client,
    rotate_client_secret,
    set_client_disabled,
)


class ClientCreate(BaseModel):
    """A client id and the narrow scopes it gets."""

    client_id: Annotated[str, Field(max_length=100)]
    scopes: Annotated[list[Annotated[str, Field(max_length=100)]], Field(min_length=1, max_length=50)]


class ClientRead(BaseModel):
    """A machine client (never its secret)."""

    client_id: str
    scopes: list[str]
    created_at: Stamp
    disabled_at: Stamp | None


class ClientSecretRead(BaseModel):
    """The client's secret, shown this once and stored only as a hash."""

    client_id: str
    client_secret: str


def clients_router() -> APIRouter:
    """Routes under /v1/clients, for the ministry's administrators."""
    router = APIRouter(
        prefix="/v1/clients", tags=["administration"], dependencies=[Depends(require_roles(Role.ministry))]
    )

    @router.get("")
    async def clients(request: Request) -> list[ClientRead]:
        """Every machine client."""
        async with database_of(request).uow() as uow:
            return [ClientRead.model_validate(c, from_attributes=True) for c in await list_clients(uow)]

    @router.post("", status_code=201)
    async def register(body: ClientCreate, request: Request) -> ClientSecretRead:
        """Register a client; its secret is in this answer only."""
        async with database_of(request).uow() as uow:
            secret = await register_client(uow, body.client_id, body.scopes, passwords=passwords_of(request))
            await uow.commit()
        return ClientSecretRead(client_id=body.client_id, client_secret=secret)

    @router.post("/{client_id}/secret")
    async def new_secret(client_id: str, request: Request) -> ClientSecretRead:
        """Replace the client's secret; the old one stops working at once."""
        async with database_of(request).uow() as uow:
            secret = await rotate_client_secret(uow, client_id, passwords=passwords_of(request))
            await uow.commit()
        return ClientSecretRead(client_id=client_id, client_secret=secret)

    @router.post("/{client_id}/disable")
    async def disable(client_id: str, request: Request) -> ClientRead:
        """Stop issuing tokens to the client."""
        return await _set_disabled(request, client_id, disabled=True)

    @router.post("/{client_id}/enable")
    async def enable(client_id: str, request: Request) -> ClientRead:
        """Issue tokens to the client again."""
        return await _set_disabled(request, client_id, disabled=False)

    return router


async def _set_disabled(request: Request, client_id: str, *, disabled: bool) -> ClientRead:
    async with database_of(request).uow() as uow:
        client = await set_client_disabled(uow, client_id, disabled=disabled)
        await uow.commit()
        return ClientRead.model_validate(client, from_attributes=True)
