"""Who reads and who writes in a lesson, and when a lesson takes writes.

Writers: the lesson's own teacher, or its active substitute for that lesson alone (seed 001, 2.1), each
holding a teacher's role in the lesson's school (seed 004, 4.4.7: every teacher keeps their own
records). Readers besides them: the class teacher of the lesson's class, the school's administration,
the municipality over the school and the ministry. Out of sight (nothing to do with the school) is the
404 of a lesson that does not exist; in sight without the right to write is 403.

A cancelled lesson, a lesson of a closed term and a lesson of an archived year take no writes (409);
marks and attendance wait for the lesson's day in the school's time zone (seed 001, 2.3: topics and
homework may go ahead of it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.common.db.idempotency import IdempotentRequests
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import FieldError, Problem, conflict, forbidden, not_found, unprocessable
from eschool.common.events.contingent import FullName
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.lesson_scope_queries import LessonFacts, lesson_facts
from eschool.journal.db.models import OrgUnit, SchoolClass
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import Attendance, IdempotentRequest, LessonRecord, Mark, WorkType
from eschool.journal.db.schedule import Lesson, Term
from eschool.journal.domain.scales import FIRST_GRADE

TEACHERS = (Role.subject_teacher, Role.class_teacher)
ADMINISTRATION = (Role.school_admin, Role.director, Role.deputy_director)
# What a mark and an attendance row copy of their lesson: averages and the diary read them without a join.
LESSON_FACTS = ("school_id", "lesson_id", "class_id", "subject_id", "term_id", "lesson_on")


@dataclass(frozen=True)
class LessonScope:
    """A lesson as the actor may touch it, with what its rules need around it (``LessonFacts``: class,
    term, active substitute, archive flag, time zone, subject scale, file count)."""

    facts: LessonFacts
    actor: Principal

    @property
    def lesson(self) -> Lesson:
        return self.facts.lesson

    @property
    def school_class(self) -> SchoolClass:
        return self.facts.school_class

    @property
    def term(self) -> Term | None:
        return self.facts.term

    @property
    def substitute_id(self) -> uuid.UUID | None:
        return self.facts.substitute_id

    @property
    def by_substitute(self) -> bool:
        """Whether the actor writes as the lesson's substitute rather than as its own teacher."""
        person = self.actor.person_id
        return person is not None and person == self.substitute_id and person != self.lesson.teacher_person_id

    @property
    def first_grade(self) -> bool:
        """Seed 004, 3.7: the first grade keeps topics and attendance only, no marks, no homework."""
        return self.school_class.grade == FIRST_GRADE


def lesson_not_found() -> Problem:
    """The one answer for a lesson that does not exist and a lesson out of the caller's sight."""
    return not_found("lesson_not_found", "Урок не найден")


def not_on_roster(where: str) -> FieldError:
    """The error of a pupil who is not on the lesson's roster that day."""
    detail = "Ученик не числится в классе (подгруппе) этого урока в день урока"
    return FieldError(where, "pupil_not_on_roster", detail)


def by_name(pupils: Iterable[uuid.UUID], names: Mapping[uuid.UUID, FullName]) -> list[uuid.UUID]:
    """The pupils in the journal's order: by last, first and middle name (names not known yet last)."""

    def key(pupil: uuid.UUID) -> tuple[bool, str, str, str, str]:
        name = names.get(pupil)
        if name is None:
            return (True, "", "", "", str(pupil))
        return (False, name.last_name, name.first_name, name.middle_name or "", str(pupil))

    return sorted(pupils, key=key)


def in_school(actor: Principal, school_id: uuid.UUID) -> bool:
    """Whether the actor holds any role in the school (so a refusal there may say 403, not 404)."""
    return any(binding.org_unit_id == school_id for binding in actor.bindings)


