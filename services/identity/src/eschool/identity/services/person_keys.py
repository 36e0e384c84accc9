"""Persons' SNILS hashes from contingent: the key an external login is matched by."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select

from eschool.common.db import UnitOfWork, as_utc, utcnow
from eschool.identity.db.external import PersonKey


async def record_person_snils_hash(
    uow: UnitOfWork, person_id: uuid.UUID, snils_hash: str | None, *, as_of: datetime | None = None
) -> None:
    """Keep a person's SNILS hash (None forgets it); a fact older than the stored one is ignored.

    A SNILS belongs to one person: if another person held this hash (contingent merged a duplicate
    record, or corrected a typo), that person loses it, so a login never matches two people.
    """
    moment = as_of or utcnow()
    row = await uow.session.get(PersonKey, person_id, with_for_update=True)
    if row is not None and as_utc(row.updated_at) > moment:
        return  # events may arrive out of order; the newer fact already won
    if snils_hash is None:
        if row is not None:
            await uow.session.delete(row)
        return
    await uow.session.execute(
        delete(PersonKey).where(PersonKey.snils_hash == snils_hash, PersonKey.person_id != person_id)
    )
    if row is None:
        uow.session.add(PersonKey(person_id=person_id, snils_hash=snils_hash, updated_at=moment))
    else:
        row.snils_hash, row.updated_at = snils_hash, moment


async def person_by_snils_hash(uow: UnitOfWork, snils_hash: str) -> uuid.UUID | None:
    """The person whose SNILS has this hash, if contingent has told us."""
    return (
        await uow.session.execute(select(PersonKey.person_id).where(PersonKey.snils_hash == snils_hash))
    ).scalar_one_or_none()
