"""Marks in a lesson: given, changed, and deleted (the row is kept), each with its audit row and event.

The rules: the pupil is on the lesson's roster that day; the value is one of the subject's scale in the
class's grade (none in the first grade, seed 004 3.7); the work type is the school's and not retired,
and one that is not ``multiple`` takes one live mark per pupil in a lesson; a pupil exempted from the
subject that day gets no mark; the weight is the work type's at the time of marking.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError
from eschool.common.events.journal import MarkChangedV1, MarkDeletedV1, MarkFacts, MarkRecordedV1
from eschool.journal.db.grading import Grading
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.records import Mark, WorkType
from eschool.journal.domain.scales import GradingScale, InvalidMark, MarkValue, parse_mark, scale_of
from eschool.journal.services.audit import add_audit, mark_state
from eschool.journal.services.lesson_access import LESSON_FACTS, LessonScope, not_on_roster

SINGLE_MARK_TAKEN = "single_mark_taken"


@dataclass(frozen=True)
class MarkForm:
    """A new mark as the teacher typed it."""

    pupil_person_id: uuid.UUID
    value: str
    work_type_id: uuid.UUID
    comment: str | None = None


@dataclass(frozen=True)
class MarkPatch:
    """A change of a mark: what is None stays (``comment_given``: the comment was sent, even empty)."""

    value: str | None = None
    work_type_id: uuid.UUID | None = None
    comment: str | None = None
    comment_given: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class NewMark:
    """A mark that passed the rules, with its id chosen."""

    mark_id: uuid.UUID
    pupil_id: uuid.UUID
    value: MarkValue
    work_type: WorkType
    comment: str | None


@dataclass(frozen=True)
class MarkEdit:
    """A change of a live mark that passed the rules."""

    mark: Mark
    value: MarkValue
    work_type: WorkType
    comment: str | None
    reason: str | None


@dataclass
class MarkBook:
    """A lesson's marks as the rules see them while one request changes them: the live marks' pupils
    and work types move with every accepted entry, so two entries of one request cannot collide."""

    scope: LessonScope
    scale: GradingScale
    roster: set[uuid.UUID]
    exempted: set[uuid.UUID]
    marks: dict[uuid.UUID, Mark]
    held: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]
    grading: Grading
    work_types: dict[uuid.UUID, WorkType | None] = field(default_factory=dict)

    @classmethod
    async def open(cls, uow: UnitOfWork, scope: LessonScope) -> MarkBook:
        """The book of the lesson: its roster that day, who is exempted, its live marks."""
        lesson, records = scope.lesson, JournalRecords(uow.session)
        grading = Grading(uow.session)
        chosen = scope.facts.subject_scale
        scale = scale_of(scope.school_class.grade, None if chosen is None else GradingScale(chosen))
        pupils = await records.roster_with_exemptions(lesson)
        roster = set(pupils)
        exempted = {pupil for pupil, exempt in pupils.items() if exempt}
        marks = {m.mark_id: m for m in await records.live_marks(lesson)}
        held = {m.mark_id: (m.pupil_person_id, m.work_type_id) for m in marks.values()}
        return cls(scope, scale, roster, exempted, marks, held, grading)

    async def work_type(self, work_type_id: uuid.UUID) -> WorkType | None:
        """A work type the school may use, by id (read once per request)."""
        if work_type_id not in self.work_types:
            school = self.scope.lesson.school_id
            self.work_types[work_type_id] = await self.grading.work_type(school, work_type_id)
        return self.work_types[work_type_id]

    def parse(self, text: str, path: str, errors: list[FieldError]) -> MarkValue | None:
        """The value on the lesson's scale, or None with the error added."""
        try:
            return parse_mark(text, self.scale)
        except InvalidMark as error:
            code = "marks_not_given" if self.scale is GradingScale.none else "invalid_mark"
            errors.append(FieldError(f"{path}.value", code, str(error)))
            return None

    async def usable_work_type(
        self, work_type_id: uuid.UUID, path: str, errors: list[FieldError]
    ) -> WorkType | None:
        """The work type if the school has it and it is not retired, else None with the error added."""
        found = await self.work_type(work_type_id)
        if found is None:
            errors.append(FieldError(f"{path}.work_type_id", "work_type_not_found", "Вид работы не найден"))
        elif found.retired:
            detail = f"Вид работы «{found.name}» больше не используется"
            errors.append(FieldError(f"{path}.work_type_id", "work_type_retired", detail))
        return None if found is None or found.retired else found

    def check_single(
        self,
        pupil_id: uuid.UUID,
        work_type: WorkType,
        path: str,
        errors: list[FieldError],
        *,
        but: uuid.UUID | None,
    ) -> None:
        """A work type that is not ``multiple`` takes one live mark per pupil in the lesson."""
        if work_type.multiple:
            return
        taken = any(
            key != but and held == (pupil_id, work_type.work_type_id) for key, held in self.held.items()
        )
        if taken:
            detail = f"У ученика уже есть отметка за «{work_type.name}» на этом уроке"
            errors.append(FieldError(f"{path}.work_type_id", SINGLE_MARK_TAKEN, detail))

    async def check_new(self, form: MarkForm, path: str, errors: list[FieldError]) -> NewMark | None:
        """The new mark if it passes every rule, else None with the errors added (under ``path``)."""
        found = len(errors)
        pupil = form.pupil_person_id
        if pupil not in self.roster:
            errors.append(not_on_roster(f"{path}.pupil_person_id"))
        elif pupil in self.exempted:
            detail = "Ученик освобождён от предмета на день урока: отметка не ставится"
            errors.append(FieldError(f"{path}.pupil_person_id", "pupil_exempted", detail))
        value = self.parse(form.value, path, errors)
        work_type = await self.usable_work_type(form.work_type_id, path, errors)
        if work_type is not None:
            self.check_single(pupil, work_type, path, errors, but=None)
        if len(errors) > found or value is None or work_type is None:
            return None
        new = NewMark(uuid.uuid4(), pupil, value, work_type, form.comment)
        self.held[new.mark_id] = (pupil, work_type.work_type_id)
        return new

    async def check_edit(
        self, mark: Mark, patch: MarkPatch, path: str, errors: list[FieldError]
    ) -> MarkEdit | None:
        """The change if it passes every rule, else None with the errors added (under ``path``)."""
        found = len(errors)
        value = MarkValue(mark.value, mark.numeric_value)
        if patch.value is not None:
            value = self.parse(patch.value, path, errors) or value
        work_type = await self.work_type(mark.work_type_id)
        if patch.work_type_id is not None and patch.work_type_id != mark.work_type_id:
            work_type = await self.usable_work_type(patch.work_type_id, path, errors)
            if work_type is not None:
                self.check_single(mark.pupil_person_id, work_type, path, errors, but=mark.mark_id)
        if len(errors) > found or work_type is None:
            return None
        self.held[mark.mark_id] = (mark.pupil_person_id, work_type.work_type_id)
        comment = patch.comment if patch.comment_given else mark.comment
        return MarkEdit(mark, value, work_type, comment, patch.reason)

    def release(self, mark: Mark) -> None:
        """The mark is being deleted: its work type is free for the pupil again."""
        self.held.pop(mark.mark_id, None)


