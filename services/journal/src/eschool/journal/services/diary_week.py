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
from eschool.journal.db.diary_week_queries import WeekLesson, week_lessons
from eschool.journal.db.models import ClassStay
from eschool.journal.services.pupil_access import check_pupil_reader


def _within(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or first <= day) and (last is None or day <= last)


def pupils_lessons(lessons: list[WeekLesson], stays: list[ClassStay]) -> list[WeekLesson]:
    """The lessons the pupil was in: within a stay in the lesson's class (the subgroup's part is asked of
    the database with the lessons)."""
    stays_by_class = defaultdict(list)
    for stay in stays:
        stays_by_class[stay.class_id].append(stay)
    return [
        lesson
        for lesson in lessons
        if any(_within(lesson.lesson_on, s.from_on, s.until_on) for s in stays_by_class[lesson.class_id])
    ]


async def diary_week(
    uow: UnitOfWork, pupil_id: uuid.UUID, start: date | None, *, actor: Principal
) -> DiaryWeekRead:
    """The pupil's week containing ``start`` (this week by default), for a reader of the diary."""
    known = await check_pupil_reader(uow, actor, pupil_id)
    if start is None:
        newest = known.stays[-1].school_id if known.stays else None
        start = today_in_zone(known.zones.get(newest) if newest else None)
    first = start - timedelta(days=start.weekday())
    last = first + timedelta(days=6)
    stays = [s for s in known.stays if s.from_on <= last and (s.until_on is None or s.until_on >= first)]  # type: ignore[operator]
    session = uow.session
    rows = await week_lessons(session, pupil_id, stays, first, last) if stays else []
    lessons = pupils_lessons(rows, stays)
    days = await _days(DiaryQueries(session), lessons, first)
    return DiaryWeekRead(
        pupil_person_id=pupil_id, name=known.name, week_start=first, week_end=last, days=days
    )


async def _days(queries: DiaryQueries, lessons: list[WeekLesson], first: date) -> list[DiaryDayRead]:
    files = defaultdict(list)
    with_files = [lesson.lesson_id for lesson in lessons if lesson.has_files]
    for lesson_id, attachment_id, file_name in await queries.attachments(with_files) if with_files else []:
        files[lesson_id].append(AttachmentRead(attachment_id=attachment_id, file_name=file_name))
    by_day: dict[date, list[DiaryLessonRead]] = {first + timedelta(days=i): [] for i in range(7)}
    for lesson in lessons:
        by_day[lesson.lesson_on].append(
            DiaryLessonRead(
                lesson_id=lesson.lesson_id,
                lesson_on=lesson.lesson_on,
                slot_number=lesson.slot_number,
                starts_at=lesson.starts_at,
                ends_at=lesson.ends_at,
                subject_id=lesson.subject_id,
                subject_name=lesson.subject_name,
                topic=lesson.topic or lesson.planned_topic,
                homework=lesson.homework,
                attachments=files[lesson.lesson_id],
                work_kind=lesson.work_kind,
                substitute=bool(lesson.substitute),
                marks=[DiaryMarkRead.model_validate(mark, from_attributes=True) for mark in lesson.marks],
                attendance=lesson.attendance,
            )
        )
    return [DiaryDayRead(day=day, lessons=items) for day, items in by_day.items()]
