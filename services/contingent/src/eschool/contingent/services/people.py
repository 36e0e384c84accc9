"""Persons and who reaches pupils: a person found by SNILS or added, the pupil's card, the SNILS on purpose.

A person is found again by the keyed hash of their SNILS (``person_for``), with a check that the form
describes the same human, so that pupils, guardians and staff of several schools stay one person.
Enrolment and the class list are ``services.pupils``'s.

SNILS is stored protected (``db.people.SnilsKeys``) and read back in clear only for the school's
administration (``disclose_snils``), each reading logged without the value; everyone else sees the mask.

Who reads pupils: the school's administration, its municipality, the ministry and the school's staff; a
guardian their linked children (the token's ``pupils``), a pupil themself. Who enters them and their
guardians: the school's administration and the class's class teacher (seed 001: the class teacher fills
«Список учеников класса»). Out of sight is 404 as if nobody were there; in sight but not allowed, 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.common.errors import Problem, conflict, forbidden, not_found
from eschool.common.events.contingent import FullName
from eschool.common.logging import get_logger
from eschool.contingent.db.models import OrgUnit, SchoolClass
from eschool.contingent.db.people import (
    People,
    Person,
    ProtectedSnils,
    PupilEnrolment,
    SnilsKeys,
    UnreadableSnilsError,
)
from eschool.contingent.db.teaching import TeachingAssignments
from eschool.contingent.domain.people import PersonCard, PersonName, same_person
from eschool.contingent.services.common import conflict_at
from eschool.contingent.services.scope import SCHOOL_READERS, SCHOOL_WRITERS, require_school

log = get_logger(__name__)
TEACHER_ROLES = frozenset({Role.subject_teacher, Role.class_teacher})
_FILLED_IN = ("middle_name", "birth_date", "sex", "citizenship", "phone", "email")


@dataclass(frozen=True)
class Pupil:
    """A pupil's card: the person and their enrolment (the current one, else the latest)."""

    person: Person
    enrolment: PupilEnrolment


def pupil_not_found() -> Problem:
    """The 404 for a pupil that does not exist or is out of the caller's sight."""
    return not_found("pupil_not_found", "Ученик не найден")


def leads_class(actor: Principal, school_id: uuid.UUID, class_teacher_id: uuid.UUID | None) -> bool:
    """Whether the actor is the class's class teacher, still working in its school."""
    return (
        class_teacher_id is not None
        and actor.person_id == class_teacher_id
        and actor.has_role(*SCHOOL_READERS, org_unit_id=school_id)
    )


async def school_of_pupils(
    uow: UnitOfWork,
    actor: Principal,
    school_id: uuid.UUID,
    *,
    hidden: Problem,
    write: bool = False,
    class_teacher_id: uuid.UUID | None = None,
    class_id: uuid.UUID | None = None,
) -> OrgUnit:
    """The school if the actor reads its pupils (``write``: enters pupils and guardians of the class led
    by ``class_teacher_id``; ``class_id``: reads that class, which a teacher may only if they teach or
    lead it, once the school's load is distributed); out of sight: ``hidden``; writing in a closed
    school: 409."""
    refusal = forbidden(
        "pupils_access_denied", "Сведения об учениках доступны администрации школы и учителям"
    )
    school = await require_school(uow, actor, school_id, roles=SCHOOL_READERS, refusal=refusal, hidden=hidden)
    if not write:
        if class_id is not None and not await reads_class(uow, actor, school_id, class_id, class_teacher_id):
            detail = "Списки класса доступны учителям, которые в нём преподают, и классному руководителю"
            raise forbidden("class_not_taught", detail)
        return school
    if not (
        actor.has_role(*SCHOOL_WRITERS, org_unit_id=school_id)
        or leads_class(actor, school_id, class_teacher_id)
    ):
        detail = "Учеников и их родителей вносят администрация школы и классный руководитель класса"
        raise forbidden("pupils_write_denied", detail)
    if school.closed_at is not None:
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")
    return school


async def reads_class(
    uow: UnitOfWork,
    actor: Principal,
    school_id: uuid.UUID,
    class_id: uuid.UUID,
    class_teacher_id: uuid.UUID | None,
) -> bool:
    """Whether the actor, who reads the school's pupils, reads this class's: anyone but a teacher does; a
    teacher, if they lead it or teach in it (scheduling's assignments), or while the school has not
    distributed its load yet."""
    if leads_class(actor, school_id, class_teacher_id):
        return True
    taught = await classes_read(uow, actor, school_id)
    return taught is None or class_id in taught


async def classes_read(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID) -> set[uuid.UUID] | None:
    """The classes of the school a teacher reads as their teacher (besides those they lead); None: the
    actor reads every class (not only a teacher there, or the school has not distributed its load)."""
    if not teacher_only(actor, school_id):
        return None
    assignments = TeachingAssignments(uow.session)
    if not await assignments.distributed(school_id):
        return None
    if actor.person_id is None:
        return set()
    return await assignments.classes_taught(school_id, actor.person_id)


