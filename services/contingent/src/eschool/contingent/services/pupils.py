"""Pupils' enrolment by form (seed 001) and the class list; who reads and enters them: ``services.people``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem
from eschool.common.events.contingent import PupilEnrolledV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.movement import enrolment_movement
from eschool.contingent.db.people import (
    ENROLLED,
    People,
    Person,
    ProtectedSnils,
    PupilEnrolment,
    SnilsKeys,
)
from eschool.contingent.domain.people import (
    Enrolment,
    PersonCard,
    Refusal,
    check_enrolment,
    check_person,
    check_snils,
    collecting,
    form_digest,
)
from eschool.contingent.services.classes import class_not_found
from eschool.contingent.services.common import conflict_at, refused
from eschool.contingent.services.people import (
    Pupil,
    full_name,
    name_of,
    person_for,
    pupil_for,
    school_of_pupils,
    today_in,
)

log = get_logger(__name__)
_ENROLMENT_FIELDS = ("personal_file_number", "education_form", "enrolled_on", "attends_day_care")


@dataclass(frozen=True)
class EnrolmentForm:
    """The form of seed 001: the person, the enrolment, the SNILS as typed (never shown, never logged)."""

    person: PersonCard
    enrolment: Enrolment
    snils: str | None = field(default=None, repr=False)


async def class_pupils(uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal) -> list[Pupil]:
    """The class's pupils now, by last name, first name, patronymic (the class list of seed 001)."""
    school_class = await uow.session.get(SchoolClass, class_id)
    if school_class is None:
        raise class_not_found()
    await school_of_pupils(
        uow,
        actor,
        school_class.school_id,
        hidden=class_not_found(),
        class_teacher_id=school_class.class_teacher_person_id,
        class_id=class_id,
    )
    pupils = [
        Pupil(person, enrolment) for enrolment, person in await People(uow.session).class_pupils(class_id)
    ]
    return sorted(pupils, key=lambda p: (*name_of(p.person).key, str(p.person.person_id)))


async def enrol_pupil(
    uow: UnitOfWork, class_id: uuid.UUID, form: EnrolmentForm, *, actor: Principal, keys: SnilsKeys
) -> tuple[Pupil, bool]:
    """Enrol a pupil into the class by form; True if enrolled now, False for a retry of the same form."""
    people = People(uow.session)
    school_class, year, school = await class_to_enrol_into(uow, class_id, actor=actor)
    card, enrolment, digits = _checked(form, year, today_in(school))
    snils = keys.protect(digits) if digits else None
    # The natural key (school, personal file number) makes a retry answer what the first request did.
    digest = form_digest(class_id, card, enrolment, snils.hash if snils else None)
    existing = await people.by_file_number(school.org_unit_id, enrolment.personal_file_number)
    if existing is not None:
        if existing.form_digest != digest:
            raise file_number_taken()
        return await pupil_for(uow, existing.person_id, actor=actor), False
    if await people.class_size(class_id) >= school_class.max_size:
        detail = f"В классе нет мест: наполняемость {school_class.max_size} человек"
        raise conflict_at("class_full", detail, "path.class_id")
    pupil = await add_enrolment(uow, school_class, card, enrolment, snils, digest=digest, actor=actor)
    await uow.commit()
    log.info("contingent.pupil.enrolled", person_id=str(pupil.person.person_id), class_id=str(class_id))
    return pupil, True


