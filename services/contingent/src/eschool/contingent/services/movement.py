"""Pupils' movement (seed 001 «Движение учащихся»): withdrawal by order, the arrivals list of the school
the pupil leaves for, acceptance of an arrival into a class, transfer to another class of the school;
each one kept in the history (``db.movement``) and announced.

Who enters movement: the administration of the school it happens in (the leaving school for a withdrawal
or a transfer, the receiving one for an acceptance), its municipality, the ministry. Seed 004 (4.3.6,
4.5.2): the class teacher and the secretary report arrivals and withdrawals, the administration enters
them, so those two read the pupil but are refused (403). Out of sight: 404; a closed school: 409.

An accepted arrival emits ``PupilArrivedV1`` (movement reports) and ``PupilEnrolledV1`` (rosters, such as
the journal's, start a pupil from any enrolment and need not know how it came). A guardian's link is the
family's, not the school's: movement never changes it, and an accepted arrival announces it again in the
receiving school (``GuardianLinkedV1``), where identity grants guardians their access per school.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, forbidden
from eschool.common.events.contingent import PupilTransferredV1, PupilWithdrawnV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.movement import TRANSFER, WITHDRAWAL, Movements, PupilMovement, history_entry
from eschool.contingent.db.people import ENROLLED, People, PupilEnrolment
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import Order, Refusal, collecting
from eschool.contingent.services.common import conflict_at, refused
from eschool.contingent.services.people import pupil_for, pupil_not_found, today_in
from eschool.contingent.services.scope import SCHOOL_WRITERS, require_school
from eschool.contingent.services.subgroup_stays import leave_class

log = get_logger(__name__)
# The reasons a pupil is withdrawn into their own school (seed 001, the year transition, stage 1), to be
# accepted there again from its arrivals list into the class of the new year.
RETURN_REASONS = frozenset(
    {"left_for_repeated_study", "changed_form_of_education", "individual_plan", "other"}
)
WITHDRAWN = "withdrawn"
MOVEMENT_WRITERS = (Role.school_admin, Role.director)
_ORDER_COLUMNS = ("order_series", "order_number", "order_date")


@dataclass(frozen=True)
class Withdrawal:
    """The withdrawal form («Листок выбытия»): the last day, the reason, where to, the order."""

    withdrawn_on: date
    reason: str
    destination: str
    order: Order
    destination_school_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Transfer:
    """A transfer to another class of the same school and year, from ``transferred_on``, by order."""

    to_class_id: uuid.UUID
    transferred_on: date
    order: Order


async def movement_school(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, hidden: Problem, read: bool = False
) -> OrgUnit:
    """The school if the actor enters its pupils' movement (``read``: reads its arrivals list)."""
    detail = "Движение учащихся оформляет администрация школы, муниципалитет или министерство"
    school = await require_school(
        uow,
        actor,
        school_id,
        roles=SCHOOL_WRITERS if read else MOVEMENT_WRITERS,
        refusal=forbidden("movement_denied", detail),
        hidden=hidden,
    )
    if not read and school.closed_at is not None:
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")
    return school


async def withdraw_pupil(
    uow: UnitOfWork, person_id: uuid.UUID, form: Withdrawal, *, actor: Principal
) -> tuple[PupilMovement, bool]:
    """End the pupil's stay in the school by order; True if now, False for a retry of the same form."""
    enrolment, school = await _current_stay(uow, person_id, actor=actor)
    form = await _checked_withdrawal(uow, form, enrolment, today_in(school))
    if enrolment.status != ENROLLED:
        done = (await Movements(uow.session).of_enrolment(enrolment.pupil_enrolment_id, WITHDRAWAL))[:1]
        if done and _as_withdrawal(done[0]) == form:
            return done[0], False
        raise conflict_at("pupil_already_withdrawn", "Ученик уже выбыл из школы", "path.person_id")
    now = utcnow()
    enrolment.status, enrolment.withdrawn_on = WITHDRAWN, form.withdrawn_on
    enrolment.version, enrolment.updated_at = enrolment.version + 1, now
    movement = new_movement(enrolment, WITHDRAWAL, form.withdrawn_on, form.order, actor=actor)
    movement.from_class_id = enrolment.class_id
    movement.reason, movement.destination = form.reason, form.destination
    movement.destination_school_id = form.destination_school_id
    uow.session.add(movement)
    event = PupilWithdrawnV1(
        person_id=person_id,
        school_id=enrolment.school_id,
        withdrawn_on=form.withdrawn_on,
        class_id=enrolment.class_id,
        reason=form.reason,  # type: ignore[arg-type]  # the route admits only the contract's reasons
        destination=form.destination,  # type: ignore[arg-type]
        destination_school_id=form.destination_school_id,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=person_id, school_id=enrolment.school_id)
    after = form.withdrawn_on + timedelta(days=1)
    await leave_class(uow, enrolment.class_id, person_id, after, now=now, actor_user_id=actor.user_id)
    await uow.commit()
    log.info("contingent.pupil.withdrawn", person_id=str(person_id), school_id=str(enrolment.school_id))
    return movement, True


