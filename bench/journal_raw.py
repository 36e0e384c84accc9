"""The bare layer of bench/journal.py: raw asyncpg on the journal's tables, one transaction per request
that writes the rows ours writes (outbox rows already published, so the journal's relay leaves them alone),
and one prepared SELECT for the diary's week."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from journal_data import Lesson
from journal_load import Call
from journal_processes import JOURNAL
from journal_requests import World, lesson_body

INSERT_MARK = """INSERT INTO mark (mark_id, school_id, lesson_id, pupil_person_id, class_id, subject_id,
    term_id, lesson_on, work_type_id, weight, value, numeric_value, comment, recorded_by, recorded_at,
    updated_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14, $14, NULL, 1)"""
INSERT_AUDIT = """INSERT INTO journal_audit (audit_id, school_id, entity, entity_id, lesson_id,
    pupil_person_id, action, old, new, reason, actor_user_id, actor_person_id, actor_client_id, at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8::jsonb, NULL, $9, $10, NULL, $11)"""
INSERT_OUTBOX = """INSERT INTO outbox_message (event_id, event_type, subject, school_id, envelope, created_at,
    published_at, attempts) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6, 0)"""
UPSERT_RECORD = """INSERT INTO lesson_record (lesson_id, school_id, lesson_on, topic, homework,
    homework_due_lesson_id, work_kind, taught_by_person_id, substitute, recorded_at, updated_at, updated_by,
    version) VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, false, $7, $7, $6, 1)
    ON CONFLICT (lesson_id) DO UPDATE SET topic = excluded.topic, homework = excluded.homework,
    updated_at = excluded.updated_at, version = lesson_record.version + 1"""
UPSERT_ATTENDANCE = """INSERT INTO attendance (lesson_id, pupil_person_id, school_id, class_id, subject_id,
    term_id, lesson_on, code, note, recorded_by, updated_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, NULL, 1)
    ON CONFLICT (lesson_id, pupil_person_id) DO UPDATE SET code = excluded.code,
    updated_at = excluded.updated_at, version = attendance.version + 1"""
DIARY_SQL = """
SELECT l.lesson_id, l.lesson_on, l.slot_number, l.starts_at, l.ends_at, l.subject_id, s.name AS subject_name,
       coalesce(nullif(r.topic, ''), l.planned_topic) AS topic, r.homework, r.work_kind,
       coalesce(r.substitute, false) AS substitute, pn.last_name, pn.first_name, pn.middle_name,
       (SELECT json_agg(json_build_object('mark_id', m.mark_id, 'value', m.value, 'weight', m.weight,
                'work_type', w.name, 'comment', m.comment, 'recorded_at', m.recorded_at)
                ORDER BY m.recorded_at)
          FROM mark m JOIN work_type w ON w.work_type_id = m.work_type_id
         WHERE m.school_id = l.school_id AND m.lesson_id = l.lesson_id AND m.pupil_person_id = $1
           AND m.deleted_at IS NULL) AS marks,
       (SELECT a.code FROM attendance a
         WHERE a.lesson_id = l.lesson_id AND a.pupil_person_id = $1 AND a.deleted_at IS NULL) AS absence
  FROM class_stay cs
  JOIN lesson l ON l.school_id = cs.school_id AND l.class_id = cs.class_id AND l.lesson_on BETWEEN $2 AND $3
  LEFT JOIN lesson_record r ON r.lesson_id = l.lesson_id
  LEFT JOIN subject s ON s.subject_id = l.subject_id
  LEFT JOIN person_name pn ON pn.person_id = cs.person_id
 WHERE cs.person_id = $1 AND cs.from_on <= $3 AND (cs.until_on IS NULL OR cs.until_on >= $2)
   AND NOT l.cancelled
 ORDER BY l.lesson_on, l.slot_number, l.starts_at"""


def raw_mark_call(world: World) -> Call:
    """The bare layer of a mark: its row, its audit row and its outbox row in one transaction."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        pupil = lesson.pupils[index % len(lesson.pupils)]
        mark, audit, outbox = mark_rows(world, lesson, pupil, "5", utc_now())
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_MARK, *mark)
            await conn.execute(INSERT_AUDIT, *audit)
            await conn.execute(INSERT_OUTBOX, *outbox)

    return call


def raw_lesson_call(world: World) -> Call:
    """The bare layer of a whole-lesson save: the record, two absences and eight marks, with an audit row
    and an outbox row each, in one transaction (upserts: the bare layer writes lessons again)."""

    async def call(index: int) -> None:
        rows = lesson_rows(world, world.lesson(index), utc_now())
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.execute(UPSERT_RECORD, *rows["record"])
            await conn.executemany(UPSERT_ATTENDANCE, rows["attendance"])
            await conn.executemany(INSERT_MARK, rows["marks"])
            await conn.executemany(INSERT_AUDIT, rows["audits"])
            await conn.executemany(INSERT_OUTBOX, rows["outbox"])

    return call


