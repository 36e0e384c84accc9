"""The idempotent inbox: a consumer claims event ids in the same transaction as their effects."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.bus.tables import inbox_message
from eschool.common.db.base import utcnow

_CLAIM = {
    name: insert(inbox_message)
    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    .returning(inbox_message.c.event_id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


async def claim_events(
    session: AsyncSession, *, consumer: str, events: Sequence[tuple[UUID, str]]
) -> set[UUID]:
    """Record that ``consumer`` handles these (id, type) events; returns the ids not handled before.

    A concurrent claim of the same id waits on the first one's row lock and then sees the conflict, so
    exactly one of two racing deliveries runs the handler.
    """
    if not events:
        return set()
    dialect = session.get_bind().dialect.name
    now = utcnow()
    rows = [
        {"consumer": consumer, "event_id": event_id, "event_type": event_type, "handled_at": now}
        for event_id, event_type in events
    ]
    # One cached statement executed with many rows ("insertmanyvalues"): no per-batch compile.
    result = await session.execute(_CLAIM[dialect] if dialect in _CLAIM else _CLAIM["sqlite"], rows)
    return set(result.scalars())


async def claim_event(session: AsyncSession, *, consumer: str, event_id: UUID, event_type: str) -> bool:
    """Claim one event id; False when it was handled before (a duplicate)."""
    return bool(await claim_events(session, consumer=consumer, events=[(event_id, event_type)]))