async def transfer_pupil(
    uow: UnitOfWork, person_id: uuid.UUID, form: Transfer, *, actor: Principal
) -> tuple[PupilMovement, bool]:
    """Move the pupil to another class of the school's same year; False for a retry of the same transfer."""
    enrolment, school = await _current_stay(uow, person_id, actor=actor)
    if enrolment.status != ENROLLED:
        raise conflict_at("pupil_withdrawn", "Ученик выбыл из школы: перевод невозможен", "path.person_id")
    target = await _transfer_class(uow, form.to_class_id, enrolment)
    year = await uow.session.get(AcademicYear, enrolment.academic_year_id)
    assert year is not None  # years are never deleted
    since = await last_move_on(uow, enrolment)
    order, day = _checked_day(
        form.order, form.transferred_on, year, since, today_in(school), "transferred_on"
    )
    if target.class_id == enrolment.class_id:
        done = (await Movements(uow.session).of_enrolment(enrolment.pupil_enrolment_id, TRANSFER))[:1]
        if done and (done[0].to_class_id, done[0].happened_on, order_of(done[0])) == (
            target.class_id,
            day,
            order,
        ):
            return done[0], False
        detail = "Ученик уже учится в этом классе"
        raise refused(Violation("to_class_id", "same_class", detail))
    await People(uow.session).lock_class(target.class_id)
    await check_room(uow, target, "body.to_class_id")
    movement = new_movement(enrolment, TRANSFER, day, order, actor=actor)
    movement.from_class_id, movement.to_class_id = enrolment.class_id, target.class_id
    uow.session.add(movement)
    await leave_class(
        uow, enrolment.class_id, person_id, day, now=movement.recorded_at, actor_user_id=actor.user_id
    )
    enrolment.class_id = target.class_id
    enrolment.version, enrolment.updated_at = enrolment.version + 1, movement.recorded_at
    event = PupilTransferredV1(
        person_id=person_id,
        school_id=enrolment.school_id,
        from_class_id=movement.from_class_id,  # type: ignore[arg-type]  # set just above
        to_class_id=target.class_id,
        transferred_on=day,
        occurred_at=movement.recorded_at,
    )
    uow.outbox.add(event, subject=person_id, school_id=enrolment.school_id)
    await uow.commit()
    log.info("contingent.pupil.transferred", person_id=str(person_id), class_id=str(target.class_id))
    return movement, True


async def movements_of(uow: UnitOfWork, person_id: uuid.UUID, *, actor: Principal) -> list[PupilMovement]:
    """The pupil's movement history in the order it happened (those who read the pupil's card at school)."""
    await pupil_for(uow, person_id, actor=actor, family_reads=False)
    return await Movements(uow.session).of_person(person_id)


def new_movement(
    enrolment: PupilEnrolment, kind: str, day: date, order: Order, *, actor: Principal
) -> PupilMovement:
    """A history entry of the stay, by the order, entered now by the actor."""
    return history_entry(
        enrolment,
        kind,
        day,
        order=(order.series, order.number, order.date),
        actor_user_id=actor.user_id,
        recorded_at=utcnow(),
    )


def order_of(movement: PupilMovement) -> Order:
    """The order a movement was made by."""
    return Order(movement.order_number, movement.order_date, movement.order_series)


async def check_room(uow: UnitOfWork, school_class: SchoolClass, field: str) -> None:
    """409 ``class_full`` when the class has no place left (call with the class locked)."""
    if await People(uow.session).class_size(school_class.class_id) >= school_class.max_size:
        detail = f"В классе нет мест: наполняемость {school_class.max_size} человек"
        raise conflict_at("class_full", detail, field)


async def last_move_on(uow: UnitOfWork, enrolment: PupilEnrolment) -> date:
    """The first day the stay can move again: its enrolment or its latest transfer."""
    transfers = await Movements(uow.session).of_enrolment(enrolment.pupil_enrolment_id, TRANSFER)
    return max([enrolment.enrolled_on, *(t.happened_on for t in transfers)])


