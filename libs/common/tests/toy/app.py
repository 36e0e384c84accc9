"""The toy service's definition: how a real service plugs into the platform."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from eschool.common.bus import ConsumerDefinition
from eschool.common.service import ServiceDefinition
from eschool.common.settings import ServiceSettings
from toy.events import ThingCreatedV1
from toy.service import create_thing, on_thing_created, seen_counts


class ToySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TOY_")


class ThingCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class ThingRead(BaseModel):
    thing_id: uuid.UUID
    name: str


def routers() -> list[APIRouter]:
    router = APIRouter(prefix="/things")

    @router.post("", status_code=201)
    async def post_thing(body: ThingCreate, request: Request) -> ThingRead:
        """Create a thing (and its event)."""
        async with request.app.state.runtime.database.uow() as uow:
            thing_id = await create_thing(uow, body.name)
        return ThingRead(thing_id=thing_id, name=body.name)

    @router.get("/seen")
    async def get_seen(request: Request) -> dict[str, int]:
        """How many times each thing's event was handled."""
        async with request.app.state.runtime.database.uow() as uow:
            return {str(k): v for k, v in (await seen_counts(uow)).items()}

    return [router]


service = ServiceDefinition(
    name="toy",
    settings=ToySettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=routers,
    consumers=[ConsumerDefinition.of("toy.toy-events", {ThingCreatedV1: on_thing_created})],
)
