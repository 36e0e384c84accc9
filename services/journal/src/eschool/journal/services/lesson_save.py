"""Saving a lesson's record (topic, homework, kind of work, who taught it) and its marks one at a time
(the whole lesson at once is ``lesson_journal``).

The record notes who taught the lesson: its substitute while one is assigned (seed 001, 2.1), else its
own teacher. The first grade gets no homework (seed 004, 3.7); homework may be due at a later lesson of
the same class, subgroup and subject.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError, Problem, conflict, not_found, unprocessable_fields
from eschool.common.events.journal import LessonConductedV1
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import LessonRecord, Mark
from eschool.journal.db.schedule import Lesson
from eschool.journal.services.audit import add_audit
from eschool.journal.services.lesson_access import (
    LESSON_FACTS,
    LessonScope,
    Retry,
    check_happened,
    check_open,
    open_lesson,
    remember,
    replayed,
    request_scope,
)
from eschool.journal.services.marks import (
    SINGLE_MARK_TAKEN,
    MarkBook,
    MarkForm,
    MarkPatch,
    amend,
    give,
    strike,
)

RECORD_FIELDS = ("topic", "homework", "homework_due_lesson_id", "work_kind")


@dataclass(frozen=True)
class RecordForm:
    """The lesson's record as sent; ``given`` names the fields sent (the others keep what is recorded)."""

    topic: str | None = None
    homework: str | None = None
    homework_due_lesson_id: uuid.UUID | None = None
    work_kind: str | None = None
    given: frozenset[str] = frozenset(RECORD_FIELDS)


async def check_record(
    uow: UnitOfWork, scope: LessonScope, form: RecordForm, path: str, errors: list[FieldError]
) -> None:
    """No homework in the first grade; homework due at a later lesson of the same subject."""
    if scope.first_grade and (form.homework or form.homework_due_lesson_id):
        detail = "В 1 классе домашнее задание не задаётся"
        errors.append(FieldError(f"{path}.homework", "first_grade_no_homework", detail))
    due_id = form.homework_due_lesson_id
    if due_id is not None and not _due_fits(scope.lesson, await Projections(uow.session).lesson(due_id)):
        detail = "Сдать домашнее задание можно только на одном из следующих уроков этого предмета в классе"
        errors.append(FieldError(f"{path}.homework_due_lesson_id", "homework_due_lesson_invalid", detail))


def _due_fits(lesson: Lesson, due: Lesson | None) -> bool:
    if due is None or due.cancelled:
        return False
    same = (due.school_id, due.class_id, due.subgroup_id, due.subject_id)
    later = (due.lesson_on, due.slot_number) > (lesson.lesson_on, lesson.slot_number)
    return later and same == (lesson.school_id, lesson.class_id, lesson.subgroup_id, lesson.subject_id)


async def write_record(uow: UnitOfWork, scope: LessonScope, form: RecordForm) -> LessonRecord:
    """Write the record with its audit row and ``LessonConductedV1``."""
    lesson, now, records = scope.lesson, utcnow(), JournalRecords(uow.session)
    record = await records.record(lesson.lesson_id)
    old = None if record is None else _state(record)
    if record is None:
        record = LessonRecord(
            lesson_id=lesson.lesson_id, school_id=lesson.school_id, version=0, recorded_at=now
        )
        record.topic, record.homework = lesson.planned_topic, None
        record.homework_due_lesson_id, record.work_kind = None, None
        uow.session.add(record)
    for name in RECORD_FIELDS:
        if name in form.given:
            setattr(record, name, getattr(form, name) or None)
    taught_by = scope.substitute_id or lesson.teacher_person_id
    record.taught_by_person_id, record.substitute = taught_by, scope.substitute_id is not None
    record.lesson_on, record.updated_at, record.updated_by = lesson.lesson_on, now, scope.actor.person_id
    record.version += 1
    add_audit(
        uow,
        scope.actor,
        school_id=lesson.school_id,
        entity="lesson_record",
        entity_id=lesson.lesson_id,
        lesson_id=lesson.lesson_id,
        pupil_id=None,
        action="created" if old is None else "changed",
        old=old,
        new=_state(record),
    )
    attachments = scope.facts.attachments
    uow.outbox.add(
        conducted_event(lesson, record, attachments), subject=lesson.lesson_id, school_id=lesson.school_id
    )
    return record