def check_order(order: Order, today: date) -> Order:
    """The order normalized: its number required, its date not in the future."""
    number = " ".join(order.number.split())
    if not number:
        raise Violation("order.number", "value_required", "Укажите номер приказа")
    if order.date > today:
        raise Violation("order.date", "order_date_in_future", "Дата приказа не может быть в будущем")
    return Order(number, order.date, " ".join((order.series or "").split()) or None)


def check_day(day: date, year: AcademicYear, since: date, field: str) -> date:
    """A movement's day: inside the class's academic year, not before the stay's last movement."""
    if not year.starts_on <= day <= year.ends_on:
        detail = f"Дата — в пределах учебного года класса ({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y})"
        raise Violation(field, "date_outside_year", detail)
    if day < since:
        detail = f"Дата не может быть раньше {since:%d.%m.%Y} (зачисление или прошлое движение)"
        raise Violation(field, "date_before_last_movement", detail)
    return day


def _checked_day(
    order: Order, day: date, year: AcademicYear, since: date, today: date, field: str
) -> tuple[Order, date]:
    try:
        checked_order, checked_day = collecting(
            lambda: check_order(order, today), lambda: check_day(day, year, since, field)
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return checked_order, checked_day


async def _current_stay(
    uow: UnitOfWork, person_id: uuid.UUID, *, actor: Principal
) -> tuple[PupilEnrolment, OrgUnit]:
    """The pupil's current (else latest) stay, locked, if the actor enters movement in its school."""
    people = People(uow.session)
    enrolment = await people.current_enrolment(person_id)
    if enrolment is None:
        raise pupil_not_found()
    school = await movement_school(uow, actor, enrolment.school_id, hidden=pupil_not_found())
    await people.lock_enrolment(enrolment.pupil_enrolment_id)
    locked = await uow.session.get(PupilEnrolment, enrolment.pupil_enrolment_id, populate_existing=True)
    assert locked is not None  # enrolments are never deleted
    return locked, school


async def _checked_withdrawal(
    uow: UnitOfWork, form: Withdrawal, enrolment: PupilEnrolment, today: date
) -> Withdrawal:
    year = await uow.session.get(AcademicYear, enrolment.academic_year_id)
    assert year is not None  # years are never deleted
    since = await last_move_on(uow, enrolment)
    target = form.destination_school_id and await uow.session.get(OrgUnit, form.destination_school_id)

    def destination() -> uuid.UUID | None:
        field = "destination_school_id"
        if form.destination != "school_of_region":
            if form.destination_school_id is not None:
                detail = "Школу указывают, только если ученик выбывает в школу региона"
                raise Violation(field, "destination_school_unexpected", detail)
            return None
        if form.destination_school_id is None:
            raise Violation(field, "value_required", "Укажите школу региона, в которую выбывает ученик")
        if not target or target.kind != "school" or target.closed_at is not None:
            raise Violation(field, "destination_school_not_found", "Открытая школа региона не найдена")
        if target.org_unit_id == enrolment.school_id and form.reason not in RETURN_REASONS:
            detail = (
                "В свою же школу выбывают только оставленные на повторное обучение, перешедшие на другую "
                "форму обучения или учебный план, и по другим причинам (например, 9 класс — в 10 класс)"
            )
            raise Violation(field, "destination_is_same_school", detail)
        return target.org_unit_id

    try:
        order, day, school_id = collecting(
            lambda: check_order(form.order, today),
            lambda: check_day(form.withdrawn_on, year, since, "withdrawn_on"),
            destination,
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return Withdrawal(day, form.reason, form.destination, order, school_id)


def _as_withdrawal(movement: PupilMovement) -> Withdrawal:
    return Withdrawal(
        movement.happened_on,
        movement.reason or "",
        movement.destination or "",
        order_of(movement),
        movement.destination_school_id,
    )


async def _transfer_class(uow: UnitOfWork, class_id: uuid.UUID, enrolment: PupilEnrolment) -> SchoolClass:
    target = await uow.session.get(SchoolClass, class_id)
    if target is None or target.school_id != enrolment.school_id:
        detail = "Перевод возможен только в класс этой же школы"
        raise refused(Violation("to_class_id", "class_of_another_school", detail))
    if target.academic_year_id != enrolment.academic_year_id:
        detail = "Перевод возможен только в класс того же учебного года"
        raise refused(Violation("to_class_id", "class_of_another_year", detail))
    return target
