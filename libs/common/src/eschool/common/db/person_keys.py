"""Persons' SNILS hashes as contingent announces them (``snils_hash`` on its guardian, staff and person
events): how a service recognises a person by a SNILS it was given (identity: a login through the state
identity provider; enrolment: the applicant of an application is the person asking).

A SNILS belongs to one person: if another person held this hash (contingent merged a duplicate record,
or corrected a typo), that person loses it, so a SNILS never matches two people. A fact older than the
one kept is ignored (events may arrive out of order).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, Uuid, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime, as_utc, utcnow
from eschool.common.db.uow import UnitOfWork


class PersonKeyNode:
    """A person's SNILS as contingent's keyed hash (a service's ``person_key`` table)."""

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    snils_hash: Mapped[str] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


def create_person_key_table() -> None:
    """Alembic: create a service's ``person_key`` table (its migration calls it once)."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "person_key",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("snils_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("snils_hash", name="uq_person_key_snils_hash"),
    )


async def record_person_snils_hash(
    uow: UnitOfWork,
    model: Any,
    person_id: uuid.UUID,
    snils_hash: str | None,
    *,
    as_of: datetime | None = None,
) -> None:
    """Keep a person's SNILS hash in ``model``'s table (None forgets it); an older fact is ignored."""
    moment = as_of or utcnow()
    row = await uow.session.get(model, person_id, with_for_update=True)
    if row is not None and as_utc(row.updated_at) > moment:
        return  # the newer fact already won
    if snils_hash is None:
        if row is not None:
            await uow.session.delete(row)
        return
    await uow.session.execute(
        delete(model).where(model.snils_hash == snils_hash, model.person_id != person_id)
    )
    if row is None:
        uow.session.add(model(person_id=person_id, snils_hash=snils_hash, updated_at=moment))
    else:
        row.snils_hash, row.updated_at = snils_hash, moment


async def person_by_snils_hash(uow: UnitOfWork, model: Any, snils_hash: str) -> uuid.UUID | None:
    """The person whose SNILS has this hash, if contingent has told us."""
    stmt = select(model.person_id).where(model.snils_hash == snils_hash)
    return (await uow.session.execute(stmt)).scalar_one_or_none()


async def snils_hash_of(uow: UnitOfWork, model: Any, person_id: uuid.UUID) -> str | None:
    """The person's SNILS hash, if contingent has told us."""
    stmt = select(model.snils_hash).where(model.person_id == person_id)
    return (await uow.session.execute(stmt)).scalar_one_or_none()
