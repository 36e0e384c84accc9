"""Unit of work: one transaction, committed only explicitly, with the outbox riding in it."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Insert, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from eschool.common.logging import get_logger

if TYPE_CHECKING:
    from eschool.common.bus.outbox import Outbox

# How long a commit that did not take turns waits for one (SQLite) before it writes without.
TURN_AT_COMMIT_S = 10.0
log = get_logger("eschool.db")


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _advisory_key(name: str) -> int:
    """A name's advisory lock key: the first 8 bytes of its BLAKE2b digest as a signed 64-bit integer."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@cache
def _insert_into(table: Table) -> Insert:
    # Built once per table: a statement object keeps its compiled form's cache key.
    return insert(table)


class WriterTurns:
    """SQLite's writers, one at a time in the order they asked (an SQLite database has no row locks and
    one writer): the units of work of one process take turns here. Knows whose turn it is."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    async def acquire(self) -> None:
        """Wait for the turn."""
        await self._lock.acquire()
        self._holder = asyncio.current_task()

    def release(self) -> None:
        """Pass the turn on."""
        self._holder = None
        self._lock.release()

    def locked(self) -> bool:
        """Whether a writer has the turn."""
        return self._lock.locked()

    def held_by_this_task(self) -> bool:
        """Whether the turn is the running task's own."""
        return self._holder is not None and self._holder is asyncio.current_task()


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
        writers: WriterTurns | None = None,
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

    async def lock(self, *names: str) -> None:
        """Hold a lock on each name until the unit of work ends: for use cases that derive rows from what
        another writes, where no row exists yet to lock (an account issued while contingent's event about
        the same person is handled: each would read before the other's commit, and neither would see the
        other's row). On PostgreSQL, transaction advisory locks on the names' 64-bit hashes, taken in
        order, so two units of work locking the same names never deadlock; on SQLite, the writer's turn.
        Take them before reading what the other side writes."""
        if self._writers is not None:
            await self.serialize()
            return
        for key in sorted({_advisory_key(name) for name in names}):
            await self.session.execute(_ADVISORY_LOCK, {"key": key})

    async def _take_turn_to_write(self) -> None:
        """On SQLite, a commit that did not take turns does now, before its first write: in the queue of
        writers rather than polling SQLite's file lock, which a stream of consumers' batches taking turns
        kept from a login for 15 s and more while make run's demo loaded. Not when it wrote already (it
        holds the file lock: waiting for a turn whose holder waits for that lock would deadlock), nor
        when the turn is this very task's (a unit of work inside another)."""
        if self._writers is None or self._serialized or self._writers.held_by_this_task():
            return
        connection = await (await self.session.connection()).get_raw_connection()
        if getattr(connection.driver_connection, "in_transaction", True):
            return
        try:
            async with asyncio.timeout(TURN_AT_COMMIT_S):
                await self.serialize()
        except TimeoutError:
            # The turn's holder may be waiting for this very commit (a unit of work in a task it awaits):
            # write without the turn, as before, rather than never.
            log.warning("db.commit.turn_not_given", source=self._source, waited_s=TURN_AT_COMMIT_S)

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
        await self._take_turn_to_write()
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
