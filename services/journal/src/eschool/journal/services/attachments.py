"""Homework files of a lesson: uploaded and deleted by the lesson's writers, downloaded by its readers
and by the pupils it is for and their guardians.

A file is judged by its bytes (``domain.file_types``); a lesson holds at most ten live files; the first
grade gets no homework, so no files (seed 004, 3.7); a cancelled lesson and a closed term take none.
A deleted file keeps its row (``deleted_at``). The bytes live behind an ``AttachmentStore``: the
journal's own database today, an object store later (then ``storage_key`` names the object). An upload or
a deletion re-emits the lesson's ``LessonConductedV1`` with the new count when the lesson has a record.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.db.idempotency import request_hash
from eschool.common.errors import FieldError, Problem, not_found, unprocessable
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import HomeworkAttachment
from eschool.journal.db.schedule import Lesson
from eschool.journal.domain.file_types import RefusedFile, detect, display_name
from eschool.journal.services.audit import add_audit
from eschool.journal.services.lesson_access import (
    LessonScope,
    Retry,
    check_open,
    open_lesson,
    remember,
    replayed,
    request_scope,
)
from eschool.journal.services.lesson_save import conducted_event

MAX_FILES = 10


class AttachmentStore(Protocol):
    """Where a file's bytes live."""

    async def put(self, row: HomeworkAttachment, content: bytes) -> None:
        """Keep the bytes of the new file (setting ``storage_key`` if they live elsewhere)."""
        ...

    async def get(self, row: HomeworkAttachment) -> bytes:
        """The file's bytes."""
        ...


class DatabaseStore:
    """The bytes in the journal's own database, beside the file's row."""

    async def put(self, row: HomeworkAttachment, content: bytes) -> None:
        """Keep the bytes in the row."""
        row.content, row.storage_key = content, None

    async def get(self, row: HomeworkAttachment) -> bytes:
        """The bytes of the row."""
        return row.content or b""


@dataclass(frozen=True)
class Upload:
    """A file as the client sent it: the name it gave and the bytes."""

    file_name: str
    content: bytes


def attachment_not_found() -> Problem:
    """The one answer for a file that does not exist, was deleted, or is out of the caller's sight."""
    return not_found("attachment_not_found", "Файл не найден")


def refused_type(detail: str) -> Problem:
    """The 415 of a file whose bytes are none of the allowed types."""
    errors = [FieldError("file", "unsupported_file_type", detail)]
    return Problem(415, "unsupported_file_type", detail, title="Неподдерживаемый формат", errors=errors)


def upload_retry(key: str | None, upload: Upload) -> Retry | None:
    """An upload's retry key with the digest of what it sends: the file's name and bytes."""
    if key is None:
        return None
    return Retry(key, request_hash({"file_name": upload.file_name, "sha256": _digest(upload.content)}))


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def attach_file(
    uow: UnitOfWork,
    lesson_id: uuid.UUID,
    upload: Upload,
    *,
    actor: Principal,
    store: AttachmentStore,
    retry: Retry | None = None,
) -> HomeworkAttachment:
    """Attach a file to the lesson's homework (the lesson's teacher or substitute); the same
    Idempotency-Key again answers the same file (a teacher on a bad connection sends it twice)."""
    scope = await open_lesson(uow, lesson_id, actor, write=True)
    key = request_scope(actor, lesson_id, "attachment")
    if (answer := await replayed(uow, key, retry)) is not None:
        first = await uow.session.get(HomeworkAttachment, uuid.UUID(answer[1]["attachment_id"]))
        if first is None:
            raise attachment_not_found()
        return first
    check_open(scope)
    if scope.first_grade:
        detail = "В 1 классе домашнее задание не задаётся: файлы к нему не прикрепляются"
        raise unprocessable("first_grade_no_homework", detail, field_name="file")
    try:
        kind = detect(upload.content, upload.file_name)
    except RefusedFile as refused:
        raise refused_type(str(refused)) from None
    if scope.facts.attachments >= MAX_FILES:
        detail = f"К уроку можно прикрепить не больше {MAX_FILES} файлов: удалите ненужные"
        raise unprocessable("too_many_attachments", detail, field_name="file")
    row = HomeworkAttachment(
        attachment_id=uuid.uuid4(),
        school_id=scope.lesson.school_id,
        lesson_id=lesson_id,
        file_name=display_name(upload.file_name, kind),
        content_type=kind.media_type,
        size_bytes=len(upload.content),
        sha256=_digest(upload.content),
        uploaded_by=actor.person_id,
        uploaded_at=utcnow(),
        deleted_at=None,
    )
    await store.put(row, upload.content)
    uow.session.add(row)
    await _changed(uow, scope, row, "created", None, _state(row))
    await remember(uow, key, retry, 201, {"attachment_id": str(row.attachment_id)})
    await uow.commit()
    return row