async def administers(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID) -> bool:
    """The school's administration, the municipality over it, the ministry."""
    if actor.has_role(*ADMINISTRATION, org_unit_id=school_id):
        return True
    jurisdiction = await jurisdiction_of(actor, schools_under(uow.session, OrgUnit.__table__))
    return jurisdiction.covers_school(school_id)


async def teaches_class(uow: UnitOfWork, actor: Principal, school_class: SchoolClass) -> bool:
    """Whether the actor is the class's class teacher (holding a teacher's role in its school)."""
    if actor.person_id is None or not actor.has_role(*TEACHERS, org_unit_id=school_class.school_id):
        return False
    return await Projections(uow.session).class_teacher_of(school_class.class_id) == actor.person_id


async def teaches_pupil(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, pupil_id: uuid.UUID, day: date | None = None
) -> bool:
    """Whether the actor is the class teacher of the pupil's class in the school on the day (today)."""
    projections = Projections(uow.session)
    day = day or today_in_zone(await projections.school_time_zone(school_id))
    for stay in await projections.classes_of_pupil_on(pupil_id, day):
        school_class = await projections.class_of(stay.class_id)
        if stay.school_id == school_id and school_class and await teaches_class(uow, actor, school_class):
            return True
    return False


def writes(scope: LessonScope) -> bool:
    """The lesson's teacher, or its active substitute, with a teacher's role in the school."""
    actor, lesson = scope.actor, scope.lesson
    if actor.person_id is None or not actor.has_role(*TEACHERS, org_unit_id=lesson.school_id):
        return False
    return actor.person_id in (lesson.teacher_person_id, scope.substitute_id)


async def open_lesson(
    uow: UnitOfWork, lesson_id: uuid.UUID, actor: Principal, *, write: bool, hidden: Problem | None = None
) -> LessonScope:
    """The lesson if the actor may read it (``write``: write in it), else 404 (``hidden``) or 403; a
    write holds the lesson until the transaction ends (writes in one lesson go one at a time: a single-mark
    work type and a first record are checked and inserted without a race)."""
    if write:
        await uow.serialize()
    facts = await lesson_facts(uow.session, lesson_id, hold=write)
    if facts is None:
        raise hidden or lesson_not_found()
    lesson, school_class = facts.lesson, facts.school_class
    scope = LessonScope(facts, actor)
    if writes(scope):
        return scope
    reads = await administers(uow, actor, lesson.school_id) or await teaches_class(uow, actor, school_class)
    if not reads and not in_school(actor, lesson.school_id):
        raise hidden or lesson_not_found()
    if write or not reads:
        raise forbidden(
            "lesson_write_denied" if write else "lesson_access_denied",
            "Вести записи урока могут только его учитель и учитель, назначенный на замену",
        )
    return scope


def journal_archived() -> Problem:
    """The 409 of a write in a school's year whose journals went to the archive (seed 004, 6.5)."""
    return conflict("journal_archived", "Журналы учебного года переданы в архив: изменять их нельзя")


def check_open(scope: LessonScope) -> None:
    """Refuse writes in an archived year, in a cancelled lesson and in a closed term (409)."""
    if scope.facts.archived:
        raise journal_archived()
    if scope.lesson.cancelled:
        raise conflict("lesson_cancelled", "Урок отменён: записи в нём невозможны")
    if scope.term is not None and scope.term.closed:
        raise conflict("term_closed", f"Период «{scope.term.name}» закрыт: записи его уроков изменить нельзя")


def check_happened(scope: LessonScope) -> None:
    """Refuse marks and attendance before the lesson's day in the school's time zone (422)."""
    if scope.lesson.lesson_on > today_in_zone(scope.facts.time_zone):
        raise unprocessable(
            "lesson_not_happened",
            "Урок ещё не проведён: отметки и посещаемость вносятся в день урока или позже",
        )


@dataclass(frozen=True)
class Retry:
    """The Idempotency-Key a client sent, and the digest of the request it came with."""

    key: str
    digest: str


