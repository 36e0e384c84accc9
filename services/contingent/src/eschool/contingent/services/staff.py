"""Staff members: hired into a school by form, listed, dismissed, restored from the dismissed register.

One physical person across schools is one person (seed 000, point 6): a form's SNILS finds the person
known under it (``person_for``, which refuses a SNILS recorded for someone else); a form without SNILS is
the school's staff member with the same full name and birth date, so a retry adds nobody twice. Identity
hears ``StaffHiredV1`` (with the SNILS's keyed hash) and ``StaffDismissedV1`` (the member loses every
staff role in that school). Who: the school's administration, its municipality and the ministry write;
they and the school's teachers read; out of sight 404, in sight but not allowed 403. Seed 000's check of
the teacher's journals and thematic plans before a dismissal waits for the services that keep them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, forbidden, not_found
from eschool.common.events.contingent import StaffDismissedV1, StaffHiredV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.people import Person, ProtectedSnils, SnilsKeys
from eschool.contingent.db.staff import MAX_REASON_LENGTH, Staff, StaffEmployment
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import (
    PersonCard,
    Refusal,
    collecting,
)
from eschool.contingent.domain.staff import HireForm, check_hire
from eschool.contingent.services.common import conflict_at, refused
from eschool.contingent.services.people import full_name, name_of, person_for, today_in
from eschool.contingent.services.scope import SCHOOL_READERS, SCHOOL_WRITERS, jurisdiction_of, require_school

log = get_logger(__name__)
# The Labour Code's lowest age of employment (art. 63, with a parent's consent): a younger staff member
# is a typo in the birth date.


@dataclass(frozen=True)
class Employee:
    """A staff member of a school: the person and their employment there."""

    person: Person
    employment: StaffEmployment


def staff_not_found() -> Problem:
    """The 404 for an employment that does not exist or is out of the caller's sight."""
    return not_found("staff_not_found", "Сотрудник не найден")


async def school_of_staff(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool, hidden: Problem | None = None
) -> OrgUnit:
    """The school if the actor reads its staff (``write``: hires and dismisses); writing in a closed
    school is refused."""
    refusal = forbidden(
        "staff_access_denied", "Сведения о сотрудниках доступны администрации школы и учителям"
    )
    school = await require_school(uow, actor, school_id, roles=SCHOOL_READERS, refusal=refusal, hidden=hidden)
    if not write:
        return school
    if not (
        actor.has_role(*SCHOOL_WRITERS, org_unit_id=school_id)
        or (await jurisdiction_of(uow, actor)).covers_school(school_id)
    ):
        detail = "Принимают и увольняют сотрудников администрация школы, муниципалитет и министерство"
        raise forbidden("staff_write_denied", detail)
    if school.closed_at is not None:
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")
    return school


async def school_staff(
    uow: UnitOfWork, school_id: uuid.UUID, *, include_dismissed: bool, actor: Principal
) -> list[Employee]:
    """The school's staff (working; ``include_dismissed``: the dismissed too), by full name."""
    await school_of_staff(uow, actor, school_id, write=False)
    rows = await Staff(uow.session).of_school(school_id, include_dismissed=include_dismissed)
    staff = [Employee(person, employment) for employment, person in rows]
    return sorted(staff, key=lambda e: (*name_of(e.person).key, str(e.person.person_id)))


async def employee_for(
    uow: UnitOfWork, employment_id: uuid.UUID, *, actor: Principal, write: bool = False
) -> Employee:
    """The employment if the actor reads it (``write``: changes it, which holds it until commit)."""
    employment = await uow.session.get(StaffEmployment, employment_id)
    if employment is None:
        raise staff_not_found()
    await school_of_staff(uow, actor, employment.school_id, write=write, hidden=staff_not_found())
    if write:
        employment = await Staff(uow.session).lock_employment(employment_id)
        assert employment is not None  # employments are never deleted
    person = await uow.session.get(Person, employment.person_id)
    assert person is not None  # the employment's key refers to it
    return Employee(person, employment)


async def hire_staff(
    uow: UnitOfWork, school_id: uuid.UUID, form: HireForm, *, actor: Principal, keys: SnilsKeys
) -> tuple[Employee, bool]:
    """Employ a person in the school by form; True if hired now, False for a retry of the same form."""
    school = await school_of_staff(uow, actor, school_id, write=True)
    await Staff(uow.session).lock_school(school_id)
    try:
        checked = check_hire(form, today_in(school))
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    employee, created = await add_employment(uow, school_id, checked, actor=actor, keys=keys)
    if created:
        await uow.commit()
        _log("contingent.staff.hired", employee.employment)
    return employee, created


