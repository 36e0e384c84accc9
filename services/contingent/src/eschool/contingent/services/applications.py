"""Enrolment by application (seed 000, points 1, 7 and 12: a child enters a school only through an
application): the enrolment service assigns an accepted application to a class, and contingent enrols
the child there once, by the enrolment form's own path (``services.pupils``: the same checks, history,
event, locks and keys), answering ``PupilEnrolledV1`` with the application's id, or
``EnrolmentRefusedV1``.

Once: the application's row (``db.applications``) is claimed first, by its key, so neither a re-sent
event (a new event id, unknown to the inbox) nor two deliveries at once enrol anybody twice; only a
later assignment of a refused application (another class, once places are found) is tried again. A refusal
(the class full, not the school's or not the year's, the child enrolled elsewhere, data the form would
refuse) is an answer, written and announced, never a failed message: it is the only exception caught.
Anything else (the database gone, a race another attempt won) raises, and the bus delivers again.

The child is found by the keyed hash of their SNILS, the only form in which it travels: a pupil who
left a school earlier stays one person, and their guardians' links are announced again in this school.
The applicant becomes the child's guardian by the link a class
teacher makes (``services.guardians.add_link``, whose ``GuardianLinkedV1`` gives identity the guardian's
binding). Contingent acts as itself (``service_principal``, the school's administration's rights in
the application's school only), so the stay and the link name no user. Logs carry ids only.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from eschool.common.auth import Principal, school_service_principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem
from eschool.common.events.contingent import EnrolmentRefusedV1
from eschool.common.events.enrolment import ApplicationApplicant, ApplicationAssignedToClassV1
from eschool.common.logging import get_logger
from eschool.contingent.db.applications import ENROLLED, REFUSED, ApplicationEnrolment, Applications
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.people import People, ProtectedSnils, PupilEnrolment
from eschool.contingent.db.repositories import OrgUnits
from eschool.contingent.domain.applications import (
    APPLICANT,
    EDUCATION_FORM,
    ApplicationRefused,
    next_file_number,
    refusal_of,
)
from eschool.contingent.domain.people import (
    Enrolment,
    Order,
    PersonCard,
    PersonName,
    Refusal,
    check_person,
    collecting,
    form_digest,
)
from eschool.contingent.services.arrivals import announce_links
from eschool.contingent.services.classes import class_not_found
from eschool.contingent.services.guardians import add_link
from eschool.contingent.services.movement import check_room
from eschool.contingent.services.people import Pupil, person_for, today_in
from eschool.contingent.services.pupils import (
    EnrolmentForm,
    add_enrolment,
    check_form,
    class_to_enrol_into,
    file_number_taken,
)

log = get_logger(__name__)
SERVICE = "contingent"
TAKEN_NUMBER = "personal_file_number_taken"
# Races another transaction won: the next delivery sees the winner and answers accordingly.
_RETRIED = frozenset({"person_added_concurrently"})


async def carry_out_application(uow: UnitOfWork, event: ApplicationAssignedToClassV1) -> str | None:
    """Enrol the application's child into its class, or refuse, once per application; the outcome
    (None: the application was acted on before). The caller commits."""
    row = await Applications(uow.session).claim(
        event.application_id, event.school_id, event.class_id, assigned_at=event.occurred_at, at=utcnow()
    )
    if row is None:
        log.info("contingent.application.already_handled", application_id=str(event.application_id))
        return None
    # Events pending now are the consumer batch's earlier events: written now, a refusal cannot clear them.
    await uow.outbox.flush()
    try:
        async with uow.session.begin_nested():
            enrolment = await _enrol(uow, event)
            await uow.outbox.flush()
    except ApplicationRefused as refusal:
        uow.outbox.clear()
        _refuse(uow, row, event, refusal)
        return REFUSED
    row.pupil_enrolment_id = enrolment.pupil_enrolment_id
    log.info(
        "contingent.application.enrolled",
        application_id=str(event.application_id),
        person_id=str(enrolment.person_id),
        class_id=str(event.class_id),
    )
    return ENROLLED


def system_actor(school_id: uuid.UUID) -> Principal:
    """Contingent itself, with the rights of the school's administration in that school only."""
    return school_service_principal(SERVICE, school_id)


async def _enrol(uow: UnitOfWork, event: ApplicationAssignedToClassV1) -> PupilEnrolment:
    """The child's stay in the class (with the applicant linked), or ``ApplicationRefused``."""
    given = event.personal_file_number is not None
    with _refusals(number_given=given):
        school_class, year, school = await _class_of(uow, event)
        number = event.personal_file_number or await _next_number(uow, event)
        card, enrolment, applicant = _checked(event, number, year, today_in(school))
        await check_room(uow, school_class, "class_id")
        if given and await People(uow.session).by_file_number(
            school.org_unit_id, enrolment.personal_file_number
        ):
            raise file_number_taken()
        snils = _protected(event.child.snils_hash)
        pupil = await add_enrolment(
            uow,
            school_class,
            card,
            enrolment,
            snils,
            digest=form_digest(school_class.class_id, card, enrolment, snils and snils.hash),
            actor=system_actor(event.school_id),
            application_id=event.application_id,
        )
        # A child known before keeps their family's links: announced again in this school.
        await announce_links(uow, pupil.person.person_id, school.org_unit_id, now=pupil.enrolment.created_at)
        if event.applicant is not None and applicant is not None:
            await _link_applicant(uow, pupil, event.applicant, applicant)
        await uow.session.flush()
    return pupil.enrolment