def request_scope(actor: Principal, lesson_id: uuid.UUID, action: str) -> str:
    """Whose key it is and for what: the caller (user) and the lesson's action."""
    who = actor.user_id or actor.client_id
    return f"{who}:lesson:{lesson_id}:{action}"


async def replayed(uow: UnitOfWork, scope: str, retry: Retry | None) -> tuple[int, Any] | None:
    """The first answer to a retried request, or None after claiming the key (or without a key)."""
    if retry is None:
        return None
    return await IdempotentRequests(uow.session, IdempotentRequest.__table__).replay(
        scope, retry.key, retry.digest
    )


async def remember(uow: UnitOfWork, scope: str, retry: Retry | None, status: int, answer: Any) -> None:
    """Keep the answer under the claimed key; it commits with the request's effects."""
    if retry is not None:
        await IdempotentRequests(uow.session, IdempotentRequest.__table__).remember(
            scope, retry.key, status, answer
        )


@dataclass(frozen=True)
class SheetLine:
    """A pupil of the lesson: name, live marks, attendance, whether exempted from the subject that day."""

    pupil_id: uuid.UUID
    name: FullName | None
    marks: list[Mark]
    attendance: Attendance | None
    exempted: bool


@dataclass(frozen=True)
class LessonSheet:
    """The lesson as its readers see it: the lesson, its record, its pupils, the marks' work types."""

    scope: LessonScope
    record: LessonRecord | None
    lines: list[SheetLine]
    work_types: dict[uuid.UUID, WorkType]


async def read_sheet(uow: UnitOfWork, scope: LessonScope) -> LessonSheet:
    """The lesson's sheet: its roster that day (and anyone marked in it), in the journal's order."""
    records, lesson = JournalRecords(uow.session), scope.lesson
    attendance = {
        p: r for p, r in (await records.attendance(lesson.lesson_id)).items() if r.deleted_at is None
    }
    roster = await records.roster_with_exemptions(lesson)
    exempted = {pupil for pupil, exempt in roster.items() if exempt}
    return await assemble_sheet(
        uow,
        scope,
        record=await records.record(lesson.lesson_id),
        marks=await records.live_marks(lesson),
        attendance=attendance,
        roster=set(roster),
        exempted=exempted,
        work_types={},
    )


async def assemble_sheet(
    uow: UnitOfWork,
    scope: LessonScope,
    *,
    record: LessonRecord | None,
    marks: list[Mark],
    attendance: Mapping[uuid.UUID, Attendance],
    roster: set[uuid.UUID],
    exempted: set[uuid.UUID],
    work_types: Mapping[uuid.UUID, WorkType | None],
) -> LessonSheet:
    """The sheet of what is known of the lesson (a save's answer reuses what it read and wrote): names,
    work types not known yet, and the exemptions of pupils marked off the roster are read here."""
    records, lesson = JournalRecords(uow.session), scope.lesson
    pupils = roster | {m.pupil_person_id for m in marks} | set(attendance)
    names = await Projections(uow.session).names(pupils)
    if off_roster := pupils - roster:
        exempted = exempted | await records.exempted(
            lesson.school_id, lesson.subject_id, lesson.lesson_on, off_roster
        )
    known = {key: kind for key, kind in work_types.items() if kind is not None}
    if missing := {m.work_type_id for m in marks} - set(known):
        known.update(await records.work_types_by_id(missing))
    lines = [
        SheetLine(
            p, names.get(p), [m for m in marks if m.pupil_person_id == p], attendance.get(p), p in exempted
        )
        for p in by_name(pupils, names)
    ]
    return LessonSheet(scope, record, lines, known)


async def lesson_sheet(uow: UnitOfWork, lesson_id: uuid.UUID, *, actor: Principal) -> LessonSheet:
    """The lesson's sheet for a reader of the lesson."""
    return await read_sheet(uow, await open_lesson(uow, lesson_id, actor, write=False))
