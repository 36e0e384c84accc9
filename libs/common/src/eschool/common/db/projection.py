"""Local projections kept in step by events: newer facts win, older ones arriving late change nothing.

Events may arrive out of order (retries, redeliveries, two producers' relays). A consumer that keeps
a projection of another service's aggregate stores the aggregate's version (or the event time) next
to the row and writes with ``upsert_newer``: an insert, or an update only when the incoming version
is greater than the stored one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


async def upsert_newer(
    session: AsyncSession,
    table: Table,
    values: Mapping[str, Any],
    *,
    key: tuple[str, ...],
    version_column: str = "source_version",
) -> bool:
    """Insert the row, or update it if ``values[version_column]`` is newer; False when it was stale.

    ``key`` names the columns of a unique constraint (e.g. ``("school_id", "pupil_id")``);
    ``values`` must include them and the version column.
    """
    if version_column not in values or any(k not in values for k in key):
        raise ValueError("values must carry the key columns and the version column")
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(dict(values))
    updates = {name: stmt.excluded[name] for name in values if name not in key}
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_=updates,
        where=table.c[version_column] < stmt.excluded[version_column],
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]