def teacher_only(actor: Principal, school_id: uuid.UUID) -> bool:
    """Whether the actor reads the school's pupils only as a teacher (no administration, no secretary,
    no municipality above it)."""
    roles = {b.role for b in actor.bindings if b.org_unit_id == school_id} & set(SCHOOL_READERS)
    return bool(roles) and roles <= TEACHER_ROLES


async def pupil_for(
    uow: UnitOfWork, person_id: uuid.UUID, *, actor: Principal, write: bool = False, family_reads: bool = True
) -> Pupil:
    """The pupil if the actor may read the card (``write``: change their guardians; ``family_reads``: the
    pupil themself and their guardians read too); else 404 or 403."""
    enrolment = await People(uow.session).current_enrolment(person_id)
    if enrolment is None:
        raise pupil_not_found()
    family = family_reads and (actor.person_id == person_id or person_id in actor.pupils())
    if write or not family:
        school_class = await uow.session.get(SchoolClass, enrolment.class_id)
        teacher = school_class.class_teacher_person_id if school_class else None
        await school_of_pupils(
            uow,
            actor,
            enrolment.school_id,
            hidden=pupil_not_found(),
            write=write,
            class_teacher_id=teacher,
            class_id=enrolment.class_id,
        )
    person = await uow.session.get(Person, person_id)
    assert person is not None  # the enrolment's key refers to it
    return Pupil(person, enrolment)


async def person_for(
    uow: UnitOfWork, card: PersonCard, snils: ProtectedSnils | None, *, now: datetime
) -> Person:
    """The person known under this SNILS (what they lacked filled in from ``card``), or a new person."""
    if snils is not None and (known := await People(uow.session).by_snils_hash(snils.hash)) is not None:
        if not same_person(card_of(known), card):
            detail = "Этот СНИЛС уже записан за другим человеком: проверьте номер"
            raise conflict_at("snils_of_another_person", detail, "body.snils")
        typed = _columns(card)
        filled = {f: typed[f] for f in _FILLED_IN if getattr(known, f) is None and typed[f] is not None}
        for name, value in filled.items():
            setattr(known, name, value)
        if filled:
            known.version, known.updated_at = known.version + 1, now
        return known
    person = Person(
        person_id=uuid.uuid4(),
        last_name=card.name.last_name,
        first_name=card.name.first_name,
        **_columns(card),  # type: ignore[arg-type]
        snils_hash=snils and snils.hash,
        snils_ciphertext=snils and snils.ciphertext,
        snils_tail=snils and snils.tail,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(person)
    try:
        # Now: nothing orders this insert before the rows referring to the person (no relationship()).
        await uow.session.flush()
    except IntegrityError as error:
        if "snils_hash" in str(error.orig):  # another request added this SNILS since the lookup above
            detail = "Этого человека только что внесли в другом запросе: повторите запрос"
            raise conflict_at("person_added_concurrently", detail, "body.snils") from None
        raise
    return person


def disclose_snils(person: Person, school_id: uuid.UUID, *, actor: Principal, keys: SnilsKeys) -> str | None:
    """The person's SNILS in clear, for the school's administration only; every reading is logged."""
    if not actor.has_role(*SCHOOL_WRITERS, org_unit_id=school_id):
        raise forbidden("snils_access_denied", "СНИЛС полностью показывается только администрации школы")
    if person.snils_ciphertext is None:
        return None
    log.info(
        "contingent.person.snils_disclosed",
        person_id=str(person.person_id),
        school_id=str(school_id),
        actor_user_id=str(actor.user_id),
    )
    try:
        return keys.reveal(person.snils_ciphertext)
    except UnreadableSnilsError:
        log.error("contingent.person.snils_unreadable", person_id=str(person.person_id))
        detail = "СНИЛС не может быть расшифрован: обратитесь к администратору системы"
        raise Problem(500, "snils_unreadable", detail) from None


def name_of(person: Person) -> PersonName:
    """The person's full name."""
    return PersonName(person.last_name, person.first_name, person.middle_name)


def full_name(person: Person) -> FullName:
    """The person's full name as events carry it."""
    return FullName(last_name=person.last_name, first_name=person.first_name, middle_name=person.middle_name)


def card_of(person: Person) -> PersonCard:
    """What is known of the person, as a form would say it."""
    return PersonCard(name_of(person), **{name: getattr(person, name) for name in _FILLED_IN[1:]})


def _columns(card: PersonCard) -> dict[str, object]:
    """The person's columns a form fills (besides last and first name)."""
    return {"middle_name": card.name.middle_name, **{name: getattr(card, name) for name in _FILLED_IN[1:]}}


def today_in(school: OrgUnit) -> date:
    """Today's date where the school is."""
    return today_in_zone(school.time_zone)
