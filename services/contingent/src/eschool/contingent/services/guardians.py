"""A pupil's guardians (parents, legal representatives): linked, listed, unlinked, each change announced.

The class teacher enters the parents and their SNILS (seed 001). A guardian found by SNILS is the same
person wherever they are one (a parent of pupils in two schools), so identity puts every child into
their one account: ``GuardianLinkedV1`` carries the SNILS's keyed hash, by which identity also knows
their login through ESIA. Both events name the pupil's school. Contacts stay here, never in an event.

Linking the guardian the pupil already has (the same SNILS; without one, the same full name) answers
that link, so a retried request links nobody twice. Who: as for the pupil (``services.people``), except
that the list of guardians, with their contacts, is the school's and not the family's to read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.common.events.contingent import GuardianLinkedV1, GuardianUnlinkedV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.people import ENROLLED, GuardianLink, People, Person
from eschool.contingent.domain.people import (
    PersonCard,
    Refusal,
    check_person,
    check_snils,
    collecting,
    same_person,
)
from eschool.contingent.services.common import conflict_at, refused
from eschool.contingent.services.people import (
    ProtectedSnils,
    Pupil,
    SnilsKeys,
    disclose_snils,
    name_of,
    person_for,
    pupil_for,
    today_in,
)

log = get_logger(__name__)


@dataclass(frozen=True)
class GuardianForm:
    """Who the guardian is to the pupil, their card, and their SNILS as typed (never shown, never logged)."""

    person: PersonCard
    kind: str
    snils: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Guardian:
    """A guardian of a pupil: the person and the link."""

    person: Person
    link: GuardianLink


def guardian_not_found() -> Problem:
    """The 404 for a guardian the pupil does not have."""
    return not_found("guardian_not_found", "Такой родитель (законный представитель) у ученика не указан")


async def pupil_guardians(uow: UnitOfWork, pupil_id: uuid.UUID, *, actor: Principal) -> list[Guardian]:
    """The pupil's guardians now, in the order they were linked."""
    await pupil_for(uow, pupil_id, actor=actor, family_reads=False)
    return [Guardian(person, link) for link, person in await People(uow.session).guardians(pupil_id)]


async def link_guardian(
    uow: UnitOfWork, pupil_id: uuid.UUID, form: GuardianForm, *, actor: Principal, keys: SnilsKeys
) -> tuple[Guardian, bool]:
    """Link a guardian to the pupil (the person found by SNILS, or added); False: the link already was."""
    pupil = await _pupil_to_change(uow, pupil_id, actor=actor)
    school = await uow.session.get(OrgUnit, pupil.enrolment.school_id)
    assert school is not None
    card, snils = _checked(form, school, keys)
    present = await People(uow.session).guardians(pupil_id)
    if (same := _already_linked(present, card, snils)) is not None:
        if same.link.kind != form.kind:
            detail = "Этот родитель уже указан у ученика, с другим видом родства"
            raise conflict_at("guardian_already_linked", detail, "body.kind")
        return same, False
    now = utcnow()
    person = await person_for(uow, card, snils, now=now)
    if person.person_id == pupil_id:
        raise unprocessable(
            "guardian_is_pupil", "Ученик не может быть своим родителем", field_name="body.snils"
        )
    link = add_link(
        uow, pupil_id, school.org_unit_id, person, form.kind, actor_user_id=actor.user_id, now=now
    )
    await _flush(uow)
    await uow.commit()
    log.info(
        "contingent.guardian.linked", pupil_person_id=str(pupil_id), guardian_person_id=str(person.person_id)
    )
    return Guardian(person, link), True


def add_link(
    uow: UnitOfWork,
    pupil_id: uuid.UUID,
    school_id: uuid.UUID,
    guardian: Person,
    kind: str,
    *,
    actor_user_id: uuid.UUID | None,
    now: datetime,
) -> GuardianLink:
    """The link row and its GuardianLinked event (with the SNILS hash identity matches ESIA logins by)."""
    link = GuardianLink(
        guardian_link_id=uuid.uuid4(),
        pupil_person_id=pupil_id,
        guardian_person_id=guardian.person_id,
        kind=kind,
        linked_at=now,
        linked_by_user_id=actor_user_id,
    )
    uow.session.add(link)
    event = GuardianLinkedV1(
        guardian_person_id=guardian.person_id,
        pupil_person_id=pupil_id,
        school_id=school_id,
        kind=kind,  # type: ignore[arg-type]  # a GuardianKind, checked by the route's schema
        snils_hash=guardian.snils_hash,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=guardian.person_id, school_id=school_id)
    return link


