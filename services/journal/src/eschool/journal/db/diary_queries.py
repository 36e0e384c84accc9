"""The diary's queries: a pupil's classes, subgroups, lessons, marks and absences over a span of days,
each one statement (the diary is read by every family each morning: a screen costs a handful of
indexed queries, never one per lesson)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.journal.db.models import (
    ClassStay,
    ClassTeacher,
    GuardianLink,
    PersonName,
    SchoolClass,
)
from eschool.journal.db.records import Attendance, HomeworkAttachment, Mark, TermMark, WorkType
from eschool.journal.db.schedule import Subject, Term


def _overlaps(from_col: object, until_col: object, start: date, end: date) -> object:
    """A dated stay overlapping the days ``start``..``end``."""
    return and_(or_(from_col.is_(None), from_col <= end), or_(until_col.is_(None), until_col >= start))  # type: ignore[attr-defined]


class DiaryQueries:
    """Reads for the diary and for the check of who may read it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def children_of(self, guardian_id: uuid.UUID) -> list[uuid.UUID]:
        """The pupils the guardian is linked to, in every school."""
        g = GuardianLink
        stmt = select(g.pupil_person_id).where(g.guardian_person_id == guardian_id, g.linked.is_(True))
        return sorted(set((await self.session.execute(stmt)).scalars()))

    async def stays_of(self, pupil_id: uuid.UUID) -> list[ClassStay]:
        """Every stay of the pupil in a class, in any school, oldest first."""
        stmt = select(ClassStay).where(ClassStay.person_id == pupil_id, ClassStay.from_on.is_not(None))
        return list((await self.session.execute(stmt.order_by(ClassStay.from_on))).scalars())

    async def teaches_as_class_teacher(self, person_id: uuid.UUID, classes: Collection[uuid.UUID]) -> bool:
        """True if the person is the class teacher of one of the classes."""
        c = ClassTeacher
        stmt = select(c.class_id).where(c.class_id.in_(classes), c.person_id == person_id).limit(1)
        return (await self.session.execute(stmt)).first() is not None

    async def classes(self, class_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, SchoolClass]:
        """The classes by id."""
        stmt = select(SchoolClass).where(SchoolClass.class_id.in_(class_ids))
        return {c.class_id: c for c in (await self.session.execute(stmt)).scalars()}

    async def names(self, person_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, PersonName]:
        """People's kept names by id."""
        stmt = select(PersonName).where(PersonName.person_id.in_(person_ids))
        return {n.person_id: n for n in (await self.session.execute(stmt)).scalars()}

    async def attachments(self, lesson_ids: Collection[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
        """The homework files of the lessons: (lesson, attachment, file name); the bytes stay behind."""
        h = HomeworkAttachment
        stmt = (
            select(h.lesson_id, h.attachment_id, h.file_name)
            .where(h.lesson_id.in_(lesson_ids), h.deleted_at.is_(None))
            .order_by(h.uploaded_at)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def terms(self, term_ids: Collection[uuid.UUID]) -> list[Term]:
        """The terms by id, in their order."""
        stmt = select(Term).where(Term.term_id.in_(term_ids)).order_by(Term.number)
        return list((await self.session.execute(stmt)).scalars())

    async def scheme_terms(self, term_scheme_id: uuid.UUID) -> list[Term]:
        """The terms of a scheme, in their order."""
        stmt = select(Term).where(Term.term_scheme_id == term_scheme_id).order_by(Term.number)
        return list((await self.session.execute(stmt)).scalars())

    async def term_marks(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID, academic_year_id: uuid.UUID
    ) -> list[TermMark]:
        """The pupil's live term, annual and final marks of the year."""
        t = TermMark
        stmt = select(t).where(t.school_id == school_id, t.pupil_person_id == pupil_id)
        stmt = stmt.where(t.academic_year_id == academic_year_id)
        return list((await self.session.execute(stmt.where(t.deleted_at.is_(None)))).scalars())

    async def subject_names(self, subject_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Subjects' names by id."""
        stmt = select(Subject.subject_id, Subject.name).where(Subject.subject_id.in_(subject_ids))
        return {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}

    async def absences_by_subject(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID, term_id: uuid.UUID
    ) -> dict[uuid.UUID, int]:
        """How many lessons of each subject the pupil missed in the term (lateness not counted)."""
        a = Attendance
        stmt = (
            select(a.subject_id, func.count())
            .where(a.school_id == school_id, a.pupil_person_id == pupil_id, a.term_id == term_id)
            .where(a.deleted_at.is_(None))
            .where(a.code != "late")
            .group_by(a.subject_id)
        )
        return {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}

    async def term_marks_of_term(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID, term_id: uuid.UUID
    ) -> list[tuple[Mark, str]]:
        """The pupil's live marks of the term, with their work types' names, in date order."""
        stmt = (
            select(Mark, WorkType.name)
            .join(WorkType, WorkType.work_type_id == Mark.work_type_id)
            .where(Mark.school_id == school_id, Mark.pupil_person_id == pupil_id, Mark.term_id == term_id)
            .where(Mark.deleted_at.is_(None))
            .order_by(Mark.lesson_on, Mark.recorded_at)
        )
        return [(mark, name) for mark, name in (await self.session.execute(stmt)).all()]

    async def recent(
        self, schools: Collection[uuid.UUID], pupil_id: uuid.UUID, since: datetime, limit: int
    ) -> tuple[list[Mark], list[Attendance]]:
        """The pupil's marks and attendance entries changed since ``since`` (deleted too), newest first."""
        marks = (
            select(Mark)
            .where(Mark.school_id.in_(schools), Mark.pupil_person_id == pupil_id, Mark.updated_at >= since)
            .order_by(Mark.updated_at.desc())
            .limit(limit)
        )
        absences = (
            select(Attendance)
            .where(Attendance.school_id.in_(schools), Attendance.pupil_person_id == pupil_id)
            .where(Attendance.updated_at >= since)
            .order_by(Attendance.updated_at.desc())
            .limit(limit)
        )
        return (
            list((await self.session.execute(marks)).scalars()),
            list((await self.session.execute(absences)).scalars()),
        )
