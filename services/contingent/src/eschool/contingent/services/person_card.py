"""Correcting a person's card (a typo in a name, a new surname, a mistyped SNILS), with its history.

Who: the school where the person is: for a pupil, the administration or the class teacher of the class;
for a staff member, the administration of a school employing them; for a guardian, those who enter the
guardians of a child they are linked to. Each change is recorded (``db.person_changes``: old and new
values, a SNILS only as changed), and a new name or SNILS is announced (``PersonChangedV1``). A correction
based on an older version of the card is refused (409); the same correction sent again changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, forbidden, not_found
from eschool.common.events.contingent import PersonChangedV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import OrgUnit, SchoolClass
from eschool.contingent.db.people import ENROLLED, People, Person, SnilsKeys
from eschool.contingent.db.person_changes import PersonChange, PersonChanges
from eschool.contingent.db.staff import Staff
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import PersonCard, Refusal, check_person, check_snils, collecting
from eschool.contingent.services.common import conflict_at, refused, stale_version
from eschool.contingent.services.people import card_of, full_name, leads_class, today_in
from eschool.contingent.services.scope import SCHOOL_WRITERS

log = get_logger(__name__)
MAX_REASON_LENGTH = 1000
_CARD_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "citizenship",
    "phone",
    "email",
)
_ANNOUNCED = {"last_name", "first_name", "middle_name", "snils"}


@dataclass(frozen=True)
class Correction:
    """The whole card as it should be, the version it was based on, the SNILS as typed (None: unchanged),
    and why (optional)."""

    card: PersonCard
    version: int
    snils: str | None = field(default=None, repr=False)
    reason: str | None = None


def person_not_found() -> Problem:
    """The 404 for a person who does not exist or is out of the caller's sight."""
    return not_found("person_not_found", "Человек не найден")


async def correct_person(
    uow: UnitOfWork, person_id: uuid.UUID, form: Correction, *, actor: Principal, keys: SnilsKeys
) -> Person:
    """Apply the correction; the person as they are now."""
    person = await uow.session.get(Person, person_id, with_for_update=True)
    if person is None:
        raise person_not_found()
    school, pupil = await _editor_school(uow, person_id, actor)
    try:
        card, digits, reason = collecting(
            lambda: check_person(form.card, today=today_in(school), birth_required=pupil),
            lambda: check_snils(form.snils),
            lambda: _reason(form.reason),
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    changes = _changes(person, card)
    snils = keys.protect(digits) if digits else None
    if snils is not None and snils.hash != person.snils_hash:
        changes["snils"] = {"old": "***" if person.snils_hash else None, "new": "***"}
    if not changes:
        return person  # nothing to change: the same correction again
    if form.version != person.version:
        raise stale_version()
    now = utcnow()
    for name in changes.keys() - {"snils"}:
        setattr(person, name, _value(card, name))
    if snils is not None and "snils" in changes:
        await _take_snils(uow, person, snils.hash)
        person.snils_hash, person.snils_ciphertext, person.snils_tail = (
            snils.hash,
            snils.ciphertext,
            snils.tail,
        )
    person.version, person.updated_at = person.version + 1, now
    uow.session.add(_record(person_id, school.org_unit_id, changes, reason, actor, now))
    await _flush(uow)
    if changes.keys() & _ANNOUNCED:
        event = PersonChangedV1(
            person_id=person_id, name=full_name(person), snils_hash=person.snils_hash, occurred_at=now
        )
        uow.outbox.add(event, subject=person_id, school_id=school.org_unit_id)
    await uow.commit()
    log.info("contingent.person.corrected", person_id=str(person_id), fields=sorted(changes))
    return person


async def person_changes(uow: UnitOfWork, person_id: uuid.UUID, *, actor: Principal) -> list[PersonChange]:
    """The corrections of the person's card, for those who may correct it."""
    if await uow.session.get(Person, person_id) is None:
        raise person_not_found()
    await _editor_school(uow, person_id, actor)
    return await PersonChanges(uow.session).of_person(person_id)


async def _editor_school(uow: UnitOfWork, person_id: uuid.UUID, actor: Principal) -> tuple[OrgUnit, bool]:
    """The school in which the actor corrects the person's card, and whether the person is its pupil."""
    people = People(uow.session)
    candidates: list[tuple[uuid.UUID, uuid.UUID | None, bool]] = []  # school, class teacher, a pupil
    enrolment = await people.current_enrolment(person_id)
    if enrolment is not None and enrolment.status == ENROLLED:
        candidates.append((enrolment.school_id, await _class_teacher(uow, enrolment.class_id), True))
    for employment in await Staff(uow.session).of_person(person_id):
        if employment.dismissed_on is None:
            candidates.append((employment.school_id, None, False))
    for link, _ in await people.children(person_id):
        child = await people.current_enrolment(link.pupil_person_id)
        if child is not None and child.status == ENROLLED:
            candidates.append((child.school_id, await _class_teacher(uow, child.class_id), False))
    for school_id, teacher, pupil in candidates:
        if actor.has_role(*SCHOOL_WRITERS, org_unit_id=school_id) or leads_class(actor, school_id, teacher):
            school = await uow.session.get(OrgUnit, school_id)
            assert school is not None  # org units are never deleted
            return school, pupil
    if any(binding.org_unit_id == school_id for school_id, _, _ in candidates for binding in actor.bindings):
        detail = "Исправлять сведения о человеке могут администрация школы и классный руководитель"
        raise forbidden("person_write_denied", detail)
    raise person_not_found()


async def _class_teacher(uow: UnitOfWork, class_id: uuid.UUID) -> uuid.UUID | None:
    school_class = await uow.session.get(SchoolClass, class_id)
    return school_class.class_teacher_person_id if school_class else None


def _reason(raw: str | None) -> str | None:
    value = " ".join((raw or "").split())
    if len(value) > MAX_REASON_LENGTH:
        raise Violation("reason", "value_too_long", f"Не длиннее {MAX_REASON_LENGTH} символов")
    return value or None


def _value(card: PersonCard, name: str) -> object:
    """A field of the card by its column's name (the name's parts live in ``card.name``)."""
    return getattr(card.name, name) if name.endswith("_name") else getattr(card, name)


def _changes(person: Person, card: PersonCard) -> dict[str, dict[str, Any]]:
    """The card's fields that differ from the person's, each {"old", "new"} (dates as ISO strings)."""
    now = card_of(person)
    changes = {}
    for name in _CARD_FIELDS:
        old, new = _value(now, name), _value(card, name)
        if old != new:
            changes[name] = {"old": _plain(old), "new": _plain(new)}
    return changes


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


async def _take_snils(uow: UnitOfWork, person: Person, snils_hash: str) -> None:
    other = await People(uow.session).by_snils_hash(snils_hash)
    if other is not None and other.person_id != person.person_id:
        detail = "Этот СНИЛС уже записан за другим человеком: проверьте номер"
        raise conflict_at("snils_of_another_person", detail, "body.snils")


async def _flush(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as error:
        if "snils_hash" not in str(error.orig):
            raise
        detail = "Этот СНИЛС только что записали за другим человеком: проверьте номер"
        raise conflict_at("snils_of_another_person", detail, "body.snils") from None


def _record(
    person_id: uuid.UUID,
    school_id: uuid.UUID,
    changes: dict[str, dict[str, Any]],
    reason: str | None,
    actor: Principal,
    now: Any,
) -> PersonChange:
    return PersonChange(
        person_change_id=uuid.uuid4(),
        person_id=person_id,
        school_id=school_id,
        changes=changes,
        reason=reason,
        actor_user_id=actor.user_id,
        changed_at=now,
    )
