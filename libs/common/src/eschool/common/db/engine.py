"""Async engines and the ``Database`` handle a service keeps for its own database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from eschool.common.db.uow import UnitOfWork, WriterTurns


def is_sqlite(url: str) -> bool:
    """Whether the URL names an SQLite database (the embedded mode)."""
    return url.startswith("sqlite")


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine tuned for the database kind: asyncpg pools, SQLite in WAL with a busy timeout."""
    if is_sqlite(url):
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: a failed statement's error text must not carry the row's personal data into logs.
    # No overflow: a connection opened beyond the pool is closed again when returned, one connect per
    # request under load; waiting for a pooled one is cheaper.
    engine = create_async_engine(url, echo=echo, hide_parameters=True, pool_size=pool_size, max_overflow=0)
    event.listen(engine.sync_engine, "checkout", _ping)
    return engine


def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Ping a pooled connection as it is checked out. One that does not answer (the database restarted)
    is connected again, and so is every connection pooled before it, as they come out: no request fails
    on a dead connection. One empty statement, one round trip, where SQLAlchemy's ``pool_pre_ping`` wraps
    it in BEGIN and ROLLBACK (for PgBouncer's transaction mode): three, before every request."""
    try:
        dbapi_connection.run_async(lambda connection: connection.fetchrow(";"))
    except Exception as error:
        reason = f"a pooled connection did not answer a ping: {type(error).__name__}"
        raise InvalidatePoolError(reason) from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the relay writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """A service's database: engine, session factory, units of work, and commit hooks for the relay."""

    def __init__(self, url: str, *, source: str, pool_size: int = 10) -> None:
        self.url = url
        self.source = source
        self.engine = create_engine(url, pool_size=pool_size)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Readers' sessions: on PostgreSQL each statement runs on its own, outside a transaction, which
        # spares a read its BEGIN and ROLLBACK round trips (a third of the diary week's). SQLite's
        # reads take no such round trips, and its writer lock wants the ordinary sessions.
        autocommit = {"isolation_level": "AUTOCOMMIT"}
        readers = self.engine if self.is_sqlite else self.engine.execution_options(**autocommit)
        self.reader_sessions = async_sessionmaker(readers, expire_on_commit=False, autoflush=False)
        self.after_outbox_commit: list[Callable[[], None]] = []
        # SQLite has no row locks: relays of one SQLite database (one process) take turns on this, and
        # so do the units of work that read rows and then write them (``UnitOfWork.serialize``).
        self.relay_lock = asyncio.Lock()
        self.writer_lock = WriterTurns()

    @property
    def is_sqlite(self) -> bool:
        """Whether this is an SQLite database (no row locks; one relay only)."""
        return is_sqlite(self.url)

    def uow(self) -> UnitOfWork:
        """A new unit of work; use as ``async with db.uow() as uow: ...; await uow.commit()``."""
        return UnitOfWork(
            self.sessions,
            source=self.source,
            after_outbox_commit=self.after_outbox_commit,
            writers=self.writer_lock if self.is_sqlite else None,
        )

    def reader(self) -> UnitOfWork:
        """A unit of work that only reads (``async with db.reader() as uow: ...``): on PostgreSQL without a
        transaction, each statement seeing what was committed when it began. For reads whose statements
        need no common snapshot (the diary's morning views); committing one is an error."""
        return UnitOfWork(self.reader_sessions, source=self.source, read_only=True)

    def session(self) -> AsyncSession:
        """A bare session for infrastructure code (relay, pruning) that manages its own transaction."""
        return self.sessions()

    async def ping(self) -> None:
        """Readiness check: the database answers a trivial query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
