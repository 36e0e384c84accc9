"""Alembic helpers: a service's ``migrations/env.py`` is two lines, and tests migrate a real database.

A service's env.py::

    from eschool.common.db.migrations import run_env
    from eschool.journal.db.models import Base
    run_env(Base.metadata)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from eschool.common.bus.tables import bus_metadata
from eschool.common.db.engine import is_sqlite


def foreign_key(table: str, column: str, target: str) -> sa.ForeignKey:
    """A foreign key of ``table.column`` to ``target`` ("table.column"), named as the models' naming
    convention names it (``fk_<table>_<column>_<referred table>``), for a migration's create_table."""
    referred, _ = target.split(".")
    return sa.ForeignKey(target, name=f"fk_{table}_{column}_{referred}")


def reference(table: str, column: str, target: str, *, nullable: bool = False) -> sa.Column:
    """A UUID column of ``table`` referring to ``target`` ("table.column"), with its named foreign key."""
    return sa.Column(column, sa.Uuid, foreign_key(table, column, target), nullable=nullable)


def alembic_config(script_location: Path | str, url: str) -> Config:
    """An in-memory Alembic config for a service's migrations directory and database URL."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    return config


# The test plugin installs a shortcut here (``eschool.common.testing.templates``): a fresh, empty
# database becomes a copy of one migrated once per session. It returns False to let the migration run.
fresh_database_shortcut: Callable[[Path | str, str], bool] | None = None


def upgrade(script_location: Path | str, url: str, revision: str = "heads") -> None:
    """Migrate the database to ``revision`` (blocking; runs its own event loop); by default to every
    head, so that two slices of a service written side by side may branch from the same revision until
    a merge revision joins them."""
    shortcut = fresh_database_shortcut
    if revision == "heads" and shortcut is not None and shortcut(script_location, url):
        return
    command.upgrade(alembic_config(script_location, url), revision)


async def upgrade_async(script_location: Path | str, url: str, revision: str = "heads") -> None:
    """Migrate from async code: Alembic runs its own loop, so it goes to a worker thread."""
    await asyncio.to_thread(upgrade, script_location, url, revision)


async def schema_drift(script_location: Path | str, url: str, target_metadata: MetaData) -> list[Any]:
    """What the models declare and the migrated database lacks, or the reverse: [] when they agree.

    Every service's tests call this on each database it supports, so a model changed without a
    migration (or a migration without its model) fails the build instead of the first deployment.
    """
    await upgrade_async(script_location, url)
    metadatas = [target_metadata, bus_metadata]
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync, opts={"compare_type": True, "target_metadata": metadatas}
                    ),
                    metadatas,
                )
            )
    finally:
        await engine.dispose()


def run_env(target_metadata: MetaData | Sequence[MetaData]) -> None:
    """The body of a service's ``env.py``: offline SQL or online async migration, bus tables included."""
    metadatas = [target_metadata] if isinstance(target_metadata, MetaData) else list(target_metadata)
    metadatas.append(bus_metadata)
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass it in config.attributes['url'] or sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadatas, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadatas))


async def _run_online(url: str, metadatas: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate, metadatas, is_sqlite(url))
    finally:
        await engine.dispose()


def _migrate(connection: Connection, metadatas: list[MetaData], sqlite: bool) -> None:
    # SQLite cannot ALTER most things in place: batch mode rebuilds the table instead.
    context.configure(
        connection=connection,
        target_metadata=metadatas,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