async def attachment_file(
    uow: UnitOfWork, attachment_id: uuid.UUID, *, actor: Principal, store: AttachmentStore
) -> tuple[HomeworkAttachment, bytes]:
    """A file with its bytes, for the lesson's readers, its pupils and their guardians."""
    row = await _live(uow, attachment_id)
    lesson = await Projections(uow.session).lesson(row.lesson_id)
    if lesson is None:
        raise attachment_not_found()
    if not await _pupil_or_guardian(uow, actor, lesson):
        try:
            await open_lesson(uow, row.lesson_id, actor, write=False, hidden=attachment_not_found())
        except Problem as refused:
            # In sight of the school is not enough: a file the caller may not open does not exist.
            raise attachment_not_found() from refused
    return row, await store.get(row)


async def delete_attachment(uow: UnitOfWork, attachment_id: uuid.UUID, *, actor: Principal) -> None:
    """Delete a file of the homework (the lesson's teacher or substitute); its row stays."""
    row = await _live(uow, attachment_id)
    scope = await open_lesson(uow, row.lesson_id, actor, write=True, hidden=attachment_not_found())
    check_open(scope)
    row.deleted_at = utcnow()
    await _changed(uow, scope, row, "deleted", _state(row), None)
    await uow.commit()


async def _live(uow: UnitOfWork, attachment_id: uuid.UUID) -> HomeworkAttachment:
    row = await uow.session.get(HomeworkAttachment, attachment_id)
    if row is None or row.deleted_at is not None:
        raise attachment_not_found()
    return row


async def _pupil_or_guardian(uow: UnitOfWork, actor: Principal, lesson: Lesson) -> bool:
    """Whether the actor is a pupil on the lesson's roster, or a guardian linked to one."""
    person, projections = actor.person_id, Projections(uow.session)
    if person is None or not actor.has_role(Role.pupil, Role.guardian):
        return False
    roster = set(await projections.lesson_roster(lesson))
    if actor.has_role(Role.pupil) and person in roster:
        return True
    children = {pupil for pupil, _ in await projections.children_of(person)}
    return actor.has_role(Role.guardian) and bool(children & roster)


def _state(row: HomeworkAttachment) -> dict[str, Any]:
    return {
        "file_name": row.file_name,
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
    }


async def _changed(
    uow: UnitOfWork,
    scope: LessonScope,
    row: HomeworkAttachment,
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> None:
    """The audit row, and the lesson's record re-announced with the new count of files."""
    lesson = scope.lesson
    add_audit(
        uow,
        scope.actor,
        school_id=lesson.school_id,
        entity="attachment",
        entity_id=row.attachment_id,
        lesson_id=lesson.lesson_id,
        pupil_id=None,
        action=action,
        old=old,
        new=new,
    )
    records = JournalRecords(uow.session)
    record = await records.record(lesson.lesson_id)
    if record is None:
        return
    await uow.session.flush()
    record.version += 1
    record.updated_at, record.updated_by = utcnow(), scope.actor.person_id
    count = await records.attachment_count(lesson.lesson_id)
    event = conducted_event(lesson, record, count)
    uow.outbox.add(event, subject=lesson.lesson_id, school_id=lesson.school_id)
