"""Finding pupils and staff by name, personal file number or birth date, within the caller's schools.

The ministry searches the region, a municipality its schools, a school's administration and staff
their own school. Results carry what tells people apart (name, birth date, school, class, file
number), never SNILS or contacts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, select

from eschool.common.auth import Principal
from eschool.common.errors import forbidden, unprocessable
from eschool.contingent.db.models import OrgUnit, SchoolClass
from eschool.contingent.db.people import Person, PupilEnrolment
from eschool.contingent.db.staff import StaffEmployment
from eschool.contingent.db.text import text_matches
from eschool.contingent.services.people import classes_read, leads_class
from eschool.contingent.services.scope import SCHOOL_READERS, jurisdiction_of

MAX_RESULTS = 50
MIN_QUERY_LENGTH = 2


@dataclass(frozen=True)
class SearchQuery:
    """What was typed: a name fragment (words match surname, name or patronymic), a birth date, a personal
    file number; and optionally one school."""

    q: str | None = None
    birth_date: date | None = None
    personal_file_number: str | None = None
    school_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Found:
    """A person found: who, born when, where."""

    person_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: date | None
    school_id: uuid.UUID
    school_name: str
    class_id: uuid.UUID | None = None
    class_label: str | None = None
    personal_file_number: str | None = None
    position: str | None = None


async def search_pupils(uow: Any, query: SearchQuery, *, actor: Principal) -> list[Found]:
    """Pupils enrolled now in the caller's schools that match every criterion given."""
    schools = await _searchable(uow, query, actor)
    stmt = (
        select(Person, PupilEnrolment, SchoolClass, OrgUnit.short_name)
        .join(PupilEnrolment, PupilEnrolment.person_id == Person.person_id)
        .join(SchoolClass, SchoolClass.class_id == PupilEnrolment.class_id)
        .join(OrgUnit, OrgUnit.org_unit_id == PupilEnrolment.school_id)
        .where(PupilEnrolment.status == "enrolled")
    )
    stmt = _narrowed(stmt, query, PupilEnrolment.school_id, schools)
    if query.personal_file_number:
        stmt = stmt.where(PupilEnrolment.personal_file_number == query.personal_file_number.strip())
    rows = (await uow.session.execute(_ordered(stmt))).all()
    # A teacher finds the pupils of the classes they read (taught or led, once the load is distributed):
    # what a school lets the actor read is looked up once per school, not per pupil found.
    readable = {
        s: await classes_read(uow, actor, s) for s in {enrolment.school_id for _, enrolment, _, _ in rows}
    }
    return [
        _found(
            person,
            enrolment.school_id,
            name,
            class_id=row.class_id,
            class_label=f"{row.grade} {row.letter}",
            personal_file_number=enrolment.personal_file_number,
        )
        for person, enrolment, row, name in rows
        if readable[enrolment.school_id] is None
        or row.class_id in readable[enrolment.school_id]  # type: ignore[operator]
        or leads_class(actor, enrolment.school_id, row.class_teacher_person_id)
    ]


async def search_staff(uow: Any, query: SearchQuery, *, actor: Principal) -> list[Found]:
    """Staff working now in the caller's schools that match every criterion given."""
    if query.personal_file_number:
        raise unprocessable(
            "not_for_staff",
            "Номер личного дела есть только у обучающихся",
            field_name="query.personal_file_number",
        )
    schools = await _searchable(uow, query, actor)
    stmt = (
        select(Person, StaffEmployment, OrgUnit.short_name)
        .join(StaffEmployment, StaffEmployment.person_id == Person.person_id)
        .join(OrgUnit, OrgUnit.org_unit_id == StaffEmployment.school_id)
        .where(StaffEmployment.dismissed_on.is_(None))
    )
    stmt = _narrowed(stmt, query, StaffEmployment.school_id, schools)
    rows = (await uow.session.execute(_ordered(stmt))).all()
    return [
        _found(person, employment.school_id, name, position=employment.position)
        for person, employment, name in rows
    ]


async def _searchable(uow: Any, query: SearchQuery, actor: Principal) -> frozenset[uuid.UUID] | None:
    """The schools the caller may search (None: the whole region); 422 for an empty or too short query."""
    if not (query.q and len(query.q.strip()) >= MIN_QUERY_LENGTH) and not (
        query.birth_date or query.personal_file_number
    ):
        raise unprocessable(
            "query_too_vague",
            f"Укажите не меньше {MIN_QUERY_LENGTH} букв фамилии или имени, дату рождения "
            "или номер личного дела",
            field_name="query.q",
        )
    jurisdiction = await jurisdiction_of(uow, actor)
    if jurisdiction.everywhere:
        schools = None
    else:
        schools = jurisdiction.schools | frozenset(actor.org_units_for(*SCHOOL_READERS))
        if not schools:
            raise forbidden(
                "search_not_allowed", "Поиск доступен администрации, учителям и органам управления"
            )
    if query.school_id is not None:
        if schools is not None and query.school_id not in schools:
            raise forbidden("school_not_administered", "В этой школе искать вам не разрешено")
        return frozenset({query.school_id})
    return schools


def _narrowed(
    stmt: Select[Any], query: SearchQuery, school_column: Any, schools: frozenset[uuid.UUID] | None
) -> Select[Any]:
    if schools is not None:
        stmt = stmt.where(school_column.in_(schools))
    if query.birth_date is not None:
        stmt = stmt.where(Person.birth_date == query.birth_date)
    if query.q:
        # «Иванова Анна»: every word must be found in the surname, the name or the patronymic.
        words = [word for word in query.q.split() if word]
        names = (Person.last_name, Person.first_name, Person.middle_name)
        stmt = stmt.where(and_(*(text_matches(word, *names) for word in words)))
    return stmt


def _ordered(stmt: Select[Any]) -> Select[Any]:
    return stmt.order_by(Person.last_name, Person.first_name, Person.person_id).limit(MAX_RESULTS)


def _found(person: Person, school_id: uuid.UUID, school_name: str, **more: Any) -> Found:
    return Found(
        person_id=person.person_id,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        birth_date=person.birth_date,
        school_id=school_id,
        school_name=school_name,
        **more,
    )


__all__: Sequence[str] = ("Found", "SearchQuery", "search_pupils", "search_staff")
