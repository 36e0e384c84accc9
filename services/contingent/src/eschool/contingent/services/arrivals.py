"""The arrivals list («Список на прибытие») and the acceptance of an arrival: a pupil withdrawn by another
school of the region towards this one is listed here until this school enrols them into a class, as the
same person, with a personal file of its own (who may: ``services.movement``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, not_found
from eschool.common.events.contingent import GuardianLinkedV1, PupilArrivedV1, PupilEnrolledV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.movement import ARRIVAL, Movements, PupilMovement
from eschool.contingent.db.people import ENROLLED, People, Person, PupilEnrolment
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import (
    Order,
    Refusal,
    collecting,
    form_digest,
    personal_file_number,
)
from eschool.contingent.services.common import conflict_at, refused
from eschool.contingent.services.movement import (
    check_day,
    check_order,
    check_room,
    movement_school,
    new_movement,
)
from eschool.contingent.services.people import Pupil, full_name, today_in
from eschool.contingent.services.pupils import file_number_taken, flush_enrolment
from eschool.contingent.services.scope import school_not_found

log = get_logger(__name__)


@dataclass(frozen=True)
class Acceptance:
    """The acceptance form: the class, the first day, the personal file number here, the order."""

    class_id: uuid.UUID
    arrived_on: date
    personal_file_number: str
    order: Order
    education_form: str | None = None  # None: the form the pupil had


@dataclass(frozen=True)
class Arrival:
    """A pupil on the arrivals list: the person, the withdrawal towards this school, the stay they left."""

    person: Person
    withdrawal: PupilMovement
    left: PupilEnrolment
    from_school: OrgUnit
    from_class: SchoolClass


def arrival_not_found() -> Problem:
    """The 404 for a pupil who is not on the school's arrivals list."""
    return not_found("arrival_not_found", "Ученика нет в списке прибывающих")


