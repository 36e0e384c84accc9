"""Local projections kept in step by events: newer facts win, older ones arriving late change nothing.

Events may arrive out of order (retries, redeliveries, two producers' relays). A consumer that keeps
a projection of another service's aggregate stores the aggregate's version (or the event time) next
to the row and writes with ``upsert_newer``: an insert, or an update only when the incoming version
is greater than the stored one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


async def upsert_newer(
    session: AsyncSession,
    table: Table,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    key: tuple[str, ...],
    version_column: str = "source_version",
) -> bool:
    """Insert the row, or update it if ``values[version_column]`` is newer; False when nothing was written.

    ``key`` names the columns of a unique constraint (e.g. ``("school_id", "pupil_id")``);
    ``values`` must include them and the version column. ``values`` may be a list of rows with the same
    columns (distinct keys): one statement writes them all, each row kept only where it is newer.
    """
    rows = [dict(values)] if isinstance(values, Mapping) else [dict(row) for row in values]
    if not rows:
        return False
    if any(version_column not in row or any(k not in row for k in key) for row in rows):
        raise ValueError("values must carry the key columns and the version column")
    stmt = _insert(session)(table).values(rows)
    updates = {name: stmt.excluded[name] for name in rows[0] if name not in key}
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_=updates,
        where=table.c[version_column] < stmt.excluded[version_column],
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_absent(
    session: AsyncSession, table: Table, values: Mapping[str, Any], *, key: tuple[str, ...]
) -> bool:
    """Insert the row unless one with its ``key`` is there (it is left as it is); False when one was.

    For a row holding facts with versions of their own: insert it whole if absent, then update each
    fact with a conditional ``UPDATE`` on its own version column.
    """
    stmt = _insert(session)(table).values(dict(values)).on_conflict_do_nothing(index_elements=list(key))
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
