"""Persons' SNILS hashes: upserted, moved to the newest holder, older facts ignored."""

from __future__ import annotations

import uuid
from datetime import timedelta

from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.identity.services.person_keys import person_by_snils_hash, record_person_snils_hash

FIRST, SECOND = "a" * 64, "b" * 64


async def record(identity: ServiceRuntime, person: uuid.UUID, hashed: str | None, **kw: object) -> None:
    async with identity.database.uow() as uow:
        await record_person_snils_hash(uow, person, hashed, **kw)  # type: ignore[arg-type]
        await uow.commit()


async def holder(identity: ServiceRuntime, hashed: str) -> uuid.UUID | None:
    async with identity.database.uow() as uow:
        return await person_by_snils_hash(uow, hashed)


async def test_a_hash_is_recorded_then_replaced(identity: ServiceRuntime) -> None:
    person = uuid.uuid4()
    await record(identity, person, FIRST)
    await record(identity, person, FIRST)  # the same fact twice: no duplicate
    await record(identity, person, SECOND)
    assert (await holder(identity, FIRST), await holder(identity, SECOND)) == (None, person)


async def test_a_snils_moves_to_the_person_who_now_holds_it(identity: ServiceRuntime) -> None:
    duplicate, merged = uuid.uuid4(), uuid.uuid4()
    await record(identity, duplicate, FIRST)
    await record(identity, merged, FIRST)
    assert await holder(identity, FIRST) == merged


async def test_an_older_fact_does_not_undo_a_newer_one(identity: ServiceRuntime) -> None:
    person, now = uuid.uuid4(), utcnow()
    await record(identity, person, SECOND, as_of=now)
    await record(identity, person, FIRST, as_of=now - timedelta(minutes=5))
    assert await holder(identity, SECOND) == person


async def test_a_forgotten_snils_finds_nobody(identity: ServiceRuntime) -> None:
    person = uuid.uuid4()
    await record(identity, person, FIRST)
    await record(identity, person, None)
    assert await holder(identity, FIRST) is None