async def arrivals_of(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> list[Arrival]:
    """The school's arrivals list, the earliest withdrawal first (administration, municipality, ministry)."""
    await movement_school(uow, actor, school_id, hidden=school_not_found(), read=True)
    arrivals = []
    for withdrawal, left, person in await Movements(uow.session).arrivals(school_id):
        school = await uow.session.get(OrgUnit, left.school_id)
        school_class = await uow.session.get(SchoolClass, withdrawal.from_class_id)
        assert school is not None  # org units and classes are never deleted
        assert school_class is not None
        arrivals.append(Arrival(person, withdrawal, left, school, school_class))
    return arrivals


async def accept_arrival(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, form: Acceptance, *, actor: Principal
) -> tuple[Pupil, bool]:
    """Enrol a pupil from the arrivals list into a class; True if now, False for a retry of the same form."""
    school = await movement_school(uow, actor, school_id, hidden=school_not_found())
    movements, people = Movements(uow.session), People(uow.session)
    towards = (await movements.withdrawals_towards(school_id, person_id))[:1]
    if not towards:
        raise arrival_not_found()
    # Acceptances of one pupil take turns on the stay they left; everything below is read after the lock.
    await people.lock_enrolment(towards[0].pupil_enrolment_id)
    school_class, year = await _class_to_accept_into(uow, school_id, form.class_id)
    form = _checked(form, year, towards[0].happened_on, today_in(school))
    digest = form_digest(towards[0].pupil_movement_id, form)
    if (accepted := await movements.acceptance_of(towards[0].pupil_movement_id)) is not None:
        return await _answer_retry(uow, accepted, digest)
    listed = await movements.arrivals(school_id, person_id)
    if not listed:
        raise arrival_not_found()
    withdrawal, left, person = listed[0]
    await people.lock_class(school_class.class_id)
    await check_room(uow, school_class, "body.class_id")
    holder = await people.by_file_number(school_id, form.personal_file_number)
    if holder is not None and holder.pupil_enrolment_id != left.pupil_enrolment_id:
        raise file_number_taken()
    if left.school_id == school_id:
        enrolment = _returned(left, school_class, form, digest)
    else:
        enrolment = _enrolment(school_class, left, form, digest, actor)
        uow.session.add(enrolment)
    await flush_enrolment(uow, person_field="path.person_id")
    arrival = new_movement(enrolment, ARRIVAL, form.arrived_on, form.order, actor=actor)
    arrival.from_class_id, arrival.to_class_id = withdrawal.from_class_id, school_class.class_id
    arrival.withdrawal_movement_id = withdrawal.pupil_movement_id
    uow.session.add(arrival)
    _announce(uow, enrolment, person, from_school_id=withdrawal.school_id)
    await announce_links(uow, enrolment.person_id, enrolment.school_id, now=enrolment.updated_at)
    await uow.commit()
    log.info("contingent.pupil.arrived", person_id=str(person_id), school_id=str(school_id))
    return Pupil(person, enrolment), True


async def _class_to_accept_into(
    uow: UnitOfWork, school_id: uuid.UUID, class_id: uuid.UUID
) -> tuple[SchoolClass, AcademicYear]:
    school_class = await uow.session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school_id:
        detail = "Класс этой школы не найден"
        raise refused(Violation("class_id", "class_not_in_school", detail))
    year = await uow.session.get(AcademicYear, school_class.academic_year_id)
    assert year is not None  # years are never deleted
    return school_class, year


def _checked(form: Acceptance, year: AcademicYear, withdrawn_on: date, today: date) -> Acceptance:
    def file_number() -> str:
        return personal_file_number(form.personal_file_number)

    try:
        order, day, number = collecting(
            lambda: check_order(form.order, today),
            lambda: check_day(form.arrived_on, year, withdrawn_on, "arrived_on"),
            file_number,
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return Acceptance(form.class_id, day, number, order, form.education_form)


async def _answer_retry(uow: UnitOfWork, accepted: PupilMovement, digest: str) -> tuple[Pupil, bool]:
    enrolment = await uow.session.get(PupilEnrolment, accepted.pupil_enrolment_id)
    person = await uow.session.get(Person, accepted.person_id)
    assert enrolment is not None  # enrolments and persons are never deleted
    assert person is not None
    if enrolment.form_digest != digest:
        detail = "Ученик уже принят в школу с другими данными"
        raise conflict_at("arrival_already_accepted", detail, "path.person_id")
    return Pupil(person, enrolment), False


def _enrolment(
    school_class: SchoolClass, left: PupilEnrolment, form: Acceptance, digest: str, actor: Principal
) -> PupilEnrolment:
    now = utcnow()
    return PupilEnrolment(
        pupil_enrolment_id=uuid.uuid4(),
        school_id=school_class.school_id,
        person_id=left.person_id,
        class_id=school_class.class_id,
        academic_year_id=school_class.academic_year_id,
        personal_file_number=form.personal_file_number,
        # The form of education travels with the pupil, unless the receiving school changes it.
        education_form=form.education_form or left.education_form,
        enrolled_on=form.arrived_on,
        order_series=form.order.series,
        order_number=form.order.number,
        order_date=form.order.date,
        attends_day_care=False,
        status=ENROLLED,
        form_digest=digest,
        enrolled_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
        version=1,
    )


def _returned(
    left: PupilEnrolment, school_class: SchoolClass, form: Acceptance, digest: str
) -> PupilEnrolment:
    """The stay in the school reopened for a pupil withdrawn into their own school (seed 001: repeated
    study, another form of education or curriculum, the 9th grade going on to the 10th): the same
    personal file, from the day of the return; the history keeps the withdrawal and the return."""
    left.status, left.withdrawn_on = ENROLLED, None
    left.class_id, left.academic_year_id = school_class.class_id, school_class.academic_year_id
    left.enrolled_on, left.personal_file_number = form.arrived_on, form.personal_file_number
    left.education_form = form.education_form or left.education_form
    left.order_series, left.order_number, left.order_date = (
        form.order.series,
        form.order.number,
        form.order.date,
    )
    left.form_digest, left.version, left.updated_at = digest, left.version + 1, utcnow()
    return left


def _announce(
    uow: UnitOfWork, enrolment: PupilEnrolment, person: Person, *, from_school_id: uuid.UUID
) -> None:
    """Arrived for the movement reports, enrolled for the rosters (see ``services.movement``)."""
    common = {
        "person_id": enrolment.person_id,
        "school_id": enrolment.school_id,
        "class_id": enrolment.class_id,
        "academic_year_id": enrolment.academic_year_id,
        "occurred_at": enrolment.updated_at,
    }
    arrived = PupilArrivedV1(**common, from_school_id=from_school_id, arrived_on=enrolment.enrolled_on)
    enrolled = PupilEnrolledV1(**common, enrolled_on=enrolment.enrolled_on, name=full_name(person))
    for event in (arrived, enrolled):
        uow.outbox.add(event, subject=enrolment.person_id, school_id=enrolment.school_id)


async def announce_links(
    uow: UnitOfWork, pupil_id: uuid.UUID, school_id: uuid.UUID, *, now: datetime
) -> None:
    """The pupil's guardians, linked to them now, announced again in the school the pupil came to: the
    links are the family's and travel with the pupil, but a guardian's access is granted per school."""
    for link, guardian in await People(uow.session).guardians(pupil_id):
        event = GuardianLinkedV1(
            guardian_person_id=guardian.person_id,
            pupil_person_id=pupil_id,
            school_id=school_id,
            kind=link.kind,  # type: ignore[arg-type]  # stored from a GuardianKind
            snils_hash=guardian.snils_hash,
            occurred_at=now,
        )
        uow.outbox.add(event, subject=guardian.person_id, school_id=school_id)
