"""Substitutions (seed 003, 3.15: «замену может провести только учитель этого же предмета»): the
school's administration or dispatcher has another teacher teach a dated lesson, or a teacher's lessons
over a range of days, in place of the lesson's own teacher.

The substitute must be on the school's staff (not dismissed), teach the lesson's subject (a teaching
assignment of that subject in the school), and be free then (no lesson of their own and no other
substitution overlapping it that day). A request is all or nothing, every refusal named at once. The
same substitution again changes nothing; another substitute for a lesson replaces the first (announced
as removed, then assigned). Free teachers of the subject are suggested for a lesson; a report lists the
substituted and the cancelled lessons of a period, and the lessons of dismissed teachers left without
a substitute.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError, Problem, conflict, not_found, unprocessable_fields
from eschool.common.events.scheduling import SubstitutionAssignedV1, SubstitutionRemovedV1
from eschool.scheduling.db.contingent import StaffMember
from eschool.scheduling.db.curricula import TeachingAssignment
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import SCHEDULED, Lesson
from eschool.scheduling.db.substitutions import Substitution, Substitutions
from eschool.scheduling.services.announce_lessons import lesson_data
from eschool.scheduling.services.scope import school_not_found
from eschool.scheduling.services.timetable_checks import check_timetable


@dataclass(frozen=True)
class SubstitutionForm:
    """Which lessons (by id, or a teacher's between two days), who substitutes, and why."""

    substitute_person_id: uuid.UUID
    lesson_ids: Sequence[uuid.UUID] = ()
    teacher_person_id: uuid.UUID | None = None
    first: date | None = None
    last: date | None = None
    reason: str | None = None


async def assign_substitute(
    uow: UnitOfWork, school_id: uuid.UUID, form: SubstitutionForm, *, actor: Principal
) -> list[Substitution]:
    """Substitute the lessons, all or none; the substitutions as they are now."""
    await check_timetable(uow, actor, school_id, write=True, hidden=school_not_found())
    lessons = await _lessons(uow, school_id, form)
    await _check_substitute(uow, school_id, form.substitute_person_id, lessons)
    repo, now = Substitutions(uow.session), utcnow()
    current = await repo.active(school_id, [lesson.lesson_id for lesson in lessons])
    result = []
    for lesson in lessons:
        old = current.get(lesson.lesson_id)
        if old is not None and old.substitute_person_id == form.substitute_person_id:
            result.append(old)
            continue
        if old is not None:
            _remove(uow, old, actor, now)
            await uow.session.flush()  # the old one out first: a lesson has one current substitution
        result.append(_add(uow, lesson, form, actor, now))
    await uow.commit()
    return result


async def remove_substitution(
    uow: UnitOfWork, substitution_id: uuid.UUID, *, actor: Principal
) -> Substitution:
    """Withdraw the substitution; withdrawing it again changes nothing."""
    row = await uow.session.get(Substitution, substitution_id, with_for_update=True)
    if row is None:
        raise not_found("substitution_not_found", "Замена не найдена")
    await check_timetable(
        uow, actor, row.school_id, write=True, hidden=not_found("substitution_not_found", "Замена не найдена")
    )
    if row.removed_at is None:
        _remove(uow, row, actor, utcnow())
        await uow.commit()
    return row


async def candidates(uow: UnitOfWork, lesson_id: uuid.UUID, *, actor: Principal) -> list[StaffMember]:
    """The school's teachers of the lesson's subject who are free then, by name."""
    lesson = await Lessons(uow.session).get(lesson_id)
    if lesson is None:
        raise not_found("lesson_not_found", "Урок не найден")
    await check_timetable(
        uow, actor, lesson.school_id, write=False, hidden=not_found("lesson_not_found", "Урок не найден")
    )
    teachers = await _subject_teachers(uow, lesson.school_id, lesson.subject_id)
    free = [
        t
        for t in teachers
        if t.person_id != lesson.teacher_person_id and not await _busy(uow, t.person_id, [lesson])
    ]
    return sorted(free, key=lambda t: (t.last_name or "", t.first_name or "", t.middle_name or ""))


async def _lessons(uow: UnitOfWork, school_id: uuid.UUID, form: SubstitutionForm) -> list[Lesson]:
    """The lessons the form names: each the school's and scheduled, else 422 naming it."""
    repo = Lessons(uow.session)
    if form.lesson_ids:
        found = [await repo.get(lesson_id, lock=True) for lesson_id in dict.fromkeys(form.lesson_ids)]
        broken = [
            FieldError(f"body.lesson_ids.{i}", "lesson_not_found", "Урок не найден")
            for i, lesson in enumerate(found)
            if lesson is None or lesson.school_id != school_id
        ]
        broken += [
            FieldError(f"body.lesson_ids.{i}", "lesson_cancelled", "Урок отменён: замена не нужна")
            for i, lesson in enumerate(found)
            if lesson is not None and lesson.school_id == school_id and lesson.status != SCHEDULED
        ]
        if broken:
            raise unprocessable_fields(broken)
        return [lesson for lesson in found if lesson is not None]
    if form.teacher_person_id is None or form.first is None or form.last is None or form.first > form.last:
        detail = "Укажите уроки или учителя и период (дата начала не позже даты окончания)"
        raise unprocessable_fields([FieldError("body.lesson_ids", "lessons_required", detail)])
    lessons = list(
        await repo.between(
            school_id, form.first, form.last, teacher_person_id=form.teacher_person_id, scheduled_only=True
        )
    )
    if not lessons:
        detail = "У учителя нет уроков в этот период"
        raise unprocessable_fields([FieldError("body.teacher_person_id", "no_lessons", detail)])
    return lessons


async def _check_substitute(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, lessons: Sequence[Lesson]
) -> None:
    """The substitute is on the staff, teaches each lesson's subject, is not its teacher, and is free."""
    field = "body.substitute_person_id"
    member = await uow.session.get(StaffMember, (school_id, person_id))
    if member is None or member.dismissed_on is not None:
        raise unprocessable_fields([FieldError(field, "teacher_not_on_staff", "Учитель не работает в школе")])
    taught = await _subjects_of(uow, school_id, person_id)
    broken = []
    for lesson in lessons:
        if lesson.teacher_person_id == person_id:
            broken.append(FieldError(field, "substitute_is_teacher", "Учитель не может заменить сам себя"))
        elif lesson.subject_id not in taught:
            detail = "Заменять урок может только учитель этого же предмета (по распределению нагрузки)"
            broken.append(FieldError(field, "subject_not_taught_by_substitute", detail))
    if broken:
        raise unprocessable_fields(broken[:1])
    if clash := await _busy(uow, person_id, lessons):
        raise clash


async def _busy(uow: UnitOfWork, person_id: uuid.UUID, lessons: Sequence[Lesson]) -> Problem | None:
    """The 409 naming the first lesson the person cannot take (their own lesson or another substitution
    overlaps it), or None."""
    repo, subs = Lessons(uow.session), Substitutions(uow.session)
    wanted = {lesson.lesson_id for lesson in lessons}
    for day in sorted({lesson.lesson_on for lesson in lessons}):
        school_id = lessons[0].school_id
        own = await repo.between(school_id, day, day, teacher_person_id=person_id, scheduled_only=True)
        taken = [await repo.get(s.lesson_id) for s in await subs.of_substitute(school_id, person_id, day)]
        others = [
            o for o in [*own, *taken] if o is not None and o.lesson_id not in wanted and o.status == SCHEDULED
        ]
        for lesson in (x for x in lessons if x.lesson_on == day):
            for other in others:
                if other.starts_at < lesson.ends_at and lesson.starts_at < other.ends_at:
                    detail = (
                        f"Учитель занят {day:%d.%m.%Y} в {other.starts_at:%H:%M}–{other.ends_at:%H:%M}: "
                        "у него свой урок или другая замена"
                    )
                    return conflict("substitute_busy", detail, field_name="body.substitute_person_id")
    return None


async def _subjects_of(uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID) -> set[uuid.UUID]:
    stmt = select(TeachingAssignment.subject_id).where(
        TeachingAssignment.school_id == school_id, TeachingAssignment.person_id == person_id
    )
    return set((await uow.session.scalars(stmt)).all())


async def _subject_teachers(
    uow: UnitOfWork, school_id: uuid.UUID, subject_id: uuid.UUID
) -> list[StaffMember]:
    stmt = (
        select(StaffMember)
        .join(
            TeachingAssignment,
            (TeachingAssignment.school_id == StaffMember.school_id)
            & (TeachingAssignment.person_id == StaffMember.person_id),
        )
        .where(
            StaffMember.school_id == school_id,
            StaffMember.dismissed_on.is_(None),
            TeachingAssignment.subject_id == subject_id,
        )
        .distinct()
    )
    return list((await uow.session.scalars(stmt)).all())


def _add(
    uow: UnitOfWork, lesson: Lesson, form: SubstitutionForm, actor: Principal, now: datetime
) -> Substitution:
    row = Substitution(
        substitution_id=uuid.uuid4(),
        school_id=lesson.school_id,
        lesson_id=lesson.lesson_id,
        lesson_on=lesson.lesson_on,
        substitute_person_id=form.substitute_person_id,
        teacher_person_id=lesson.teacher_person_id,
        reason=" ".join((form.reason or "").split()) or None,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    uow.session.add(row)
    event = SubstitutionAssignedV1(
        substitution_id=row.substitution_id,
        lesson=lesson_data(lesson),
        substitute_person_id=row.substitute_person_id,
        reason=row.reason,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=lesson.lesson_id, school_id=lesson.school_id, time=now)
    return row


def _remove(uow: UnitOfWork, row: Substitution, actor: Principal, now: datetime) -> None:
    row.removed_at, row.removed_by_user_id = now, actor.user_id
    event = SubstitutionRemovedV1(
        substitution_id=row.substitution_id,
        lesson_id=row.lesson_id,
        school_id=row.school_id,
        substitute_person_id=row.substitute_person_id,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=row.lesson_id, school_id=row.school_id, time=now)
