"""Curricula carried into another academic year of the school (seed 001, Приложение 8: the templates
of curricula go into the new year, then are edited there).

A curriculum is found in the target year by its name (the natural key): carrying twice, or after the
target's copy was edited, creates nothing twice and changes nothing already there. Classes are not
carried: the new year has its own classes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import unprocessable
from eschool.scheduling.db.curricula import Curriculum
from eschool.scheduling.db.load_repositories import Curricula
from eschool.scheduling.services import announce_load
from eschool.scheduling.services.load_scope import check_load
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class CarriedCurricula:
    """What the carrying made in the target year, and what it found already there (by name)."""

    created: Sequence[Curriculum]
    existing: Sequence[Curriculum]


async def carry_curricula(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    from_year_id: uuid.UUID,
    to_year_id: uuid.UUID,
    *,
    actor: Principal,
) -> CarriedCurricula:
    """Copy the year's curricula into another year of the school, except those whose name the target
    year already has."""
    await check_load(uow, actor, school_id, write=True)
    await year_of_school(uow, school_id, from_year_id, field="body.from_academic_year_id")
    # The target year locked: two carryings at once queue, the second finds the first's copies.
    await year_of_school(uow, school_id, to_year_id, lock=True, field="body.to_academic_year_id")
    if from_year_id == to_year_id:
        raise unprocessable(
            "same_academic_year", "Выберите другой учебный год", field_name="body.to_academic_year_id"
        )
    repo = Curricula(uow.session)
    there = {c.name_key: c for c in await repo.curricula(school_id, to_year_id)}
    created, existing, now = [], [], utcnow()
    for source in await repo.curricula(school_id, from_year_id):
        if source.name_key in there:
            existing.append(there[source.name_key])
            continue
        copy = Curriculum(
            curriculum_id=uuid.uuid4(),
            school_id=school_id,
            academic_year_id=to_year_id,
            name=source.name,
            name_key=source.name_key,
            grade=source.grade,
            profile=source.profile,
            subjects=[dict(s) for s in source.subjects],
            created_at=now,
            updated_at=now,
            version=1,
        )
        uow.session.add(copy)
        announce_load.curriculum_saved(uow, copy, [])
        created.append(copy)
        there[copy.name_key] = copy
    return CarriedCurricula(created, existing)
