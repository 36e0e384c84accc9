"""A leaving teacher's handover (seed 000, point 6): before a dismissal the school checks what the
teacher holds (teaching assignments, the thematic plans of those classes' subjects, lessons still to
come), then hands it to another teacher of its staff, who will work by the same plans.

The handover moves the assignments and republishes, from the day, every class's week where the teacher
appears with the other teacher in their place, through ``publish_week``: a clash refuses the whole
handover, and the generated lessons from that day follow the new weeks (earlier ones stay).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, today_in_zone, utcnow
from eschool.common.errors import Problem, forbidden, unprocessable
from eschool.scheduling.db.contingent import StaffMember
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.curricula import TeachingAssignment
from eschool.scheduling.db.handover_queries import Handovers
from eschool.scheduling.db.thematic_plans import ThematicPlan
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.services import announce_load
from eschool.scheduling.services.timetable import LessonDraft, WeekDraft, publish_week
from eschool.scheduling.services.timetable_checks import check_timetable


@dataclass(frozen=True)
class Handover:
    """What the teacher holds in the school: assignments, plans, scheduled lessons from the day on
    (class, subject, count)."""

    assignments: Sequence[TeachingAssignment]
    plans: Sequence[ThematicPlan]
    lessons: list[tuple[uuid.UUID, uuid.UUID, int]]


async def handover_of(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, day: date | None, *, actor: Principal
) -> Handover:
    """What the teacher holds in the school, lessons counted from the day on (the school's today)."""
    await _check_read(uow, school_id, person_id, actor)
    day = day or today_in_zone(await ContingentViews(uow.session).time_zone(school_id))
    repo = Handovers(uow.session)
    assignments = await repo.assignments(school_id, person_id)
    plans = await repo.plans(school_id, {(a.class_id, a.subject_id) for a in assignments})
    return Handover(assignments, plans, await repo.lessons_from(school_id, person_id, day))


async def hand_over(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    person_id: uuid.UUID,
    to_person_id: uuid.UUID,
    from_on: date,
    *,
    actor: Principal,
) -> Handover:
    """Move the teacher's assignments and weeks from the day to another teacher on staff (409 naming a
    clash: nothing changes); what the teacher still holds after it. The caller commits."""
    await check_timetable(uow, actor, school_id, write=True)
    staff = await uow.session.get(StaffMember, (school_id, to_person_id))
    if staff is None or staff.dismissed_on is not None or to_person_id == person_id:
        detail = "Передать можно только другому работающему в школе учителю"
        raise unprocessable("teacher_not_on_staff", detail, field_name="body.to_person_id")
    repo = Handovers(uow.session)
    mine = {
        (a.class_id, a.subgroup_id, a.subject_id) for a in await repo.assignments(school_id, to_person_id)
    }
    for assignment in await repo.assignments(school_id, person_id):
        await _move_assignment(uow, assignment, to_person_id, taken=mine)
    for class_id in await repo.class_ids_from(school_id, person_id, from_on):
        await _republish(uow, class_id, person_id, to_person_id, from_on, actor=actor)
    return await handover_of(uow, school_id, person_id, from_on, actor=actor)


async def _move_assignment(
    uow: UnitOfWork, old: TeachingAssignment, to_person_id: uuid.UUID, *, taken: set[tuple[object, ...]]
) -> None:
    """The old assignment removed, the other teacher's made (unless they had it already)."""
    await uow.session.delete(old)
    announce_load.assignment_changed(uow, old, removed=True)
    if (old.class_id, old.subgroup_id, old.subject_id) in taken:
        return
    now = utcnow()
    new = TeachingAssignment(
        teaching_assignment_id=uuid.uuid4(),
        school_id=old.school_id,
        academic_year_id=old.academic_year_id,
        class_id=old.class_id,
        subgroup_id=old.subgroup_id,
        subject_id=old.subject_id,
        person_id=to_person_id,
        weekly_hours=old.weekly_hours,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(new)
    await uow.session.flush()
    announce_load.assignment_changed(uow, new)


async def _republish(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    person_id: uuid.UUID,
    to_person_id: uuid.UUID,
    from_on: date,
    *,
    actor: Principal,
) -> None:
    """The class's weeks from the day (the one in effect then, and each set for later), in order."""
    school_class = (await Timetables(uow.session).classes([class_id]))[class_id]
    entries = await Timetables(uow.session).class_entries_from(school_class.school_id, class_id, from_on)
    weeks: dict[date, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        weeks[max(entry.valid_from, from_on)].append(entry)
    # Captured before publishing: the first week set from the day drops the weeks set for later ones.
    drafts = [_draft(day, weeks[day], person_id, to_person_id) for day in sorted(weeks)]
    for draft in drafts:
        await publish_week(uow, class_id, draft, actor=actor)


def _draft(day: date, entries: Sequence[TimetableEntry], person_id: uuid.UUID, to: uuid.UUID) -> WeekDraft:
    lessons = [
        LessonDraft(
            weekday=e.weekday,
            slot_number=e.slot_number,
            subject_id=e.subject_id,
            teacher_person_id=to if e.teacher_person_id == person_id else e.teacher_person_id,
            room_id=e.room_id,
            subgroup_id=e.subgroup_id,
        )
        for e in entries
    ]
    return WeekDraft(valid_from=day, bell_schedule_id=entries[0].bell_schedule_id, lessons=lessons)


async def _check_read(uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, actor: Principal) -> None:
    try:
        await check_timetable(uow, actor, school_id, write=True)
    except Problem as problem:
        if problem.status != 403:
            raise
        if actor.person_id != person_id:
            raise forbidden(
                "handover_access_denied",
                "Передачу дел учителя видят администрация школы, диспетчер расписания и сам учитель",
            ) from None
        await check_timetable(uow, actor, school_id, write=False)
