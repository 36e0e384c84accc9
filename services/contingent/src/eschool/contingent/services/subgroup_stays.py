"""The ends of pupils' stays in subgroups, and their events: what a move between subgroups, a
withdrawal and a transfer to another class do alike. The movement use cases call ``leave_class``."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from eschool.common.db import UnitOfWork
from eschool.common.events.contingent import SubgroupMembershipChangedV1
from eschool.contingent.db.models import SchoolClass
from eschool.contingent.db.subgroups import SubgroupMembership, Subgroups, TermScheme
from eschool.contingent.domain.people import Order
from eschool.contingent.domain.subgroups import Term


def announce_stay(uow: UnitOfWork, stay: SubgroupMembership, now: datetime) -> None:
    """The stay's SubgroupMembershipChangedV1 (its beginning, or its last day), in the outbox."""
    event = SubgroupMembershipChangedV1(
        membership_id=stay.membership_id,
        subgroup_id=stay.subgroup_id,
        class_id=stay.class_id,
        school_id=stay.school_id,
        person_id=stay.person_id,
        from_on=stay.from_on,
        until_on=stay.until_on,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=stay.membership_id, school_id=stay.school_id)


def end_stay(
    uow: UnitOfWork,
    stay: SubgroupMembership,
    first_day_out: date,
    *,
    now: datetime,
    actor_user_id: uuid.UUID | None,
    order: Order | None = None,
    reason: str | None = None,
) -> None:
    """End the open stay the day before ``first_day_out`` (a stay not begun by then is voided), with the
    order and reason that ended it, and announce it."""
    stay.until_on = max(first_day_out, stay.from_on) - timedelta(days=1)
    if order is not None:
        stay.end_order_series, stay.end_order_number, stay.end_order_date = (
            order.series,
            order.number,
            order.date,
        )
    stay.end_override_reason = reason
    stay.ended_by_user_id, stay.updated_at = actor_user_id, now
    announce_stay(uow, stay, now)


async def leave_class(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    person_id: uuid.UUID,
    first_day_out: date,
    *,
    now: datetime,
    actor_user_id: uuid.UUID | None,
) -> None:
    """A pupil leaving the class (withdrawn, transferred) leaves its subgroups from ``first_day_out``."""
    for stay in await Subgroups(uow.session).open_stays_of(class_id, person_id):
        end_stay(uow, stay, first_day_out, now=now, actor_user_id=actor_user_id)


async def terms_of(uow: UnitOfWork, school_class: SchoolClass) -> list[Term] | None:
    """The terms of the class's scheme as scheduling announced them; None while they are unknown."""
    if school_class.term_scheme_id is None:
        return None
    scheme = await uow.session.get(TermScheme, school_class.term_scheme_id)
    if scheme is None:
        return None
    return [
        Term(t["name"], date.fromisoformat(t["starts_on"]), date.fromisoformat(t["ends_on"]))
        for t in scheme.terms
    ]
