"""Idempotency keys: a retried write (a teacher on a bad connection, a portal re-sending) is answered
with the first answer and changes nothing more.

A service mixes ``IdempotentRequestNode`` into its model of table ``idempotent_request``. A use case
that accepts a key calls ``replay`` first, inside its transaction: the key is claimed with an insert
that does nothing on conflict, so of two concurrent requests with one key the second waits for the
first's transaction on the unique key, then finds its answer. The use case does its work and calls
``remember`` with the answer before committing: the answer and the effects commit together or not at
all. A key sent again with a different request is refused (422): the client reused a key by mistake.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import JsonDoc, UtcDateTime, utcnow
from eschool.common.errors import Problem, unprocessable

MAX_KEY_LENGTH = 200


class IdempotentRequestNode:
    """The columns of a remembered request (mix into a service's model of table ``idempotent_request``):
    keyed by the caller's scope (who asked, for what) and the key they sent."""

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    # None while the first request's transaction is still running.
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JsonDoc, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


def request_hash(body: Any) -> str:
    """A stable digest of a request's body (JSON-able), to tell a retry from a different request."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def key_reused() -> Problem:
    """The 422 for a key sent again with a different request."""
    detail = "Этот ключ идемпотентности уже использован для другого запроса"
    return unprocessable("idempotency_key_reused", detail, field_name="header.Idempotency-Key")


class IdempotentRequests:
    """The remembered requests of ``table`` (an ``IdempotentRequestNode`` table)."""

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self.session, self.table = session, table

    async def replay(self, scope: str, key: str, digest: str) -> tuple[int, Any] | None:
        """The first answer (status, body) to this key, or None after claiming the key for this request."""
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        claim = insert(self.table).values(scope=scope, key=key, request_hash=digest, created_at=utcnow())
        claimed = await self.session.execute(claim.on_conflict_do_nothing().returning(self.table.c.key))
        if claimed.first() is not None:
            return None
        t = self.table
        found = await self.session.execute(select(t).where(t.c.scope == scope, t.c.key == key))
        row = found.mappings().one()
        if row["request_hash"] != digest:
            raise key_reused()
        return row["status_code"], row["response"]

    async def remember(self, scope: str, key: str, status_code: int, response: Any) -> None:
        """Keep the answer to the claimed key; it commits with the request's effects."""
        t = self.table
        stmt = update(t).where(t.c.scope == scope, t.c.key == key)
        await self.session.execute(stmt.values(status_code=status_code, response=response))
