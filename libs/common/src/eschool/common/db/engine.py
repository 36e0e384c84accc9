"""Async engines and the ``Database`` handle a service keeps for its own database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from eschool.common.db.uow import UnitOfWork


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
    # request under load; waiting for a pooled one is cheaper. Pinged at checkout: after a database
    # restart the pool replaces its dead connections instead of failing a request with each.
    return create_async_engine(
        url, echo=echo, hide_parameters=True, pool_size=pool_size, max_overflow=0, pool_pre_ping=True
    )


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
        self.after_outbox_commit: list[Callable[[], None]] = []
        # SQLite has no row locks: relays of one SQLite database (one process) take turns on this, and
        # so do the units of work that read rows and then write them (``UnitOfWork.serialize``).
        self.relay_lock = asyncio.Lock()
        self.writer_lock = asyncio.Lock()

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
