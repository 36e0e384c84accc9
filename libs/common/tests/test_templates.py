"""Migrated templates: a test's fresh database becomes a copy of one migrated once, the same schema as
migrating it; a database already holding tables is left to migrate itself."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import func, select
from toy.models import Base as ToyBase
from toy.models import Thing
from toy.service import MIGRATIONS

from eschool.common.db import Database
from eschool.common.db.migrations import schema_drift
from eschool.common.testing.templates import MigratedTemplates


async def test_a_fresh_database_is_a_copy_of_the_migrated_template(db_url: str, tmp_path: Path) -> None:
    workdir = tmp_path / "templates"
    workdir.mkdir()
    templates = MigratedTemplates(workdir)
    assert await asyncio.to_thread(templates.materialize, MIGRATIONS, db_url)
    assert await schema_drift(MIGRATIONS, db_url, ToyBase.metadata) == []
    database = Database(db_url, source="toy")
    try:
        async with database.uow() as uow:
            uow.session.add(Thing(thing_id=uuid.uuid4(), name="в копии"))
            await uow.commit()
        async with database.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Thing)) == 1
    finally:
        await database.dispose()
    # It holds tables (and a row) now: it is not replaced again.
    assert not await asyncio.to_thread(templates.materialize, MIGRATIONS, db_url)
    database = Database(db_url, source="toy")
    try:
        async with database.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Thing)) == 1
    finally:
        await database.dispose()
