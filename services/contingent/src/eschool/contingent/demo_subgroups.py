"""The demo's subgroups (``make run`` only): classes 2 to 11 divided in two for English from the first day
of the year, by the alphabet's halves, through the same use cases as the API. A class that has its
subgroups already is left alone, so a restart changes nothing and a division changed by hand stays."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import AcademicYear, SchoolClass
from eschool.contingent.db.people import People
from eschool.contingent.db.subgroups import Subgroups
from eschool.contingent.services.people import name_of
from eschool.contingent.services.subgroup_moves import Placement, place_pupils
from eschool.contingent.services.subgroups import add_subgroup

DIVISION = "Английский язык"
GROUPS = ("1 группа", "2 группа")
FIRST_GRADE_DIVIDED = 2


async def divide_demo_class(runtime: ServiceRuntime, class_id: uuid.UUID, *, actor: Principal) -> None:
    """Divide the class for English (from grade 2), unless it is divided already."""
    async with runtime.database.uow() as uow:
        school_class = await uow.session.get(SchoolClass, class_id)
        assert school_class is not None  # the demo has just loaded it
        if school_class.grade < FIRST_GRADE_DIVIDED or await Subgroups(uow.session).of_class(class_id):
            return
        year = await uow.session.get(AcademicYear, school_class.academic_year_id)
        assert year is not None  # years are never deleted
        pupils = await People(uow.session).class_pupils(class_id)
    first_day = year.starts_on
    since_start = sorted(
        (p for e, p in pupils if e.enrolled_on <= first_day), key=lambda person: name_of(person).key
    )
    half = (len(since_start) + 1) // 2
    for name, members in zip(GROUPS, (since_start[:half], since_start[half:]), strict=True):
        async with runtime.database.uow() as uow:
            subgroup, _ = await add_subgroup(uow, class_id, DIVISION, name, actor=actor)
        if members:
            async with runtime.database.uow() as uow:
                form = Placement([p.person_id for p in members], first_day)
                await place_pupils(uow, subgroup.subgroup_id, form, actor=actor)
