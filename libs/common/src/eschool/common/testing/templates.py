"""Migrated databases from templates: a service's migrations run once per test session and database kind,
and every test's fresh database becomes a copy of that one (PostgreSQL's ``CREATE DATABASE ... TEMPLATE``,
a file copy for SQLite) instead of running every migration again; a test's setup took about a second,
most of it Alembic.

Installed by the test plugin as ``migrations.upgrade``'s shortcut. It acts only on a database that is
still empty (no tables) when it is migrated to its heads; anything else (a database a test filled, a
migration to a named revision) migrates as before. A template is named by a digest of the service's
migration scripts and the shared migration code, so a changed migration never meets an old template,
and two test processes that build the same template at once both succeed (the first one's rename wins).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import shutil
import sqlite3
import threading
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

import eschool.common.bus.tables
import eschool.common.db.migrations as migrations

_SHARED_CODE = (Path(migrations.__file__), Path(eschool.common.bus.tables.__file__))


class MigratedTemplates:
    """Templates of migrated databases, kept in ``workdir`` (SQLite) and on the server (PostgreSQL)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._digests: dict[str, str] = {}
        self._lock = threading.Lock()

    def materialize(self, script_location: Path | str, url: str) -> bool:
        """Make the empty database at ``url`` a migrated copy; False if it was left to migrate itself."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return self._sqlite(script_location, parsed)
        if parsed.get_backend_name() == "postgresql":
            return self._postgres(script_location, parsed)
        return False

    def _digest(self, script_location: Path | str) -> str:
        key = str(script_location)
        with self._lock:
            if key not in self._digests:
                sha = hashlib.sha256()
                scripts = sorted(Path(script_location).rglob("*.py"))
                for path in [*_SHARED_CODE, *scripts]:
                    sha.update(path.name.encode() + b"\0" + path.read_bytes())
                self._digests[key] = sha.hexdigest()[:16]
            return self._digests[key]

    def _sqlite(self, script_location: Path | str, url: URL) -> bool:
        target = Path(url.database or "")
        in_memory = not url.database or url.database == ":memory:" or url.database.startswith("file:")
        if in_memory or (target.exists() and target.stat().st_size > 0):
            return False
        template = self.workdir / f"{self._digest(script_location)}.db"
        if not template.exists():
            building = template.with_suffix(f".{secrets.token_hex(4)}.building")
            migrations.command.upgrade(
                migrations.alembic_config(script_location, str(url.set(database=str(building)))), "heads"
            )
            # One file to copy: the write-ahead log folded in, the template kept in rollback mode.
            with sqlite3.connect(building) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode=DELETE")
            building.replace(template)
        shutil.copyfile(template, target)
        return True

    def _postgres(self, script_location: Path | str, url: URL) -> bool:
        name = url.database or ""
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        if not name or not asyncio.run(_empty_and_alone(dsn, name)):
            return False
        template = f"eschool_tmpl_{self._digest(script_location)}"
        if not asyncio.run(_exists(admin, template)):
            building = f"{template}_{secrets.token_hex(4)}"
            asyncio.run(_execute(admin, f'CREATE DATABASE "{building}"'))
            migrations.command.upgrade(
                migrations.alembic_config(script_location, str(url.set(database=building))), "heads"
            )
            asyncio.run(_rename_or_drop(admin, building, template))
        return asyncio.run(_replace_from(admin, name, template))


async def _empty_and_alone(dsn: str, name: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        others = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name
        )
        return tables == 0 and others == 0
    finally:
        await conn.close()


async def _exists(admin: str, name: str) -> bool:
    conn = await asyncpg.connect(admin)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def _execute(admin: str, statement: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _rename_or_drop(admin: str, building: str, template: str) -> None:
    """The built template takes its name; if another process's took it first, ours goes."""
    conn = await asyncpg.connect(admin)
    try:
        try:
            await conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        except asyncpg.DuplicateDatabaseError:
            await conn.execute(f'DROP DATABASE "{building}"')
    finally:
        await conn.close()


async def _replace_from(admin: str, name: str, template: str) -> bool:
    """The empty test database dropped and created again as a copy of the template; on any refusal it
    is left (or made again) empty, to be migrated the usual way."""
    conn = await asyncpg.connect(admin)
    try:
        try:
            await conn.execute(f'DROP DATABASE "{name}"')
        except asyncpg.PostgresError:
            return False
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return True
        except asyncpg.PostgresError:
            await conn.execute(f'CREATE DATABASE "{name}"')
            return False
    finally:
        await conn.close()
