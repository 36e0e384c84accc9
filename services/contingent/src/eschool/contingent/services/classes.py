"""Classes of a school's academic years: the card, its changes and the class teacher.

Every change of a card is announced with the whole card (``ClassSavedV1``, newest wins); a change of
the class teacher is announced on its own as well (``ClassTeacherAssignedV1``, with the previous one),
for the consumers that follow only who leads which class.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import Repository, UnitOfWork, utcnow
from eschool.common.db.pagination import Page
from eschool.common.errors import Problem, not_found, unprocessable
from eschool.common.events.contingent import ClassSavedV1, ClassTeacherAssignedV1
from eschool.contingent.db.models import AcademicYear, SchoolClass
from eschool.contingent.domain.classes import ClassCard, Violation, check_card
from eschool.contingent.services.common import check_version, conflict_at, refused, touch
from eschool.contingent.services.scope import school_for


def class_not_found() -> Problem:
    """The 404 for a class that does not exist or is out of the caller's sight."""
    return not_found("class_not_found", "Класс не найден")


def class_exists(card: ClassCard, field: str) -> Problem:
    """The 409 for a second class with the same grade and letter in one year."""
    return conflict_at(
        "class_exists", f"Класс {card.grade} {card.letter} в этом учебном году уже есть", field
    )


async def create_class(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    card: ClassCard,
    *,
    actor: Principal,
    class_teacher_person_id: uuid.UUID | None = None,
) -> SchoolClass:
    """Create a class in one of the school's academic years; its grade and letter are unique in the year."""
    await school_for(uow, school_id, actor=actor, write=True)
    year = await uow.session.get(AcademicYear, academic_year_id)
    if year is None or year.school_id != school_id:
        raise unprocessable(
            "academic_year_not_set_up",
            "Такой учебный год в школе не заведён: сначала создайте учебный год, затем классы в нём",
            field_name="body.academic_year_id",
        )
    card = _checked(card)
    if await _taken(uow, academic_year_id, card.grade, card.letter, except_id=None):
        raise class_exists(card, "body.letter")
    now = utcnow()
    row = SchoolClass(
        class_id=uuid.uuid4(),
        school_id=school_id,
        academic_year_id=academic_year_id,
        class_teacher_person_id=class_teacher_person_id,
        created_at=now,
        updated_at=now,
        version=1,
        **_columns(card),
    )
    uow.session.add(row)
    await _flush(uow, card, "body.letter")
    announce_class_card(uow, row)
    if class_teacher_person_id is not None:
        _announce_teacher(uow, row, previous=None)
    return row


async def class_for(uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal, write: bool) -> SchoolClass:
    """The class if the actor may read it (``write``: change it, the row then locked); else 404 or 403."""
    row = await uow.session.get(SchoolClass, class_id, with_for_update=write)
    if row is None:
        raise class_not_found()
    await school_for(uow, row.school_id, actor=actor, write=write, hidden=class_not_found())
    return row


async def school_classes(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    *,
    actor: Principal,
    academic_year_id: uuid.UUID | None,
    grade: int | None,
    cursor: str | None,
    limit: int,
) -> Page[SchoolClass]:
    """The school's classes (of one year, of one grade), by grade, then letter."""
    await school_for(uow, school_id, actor=actor, write=False)
    stmt = select(SchoolClass).where(SchoolClass.school_id == school_id)
    if academic_year_id is not None:
        stmt = stmt.where(SchoolClass.academic_year_id == academic_year_id)
    if grade is not None:
        stmt = stmt.where(SchoolClass.grade == grade)
    keys = (SchoolClass.grade, SchoolClass.letter, SchoolClass.class_id)
    return await Repository(uow.session).paginate(stmt, keys=keys, cursor=cursor, limit=limit)


async def update_class(
    uow: UnitOfWork, class_id: uuid.UUID, changes: Mapping[str, Any], *, actor: Principal, version: int
) -> SchoolClass:
    """Change a class's card; refused if someone changed the class since ``version``."""
    row = await class_for(uow, class_id, actor=actor, write=True)
    check_version(row, version)
    current = _card_of(row)
    card = _checked(replace(current, **changes))
    if card == current:
        return row
    field = "body.letter" if "letter" in changes else "body.grade"
    if (card.grade, card.letter) != (current.grade, current.letter) and await _taken(
        uow, row.academic_year_id, card.grade, card.letter, except_id=row.class_id
    ):
        raise class_exists(card, field)
    for name, value in _columns(card).items():
        setattr(row, name, value)
    touch(row)
    await _flush(uow, card, field)
    announce_class_card(uow, row)
    return row


async def assign_class_teacher(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    person_id: uuid.UUID | None,
    *,
    actor: Principal,
    version: int | None = None,
) -> SchoolClass:
    """Make ``person_id`` the class teacher (None: no class teacher); setting the same one changes nothing."""
    row = await class_for(uow, class_id, actor=actor, write=True)
    check_version(row, version)
    previous = row.class_teacher_person_id
    if person_id == previous:
        return row
    row.class_teacher_person_id = person_id
    touch(row)
    _announce_teacher(uow, row, previous=previous)
    announce_class_card(uow, row)
    return row


async def _taken(
    uow: UnitOfWork, academic_year_id: uuid.UUID, grade: int, letter: str, *, except_id: uuid.UUID | None
) -> bool:
    stmt = select(SchoolClass.class_id).where(
        SchoolClass.academic_year_id == academic_year_id,
        SchoolClass.grade == grade,
        SchoolClass.letter == letter,
    )
    if except_id is not None:
        stmt = stmt.where(SchoolClass.class_id != except_id)
    return (await uow.session.execute(stmt.limit(1))).first() is not None


async def _flush(uow: UnitOfWork, card: ClassCard, field: str) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as error:
        # Two people saving the same grade and letter at once: the check above saw neither, the key did.
        if "grade" in str(error.orig):
            raise class_exists(card, field) from None
        raise


def _checked(card: ClassCard) -> ClassCard:
    try:
        return check_card(card)
    except Violation as violation:
        raise refused(violation) from None


def _card_of(row: SchoolClass) -> ClassCard:
    return ClassCard(**{f.name: getattr(row, f.name) for f in fields(ClassCard)})


def _columns(card: ClassCard) -> dict[str, Any]:
    return {f.name: getattr(card, f.name) for f in fields(ClassCard)}


def announce_class_card(uow: UnitOfWork, row: SchoolClass) -> None:
    """Publish the class's whole card (created, changed, carried into a new year)."""
    event = ClassSavedV1(
        class_id=row.class_id,
        school_id=row.school_id,
        academic_year_id=row.academic_year_id,
        grade=row.grade,
        letter=row.letter,
        kind=row.kind,  # type: ignore[arg-type]  # checked against ClassKind by check_card
        profile=row.profile,
        shift=row.shift,
        term_scheme_id=row.term_scheme_id,
        max_size=row.max_size,
        class_teacher_person_id=row.class_teacher_person_id,
        promoted_from_class_id=row.promoted_from_class_id,
        occurred_at=row.updated_at,
    )
    uow.outbox.add(event, subject=row.class_id, school_id=row.school_id)


def _announce_teacher(uow: UnitOfWork, row: SchoolClass, *, previous: uuid.UUID | None) -> None:
    event = ClassTeacherAssignedV1(
        class_id=row.class_id,
        school_id=row.school_id,
        person_id=row.class_teacher_person_id,
        previous_person_id=previous,
        occurred_at=row.updated_at,
    )
    uow.outbox.add(event, subject=row.class_id, school_id=row.school_id)
