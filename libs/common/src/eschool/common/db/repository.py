"""Repository base: every query of a service lives in a repository built on this."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from eschool.common.db.pagination import Page, decode_cursor, encode_cursor

MAX_PAGE_SIZE = 500


class Repository:
    """Holds the unit of work's session; subclasses add the service's queries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def paginate(
        self,
        stmt: Select[Any],
        *,
        keys: Sequence[ColumnElement[Any]],
        cursor: str | None,
        limit: int,
        descending: bool = False,
    ) -> Page[Any]:
        """Run ``stmt`` ordered by ``keys`` (unique together, e.g. ``(created_at, id)``) from ``cursor``."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if cursor is not None:
            stmt = stmt.where(_after(keys, decode_cursor(cursor, width=len(keys)), descending))
        order = [k.desc() for k in keys] if descending else list(keys)
        rows = (await self.session.execute(stmt.order_by(*order).limit(limit + 1))).all()
        items = [row[0] if len(row) == 1 else row for row in rows[:limit]]
        if len(rows) <= limit:
            return Page(items, None)
        last = rows[limit - 1]
        return Page(items, encode_cursor([_key_value(last, k) for k in keys]))


def _after(keys: Sequence[ColumnElement[Any]], values: Sequence[Any], descending: bool) -> Any:
    # Expanded row comparison (a > x OR (a = x AND b > y)) so every dialect uses the index the same way.
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j] == values[j] for j in range(i)]
        beyond = key < values[i] if descending else key > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _key_value(row: Any, key: ColumnElement[Any]) -> Any:
    mapping = row._mapping
    if key in mapping:
        return mapping[key]
    entity = row[0]
    return getattr(entity, key.key)  # type: ignore[attr-defined]