async def add_enrolment(
    uow: UnitOfWork,
    school_class: SchoolClass,
    card: PersonCard,
    enrolment: Enrolment,
    snils: ProtectedSnils | None,
    *,
    digest: str,
    actor: Principal,
    application_id: uuid.UUID | None = None,
) -> Pupil:
    """Add a checked enrolment into the (locked) class and its PupilEnrolledV1 (naming the application it
    carries out, if any); the caller commits."""
    now = utcnow()
    person = await person_for(uow, card, snils, now=now)
    # Without a SNILS the person is a new one, never enrolled: no query (a file imports a thousand).
    current = None if snils is None else await People(uow.session).current_enrolment(person.person_id)
    if current is not None and current.status == ENROLLED:
        raise _already_enrolled()
    row = _enrolment_row(
        school_class,
        person,
        enrolment,
        form_digest=digest,
        enrolled_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await flush_enrolment(uow)
    uow.session.add(enrolment_movement(row, actor_user_id=actor.user_id))
    event = PupilEnrolledV1(
        person_id=person.person_id,
        school_id=row.school_id,
        class_id=row.class_id,
        academic_year_id=row.academic_year_id,
        enrolled_on=row.enrolled_on,
        application_id=application_id,
        name=full_name(person),
        occurred_at=now,
    )
    uow.outbox.add(event, subject=person.person_id, school_id=row.school_id)
    return Pupil(person, row)


async def class_to_enrol_into(
    uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal, lock: bool = True
) -> tuple[SchoolClass, AcademicYear, OrgUnit]:
    """The class (locked: enrolments into it take turns), its year and school, if the actor enrols there."""
    school_class = await uow.session.get(SchoolClass, class_id)
    if school_class is None:
        raise class_not_found()
    school = await school_of_pupils(
        uow,
        actor,
        school_class.school_id,
        hidden=class_not_found(),
        write=True,
        class_teacher_id=school_class.class_teacher_person_id,
    )
    if lock:
        await People(uow.session).lock_class(class_id)
    locked = await uow.session.get(SchoolClass, class_id, populate_existing=True)
    year = await uow.session.get(AcademicYear, school_class.academic_year_id)
    # Classes and years are never deleted.
    assert locked is not None
    assert year is not None
    return locked, year, school


def _enrolment_row(
    school_class: SchoolClass, person: Person, enrolment: Enrolment, **columns: Any
) -> PupilEnrolment:
    order = enrolment.order
    return PupilEnrolment(
        pupil_enrolment_id=uuid.uuid4(),
        person_id=person.person_id,
        **{f: getattr(school_class, f) for f in ("school_id", "class_id", "academic_year_id")},
        **{f: getattr(enrolment, f) for f in _ENROLMENT_FIELDS},
        **{"order_series": order.series, "order_number": order.number, "order_date": order.date},
        status=ENROLLED,
        version=1,
        **columns,
    )


def check_form(
    form: EnrolmentForm, year: AcademicYear, today: date
) -> tuple[PersonCard, Enrolment, str | None]:
    """The form normalized for the class's year (card, enrolment, SNILS digits), or a ``Refusal``."""
    # Every refused field at once; the age is checked only against a birth date that is itself possible.
    born = form.person.birth_date
    age_known = born is not None and born <= today
    card, digits, enrolment = collecting(
        lambda: check_person(form.person, today=today, birth_required=True),
        lambda: check_snils(form.snils),
        lambda: check_enrolment(
            form.enrolment,
            born=born if age_known else None,
            year=(year.starts_on, year.ends_on),
            today=today,
        ),
    )
    return card, enrolment, digits


def _checked(
    form: EnrolmentForm, year: AcademicYear, today: date
) -> tuple[PersonCard, Enrolment, str | None]:
    try:
        return check_form(form, year, today)
    except Refusal as refusal:
        raise refused(*refusal.broken) from None


def file_number_taken() -> Problem:
    """The 409 for a personal file number the school already has."""
    detail = "Личное дело с таким номером в школе уже есть"
    return conflict_at("personal_file_number_taken", detail, "body.personal_file_number")


def _already_enrolled(field: str = "body.snils") -> Problem:
    detail = "Ученик уже числится в школе (в этой или другой): сначала оформите его выбытие"
    return conflict_at("pupil_already_enrolled", detail, field)


async def flush_enrolment(uow: UnitOfWork, *, person_field: str = "body.snils") -> None:
    """Write the new enrolment; a key another request took meanwhile becomes the same 409 as the check."""
    try:
        await uow.session.flush()
    except IntegrityError as error:
        # Another request committed the same key between the checks above and this insert.
        reason = str(error.orig)
        if "personal_file_number" in reason:
            raise file_number_taken() from None
        if "person_id" in reason:
            raise _already_enrolled(person_field) from None
        raise
