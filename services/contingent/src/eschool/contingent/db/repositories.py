"""The queries of the org tree and its history (``OrgUnits``, ``OrgHistory``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update

from eschool.common.db import Page, Repository, decode_cursor
from eschool.common.errors import bad_request
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.org_history import OrgUnitChange
from eschool.contingent.db.text import text_matches


@dataclass(frozen=True)
class OrgUnitFilter:
    """What to look for; every field narrows the search (``q``: a part of the full or short name)."""

    kind: str | None = None
    parent_id: uuid.UUID | None = None
    q: str | None = None
    include_closed: bool = False


class OrgUnits(Repository):
    """Queries of the org tree."""

    async def locked(self, org_unit_id: uuid.UUID) -> OrgUnit | None:
        """The unit as it is now, locked until the transaction ends (None if there is none)."""
        # An UPDATE that changes nothing takes the row's lock on PostgreSQL and the write lock on SQLite
        # (where reads before the first write run outside any transaction): what is read next is current
        # and stays so until commit, where a plain read-check-write would let two writers pass one check.
        stmt = update(OrgUnit).where(OrgUnit.org_unit_id == org_unit_id).values(version=OrgUnit.version)
        await self.session.execute(stmt.execution_options(synchronize_session=False))
        return await self.session.get(OrgUnit, org_unit_id, populate_existing=True)

    async def exists(self, *where: Any) -> bool:
        """Whether some unit matches every condition."""
        return bool(await self.session.scalar(select(exists().where(*where))))

    async def holds(self, field: str, value: str, *, other_than: uuid.UUID | None) -> bool:
        """Whether a unit (other than ``other_than``) already has ``value`` in the unique ``field``."""
        taken = getattr(OrgUnit, field) == value
        return await self.exists(taken if other_than is None else taken & (OrgUnit.org_unit_id != other_than))

    async def find(self, wanted: OrgUnitFilter, *, cursor: str | None, limit: int) -> Page[OrgUnit]:
        """Units matching ``wanted``, in order of the short name."""
        check_cursor(cursor, str, uuid.UUID)
        stmt = select(OrgUnit)
        if wanted.kind is not None:
            stmt = stmt.where(OrgUnit.kind == wanted.kind)
        if wanted.parent_id is not None:
            stmt = stmt.where(OrgUnit.parent_id == wanted.parent_id)
        if not wanted.include_closed:
            stmt = stmt.where(OrgUnit.closed_at.is_(None))
        if wanted.q:
            stmt = stmt.where(_name_matches(wanted.q))
        keys = (OrgUnit.short_name, OrgUnit.org_unit_id)
        return await self.paginate(stmt, keys=keys, cursor=cursor, limit=limit)


class OrgHistory(Repository):
    """The history of org units: recorded in the caller's transaction, read newest first."""

    def record(
        self,
        unit: OrgUnit,
        action: str,
        changes: dict[str, tuple[Any, Any]],
        *,
        actor_user_id: uuid.UUID | None,
        at: datetime,
    ) -> None:
        """Add the change ``unit`` just went through (at its new version)."""
        self.session.add(
            OrgUnitChange(
                org_unit_id=unit.org_unit_id,
                action=action,
                actor_user_id=actor_user_id,
                occurred_at=at,
                version=unit.version,
                changes={f: {"old": _shown(old), "new": _shown(new)} for f, (old, new) in changes.items()},
            )
        )

    async def of_unit(self, org_unit_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page[OrgUnitChange]:
        """The unit's changes, newest first."""
        check_cursor(cursor, int)
        stmt = select(OrgUnitChange).where(OrgUnitChange.org_unit_id == org_unit_id)
        keys = (OrgUnitChange.org_unit_change_id,)
        return await self.paginate(stmt, keys=keys, cursor=cursor, limit=limit, descending=True)


def check_cursor(cursor: str | None, *types: type) -> None:
    """A 400 for a cursor whose keys are not of ``types``: a forged one must not reach the database."""
    if cursor is None:
        return
    keys = decode_cursor(cursor, width=len(types))
    if any(type(key) is not kind for key, kind in zip(keys, types, strict=True)):
        raise bad_request(
            "invalid_cursor", "Курсор страницы повреждён или устарел", field_name="query.cursor"
        )


def _name_matches(q: str) -> Any:
    return text_matches(q, OrgUnit.full_name, OrgUnit.short_name)


def _shown(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
