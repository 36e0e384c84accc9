"""Unit of work: one transaction, committed only explicitly, with the outbox riding in it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from eschool.common.bus.outbox import Outbox


@cache
def _insert_into(table: Table) -> Insert:
    # Built once per table: a statement object keeps its compiled form's cache key.
    return insert(table)


class UnitOfWork:
    """``async with db.uow() as uow``: leaving without ``await uow.commit()`` rolls everything back."""

    session: AsyncSession
    outbox: Outbox

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        source: str,
        after_outbox_commit: Sequence[Callable[[], None]] = (),
        writers: asyncio.Lock | None = None,
        read_only: bool = False,
    ) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self._writers = writers
        self._serialized = False
        self._source = source
        self._after_outbox_commit = after_outbox_commit
        self.committed = False
        self._wake_after_commit = False
        self._staged: dict[Table, list[dict[str, Any]]] = {}

    async def __aenter__(self) -> Self:
        from eschool.common.bus.outbox import Outbox

        self.session = self._sessions()
        self.outbox = Outbox(self.session, source=self._source)
        self.committed = False
        self._wake_after_commit = False
        self._staged = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, yet keeps what was read usable (detached, not
        # expired), so a read-only use case can return the objects it loaded.
        self.outbox.clear()
        self._staged.clear()
        try:
            await self.session.close()
        finally:
            if self._serialized and self._writers is not None:
                self._serialized = False
                self._writers.release()

    async def serialize(self) -> None:
        """Be the database's only serialized writer until this unit of work ends, where the database has
        no row locks (SQLite, the embedded mode: one process). A use case that reads rows and then writes
        them calls this before it reads; on PostgreSQL it is a no-op, the use case's own row locks (FOR
        UPDATE) keep two writers of the same rows apart without stopping the others."""
        if self._writers is not None and not self._serialized:
            await self._writers.acquire()
            self._serialized = True

    def stage(self, table: Table, row: dict[str, Any]) -> None:
        """Queue a row that nothing reads back before the commit (an audit row): the commit inserts each
        table's rows in one statement, without the ORM's bookkeeping of an object per row. Every row of
        a table names the same columns."""
        self._staged.setdefault(table, []).append(row)

    def wake_after_commit(self) -> None:
        """Wake the database's after-commit workers (the relay, a service's own) once this unit of work
        commits, as written outbox rows do: it queued work of theirs in a table of its own."""
        self._wake_after_commit = True

    async def commit(self) -> None:
        """Write staged and pending outbox rows, commit, then wake the relay if events were written."""
        if self._read_only:
            raise RuntimeError("a reader's unit of work writes nothing: use Database.uow() to write")
        staged, self._staged = self._staged, {}
        for table, rows in staged.items():
            await self.session.execute(_insert_into(table), rows)
        had_events = await self.outbox.flush()
        await self.session.commit()
        self.committed = True
        if had_events or self._wake_after_commit:
            for hook in self._after_outbox_commit:
                hook()

    async def rollback(self) -> None:
        """Discard everything done in this unit of work so far."""
        self.outbox.clear()
        self._staged.clear()
        await self.session.rollback()
