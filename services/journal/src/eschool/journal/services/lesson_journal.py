"""Saving a whole lesson at once: its record, its attendance and its marks, all or nothing (a 422 names
every refused line) and safe to retry under an idempotency key (the same key twice is one effect)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, as_utc
from eschool.common.errors import FieldError, unprocessable_fields
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.records import Attendance, LessonRecord, Mark
from eschool.journal.services.attendance import AttendanceEntry, apply_entry, check_entries
from eschool.journal.services.lesson_access import (
    LessonSheet,
    Retry,
    assemble_sheet,
    check_happened,
    check_open,
    open_lesson,
    read_sheet,
    remember,
    replayed,
    request_scope,
)
from eschool.journal.services.lesson_save import RecordForm, check_record, write_record
from eschool.journal.services.marks import (
    MarkBook,
    MarkEdit,
    MarkForm,
    MarkPatch,
    NewMark,
    amend,
    give,
    strike,
)


@dataclass(frozen=True)
class MarkEntry:
    """A mark line of the whole-lesson save: a new mark of ``pupil_person_id`` (the change's value, work
    type and comment), a change of ``mark_id``, or with ``delete`` its deletion."""

    mark_id: uuid.UUID | None
    delete: bool
    pupil_person_id: uuid.UUID | None
    change: MarkPatch


@dataclass(frozen=True)
class JournalForm:
    """The whole lesson: its record, its attendance, its marks (each part may be left out)."""

    record: RecordForm | None = None
    attendance: Sequence[AttendanceEntry] = ()
    marks: Sequence[MarkEntry] = ()


@dataclass(frozen=True)
class JournalSaved:
    """The lesson's sheet after the save, and the mark of every mark line, in the lines' order."""

    sheet: LessonSheet
    mark_ids: list[uuid.UUID]


@dataclass(frozen=True)
class _Removal:
    mark: Mark
    reason: str | None


async def save_lesson_journal(
    uow: UnitOfWork, lesson_id: uuid.UUID, form: JournalForm, *, actor: Principal, retry: Retry | None = None
) -> JournalSaved:
    """Save the whole lesson at once: every part, or with any line refused none (422 naming each)."""
    scope = await open_lesson(uow, lesson_id, actor, write=True)
    key = request_scope(actor, lesson_id, "journal")
    if (answer := await replayed(uow, key, retry)) is not None:
        return JournalSaved(await read_sheet(uow, scope), [uuid.UUID(m) for m in answer[1]["mark_ids"]])
    check_open(scope)
    if form.attendance or form.marks:
        check_happened(scope)
    errors: list[FieldError] = []
    if form.record is not None:
        await check_record(uow, scope, form.record, "body.record", errors)
    book = await MarkBook.open(uow, scope)
    check_entries(form.attendance, book.roster, "body.attendance", errors)
    steps = await _plan_marks(book, form.marks, errors)
    if errors:
        raise unprocessable_fields(errors)
    records = JournalRecords(uow.session)
    record = None if form.record is None else await write_record(uow, scope, form.record)
    rows = await records.attendance(lesson_id)
    for entry in form.attendance:
        apply_entry(uow, scope, rows, entry)
    mark_ids = [await _apply(uow, book, step) for _, step in sorted(steps, key=lambda s: s[0])]
    await remember(uow, key, retry, 200, {"mark_ids": [str(m) for m in mark_ids]})
    await uow.commit()
    return JournalSaved(await _sheet_saved(uow, book, rows, record), mark_ids)


async def _sheet_saved(
    uow: UnitOfWork, book: MarkBook, rows: dict[uuid.UUID, Attendance], record: LessonRecord | None
) -> LessonSheet:
    """The sheet as the save left it, from what it read and wrote under the lesson's lock (no re-read)."""
    live = [m for m in book.marks.values() if m.deleted_at is None]
    live.sort(key=lambda m: (as_utc(m.recorded_at), m.mark_id))
    return await assemble_sheet(
        uow,
        book.scope,
        record=record or await JournalRecords(uow.session).record(book.scope.lesson.lesson_id),
        marks=live,
        attendance={pupil: row for pupil, row in rows.items() if row.deleted_at is None},
        roster=book.roster,
        exempted=book.exempted,
        work_types=book.work_types,
    )


async def _plan_marks(
    book: MarkBook, entries: Sequence[MarkEntry], errors: list[FieldError]
) -> list[tuple[int, NewMark | MarkEdit | _Removal]]:
    """Check the lines: deletions first, then changes, then new marks (a deleted test frees its place);
    the errors come in the lines' order."""
    steps: list[tuple[int, NewMark | MarkEdit | _Removal]] = []
    found: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for i in sorted(range(len(entries)), key=lambda i: (not entries[i].delete, entries[i].mark_id is None)):
        entry, path = entries[i], f"body.marks.{i}"
        if entry.mark_id is None:
            form = _new_form(entry, path, found)
            new = None if form is None else await book.check_new(form, path, found)
            steps.extend([(i, new)] if new is not None else [])
            continue
        mark = book.marks.get(entry.mark_id)
        if mark is None or entry.mark_id in seen:
            detail = "Отметка не найдена среди отметок этого урока"
            found.append(FieldError(f"{path}.mark_id", "mark_not_found", detail))
            continue
        seen.add(mark.mark_id)
        if entry.delete:
            book.release(mark)
            steps.append((i, _Removal(mark, entry.change.reason)))
            continue
        edit = await book.check_edit(mark, entry.change, path, found)
        steps.extend([(i, edit)] if edit is not None else [])
    errors.extend(sorted(found, key=lambda e: int(e.field.split(".")[2])))
    return steps


def _new_form(entry: MarkEntry, path: str, errors: list[FieldError]) -> MarkForm | None:
    if entry.delete:
        errors.append(FieldError(f"{path}.mark_id", "missing", "Укажите отметку, которую нужно удалить"))
        return None
    pupil, value, work_type = entry.pupil_person_id, entry.change.value, entry.change.work_type_id
    sent = {"pupil_person_id": pupil, "value": value, "work_type_id": work_type}
    errors.extend(
        FieldError(f"{path}.{name}", "missing", "Обязательное поле") for name, v in sent.items() if v is None
    )
    if pupil is None or value is None or work_type is None:
        return None
    return MarkForm(pupil, value, work_type, entry.change.comment)


async def _apply(uow: UnitOfWork, book: MarkBook, step: NewMark | MarkEdit | _Removal) -> uuid.UUID:
    if isinstance(step, NewMark):
        return give(uow, book, step).mark_id
    if isinstance(step, MarkEdit):
        return amend(uow, book, step).mark_id
    return (await strike(uow, book, step.mark, step.reason)).mark_id
