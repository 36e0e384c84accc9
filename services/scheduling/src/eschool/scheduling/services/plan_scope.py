"""Who sees and who changes a class's thematic plans (КТП).

The school's administration and schedule dispatchers (and the authorities over the school) change any
plan; a teacher changes the plans of the classes and subjects they are assigned (teaching assignments),
and reads the school's other plans; anyone else in the school (pupils, guardians, the secretary) and
anyone out of sight gets 404, as if the class did not exist.
"""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork
from eschool.common.errors import conflict, forbidden
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.load_repositories import TeachingAssignments
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.services.class_curricula import class_not_found
from eschool.scheduling.services.scope import WRITERS, check_school

TEACHERS = (Role.subject_teacher, Role.class_teacher)


async def check_plan(
    uow: UnitOfWork, actor: Principal, school_class: SchoolClass, subject_id: uuid.UUID, *, write: bool
) -> None:
    """Pass if the actor may read (``write``: change) the plan of the class's subject; else 404 or 403."""
    school_id = school_class.school_id
    if actor.has_role(*WRITERS, org_unit_id=school_id):
        await check_school(uow, actor, school_id, write=write, hidden=class_not_found())
        return
    if not actor.has_role(*TEACHERS, org_unit_id=school_id):
        if any(binding.org_unit_id == school_id for binding in actor.bindings):
            raise class_not_found()
        await check_school(uow, actor, school_id, write=write, hidden=class_not_found())
        return
    if not write:
        return
    if not await _teaches(uow, actor, school_class, subject_id):
        raise forbidden(
            "thematic_plan_write_denied",
            "КТП изменяют учитель, ведущий этот предмет в классе, администрация школы и диспетчер расписания",
        )
    if await Calendar(uow.session).school_closed(school_id):
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")


async def _teaches(
    uow: UnitOfWork, actor: Principal, school_class: SchoolClass, subject_id: uuid.UUID
) -> bool:
    if actor.person_id is None:
        return False
    assignments = await TeachingAssignments(uow.session).of_year(
        school_class.school_id,
        school_class.academic_year_id,
        class_id=school_class.class_id,
        person_id=actor.person_id,
    )
    return any(a.subject_id == subject_id for a in assignments)
