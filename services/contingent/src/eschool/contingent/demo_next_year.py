"""The demo's next academic year (``make run`` only): set up in every demo school with its first grade,
1 А and 1 Б, so that enrolment's first-grade campaign (enrolment's own demo) has a year and classes to
send children to, learnt from this service's events like any other year and class. The year's other
classes come with the year rollover, as in a school (seed 000, points 9 and 10).

The first-grade classes have the standard maximum size, no class teacher yet, and no term scheme:
scheduling's demo sets up this year's calendar only. The other services' demos take this year by its
name (``academic_year_name`` of today), so the next one beside it changes nothing of theirs.
Idempotent: a year is found by its name and a class by its grade and letter before either is made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import AcademicYear, SchoolClass
from eschool.contingent.domain.classes import DEFAULT_SIZE, ClassCard
from eschool.contingent.services.classes import create_class
from eschool.contingent.services.years import set_up_year

NEXT_YEAR_CLASSES = ((1, "А"), (1, "Б"))


async def demo_year(uow: UnitOfWork, school_id: uuid.UUID, name: str, *, actor: Principal) -> uuid.UUID:
    """The school's academic year named ``name``: found, or set up by ``set_up_year``."""
    found = await uow.session.execute(
        select(AcademicYear.academic_year_id).where(
            AcademicYear.school_id == school_id, AcademicYear.name == name
        )
    )
    if (year_id := found.scalar_one_or_none()) is not None:
        return year_id
    year = await set_up_year(uow, school_id, name, actor=actor)
    return year.academic_year_id


async def load_next_year(
    runtime: ServiceRuntime, schools: Iterable[uuid.UUID], first_year: int, *, actor: Principal
) -> None:
    """The year after the one starting in ``first_year`` in each school, with its missing first-grade
    classes, in one transaction (a handful of rows)."""
    name = f"{first_year + 1}/{first_year + 2}"
    async with runtime.database.uow() as uow:
        for school_id in schools:
            year_id = await demo_year(uow, school_id, name, actor=actor)
            rows = await uow.session.execute(
                select(SchoolClass.grade, SchoolClass.letter).where(SchoolClass.academic_year_id == year_id)
            )
            present = {(grade, letter) for grade, letter in rows}
            for grade, letter in NEXT_YEAR_CLASSES:
                if (grade, letter) not in present:
                    card = ClassCard(grade=grade, letter=letter, max_size=DEFAULT_SIZE)
                    await create_class(uow, school_id, year_id, card, actor=actor)
        await uow.commit()
