"""Places (seed 000, point 7): the free places a school offers in each grade of a school year, and the
assignment of a registered application to a class, which never takes more than there are.

No overbooking: an assignment locks the grade's places row (FOR UPDATE on PostgreSQL; the writer lock on
SQLite) before it counts the applications already holding a place (assigned to a class, or enrolled),
so two administrators assigning at once take turns, and the second sees the first's place taken. The
class's maximum size is counted the same way, under the same lock; where the school fills its classes
by their maximum size alone (``services.settings``), the class's row is the lock and no free places
need be set. Lowering the free places below what
is taken is refused. Each change of a grade's figures is announced (``PlacesChangedV1``: public counts).

The assignment starts the saga to contingent: ``ApplicationAssignedToClassV1`` carries what contingent
needs to enrol the child (``consumers.saga`` takes its answer).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, unprocessable
from eschool.common.events.enrolment import (
    ApplicationApplicant,
    ApplicationAssignedToClassV1,
    ApplicationChild,
    EnrolmentOrder,
    PlacesChangedV1,
)
from eschool.enrolment.db.models import AcademicYear, Application, GradePlaces, SchoolClass
from eschool.enrolment.domain.ranking import open_school_years
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import application_of, may_handle, school_not_found, take_step
from eschool.enrolment.services.feed import announce
from eschool.enrolment.services.settings import FillType, fill_type_of

HOLDING = (Status.assigned_to_class.value, Status.enrolled.value)


@dataclass(frozen=True)
class GradeFigures:
    """A grade's places for a school year: offered, taken, left."""

    grade: int
    free_places: int
    taken: int
    version: int

    @property
    def left(self) -> int:
        return max(0, self.free_places - self.taken)


async def set_places(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    school_year: int,
    grade: int,
    free_places: int,
    *,
    version: int | None,
    actor: Principal,
) -> GradeFigures:
    """Set the free places of a grade (the school's administration); announced."""
    if not may_handle(actor, school_id):
        raise school_not_found()
    if school_year not in open_school_years(utcnow().date()):
        raise unprocessable(
            "school_year_closed",
            "Места задаются на текущий и следующий учебные годы",
            field_name="path.school_year",
        )
    await uow.serialize()
    row = await _places(uow, school_id, school_year, grade, lock=True)
    if version is not None and version != (row.version if row else 0):
        raise conflict(
            "stale_version",
            "Количество мест изменилось с тех пор, как его открыли",
            field_name="body.version",
        )
    taken = await _taken(uow, school_id, school_year, grade)
    if free_places < taken:
        detail = f"Мест не может быть меньше, чем уже занято заявлениями ({taken})"
        raise conflict("places_below_taken", detail, field_name="body.free_places")
    now = utcnow()
    if row is None:
        row = GradePlaces(
            school_id=school_id,
            school_year=school_year,
            grade=grade,
            free_places=free_places,
            updated_at=now,
            updated_by=actor.user_id,
            version=1,
        )
        uow.session.add(row)
    elif row.free_places == free_places:
        return GradeFigures(grade, row.free_places, taken, row.version)
    else:
        row.free_places, row.updated_at, row.updated_by = free_places, now, actor.user_id
        row.version += 1
    await _announce(uow, row, taken)
    return GradeFigures(grade, free_places, taken, row.version)


async def school_places(uow: UnitOfWork, school_id: uuid.UUID, school_year: int) -> list[GradeFigures]:
    """Every grade's places of the school's year, for anyone (counts only)."""
    g, a = GradePlaces, Application
    rows = (
        await uow.session.scalars(
            select(g).where(g.school_id == school_id, g.school_year == school_year).order_by(g.grade)
        )
    ).all()
    taken = dict(
        (
            await uow.session.execute(
                select(a.grade, func.count())
                .where(a.school_id == school_id, a.school_year == school_year, a.status.in_(HOLDING))
                .group_by(a.grade)
            )
        ).all()
    )
    return [GradeFigures(r.grade, r.free_places, int(taken.get(r.grade, 0)), r.version) for r in rows]


@dataclass(frozen=True)
class Assignment:
    """Where the school sends the child: the class, the order on the enrolment, the first day."""

    class_id: uuid.UUID
    order: EnrolmentOrder
    enrol_on: date | None
    version: int | None


