"""Enrolment's migrations build exactly the schema its models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from eschool.common.db.migrations import schema_drift
from eschool.enrolment.app import service
from eschool.enrolment.db import metadata


async def test_migrations_match_the_models(db_url: str) -> None:
    assert await schema_drift(Path(service.migrations), db_url, metadata()) == []