def lesson_rows(world: World, lesson: Lesson, now: datetime) -> dict[str, Any]:
    """The rows of a whole-lesson save: the record, the absences, the marks, their audit and outbox rows."""
    body = lesson_body(world, lesson)
    marks = [mark_rows(world, lesson, uuid.UUID(m["pupil_person_id"]), "4", now) for m in body["marks"]]
    head = (lesson.lesson_id, lesson.school_id, lesson.lesson_on)
    record = (*head, *body["record"].values(), lesson.teacher_id, now)
    audits, outbox = [m[1] for m in marks], [m[2] for m in marks]
    audits.append(_audit(lesson, "lesson_record", lesson.lesson_id, None, "changed", body["record"], now))
    outbox.append(_conducted(lesson, body["record"], now))
    absences = []
    for entry in body["attendance"]:
        absence, audit, event = _absence_rows(lesson, uuid.UUID(entry["pupil_person_id"]), now)
        absences.append(absence)
        audits.append(audit)
        outbox.append(event)
    marked = [m[0] for m in marks]
    return {"record": record, "attendance": absences, "marks": marked, "audits": audits, "outbox": outbox}


def raw_diary_call(world: World) -> Call:
    """The bare layer of the diary's week: one prepared SELECT (no access check, no JSON answer)."""
    pupils = world.data.pupils

    async def call(index: int) -> None:
        pupil = pupils[(index * 104729) % len(pupils)]
        first = world.data.term_start + timedelta(weeks=index % world.data.size.weeks)
        async with world.pool.acquire() as conn:
            rows = await conn.fetch(DIARY_SQL, pupil, first, first + timedelta(days=6))
        if not rows:
            raise RuntimeError(f"raw diary: no lessons for {pupil} in the week of {first}")

    return call


def mark_rows(
    world: World, lesson: Lesson, pupil: uuid.UUID, value: str, now: datetime
) -> tuple[tuple, tuple, tuple]:
    """A mark's row, its audit row and its outbox row."""
    mark_id, answer = uuid.uuid4(), world.data.work_types["answer"]
    head = (mark_id, lesson.school_id, lesson.lesson_id, pupil, *_place(lesson))
    mark = (*head, answer.work_type_id, answer.weight, value, int(value), lesson.teacher_id, now)
    state = {"value": value, "work_type_id": str(answer.work_type_id), "work_type": "answer", "comment": None}
    audit = _audit(lesson, "mark", mark_id, pupil, "created", state, now)
    data = {**_facts(lesson), "mark_id": mark_id, "pupil_person_id": pupil, "version": 1, "occurred_at": now}
    data |= {"work_type": "answer", "weight": answer.weight, "value": value, "numeric_value": int(value)}
    return mark, audit, envelope("journal.mark.recorded.v1", mark_id, lesson.school_id, data, now)


def _absence_rows(lesson: Lesson, pupil: uuid.UUID, now: datetime) -> tuple[tuple, tuple, tuple]:
    """An absence's row, its audit row and its outbox row."""
    row = (lesson.lesson_id, pupil, lesson.school_id, *_place(lesson), "absent", lesson.teacher_id, now)
    audit = _audit(lesson, "attendance", lesson.lesson_id, pupil, "created", {"code": "absent"}, now)
    data = {**_facts(lesson), "pupil_person_id": pupil, "code": "absent", "version": 1, "occurred_at": now}
    event = envelope("journal.attendance.recorded.v1", lesson.lesson_id, lesson.school_id, data, now)
    return row, audit, event


def _conducted(lesson: Lesson, record: dict[str, Any], now: datetime) -> tuple:
    """The outbox row of the lesson conducted: its facts, topic and homework, its teacher."""
    data = {**_facts(lesson), **record, "taught_by_person_id": lesson.teacher_id, "version": 1}
    return envelope("journal.lesson.conducted.v1", lesson.lesson_id, lesson.school_id, data, now)


def _audit(
    lesson: Lesson,
    entity: str,
    entity_id: uuid.UUID,
    pupil: uuid.UUID | None,
    action: str,
    new: Any,
    now: datetime,
) -> tuple:
    """A journal_audit row of the lesson's teacher."""
    subject = (entity, entity_id, lesson.lesson_id, pupil, action, dumps(new))
    return (uuid.uuid4(), lesson.school_id, *subject, uuid.uuid4(), lesson.teacher_id, now)


def envelope(
    event_type: str, subject: uuid.UUID, school: uuid.UUID, data: dict[str, Any], now: datetime
) -> tuple:
    """An outbox row as the journal writes it (the envelope with its CloudEvents attributes)."""
    event_id = uuid.uuid4()
    body = {
        "specversion": "1.0",
        "id": event_id,
        "type": event_type,
        "source": JOURNAL,
        "time": now,
        "subject": str(subject),
        "school_id": school,
        "correlation_id": str(uuid.uuid4()),
        "causation_id": None,
        "data": data,
    }
    return (event_id, event_type, str(subject), school, dumps(body), now)


def _facts(lesson: Lesson) -> dict[str, Any]:
    return {
        "school_id": lesson.school_id,
        "lesson_id": lesson.lesson_id,
        "class_id": lesson.class_id,
        "subject_id": lesson.subject_id,
        "term_id": lesson.term_id,
        "lesson_on": lesson.lesson_on,
    }


def _place(lesson: Lesson) -> tuple[Any, ...]:
    return (lesson.class_id, lesson.subject_id, lesson.term_id, lesson.lesson_on)


def dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def utc_now() -> datetime:
    return datetime.now(UTC)