def _state(record: LessonRecord) -> dict[str, Any]:
    due = record.homework_due_lesson_id
    return {
        "topic": record.topic,
        "homework": record.homework,
        "homework_due_lesson_id": None if due is None else str(due),
        "work_kind": record.work_kind,
    }


def conducted_event(lesson: Lesson, record: LessonRecord, attachments: int) -> LessonConductedV1:
    """The event of a lesson's record as it now stands, with the number of its homework's files."""
    of_lesson = {name: getattr(lesson, name) for name in (*LESSON_FACTS, "subgroup_id")}
    of_record = ("taught_by_person_id", "substitute", "topic", "homework", "work_kind", "version")
    return LessonConductedV1(
        **of_lesson,
        **{name: getattr(record, name) for name in of_record},
        attachments=attachments,
        occurred_at=record.updated_at,
    )


async def record_lesson(
    uow: UnitOfWork, lesson_id: uuid.UUID, form: RecordForm, *, actor: Principal
) -> LessonRecord:
    """Record the lesson's topic, homework and kind of work (ahead of the lesson too)."""
    scope = await open_lesson(uow, lesson_id, actor, write=True)
    check_open(scope)
    errors: list[FieldError] = []
    await check_record(uow, scope, form, "body", errors)
    if errors:
        raise unprocessable_fields(errors)
    record = await write_record(uow, scope, form)
    await uow.commit()
    return record


def mark_not_found() -> Problem:
    """The one answer for a mark that does not exist and a mark out of the caller's sight."""
    return not_found("mark_not_found", "Отметка не найдена")


def _refused(errors: list[FieldError]) -> Problem:
    if len(errors) == 1 and errors[0].code == SINGLE_MARK_TAKEN:
        return conflict(SINGLE_MARK_TAKEN, errors[0].detail, field_name=errors[0].field)
    return unprocessable_fields(errors)


async def record_mark(
    uow: UnitOfWork, lesson_id: uuid.UUID, form: MarkForm, *, actor: Principal, retry: Retry | None = None
) -> Mark:
    """Give a pupil a mark in the lesson; the same Idempotency-Key again answers the same mark."""
    scope = await open_lesson(uow, lesson_id, actor, write=True)
    key = request_scope(actor, lesson_id, "mark")
    if (answer := await replayed(uow, key, retry)) is not None:
        return await _mark(uow, uuid.UUID(answer[1]["mark_id"]))
    check_open(scope)
    check_happened(scope)
    book = await MarkBook.open(uow, scope)
    errors: list[FieldError] = []
    new = await book.check_new(form, "body", errors)
    if new is None:
        raise _refused(errors)
    mark = give(uow, book, new)
    await remember(uow, key, retry, 201, {"mark_id": str(mark.mark_id)})
    await uow.commit()
    return mark


async def _mark(uow: UnitOfWork, mark_id: uuid.UUID) -> Mark:
    mark = await JournalRecords(uow.session).mark(mark_id)
    if mark is None:
        raise mark_not_found()
    return mark


async def _open_mark(uow: UnitOfWork, mark_id: uuid.UUID, actor: Principal) -> tuple[Mark, MarkBook]:
    mark = await _mark(uow, mark_id)
    scope = await open_lesson(uow, mark.lesson_id, actor, write=True, hidden=mark_not_found())
    if mark.deleted_at is not None:
        raise conflict("mark_deleted", "Отметка удалена: изменить её нельзя")
    check_open(scope)
    return mark, await MarkBook.open(uow, scope)


async def change_mark(uow: UnitOfWork, mark_id: uuid.UUID, patch: MarkPatch, *, actor: Principal) -> Mark:
    """Change a mark's value, work type or comment (the old one stays in the audit)."""
    mark, book = await _open_mark(uow, mark_id, actor)
    errors: list[FieldError] = []
    edit = await book.check_edit(mark, patch, "body", errors)
    if edit is None:
        raise _refused(errors)
    amend(uow, book, edit)
    await uow.commit()
    return mark


async def delete_mark(uow: UnitOfWork, mark_id: uuid.UUID, reason: str | None, *, actor: Principal) -> Mark:
    """Delete a mark: the row stays, marked deleted, with its audit row."""
    mark, book = await _open_mark(uow, mark_id, actor)
    await strike(uow, book, mark, reason)
    await uow.commit()
    return mark
