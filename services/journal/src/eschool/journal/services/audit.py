"""The journal's audit trail: every change of a mark, an attendance entry or a lesson record leaves a
row (who, when, old, new, why) in the same transaction; the administration and the class teacher list a
pupil's, and the lesson's teacher too a lesson's, newest first."""

from __future__ import annotations

import uuid
from typing import Any

from eschool.common.auth import Principal
from eschool.common.db import Page, UnitOfWork, utcnow
from eschool.common.errors import forbidden, not_found
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.records import JournalAudit, Mark
from eschool.journal.services.lesson_access import administers, in_school, open_lesson, teaches_pupil


def mark_state(mark: Mark, work_type_code: str) -> dict[str, Any]:
    """What the audit keeps of a mark: its value, work type and comment."""
    return {
        "value": mark.value,
        "work_type_id": str(mark.work_type_id),
        "work_type": work_type_code,
        "comment": mark.comment,
    }


def add_audit(
    uow: UnitOfWork,
    actor: Principal,
    *,
    school_id: uuid.UUID,
    entity: str,
    entity_id: uuid.UUID,
    lesson_id: uuid.UUID | None,
    pupil_id: uuid.UUID | None,
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """Write one audit row of a change (in the change's own transaction)."""
    row = {
        "audit_id": uuid.uuid4(),
        "school_id": school_id,
        "entity": entity,
        "entity_id": entity_id,
        "lesson_id": lesson_id,
        "pupil_person_id": pupil_id,
        "action": action,
        "old": old,
        "new": new,
        "reason": reason,
        "actor_user_id": actor.user_id,
        "actor_person_id": actor.person_id,
        "actor_client_id": actor.client_id,
        "at": utcnow(),
    }
    # Nothing reads an audit row back in its own transaction: staged, the commit inserts them together.
    uow.stage(JournalAudit.__table__, row)


async def pupil_audit(
    uow: UnitOfWork,
    pupil_id: uuid.UUID,
    school_id: uuid.UUID,
    *,
    actor: Principal,
    cursor: str | None,
    limit: int,
) -> Page[JournalAudit]:
    """The changes of a pupil's records in a school, for its administration and the class teacher."""
    allowed = await administers(uow, actor, school_id) or await teaches_pupil(uow, actor, school_id, pupil_id)
    if not allowed:
        if not in_school(actor, school_id):
            raise not_found("pupil_not_found", "Обучающийся не найден")
        raise forbidden(
            "audit_access_denied",
            "Историю изменений видят администрация школы и классный руководитель обучающегося",
        )
    return await JournalRecords(uow.session).audit(school_id, pupil_id=pupil_id, cursor=cursor, limit=limit)


async def lesson_audit(
    uow: UnitOfWork, lesson_id: uuid.UUID, *, actor: Principal, cursor: str | None, limit: int
) -> Page[JournalAudit]:
    """The changes of a lesson's records, for its readers (the teacher, the class teacher, the school)."""
    scope = await open_lesson(uow, lesson_id, actor, write=False)
    school_id = scope.lesson.school_id
    return await JournalRecords(uow.session).audit(school_id, lesson_id=lesson_id, cursor=cursor, limit=limit)
