"""Exemptions: a pupil freed from a subject's marks for a while (e.g. from physical education on a
doctor's note). The school's administration or the pupil's class teacher grants and withdraws them, and
the audit keeps who did it, when, for which subject and days; the reason is health data: it stays in this
table, never in an event, a log line or the audit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError, forbidden, not_found, unprocessable_fields
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import Exemption
from eschool.journal.services.audit import add_audit
from eschool.journal.services.lesson_access import ADMINISTRATION, administers, in_school, teaches_pupil


@dataclass(frozen=True)
class ExemptionForm:
    """Who is exempted from which subject, from which day until which (None: until withdrawn), why."""

    pupil_person_id: uuid.UUID
    subject_id: uuid.UUID
    from_on: date
    until_on: date | None
    reason: str


async def _check(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, pupil_id: uuid.UUID | None, *, write: bool
) -> None:
    """Pass the administration and the pupil's class teacher (readers: the municipality and the ministry
    too), else 404 out of sight or 403."""
    if actor.has_role(*ADMINISTRATION, org_unit_id=school_id):
        return
    if pupil_id is not None and await teaches_pupil(uow, actor, school_id, pupil_id):
        return
    reads = await administers(uow, actor, school_id)
    if reads and not write:
        return
    if not reads and not in_school(actor, school_id):
        raise not_found("school_not_found", "Школа не найдена")
    raise forbidden(
        "exemption_access_denied", "Освобождения ведут администрация школы и классный руководитель ученика"
    )


async def grant_exemption(
    uow: UnitOfWork, school_id: uuid.UUID, form: ExemptionForm, *, actor: Principal
) -> Exemption:
    """Exempt the pupil from the subject's marks between the days."""
    await _check(uow, actor, school_id, form.pupil_person_id, write=True)
    errors: list[FieldError] = []
    if form.until_on is not None and form.until_on < form.from_on:
        errors.append(FieldError("body.until_on", "until_before_from", "Последний день раньше первого"))
    stays = await Projections(uow.session).classes_of_pupil_on(form.pupil_person_id, form.from_on)
    if not any(stay.school_id == school_id for stay in stays):
        detail = "Ученик не числится в школе в первый день освобождения"
        errors.append(FieldError("body.pupil_person_id", "pupil_not_in_school", detail))
    if errors:
        raise unprocessable_fields(errors)
    row = Exemption(
        exemption_id=uuid.uuid4(),
        school_id=school_id,
        pupil_person_id=form.pupil_person_id,
        subject_id=form.subject_id,
        from_on=form.from_on,
        until_on=form.until_on,
        reason=form.reason,
        created_by=actor.person_id,
        created_at=utcnow(),
    )
    uow.session.add(row)
    _audit(uow, actor, row, "granted", None, _state(row))
    await uow.commit()
    return row


def _state(row: Exemption) -> dict[str, Any]:
    """What the audit keeps of an exemption: the subject and the days, not the reason."""
    until = row.until_on
    return {
        "subject_id": str(row.subject_id),
        "from_on": row.from_on.isoformat(),
        "until_on": None if until is None else until.isoformat(),
    }


def _audit(uow: UnitOfWork, actor: Principal, row: Exemption, action: str, old: Any, new: Any) -> None:
    add_audit(
        uow,
        actor,
        school_id=row.school_id,
        entity="exemption",
        entity_id=row.exemption_id,
        lesson_id=None,
        pupil_id=row.pupil_person_id,
        action=action,
        old=old,
        new=new,
    )


async def withdraw_exemption(uow: UnitOfWork, exemption_id: uuid.UUID, *, actor: Principal) -> Exemption:
    """Withdraw the exemption (the row stays, marked deleted): the pupil is marked again."""
    # Held: of two withdrawals at once the second finds it withdrawn (404), one audit row, not two.
    await uow.serialize()
    row = await JournalRecords(uow.session).exemption(exemption_id, hold=True)
    if row is None or row.deleted_at is not None:
        raise not_found("exemption_not_found", "Освобождение не найдено")
    await _check(uow, actor, row.school_id, row.pupil_person_id, write=True)
    row.deleted_at = utcnow()
    _audit(uow, actor, row, "withdrawn", _state(row), None)
    await uow.commit()
    return row


async def school_exemptions(
    uow: UnitOfWork, school_id: uuid.UUID, pupil_id: uuid.UUID | None, *, actor: Principal
) -> list[Exemption]:
    """The school's exemptions in force or to come (of one pupil, if given)."""
    await _check(uow, actor, school_id, pupil_id, write=False)
    return await JournalRecords(uow.session).exemptions(school_id, pupil_id)