async def add_employment(
    uow: UnitOfWork, school_id: uuid.UUID, checked: HireForm, *, actor: Principal, keys: SnilsKeys
) -> tuple[Employee, bool]:
    """Employ the person of a checked form in the (locked) school with its StaffHiredV1; the caller
    commits. False: the form repeats an employment the school has (nothing changed)."""
    staff = Staff(uow.session)
    card, position, hired_on = checked.person, checked.position, checked.hired_on
    snils = keys.protect(checked.snils) if checked.snils else None
    now = utcnow()
    person = await _namesake(staff, school_id, card, snils) or await person_for(uow, card, snils, now=now)
    existing = await staff.employment(school_id, person.person_id)
    if existing is not None:
        return Employee(person, _retried(existing, position, hired_on)), False
    employment = StaffEmployment(
        staff_employment_id=uuid.uuid4(),
        school_id=school_id,
        person_id=person.person_id,
        position=position,
        hired_on=hired_on,
        hired_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(employment)
    await _flush(uow)
    _announce_hire(uow, person, employment)
    return Employee(person, employment), True


async def dismiss_staff(
    uow: UnitOfWork, employment_id: uuid.UUID, dismissed_on: date, reason: str | None, *, actor: Principal
) -> Employee:
    """Dismiss the staff member on their last day of work, for ``reason`` (kept in the school's register
    of the dismissed)."""
    employee = await employee_for(uow, employment_id, actor=actor, write=True)
    employment = employee.employment
    if employment.dismissed_on is not None:
        raise conflict("staff_already_dismissed", "Сотрудник уже уволен")
    school = await uow.session.get(OrgUnit, employment.school_id)
    assert school is not None  # the employment's key refers to it
    on, why = _checked_dismissal(dismissed_on, reason, hired_on=employment.hired_on, today=today_in(school))
    # The seeds' workflow: a class is never left without its class teacher silently.
    led = await Staff(uow.session).classes_led(employment.school_id, employment.person_id, since=on)
    if led:
        several_years = len({year.academic_year_id for _, year in led}) > 1
        names = [f"{c.grade} {c.letter}" + (f" ({y.name})" if several_years else "") for c, y in led]
        detail = f"Сначала назначьте другого классного руководителя: {', '.join(names)}"
        raise conflict("class_teacher_first", detail)
    now = utcnow()
    employment.dismissed_on, employment.dismissal_reason = on, why
    employment.dismissed_by_user_id = actor.user_id
    employment.version, employment.updated_at = employment.version + 1, now
    event = StaffDismissedV1(
        person_id=employment.person_id, school_id=employment.school_id, dismissed_on=on, occurred_at=now
    )
    uow.outbox.add(event, subject=employment.person_id, school_id=employment.school_id)
    await uow.commit()
    _log("contingent.staff.dismissed", employment)
    return employee


async def restore_staff(uow: UnitOfWork, employment_id: uuid.UUID, *, actor: Principal) -> Employee:
    """Restore a dismissed staff member from the school's register of the dismissed."""
    employee = await employee_for(uow, employment_id, actor=actor, write=True)
    employment = employee.employment
    if employment.dismissed_on is None:
        raise conflict("staff_not_dismissed", "Сотрудник не уволен: восстанавливать нечего")
    now = utcnow()
    employment.dismissed_on = employment.dismissal_reason = employment.dismissed_by_user_id = None
    employment.version, employment.updated_at = employment.version + 1, now
    _announce_hire(uow, employee.person, employment, restored=True)
    await uow.commit()
    _log("contingent.staff.restored", employment)
    return employee


def _announce_hire(
    uow: UnitOfWork, person: Person, employment: StaffEmployment, *, restored: bool = False
) -> None:
    school_id = employment.school_id
    event = StaffHiredV1(
        person_id=person.person_id,
        school_id=school_id,
        snils_hash=person.snils_hash,
        name=full_name(person),
        restored=restored,
        occurred_at=utcnow(),
    )
    uow.outbox.add(event, subject=person.person_id, school_id=school_id)


def _log(event: str, employment: StaffEmployment) -> None:
    log.info(event, person_id=str(employment.person_id), school_id=str(employment.school_id))


async def _namesake(
    staff: Staff, school_id: uuid.UUID, card: PersonCard, snils: ProtectedSnils | None
) -> Person | None:
    """The school's staff member with the form's full name and birth date, who is the form's person when
    it has no SNILS; with a SNILS, one recorded without it is refused rather than doubled."""
    for _, person in await staff.of_school(school_id, include_dismissed=True):
        if name_of(person).key != card.name.key or person.birth_date != card.birth_date:
            continue
        if snils is None:
            return person
        if person.snils_hash is None:
            detail = "Сотрудник с такими ФИО и датой рождения уже внесён в школу без СНИЛС"
            raise conflict_at("staff_without_snils", detail, "body.snils")
    return None


def _retried(existing: StaffEmployment, position: str, hired_on: date) -> StaffEmployment:
    """The existing employment if the form repeats it; else the 409 saying why the person is not hired."""
    if existing.dismissed_on is not None:
        detail = "Сотрудник есть в реестре уволенных школы: восстановите его оттуда"
        raise conflict_at("staff_dismissed", detail, "body.snils")
    if (existing.position, existing.hired_on) != (position, hired_on):
        raise _already_employed()
    return existing


def _already_employed() -> Problem:
    return conflict_at("staff_already_employed", "Этот человек уже работает в школе", "body.snils")


def _checked_dismissal(
    on: date, reason: str | None, *, hired_on: date, today: date
) -> tuple[date, str | None]:
    def day() -> date:
        if on < hired_on:
            detail = f"Дата увольнения не может быть раньше даты приёма ({hired_on:%d.%m.%Y})"
            raise Violation("dismissed_on", "dismissed_before_hired", detail)
        # Identity takes the roles away on the event, at once: a future date would take them early.
        if on > today:
            detail = "Дата увольнения не может быть в будущем"
            raise Violation("dismissed_on", "dismissed_on_in_future", detail)
        return on

    def why() -> str | None:
        value = " ".join((reason or "").split()) or None
        if value is not None and len(value) > MAX_REASON_LENGTH:
            raise Violation("reason", "reason_too_long", f"Не длиннее {MAX_REASON_LENGTH} символов")
        return value

    try:
        checked_on, checked_reason = collecting(day, why)
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return checked_on, checked_reason


async def _flush(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as error:
        # The school's lock makes it rare; the key makes it certain.
        if "person_id" in str(error.orig):
            raise _already_employed() from None
        raise
