"""The diary's week: the pupil's lessons Monday to Sunday with topics, homework, marks and absences,
in one request (seed 001, Приложение 2, 3.1: families learn it without asking the school).

A lesson is the pupil's when it falls within their stay in its class and, for a subgroup's lesson, within
their stay in that subgroup: a pupil who moved class mid-week sees the old class's Monday and the new
class's Friday.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.journal.api.diary_schemas import (
    AttachmentRead,
    DiaryDayRead,
    DiaryLessonRead,
    DiaryMarkRead,
    DiaryWeekRead,
)
from eschool.journal.db.diary_queries import DiaryQueries
from eschool.journal.db.models import ClassStay, SubgroupMembership
from eschool.journal.db.records import LessonRecord
from eschool.journal.db.schedule import Lesson
from eschool.journal.services.pupil_access import check_pupil_reader


def _within(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or first <= day) and (last is None or day <= last)


def pupils_lessons(
    rows: list[tuple[Lesson, LessonRecord | None, str]],
    stays: list[ClassStay],
    memberships: list[SubgroupMembership],
) -> list[tuple[Lesson, LessonRecord | None, str]]:
    """The lessons the pupil was in: within a stay in the class, and in the subgroup on the day."""
    stays_by_class = defaultdict(list)
    for stay in stays:
        stays_by_class[stay.class_id].append(stay)
    groups = defaultdict(list)
    for membership in memberships:
        groups[membership.subgroup_id].append(membership)

    def attended(lesson: Lesson) -> bool:
        day = lesson.lesson_on
        if not any(_within(day, s.from_on, s.until_on) for s in stays_by_class[lesson.class_id]):
            return False
        if lesson.subgroup_id is None:
            return True
        return any(_within(day, m.from_on, m.until_on) for m in groups[lesson.subgroup_id])

    return [row for row in rows if attended(row[0])]


async def diary_week(
    uow: UnitOfWork, pupil_id: uuid.UUID, start: date | None, *, actor: Principal
) -> DiaryWeekRead:
    """The pupil's week containing ``start`` (this week by default), for a reader of the diary."""
    await check_pupil_reader(uow, actor, pupil_id)
    queries = DiaryQueries(uow.session)
    stays = await queries.stays_of(pupil_id)
    if start is None:
        start = today_in_zone(await queries.time_zone(stays[-1].school_id))
    first = start - timedelta(days=start.weekday())
    last = first + timedelta(days=6)
    stays = [s for s in stays if s.from_on <= last and (s.until_on is None or s.until_on >= first)]  # type: ignore[operator]
    rows = await queries.lessons(stays, first, last) if stays else []
    lessons = pupils_lessons(rows, stays, await queries.memberships(pupil_id, first, last))
    days = await _days(queries, {s.school_id for s in stays}, pupil_id, lessons, first, last)
    names = await queries.names([pupil_id])
    name = names[pupil_id].name if pupil_id in names else None
    return DiaryWeekRead(pupil_person_id=pupil_id, name=name, week_start=first, week_end=last, days=days)


async def _days(
    queries: DiaryQueries,
    schools: set[uuid.UUID],
    pupil_id: uuid.UUID,
    lessons: list[tuple[Lesson, LessonRecord | None, str]],
    first: date,
    last: date,
) -> list[DiaryDayRead]:
    marks = defaultdict(list)
    for mark, work_type in await queries.marks(schools, pupil_id, first, last):
        marks[mark.lesson_id].append(
            DiaryMarkRead(
                mark_id=mark.mark_id,
                value=mark.value,
                weight=mark.weight,
                work_type=work_type,
                comment=mark.comment,
                recorded_at=mark.recorded_at,
            )
        )
    absences = {a.lesson_id: a.code for a in await queries.attendance(schools, pupil_id, first, last)}
    files = defaultdict(list)
    lesson_ids = [row[0].lesson_id for row in lessons]
    for lesson_id, attachment_id, file_name in await queries.attachments(lesson_ids):
        files[lesson_id].append(AttachmentRead(attachment_id=attachment_id, file_name=file_name))
    by_day: dict[date, list[DiaryLessonRead]] = {first + timedelta(days=i): [] for i in range(7)}
    for lesson, record, subject_name in lessons:
        by_day[lesson.lesson_on].append(
            DiaryLessonRead(
                lesson_id=lesson.lesson_id,
                lesson_on=lesson.lesson_on,
                slot_number=lesson.slot_number,
                starts_at=lesson.starts_at,
                ends_at=lesson.ends_at,
                subject_id=lesson.subject_id,
                subject_name=subject_name,
                topic=record.topic if record is not None and record.topic else lesson.planned_topic,
                homework=record.homework if record is not None else None,
                attachments=files[lesson.lesson_id],
                work_kind=record.work_kind if record is not None else None,
                substitute=record.substitute if record is not None else False,
                marks=marks[lesson.lesson_id],
                attendance=absences.get(lesson.lesson_id),
            )
        )
    return [DiaryDayRead(day=day, lessons=items) for day, items in by_day.items()]