async def assign_to_class(
    uow: UnitOfWork, application_id: uuid.UUID, assignment: Assignment, *, actor: Principal
) -> Application:
    """Assign a registered application to a class of its grade and year, within the grade's free places
    and the class's maximum size; the saga to contingent starts."""
    await uow.serialize()
    application = await application_of(uow, application_id, actor=actor, for_update=True)
    school_class = await uow.session.get(SchoolClass, assignment.class_id)
    year = await uow.session.get(AcademicYear, school_class.academic_year_id) if school_class else None
    if school_class is None or school_class.school_id != application.school_id or year is None:
        raise unprocessable(
            "class_not_found", "Класс не найден в этой организации", field_name="body.class_id"
        )
    if school_class.grade != application.grade or year.starts_on.year != application.school_year:
        year_name = f"{application.school_year}/{application.school_year + 1}"
        detail = f"Заявление подано в {application.grade}-й класс на {year_name} учебный год"
        raise unprocessable("class_mismatch", detail, field_name="body.class_id")
    enrol_on = assignment.enrol_on or max(year.starts_on, utcnow().date())
    if not year.starts_on <= enrol_on <= year.ends_on:
        raise unprocessable(
            "enrol_on_outside_year", "Дата зачисления вне учебного года класса", field_name="body.enrol_on"
        )
    by_grade = await fill_type_of(uow, application.school_id) is FillType.grade_places
    places = await _places(uow, application.school_id, application.school_year, application.grade, lock=True)
    if places is None and by_grade:
        raise conflict(
            "places_not_set", "Количество свободных мест в параллели не задано", field_name="body.class_id"
        )
    if not by_grade:  # only the class's size counts: its row puts assignments into it in turn
        await uow.session.execute(
            select(SchoolClass.class_id)
            .where(SchoolClass.class_id == school_class.class_id)
            .with_for_update()
        )
    taken = await _taken(uow, application.school_id, application.school_year, application.grade)
    if by_grade and places is not None and taken >= places.free_places:
        raise conflict("no_free_places", "Свободных мест в параллели нет", field_name="body.class_id")
    in_class = (await children_in(uow, [school_class.class_id])).get(school_class.class_id, 0)
    if in_class >= school_class.max_size:
        raise conflict(
            "class_full", f"Класс заполнен: {school_class.max_size} мест", field_name="body.class_id"
        )
    now = await take_step(
        uow,
        application,
        Status.assigned_to_class,
        reason_code=None,
        comment=None,
        version=assignment.version,
        actor=actor,
    )
    application.class_id = school_class.class_id
    uow.outbox.add(
        ApplicationAssignedToClassV1(
            application_id=application.application_id,
            school_id=application.school_id,
            academic_year_id=school_class.academic_year_id,
            class_id=school_class.class_id,
            enrol_on=enrol_on,
            order=assignment.order,
            child=ApplicationChild(
                last_name=application.child_last_name,
                first_name=application.child_first_name,
                middle_name=application.child_middle_name,
                birth_date=application.child_birth_date,
                sex=application.child_sex,  # type: ignore[arg-type]
                citizenship=application.child_citizenship,
                snils_hash=application.child_snils_hash,
            ),
            applicant=ApplicationApplicant(
                kind=application.applicant_kind,  # type: ignore[arg-type]
                last_name=application.applicant_last_name,
                first_name=application.applicant_first_name,
                middle_name=application.applicant_middle_name,
                snils_hash=application.applicant_snils_hash,
            ),
            occurred_at=now,
        ),
        subject=application.application_id,
        school_id=application.school_id,
    )
    if places is not None:
        places.version += 1
        await _announce(uow, places, taken + 1)
    return application


async def children_in(uow: UnitOfWork, class_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many applications hold a seat (assigned or enrolled) in each of the classes; absent: none."""
    a = Application
    rows = await uow.session.execute(
        select(a.class_id, func.count())
        .where(a.class_id.in_(class_ids), a.status.in_(HOLDING))
        .group_by(a.class_id)
    )
    return {class_id: count for class_id, count in rows.all()}


async def _places(
    uow: UnitOfWork, school_id: uuid.UUID, school_year: int, grade: int, *, lock: bool
) -> GradePlaces | None:
    g = GradePlaces
    stmt = select(g).where(g.school_id == school_id, g.school_year == school_year, g.grade == grade)
    return (await uow.session.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()


async def _taken(uow: UnitOfWork, school_id: uuid.UUID, school_year: int, grade: int) -> int:
    a = Application
    stmt = select(func.count()).where(
        a.school_id == school_id, a.school_year == school_year, a.grade == grade, a.status.in_(HOLDING)
    )
    return int(await uow.session.scalar(stmt) or 0)


async def _announce(uow: UnitOfWork, row: GradePlaces, taken: int) -> None:
    await announce(
        uow,
        PlacesChangedV1(
            school_id=row.school_id,
            school_year=row.school_year,
            grade=row.grade,
            free_places=row.free_places,
            taken=taken,
            version=row.version,
            occurred_at=utcnow(),
        ),
        subject=f"{row.school_id}:{row.school_year}:{row.grade}",
        school_id=row.school_id,
    )
