"""What an archived year's exports read: a class's summary sheet of final marks («Сводная ведомость учета
успеваемости») and a class's journal of a subject for the whole year, each in a few statements for the
whole class. The administration and the jurisdiction read them; ``archive_files`` writes the files.

Only an archived year exports (409 before); a part that retention has purged is gone (410).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, conflict
from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.archive_queries import ArchivedYear, Archives
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import LessonRecord
from eschool.journal.db.schedule import Lesson, Term
from eschool.journal.db.term_mark_queries import TermMarkQueries
from eschool.journal.services.archive import check_reader
from eschool.journal.services.averages import ClassTerm, pupil_names
from eschool.journal.services.grading_scope import class_not_found

# The journal's letters for absences (seed 004: Н, Б, У, О).
ATTENDANCE_LETTERS = {"absent": "Н", "ill": "Б", "excused": "У", "late": "О"}
ANNUAL, FINAL = "annual", "final"


@dataclass(frozen=True)
class ArchivedClass:
    """A class of an archived year: its archive, its card, its terms, its school's name (None until
    contingent said it) and the year as people name it."""

    archive: JournalArchive
    school_class: SchoolClass
    terms: list[Term]
    school_name: str | None = None

    @property
    def year_label(self) -> str:
        """«2025/2026 учебный год», from the year's first term."""
        starts = [t.starts_on for t in self.terms if t.starts_on is not None]
        first = min(starts, default=None)
        return "" if first is None else f"{first.year}/{first.year + 1} учебный год"


@dataclass(frozen=True)
class SummarySheet:
    """Pupils down (by name), subjects across; each subject's columns: its terms, the year, the final."""

    found: ArchivedClass
    columns: list[tuple[str, str]]  # (period_key, label) repeated under every subject
    subjects: list[tuple[uuid.UUID, str]]
    pupils: list[tuple[uuid.UUID, str]]
    marks: dict[tuple[uuid.UUID, uuid.UUID, str], str]

    def row(self, pupil_id: uuid.UUID) -> list[str]:
        """The pupil's marks across the sheet ('' where none was set)."""
        return [self.marks.get((pupil_id, s, key), "") for s, _ in self.subjects for key, _ in self.columns]


@dataclass(frozen=True)
class JournalExport:
    """A class's subject for the year: the lessons across, the pupils down, each cell marks and letter."""

    found: ArchivedClass
    subject_name: str
    lessons: list[Lesson]
    pupils: list[tuple[uuid.UUID, str]]
    cells: dict[tuple[uuid.UUID, uuid.UUID], str]
    records: dict[uuid.UUID, LessonRecord]


@dataclass(frozen=True)
class YearClass:
    """A class of a school's year, as an export's path and query name it."""

    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    class_id: uuid.UUID


# What a part of the archive answers once retention purged it (410): its code and Russian detail.
PURGED = {
    "journals": ("journal_purged", "Журнал удалён: истёк срок его хранения (5 лет)"),
    "summary_sheets": ("summary_sheet_purged", "Сводная ведомость удалена: истёк срок её хранения (25 лет)"),
}


async def open_archived_class(
    uow: UnitOfWork, ref: YearClass, *, actor: Principal, part: Literal["journals", "summary_sheets"]
) -> ArchivedClass:
    """The class of the school's archived year with its ``part`` still kept, for a reader of the
    archive; else 403/404, 409 (not archived) or 410 (purged)."""
    await check_reader(uow, actor, ref.school_id)
    archive = await Archives(uow.session).get(ref.school_id, ref.academic_year_id)
    if archive is None:
        raise conflict("journal_not_archived", "Журналы этого учебного года ещё не переданы в архив")
    school_class = await Projections(uow.session).class_of(ref.class_id)
    if school_class is None or (school_class.school_id, school_class.academic_year_id) != (
        ref.school_id,
        ref.academic_year_id,
    ):
        raise class_not_found()
    purged = archive.journals_purged_at if part == "journals" else archive.summary_sheets_purged_at
    if purged is not None:
        raise Problem(410, *PURGED[part], title="Срок хранения истёк")
    terms = await TermMarkQueries(uow.session).terms_of(school_class)
    return ArchivedClass(
        archive, school_class, terms, await Projections(uow.session).unit_name(ref.school_id)
    )


async def summary_sheet(uow: UnitOfWork, ref: YearClass, *, actor: Principal) -> SummarySheet:
    """The class's term, annual and final marks of the archived year in every subject."""
    found = await open_archived_class(uow, ref, actor=actor, part="summary_sheets")
    year = ArchivedYear(uow.session)
    rows = await year.term_marks(found.school_class)
    subjects = await year.subjects({r.subject_id for r in rows})
    ordered = sorted(((s.subject_id, s.name) for s in subjects.values()), key=lambda s: (s[1], str(s[0])))
    columns = [(str(t.term_id), t.name) for t in found.terms] + [(ANNUAL, "Год"), (FINAL, "Итоговая")]
    pupils = await _pupils(uow, found, {r.pupil_person_id for r in rows})
    marks = {(r.pupil_person_id, r.subject_id, r.period_key): r.value for r in rows}
    return SummarySheet(found, columns, ordered, pupils, marks)


async def journal_export(
    uow: UnitOfWork, ref: YearClass, subject_id: uuid.UUID, *, actor: Principal
) -> JournalExport:
    """The class's journal of the subject for the archived year: marks, absences, topics, homework."""
    found = await open_archived_class(uow, ref, actor=actor, part="journals")
    year = ArchivedYear(uow.session)
    lessons = await year.lessons(found.school_class, subject_id)
    cells: dict[tuple[uuid.UUID, uuid.UUID], list[str]] = {}
    for mark in await year.marks(found.school_class, lessons):
        cells.setdefault((mark.pupil_person_id, mark.lesson_id), []).append(mark.value)
    for entry in await year.attendance(found.school_class, lessons):
        letter = ATTENDANCE_LETTERS.get(entry.code, entry.code)
        cells.setdefault((entry.pupil_person_id, entry.lesson_id), []).append(letter)
    subject = (await year.subjects([subject_id])).get(subject_id)
    pupils = await _pupils(uow, found, {p for p, _ in cells})
    joined = {key: " ".join(values) for key, values in cells.items()}
    name = subject.name if subject else ""
    return JournalExport(found, name, lessons, pupils, joined, await year.records(lessons))


async def _pupils(
    uow: UnitOfWork, found: ArchivedClass, marked: set[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    """The class's pupils of the year and anyone marked in it, by name («Иванов Иван»)."""
    span = ClassTerm.year_span(found.terms)
    pupils = sorted(set(await TermMarkQueries(uow.session).roster(found.school_class, *span)) | marked)
    names = await pupil_names(uow, pupils)
    return sorted(((p, names.get(p, "")) for p in pupils), key=lambda p: (not p[1], p[1], str(p[0])))
