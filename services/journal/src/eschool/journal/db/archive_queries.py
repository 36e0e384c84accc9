"""Queries of the journal archive: the archive rows, a school's terms of a year, an archived class's
term marks and a subject's lessons with their marks, attendance and records (one statement each, the
whole class at once), and retention's deletes of a school's year (the one place rows really go)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.sql.dml import Delete

from eschool.common.db import Repository
from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.records import (
    Attendance,
    HomeworkAttachment,
    JournalAudit,
    LessonRecord,
    Mark,
    TermMark,
)
from eschool.journal.db.schedule import Lesson, Subject, Term


def year_terms(school_id: uuid.UUID, academic_year_id: uuid.UUID) -> Select[Any]:
    """The ids of the school's terms of the year (of every term scheme it uses)."""
    t = Term
    return select(t.term_id).where(t.school_id == school_id, t.academic_year_id == academic_year_id)


def year_lessons(school_id: uuid.UUID, academic_year_id: uuid.UUID) -> Select[Any]:
    """The ids of the school's lessons of the year: those of its terms of the year."""
    terms = year_terms(school_id, academic_year_id)
    return select(Lesson.lesson_id).where(Lesson.school_id == school_id, Lesson.term_id.in_(terms))


class Archives(Repository):
    """The archive rows, and what archiving a year asks of its terms."""

    async def archived(self, school_id: uuid.UUID, academic_year_id: uuid.UUID) -> bool:
        """Whether the school's year is in the archive (and so read-only)."""
        stmt = select(JournalArchive.school_id).where(
            JournalArchive.school_id == school_id, JournalArchive.academic_year_id == academic_year_id
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get(
        self, school_id: uuid.UUID, academic_year_id: uuid.UUID, *, lock: bool = False
    ) -> JournalArchive | None:
        """The school's archive of the year (``lock``: held until the transaction ends)."""
        stmt = select(JournalArchive).where(
            JournalArchive.school_id == school_id, JournalArchive.academic_year_id == academic_year_id
        )
        stmt = stmt.with_for_update().execution_options(populate_existing=True) if lock else stmt
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_school(self, school_id: uuid.UUID) -> list[JournalArchive]:
        """The school's archives, the newest first."""
        a = JournalArchive
        stmt = select(a).where(a.school_id == school_id).order_by(a.archived_at.desc(), a.academic_year_id)
        return list((await self.session.execute(stmt)).scalars())

    async def terms(self, school_id: uuid.UUID, academic_year_id: uuid.UUID) -> list[Term]:
        """The school's terms of the year, in the order of their dates."""
        stmt = select(Term).where(Term.term_id.in_(year_terms(school_id, academic_year_id)))
        return list(
            (await self.session.execute(stmt.order_by(Term.starts_on, Term.number, Term.name))).scalars()
        )

    async def due(self, today: date, *, summary_sheets: bool) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """The archives whose journals (``summary_sheets``: summary sheets) were kept their time and are
        still here, by school and year."""
        a = JournalArchive
        until, purged = (
            (a.summary_sheets_kept_until, a.summary_sheets_purged_at)
            if summary_sheets
            else (a.journals_kept_until, a.journals_purged_at)
        )
        stmt = select(a.school_id, a.academic_year_id).where(until < today, purged.is_(None))
        return [(s, y) for s, y in await self.session.execute(stmt.order_by(a.school_id, a.academic_year_id))]


class ArchivedYear(Repository):
    """An archived year's class and subject, read whole for its exports."""

    async def term_marks(self, school_class: SchoolClass) -> list[TermMark]:
        """The class's live term, annual and final marks of its year, every subject at once."""
        m = TermMark
        stmt = select(m).where(
            m.school_id == school_class.school_id,
            m.class_id == school_class.class_id,
            m.academic_year_id == school_class.academic_year_id,
            m.deleted_at.is_(None),
        )
        return list((await self.session.execute(stmt)).scalars())

    async def subjects(self, subject_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Subject]:
        """The subjects by id."""
        stmt = select(Subject).where(Subject.subject_id.in_(subject_ids))
        return {s.subject_id: s for s in (await self.session.execute(stmt)).scalars()}

    async def lessons(self, school_class: SchoolClass, subject_id: uuid.UUID) -> list[Lesson]:
        """The class's lessons of the subject in its year (not cancelled), in the order they were given."""
        c, x = school_class, Lesson
        stmt = select(x).where(
            x.school_id == c.school_id,
            x.class_id == c.class_id,
            x.subject_id == subject_id,
            x.term_id.in_(year_terms(c.school_id, c.academic_year_id)),
            x.cancelled.is_(False),
        )
        return list((await self.session.execute(stmt.order_by(x.lesson_on, x.slot_number))).scalars())

    async def marks(self, school_class: SchoolClass, lessons: Collection[Lesson]) -> list[Mark]:
        """The live marks of the lessons, oldest first."""
        m, terms = Mark, {x.term_id for x in lessons}
        stmt = select(m).where(
            m.school_id == school_class.school_id,
            m.class_id == school_class.class_id,
            m.term_id.in_(terms),
            m.lesson_id.in_([x.lesson_id for x in lessons]),
            m.deleted_at.is_(None),
        )
        return list((await self.session.execute(stmt.order_by(m.recorded_at))).scalars())

    async def attendance(self, school_class: SchoolClass, lessons: Collection[Lesson]) -> list[Attendance]:
        """The live attendance entries of the lessons."""
        a = Attendance
        stmt = select(a).where(
            a.school_id == school_class.school_id,
            a.lesson_id.in_([x.lesson_id for x in lessons]),
            a.deleted_at.is_(None),
        )
        return list((await self.session.execute(stmt)).scalars())

    async def records(self, lessons: Collection[Lesson]) -> dict[uuid.UUID, LessonRecord]:
        """The lessons' records by lesson."""
        stmt = select(LessonRecord).where(LessonRecord.lesson_id.in_([x.lesson_id for x in lessons]))
        return {r.lesson_id: r for r in (await self.session.execute(stmt)).scalars()}


class Purges(Repository):
    """Retention's deletes of a school's year; each returns how many rows of each kind went."""

    async def journals(self, school_id: uuid.UUID, academic_year_id: uuid.UUID) -> dict[str, int]:
        """The year's lesson-level rows: audit rows of its lessons, attachments, marks, attendance,
        lesson records (audit first: it names the others)."""
        lessons, terms = year_lessons(school_id, academic_year_id), year_terms(school_id, academic_year_id)
        a, h, m, t, r = JournalAudit, HomeworkAttachment, Mark, Attendance, LessonRecord
        return {
            "audit": await self._run(delete(a).where(a.school_id == school_id, a.lesson_id.in_(lessons))),
            "attachments": await self._run(
                delete(h).where(h.school_id == school_id, h.lesson_id.in_(lessons))
            ),
            "marks": await self._run(delete(m).where(m.school_id == school_id, m.term_id.in_(terms))),
            "attendance": await self._run(delete(t).where(t.school_id == school_id, t.term_id.in_(terms))),
            "lesson_records": await self._run(
                delete(r).where(r.school_id == school_id, r.lesson_id.in_(lessons))
            ),
        }

    async def summary_sheets(self, school_id: uuid.UUID, academic_year_id: uuid.UUID) -> dict[str, int]:
        """The year's term, annual and final marks, and their audit rows."""
        m, a = TermMark, JournalAudit
        marks = select(m.term_mark_id).where(m.school_id == school_id, m.academic_year_id == academic_year_id)
        audit = delete(a).where(a.school_id == school_id, a.entity == "term_mark", a.entity_id.in_(marks))
        return {
            "term_mark_audit": await self._run(audit),
            "term_marks": await self._run(
                delete(m).where(m.school_id == school_id, m.academic_year_id == academic_year_id)
            ),
        }

    async def _run(self, stmt: Delete) -> int:
        result = await self.session.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