async def _class_of(
    uow: UnitOfWork, event: ApplicationAssignedToClassV1
) -> tuple[SchoolClass, AcademicYear, OrgUnit]:
    """The class, its year and school, if the class is the application's school's in its year; locked,
    the school first (as the year rollover does): the school's file numbers are given in turns."""
    found = await uow.session.get(SchoolClass, event.class_id)
    if found is None:
        raise class_not_found()
    if found.school_id != event.school_id:
        raise ApplicationRefused("class_not_in_school", "Класс заявления относится к другой школе")
    if found.academic_year_id != event.academic_year_id:
        raise ApplicationRefused("class_not_in_year", "Класс заявления относится к другому учебному году")
    await OrgUnits(uow.session).locked(event.school_id)
    return await class_to_enrol_into(uow, event.class_id, actor=system_actor(event.school_id))


async def _next_number(uow: UnitOfWork, event: ApplicationAssignedToClassV1) -> str:
    """The school's next ``<year>-<NNNN>`` file number (``domain.applications``); the school is locked."""
    year = event.enrol_on.year
    taken = await Applications(uow.session).file_numbers_like(event.school_id, f"{year}-")
    return next_file_number(year, taken)


def _checked(
    event: ApplicationAssignedToClassV1, number: str, year: AcademicYear, today: date
) -> tuple[PersonCard, Enrolment, PersonCard | None]:
    """The child's card and the enrolment as the form checks them, and the applicant's card, or a
    ``Refusal`` with everything broken in either."""
    child, order = event.child, event.order
    form = EnrolmentForm(
        PersonCard(
            PersonName(child.last_name, child.first_name, child.middle_name),
            child.birth_date,
            child.sex,
            child.citizenship,
        ),
        Enrolment(number, EDUCATION_FORM, Order(order.number, order.date, order.series), event.enrol_on),
    )
    (card, enrolment, _), applicant = collecting(
        lambda: check_form(form, year, today), lambda: _applicant_card(event.applicant, today)
    )
    return card, enrolment, applicant


def _applicant_card(applicant: ApplicationApplicant | None, today: date) -> PersonCard | None:
    if applicant is None:
        return None
    card = PersonCard(PersonName(applicant.last_name, applicant.first_name, applicant.middle_name))
    try:
        return check_person(card, today=today)
    except Refusal as refusal:
        raise Refusal([replace(v, field=APPLICANT + v.field) for v in refusal.broken]) from None


async def _link_applicant(
    uow: UnitOfWork, pupil: Pupil, applicant: ApplicationApplicant, card: PersonCard
) -> None:
    """The applicant (found by SNILS, or added) linked to the child as their guardian, unless they are."""
    now = utcnow()
    try:
        guardian = await person_for(uow, card, _protected(applicant.snils_hash), now=now)
    except Problem as problem:
        if problem.code != "snils_of_another_person":
            raise
        detail = "СНИЛС заявителя уже записан за другим человеком: проверьте его"
        raise ApplicationRefused(problem.code, detail) from None
    child = pupil.person.person_id
    if guardian.person_id == child:
        raise ApplicationRefused("guardian_is_pupil", "Заявитель и ребёнок — один человек: проверьте СНИЛС")
    # A child who left a school earlier keeps their family's links (``services.movement``).
    if any(
        link.guardian_person_id == guardian.person_id
        for link, _ in await People(uow.session).guardians(child)
    ):
        return
    school_id = pupil.enrolment.school_id
    add_link(uow, child, school_id, guardian, applicant.kind, actor_user_id=None, now=now)


def _protected(snils_hash: str | None) -> ProtectedSnils | None:
    return None if snils_hash is None else ProtectedSnils(snils_hash)


@contextlib.contextmanager
def _refusals(*, number_given: bool) -> Iterator[None]:
    """The form path's refusals (a ``Problem`` a person would get, a ``Refusal``) as the application's;
    a number contingent gave and another request took meanwhile is a race: the next delivery gives
    another."""
    try:
        yield
    except Refusal as refusal:
        raise refusal_of(refusal.broken) from None
    except Problem as problem:
        retried = problem.code in _RETRIED or (problem.code == TAKEN_NUMBER and not number_given)
        if problem.status >= 500 or retried:
            raise
        raise ApplicationRefused(problem.code, problem.detail) from None


def _refuse(
    uow: UnitOfWork,
    row: ApplicationEnrolment,
    event: ApplicationAssignedToClassV1,
    refusal: ApplicationRefused,
) -> None:
    """Record the refusal on the application's row and announce it."""
    row.outcome, row.refusal_code, row.refusal_detail = REFUSED, refusal.code, refusal.detail
    answer = EnrolmentRefusedV1(
        application_id=event.application_id,
        school_id=event.school_id,
        class_id=event.class_id,
        code=refusal.code,
        detail=refusal.detail,
        occurred_at=utcnow(),
    )
    uow.outbox.add(answer, subject=event.application_id, school_id=event.school_id)
    log.info("contingent.application.refused", application_id=str(event.application_id), code=refusal.code)
