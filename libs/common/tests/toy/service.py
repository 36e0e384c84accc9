"""Use case and handler of the toy service, written the way a real service writes them."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eschool.common.db import UnitOfWork
from eschool.common.events import Envelope
from toy.events import ThingCreatedV1
from toy.models import Thing, ThingSeen

MIGRATIONS = __file__.rsplit("/", 1)[0] + "/migrations"


async def create_thing(uow: UnitOfWork, name: str, *, commit: bool = True) -> uuid.UUID:
    """Create a thing and its event in one transaction."""
    thing_id = uuid.uuid4()
    uow.session.add(Thing(thing_id=thing_id, name=name))
    uow.outbox.add(ThingCreatedV1(thing_id=thing_id, name=name), subject=thing_id)
    if commit:
        await uow.commit()
    return thing_id


async def on_thing_created(event: Envelope[ThingCreatedV1], uow: UnitOfWork) -> None:
    """Count the thing as seen (deliberately not idempotent by itself: the inbox must make it so)."""
    seen = await uow.session.get(ThingSeen, event.data.thing_id)
    if seen is None:
        seen = ThingSeen(thing_id=event.data.thing_id, name=event.data.name, seen_count=0)
        uow.session.add(seen)
    seen.seen_count += 1


async def seen_counts(uow: UnitOfWork) -> dict[uuid.UUID, int]:
    """How many times each thing was handled."""
    rows = (await uow.session.execute(select(ThingSeen.thing_id, ThingSeen.seen_count))).all()
    return {row.thing_id: row.seen_count for row in rows}
