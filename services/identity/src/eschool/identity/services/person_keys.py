"""Persons' SNILS hashes from contingent: the key an external login is matched by
(``eschool.common.db.person_keys`` on identity's ``person_key`` table)."""

from __future__ import annotations

import uuid
from datetime import datetime

from eschool.common.db import UnitOfWork
from eschool.common.db import person_keys as keys
from eschool.identity.db.external import PersonKey


async def record_person_snils_hash(
    uow: UnitOfWork, person_id: uuid.UUID, snils_hash: str | None, *, as_of: datetime | None = None
) -> None:
    """Keep a person's SNILS hash (None forgets it); a fact older than the stored one is ignored."""
    await keys.record_person_snils_hash(uow, PersonKey, person_id, snils_hash, as_of=as_of)


async def person_by_snils_hash(uow: UnitOfWork, snils_hash: str) -> uuid.UUID | None:
    """The person whose SNILS has this hash, if contingent has told us."""
    return await keys.person_by_snils_hash(uow, PersonKey, snils_hash)