def weight_of(work_type: WorkType) -> Decimal:
    """The work type's weight now (a mark keeps the weight it was given with)."""
    return Decimal(work_type.weight)


def give(uow: UnitOfWork, book: MarkBook, new: NewMark) -> Mark:
    """Add the mark, its audit row and ``MarkRecordedV1``."""
    lesson, now = book.scope.lesson, utcnow()
    row = {name: getattr(lesson, name) for name in LESSON_FACTS} | {
        "mark_id": new.mark_id,
        "pupil_person_id": new.pupil_id,
        "work_type_id": new.work_type.work_type_id,
        "weight": weight_of(new.work_type),
        "value": new.value.text,
        "numeric_value": new.value.numeric,
        "comment": new.comment,
        "recorded_by": book.scope.actor.person_id,
        "recorded_at": now,
        "updated_at": now,
        "deleted_at": None,
        "version": 1,
    }
    # Nothing reads a new mark back from the database in its own transaction (the session does not
    # autoflush; the answer is built from the book): staged, the commit inserts a lesson's new marks in
    # one statement, without the ORM's flush of an object per mark. The object serves the answer.
    uow.stage(Mark.__table__, row)
    mark = Mark(**row)
    book.marks[mark.mark_id] = mark
    _audit(uow, book, mark, "created", None, mark_state(mark, new.work_type.code), None)
    event = MarkRecordedV1(**_facts(mark), **_valued(mark, new.work_type))
    uow.outbox.add(event, subject=mark.mark_id, school_id=mark.school_id)
    return mark


def amend(uow: UnitOfWork, book: MarkBook, edit: MarkEdit) -> Mark:
    """Change the mark, with its audit row and ``MarkChangedV1`` (nothing when nothing changes)."""
    mark, work_type = edit.mark, edit.work_type
    old_type = book.work_types.get(mark.work_type_id)
    old = mark_state(mark, old_type.code if old_type is not None else "")
    previous = mark.value
    if mark.work_type_id != work_type.work_type_id:
        mark.work_type_id, mark.weight = work_type.work_type_id, weight_of(work_type)
    mark.value, mark.numeric_value, mark.comment = edit.value.text, edit.value.numeric, edit.comment
    new = mark_state(mark, work_type.code)
    if new == old:
        return mark
    mark.version += 1
    mark.updated_at = utcnow()
    _audit(uow, book, mark, "changed", old, new, edit.reason)
    event = MarkChangedV1(**_facts(mark), **_valued(mark, work_type), previous_value=previous)
    uow.outbox.add(event, subject=mark.mark_id, school_id=mark.school_id)
    return mark


async def strike(uow: UnitOfWork, book: MarkBook, mark: Mark, reason: str | None) -> Mark:
    """Delete the mark (the row stays), with its audit row and ``MarkDeletedV1``."""
    work_type = await book.work_type(mark.work_type_id)
    book.release(mark)
    mark.deleted_at = mark.updated_at = utcnow()
    mark.version += 1
    old = mark_state(mark, work_type.code if work_type is not None else "")
    _audit(uow, book, mark, "deleted", old, None, reason)
    uow.outbox.add(MarkDeletedV1(**_facts(mark)), subject=mark.mark_id, school_id=mark.school_id)
    return mark


def _audit(
    uow: UnitOfWork, book: MarkBook, mark: Mark, action: str, old: Any, new: Any, reason: str | None
) -> None:
    add_audit(
        uow,
        book.scope.actor,
        school_id=mark.school_id,
        entity="mark",
        entity_id=mark.mark_id,
        lesson_id=mark.lesson_id,
        pupil_id=mark.pupil_person_id,
        action=action,
        old=old,
        new=new,
        reason=reason,
    )


def _facts(mark: Mark) -> dict[str, Any]:
    """What every mark event says, taken from the mark's columns of the same names."""
    names = set(MarkFacts.model_fields) - {"occurred_at"}
    return {**{name: getattr(mark, name) for name in names}, "occurred_at": mark.updated_at}


def _valued(mark: Mark, work_type: WorkType) -> dict[str, Any]:
    return {
        "work_type": work_type.code,
        "weight": mark.weight,
        "value": mark.value,
        "numeric_value": mark.numeric_value,
    }
