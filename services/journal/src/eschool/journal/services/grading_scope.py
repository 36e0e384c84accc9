"""Who reads and who changes grading: a school's grading settings, a class's averages and term marks.

Settings (rounding policy, work types, subject scales): the school's administration (administrator,
director, deputy director) changes them; the school's teachers read them, since they mark by them; the
municipality and the ministry read them over their schools.

A class's averages in a subject, its term marks grid and the pre-close check: the teachers who teach the
class the subject (a lesson of theirs in the term, or in the year for the grid), the class teacher, the
administration, the municipality and the ministry. Term marks are set by the teachers who teach the
class the subject (seed 004, 4.4.5) and by the administration, who alone may change them once the term
is closed.

Out of sight (no role in the school, not one's jurisdiction) is 404, as if it did not exist; in sight
without the right, 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, forbidden, not_found
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.term_mark_queries import TermMarkQueries
from eschool.journal.services.lesson_access import (
    ADMINISTRATION,
    TEACHERS,
    administers,
    in_school,
    teaches_class,
)


async def check_settings(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool) -> None:
    """Pass if the actor may read (``write``: change) the school's grading settings, else 404 or 403."""
    if actor.has_role(*ADMINISTRATION, org_unit_id=school_id):
        return
    if not write and (
        actor.has_role(*TEACHERS, org_unit_id=school_id) or await administers(uow, actor, school_id)
    ):
        return
    detail = (
        "Настройки оценивания меняет администрация школы" if write else "Нет доступа к настройкам оценивания"
    )
    raise await _refusal(
        uow,
        actor,
        school_id,
        "grading_settings_denied",
        detail,
        not_found("school_not_found", "Школа не найдена"),
    )


async def check_class_subject(
    uow: UnitOfWork,
    actor: Principal,
    school_class: SchoolClass,
    subject_id: uuid.UUID,
    term_ids: Collection[uuid.UUID],
    *,
    write: bool,
) -> bool:
    """Pass if the actor may read (``write``: set) the class's averages and term marks in the subject,
    else 404 or 403; True when the actor passes as the administration."""
    school_id = school_class.school_id
    if actor.has_role(*ADMINISTRATION, org_unit_id=school_id) or (
        not write and await administers(uow, actor, school_id)
    ):
        return True
    if await _teaches(uow, actor, school_class, subject_id, term_ids, class_teacher_too=not write):
        return False
    code, detail = _DENIED[write]
    raise await _refusal(uow, actor, school_id, code, detail, class_not_found())


_DENIED = {
    False: (
        "class_subject_denied",
        "Успеваемость класса по предмету видят его учителя, классный руководитель и администрация",
    ),
    True: (
        "term_marks_denied",
        "Итоговые отметки выставляет учитель, который ведёт предмет в классе, или администрация",
    ),
}


def class_not_found() -> Problem:
    """The 404 for a class out of the caller's sight or unknown."""
    return not_found("class_not_found", "Класс не найден")


async def _teaches(
    uow: UnitOfWork,
    actor: Principal,
    school_class: SchoolClass,
    subject_id: uuid.UUID,
    term_ids: Collection[uuid.UUID],
    *,
    class_teacher_too: bool,
) -> bool:
    person = actor.person_id
    if person is None or not actor.has_role(*TEACHERS, org_unit_id=school_class.school_id):
        return False
    if class_teacher_too and await teaches_class(uow, actor, school_class):
        return True
    return bool(term_ids) and await TermMarkQueries(uow.session).teaches(
        school_class, subject_id, term_ids, person
    )


async def _refusal(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, code: str, detail: str, hidden: Problem
) -> Problem:
    in_sight = in_school(actor, school_id) or await administers(uow, actor, school_id)
    return forbidden(code, detail) if in_sight else hidden
