"""Teaching assignments (распределение нагрузки, seed 001): a current teacher of the school teaches a
subject the school teaches, in a class or one of its subgroups, so many hours a week. Each change is
announced: the journal grants who writes in which class and subject from it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.scheduling.db.contingent import StaffMember, Subgroup
from eschool.scheduling.db.curricula import TeachingAssignment
from eschool.scheduling.db.load_repositories import TeachingAssignments
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.domain.load import check_hours
from eschool.scheduling.services import announce_load
from eschool.scheduling.services.class_curricula import class_for
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.load_scope import check_load


@dataclass(frozen=True)
class AssignmentDraft:
    """Who teaches what where: the teacher's person, the class (and subgroup), subject and hours."""

    person_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    subject_id: uuid.UUID
    weekly_hours: Decimal


def assignment_not_found() -> Problem:
    """The 404 for an assignment that does not exist or is out of the caller's sight."""
    return not_found("teaching_assignment_not_found", "Назначение нагрузки не найдено")


async def assign_teacher(
    uow: UnitOfWork, school_id: uuid.UUID, draft: AssignmentDraft, *, actor: Principal
) -> TeachingAssignment:
    """A new teaching assignment; the same class (subgroup), subject and teacher again is a 409."""
    await check_load(uow, actor, school_id, write=True)
    school_class = await class_for(uow, draft.class_id, actor=actor, write=True)
    if school_class.school_id != school_id:
        raise _field("class_not_found", "Класс не найден в этой школе", "body.class_id")
    if broken := check_hours(draft.weekly_hours, "weekly_hours"):
        raise refused(broken)
    await _check_parts(uow, school_id, draft)
    repo, now = TeachingAssignments(uow.session), utcnow()
    ids = (school_id, draft.class_id, draft.subgroup_id, draft.subject_id, draft.person_id)
    if await repo.same(*ids) is not None:
        raise _exists()
    assignment = TeachingAssignment(
        teaching_assignment_id=uuid.uuid4(),
        school_id=school_id,
        academic_year_id=school_class.academic_year_id,
        class_id=draft.class_id,
        subgroup_id=draft.subgroup_id,
        subject_id=draft.subject_id,
        person_id=draft.person_id,
        weekly_hours=draft.weekly_hours,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(assignment)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise _exists() from None  # the same assignment made twice at once
    announce_load.assignment_changed(uow, assignment)
    return assignment


async def assignment_for(
    uow: UnitOfWork, assignment_id: uuid.UUID, *, actor: Principal, write: bool
) -> TeachingAssignment:
    """The assignment (locked when ``write``) if the actor may see or change it; 404 out of sight."""
    repo = TeachingAssignments(uow.session)
    assignment = await repo.assignment(assignment_id)
    if assignment is None:
        raise assignment_not_found()
    await check_load(uow, actor, assignment.school_id, write=write, hidden=assignment_not_found())
    if write and (assignment := await repo.assignment(assignment_id, lock=True)) is None:
        raise assignment_not_found()
    return assignment


async def change_hours(
    uow: UnitOfWork, assignment_id: uuid.UUID, hours: Decimal, *, version: int, actor: Principal
) -> TeachingAssignment:
    """The assignment's new weekly hours, on the version the editor saw."""
    assignment = await assignment_for(uow, assignment_id, actor=actor, write=True)
    check_version(assignment, version)
    if broken := check_hours(hours, "weekly_hours"):
        raise refused(broken)
    if assignment.weekly_hours != hours:
        assignment.weekly_hours = hours
        touch(assignment)
        announce_load.assignment_changed(uow, assignment)
    return assignment


async def remove_assignment(
    uow: UnitOfWork, assignment_id: uuid.UUID, *, version: int | None, actor: Principal
) -> None:
    """The teacher no longer teaches the subject there (announced with ``removed``)."""
    assignment = await assignment_for(uow, assignment_id, actor=actor, write=True)
    check_version(assignment, version)
    await uow.session.delete(assignment)
    announce_load.assignment_changed(uow, assignment, removed=True)


async def _check_parts(uow: UnitOfWork, school_id: uuid.UUID, draft: AssignmentDraft) -> None:
    staff = await uow.session.get(StaffMember, (school_id, draft.person_id))
    if staff is None or staff.dismissed_on is not None:
        detail = "Учитель не работает в школе (уволен или не принят)"
        raise _field("teacher_not_on_staff", detail, "body.person_id")
    choice = await Subjects(uow.session).choice(school_id, draft.subject_id)
    if choice is None or choice.retired:
        raise _field("subject_not_taught", "Предмет не входит в список предметов школы", "body.subject_id")
    if draft.subgroup_id is not None:
        subgroup = await uow.session.get(Subgroup, draft.subgroup_id)
        if subgroup is None or subgroup.class_id != draft.class_id:
            raise _field("subgroup_not_of_class", "Подгруппа не относится к этому классу", "body.subgroup_id")


def _field(code: str, detail: str, field: str) -> Problem:
    return unprocessable(code, detail, field_name=field)


def _exists() -> Problem:
    return conflict(
        "teaching_assignment_exists",
        "Учитель уже ведёт этот предмет в этом классе (подгруппе)",
        field_name="body.person_id",
    )