async def unlink_guardian(
    uow: UnitOfWork, pupil_id: uuid.UUID, guardian_id: uuid.UUID, *, actor: Principal
) -> bool:
    """End the guardian's link to the pupil (kept as history); False: it had already ended."""
    pupil = await _pupil_to_change(uow, pupil_id, actor=actor)
    links = await People(uow.session).links(pupil_id, guardian_id)
    if not links:
        raise guardian_not_found()
    link = links[0]
    if link.unlinked_at is not None:
        return False
    now = utcnow()
    link.unlinked_at, link.unlinked_by_user_id = now, actor.user_id
    event = GuardianUnlinkedV1(
        guardian_person_id=guardian_id,
        pupil_person_id=pupil_id,
        school_id=pupil.enrolment.school_id,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=guardian_id, school_id=pupil.enrolment.school_id)
    await uow.commit()
    log.info(
        "contingent.guardian.unlinked", pupil_person_id=str(pupil_id), guardian_person_id=str(guardian_id)
    )
    return True


async def guardian_snils(
    uow: UnitOfWork, pupil_id: uuid.UUID, guardian_id: uuid.UUID, *, actor: Principal, keys: SnilsKeys
) -> str | None:
    """The guardian's SNILS in clear, for the pupil's school's administration (None: not known)."""
    pupil = await pupil_for(uow, pupil_id, actor=actor, family_reads=False)
    links = await People(uow.session).links(pupil_id, guardian_id)
    person = await uow.session.get(Person, guardian_id)
    if not links or links[0].unlinked_at is not None or person is None:
        raise guardian_not_found()
    return disclose_snils(person, pupil.enrolment.school_id, actor=actor, keys=keys)


async def _pupil_to_change(uow: UnitOfWork, pupil_id: uuid.UUID, *, actor: Principal) -> Pupil:
    """The pupil, held until commit (changes of their guardians take turns), if the actor changes them."""
    pupil = await pupil_for(uow, pupil_id, actor=actor, write=True)
    if pupil.enrolment.status != ENROLLED:
        detail = "Ученик выбыл: сведения о его родителях ведёт школа, где он учится"
        raise conflict("pupil_not_enrolled", detail)
    await People(uow.session).lock_enrolment(pupil.enrolment.pupil_enrolment_id)
    return pupil


def _checked(
    form: GuardianForm, school: OrgUnit, keys: SnilsKeys
) -> tuple[PersonCard, ProtectedSnils | None]:
    try:
        card, digits = collecting(
            lambda: check_person(form.person, today=today_in(school)), lambda: check_snils(form.snils)
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return card, keys.protect(digits) if digits else None


def _already_linked(
    present: list[tuple[GuardianLink, Person]], card: PersonCard, snils: ProtectedSnils | None
) -> Guardian | None:
    """The pupil's present guardian the form describes: by SNILS, else by full name."""
    for link, person in present:
        if snils is not None and person.snils_hash == snils.hash:
            if not same_person(PersonCard(name_of(person)), card):
                detail = "Этот СНИЛС уже записан за другим человеком: проверьте номер"
                raise conflict_at("snils_of_another_person", detail, "body.snils")
            return Guardian(person, link)
    for link, person in present:
        if name_of(person).key != card.name.key or (snils and person.snils_hash not in (None, snils.hash)):
            continue
        if snils is not None and person.snils_hash is None:
            detail = (
                "Родитель с такими ФИО уже указан у ученика без СНИЛС: удалите его и внесите заново со СНИЛС"
            )
            raise conflict_at("guardian_already_linked", detail, "body.snils")
        return Guardian(person, link)
    return None


async def _flush(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as error:
        # Two requests linking the same guardian at once: the pupil's lock makes it rare, the key certain.
        if "guardian_person_id" in str(error.orig):
            detail = "Этот родитель уже указан у ученика"
            raise conflict_at("guardian_already_linked", detail, "body.snils") from None
        raise
