"""Cancelling one pupil's promotion (seed 001: possible before the pupil is withdrawn): back into the class
they left, if nothing moved them since; the promotion record stays, so a later run does not repeat it."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.logging import get_logger
from eschool.contingent.db.models import SchoolClass
from eschool.contingent.db.movement import Movements, PupilMovement
from eschool.contingent.db.people import ENROLLED, People, PupilEnrolment
from eschool.contingent.db.rollover import PROMOTION_CANCELLED, PupilPromotion, Rollovers, promotion_movement
from eschool.contingent.services.common import conflict_at
from eschool.contingent.services.movement import movement_school
from eschool.contingent.services.people import pupil_not_found
from eschool.contingent.services.rollover import announce_promotion

log = get_logger(__name__)


async def cancel_promotion(
    uow: UnitOfWork, person_id: uuid.UUID, *, actor: Principal
) -> tuple[PupilPromotion, bool]:
    """Put a promoted pupil back into the class they left, if nothing moved them since; False: a retry."""
    people = People(uow.session)
    current = await people.current_enrolment(person_id)
    if current is None:
        raise pupil_not_found()
    await movement_school(uow, actor, current.school_id, hidden=pupil_not_found())
    await people.lock_enrolment(current.pupil_enrolment_id)
    enrolment = await uow.session.get(PupilEnrolment, current.pupil_enrolment_id, populate_existing=True)
    assert enrolment is not None  # enrolments are never deleted
    promotion = await Rollovers(uow.session).latest_promotion(enrolment.pupil_enrolment_id)
    if promotion is None:
        raise conflict_at(
            "pupil_not_promoted", "Ученик не переводился на новый учебный год", "path.person_id"
        )
    if promotion.cancelled_at is not None and enrolment.class_id == promotion.from_class_id:
        return promotion, False
    history = await Movements(uow.session).of_person(person_id)
    if (enrolment.status, enrolment.class_id, history[-1].pupil_movement_id) != (
        ENROLLED,
        promotion.to_class_id,
        promotion.movement_id,
    ):
        detail = "После перевода ученик выбыл или был переведён в другой класс: отмена перевода невозможна"
        raise conflict_at("pupil_moved_since_promotion", detail, "path.person_id")
    old = await uow.session.get(SchoolClass, promotion.from_class_id)
    promoted = await uow.session.get(PupilMovement, promotion.movement_id)
    assert old is not None  # classes and history are never deleted
    assert promoted is not None
    now = utcnow()
    # Dated as the promotion, so the history reads promotion, then its cancellation; no later move is held
    # back by it (only transfers count as a stay's last move), so the old year's withdrawal stays possible.
    day, new_year = promotion.promoted_on, enrolment.academic_year_id
    back = promotion_movement(
        promoted, enrolment, old.class_id, PROMOTION_CANCELLED, day, actor_user_id=actor.user_id, now=now
    )
    uow.session.add(back)
    enrolment.class_id, enrolment.academic_year_id = old.class_id, old.academic_year_id
    enrolment.version, enrolment.updated_at = enrolment.version + 1, now
    promotion.cancelled_at, promotion.cancelled_by_user_id = now, actor.user_id
    announce_promotion(uow, promotion, enrolment.school_id, new_year, now, cancelled=True)
    await uow.commit()
    log.info("contingent.promotion.cancelled", person_id=str(person_id), class_id=str(old.class_id))
    return promotion, True
