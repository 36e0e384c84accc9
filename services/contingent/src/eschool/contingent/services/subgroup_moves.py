"""Placing pupils into a class's subgroups, moving them between subgroups and taking them out.

Placing a pupil with no subgroup of the division yet is the division itself: the administration or the
class teacher, any day of the year the pupil is in the class. A move to another subgroup of the
division, or taking a pupil out, is the administration's, by the director's order, from a term
boundary; inside a term only with the administrator's reason (seed 004, 4.4.7; ``domain.subgroups``).
A placement entered by mistake is corrected the same day by whoever entered it. All or nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.db.base import date_in_zone, today_in_zone
from eschool.common.errors import forbidden, not_found
from eschool.common.logging import get_logger
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.people import People, PupilEnrolment
from eschool.contingent.db.subgroups import SubgroupMembership, Subgroups
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import Order, Refusal, collecting
from eschool.contingent.domain.subgroups import (
    Change,
    Term,
    change_of,
    check_boundary,
    clean_reason,
)
from eschool.contingent.services.common import refused
from eschool.contingent.services.movement import check_day, check_order, last_move_on
from eschool.contingent.services.people import today_in
from eschool.contingent.services.scope import SCHOOL_WRITERS
from eschool.contingent.services.subgroup_stays import announce_stay, end_stay, terms_of
from eschool.contingent.services.subgroups import Where, where_of

log = get_logger(__name__)


@dataclass(frozen=True)
class Placement:
    """Pupils into a subgroup from ``effective_on`` (None: today); a move needs the order, and inside a
    term the administrator's reason."""

    person_ids: list[uuid.UUID]
    effective_on: date | None = None
    order: Order | None = None
    override_reason: str | None = None


@dataclass(frozen=True)
class Departure:
    """A pupil out of a subgroup from ``effective_on``, by order (inside a term: with a reason)."""

    effective_on: date
    order: Order | None
    override_reason: str | None = None


@dataclass(frozen=True)
class Placed:
    """What a placement did: pupils who joined, moved (or were corrected), were there already."""

    joined: int
    moved: int
    unchanged: int


async def place_pupils(
    uow: UnitOfWork, subgroup_id: uuid.UUID, form: Placement, *, actor: Principal
) -> Placed:
    """Place the pupils into the subgroup, all or none."""
    where = await where_of(uow, subgroup_id, actor=actor, write=True)
    day = form.effective_on or today_in(where.school)
    pupils = {e.person_id: e for e, _ in await People(uow.session).class_pupils(where.school_class.class_id)}
    order, reason = await _checked(uow, where, day, form.order, form.override_reason, form.person_ids, pupils)
    ids = list(dict.fromkeys(form.person_ids))
    division = where.subgroup.division
    repo = Subgroups(uow.session)
    open_stays = await repo.open_stays(where.school_class.class_id, division, ids)
    ended = await repo.last_days(where.school_class.class_id, division, ids)
    changes = _changes(
        form.person_ids, open_stays, ended, where.subgroup.subgroup_id, day, where.school.time_zone
    )
    if Change.MOVE in changes.values():
        _may_move(actor, where.school)
        _check_move(order, await terms_of(uow, where.school_class), day, reason)
    now = utcnow()
    for person_id, change in changes.items():
        if change is Change.UNCHANGED:
            continue
        if change is not Change.JOIN:
            stay = open_stays[person_id]
            end_stay(uow, stay, day, now=now, actor_user_id=actor.user_id, order=order, reason=reason)
    await uow.session.flush()  # the ended stays first: a pupil's open stay in a division is unique
    for person_id, change in changes.items():
        if change is not Change.UNCHANGED:
            _begin(uow, where, person_id, day, order, reason if change is Change.MOVE else None, actor, now)
    await uow.commit()
    kinds = list(changes.values())
    joined, unchanged = kinds.count(Change.JOIN), kinds.count(Change.UNCHANGED)
    placed = Placed(joined, len(kinds) - joined - unchanged, unchanged)
    log.info(
        "contingent.subgroup.placed", subgroup_id=str(subgroup_id), joined=placed.joined, moved=placed.moved
    )
    return placed


async def take_out(
    uow: UnitOfWork, subgroup_id: uuid.UUID, person_id: uuid.UUID, form: Departure, *, actor: Principal
) -> SubgroupMembership:
    """End the pupil's stay in the subgroup from ``effective_on``; a retry answers the ended stay."""
    where = await where_of(uow, subgroup_id, actor=actor, write=True)
    _may_move(actor, where.school)
    history = [s for s in await Subgroups(uow.session).history(subgroup_id) if s.person_id == person_id]
    current = next((s for s in history if s.until_on is None), None)
    if current is None:
        done = next((s for s in reversed(history) if s.end_order_number is not None), None)
        if done is not None and done.until_on is not None and _ended_from(done) == form.effective_on:
            return done
        raise not_found("pupil_not_in_subgroup", "Ученика нет в этой подгруппе")
    open_stays = await Subgroups(uow.session).open_stays(
        where.school_class.class_id, current.division, [person_id]
    )
    stay = open_stays.get(person_id)
    if stay is None:  # moved meanwhile by another request
        raise not_found("pupil_not_in_subgroup", "Ученика нет в этой подгруппе")
    order, reason = await _checked(uow, where, form.effective_on, form.order, form.override_reason, [], {})
    if form.effective_on < stay.from_on:
        detail = f"Ученик в подгруппе с {stay.from_on:%d.%m.%Y}: изменение возможно не раньше этого дня"
        raise refused(Violation("effective_on", "date_before_membership", detail))
    _check_move(order, await terms_of(uow, where.school_class), form.effective_on, reason)
    now = utcnow()
    end_stay(uow, stay, form.effective_on, now=now, actor_user_id=actor.user_id, order=order, reason=reason)
    await uow.commit()
    log.info("contingent.subgroup.left", subgroup_id=str(subgroup_id), person_id=str(person_id))
    return stay


async def _checked(
    uow: UnitOfWork,
    where: Where,
    day: date,
    order: Order | None,
    reason: str | None,
    person_ids: list[uuid.UUID],
    pupils: dict[uuid.UUID, PupilEnrolment],
) -> tuple[Order | None, str | None]:
    """The day, order and reason checked, and each pupil in the class by that day; every refusal at once."""
    today, year = today_in(where.school), where.year
    since = {p: await last_move_on(uow, pupils[p]) for p in set(person_ids) if p in pupils}
    checks: list[Callable[[], Any]] = [
        lambda: check_day(day, year, year.starts_on, "effective_on"),
        lambda: None if order is None else check_order(order, today),
        lambda: clean_reason(reason),
    ]
    checks.extend(_in_class(index, since.get(p), day) for index, p in enumerate(person_ids))
    try:
        _, checked_order, checked_reason, *_ = collecting(*checks)
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    return checked_order, checked_reason


def _in_class(index: int, since: date | None, day: date) -> Callable[[], None]:
    """The check that the pupil is in the class (entered it on ``since``) on ``day``."""

    def check() -> None:
        field = f"person_ids[{index}]"
        if since is None:
            raise Violation(field, "pupil_not_in_class", "Ученик не учится в этом классе")
        if day < since:
            detail = f"Ученик в классе с {since:%d.%m.%Y}: в подгруппу — не раньше этого дня"
            raise Violation(field, "date_before_pupil_in_class", detail)

    return check


def _changes(
    ids: list[uuid.UUID],
    open_stays: dict[uuid.UUID, SubgroupMembership],
    ended: dict[uuid.UUID, date],
    subgroup_id: uuid.UUID,
    day: date,
    time_zone: str | None,
) -> dict[uuid.UUID, Change]:
    """What placing each pupil is (``ids`` as the request lists them, repeats included); a same-day
    correction counts only for a stay entered today at the school (its zone's day, not UTC's)."""
    changes, broken, today = {}, [], today_in_zone(time_zone)
    for index, person_id in enumerate(ids):
        if person_id in changes:
            continue
        stay = open_stays.get(person_id)
        same = stay is not None and stay.subgroup_id == subgroup_id
        try:
            change = change_of(stay and stay.from_on, same, day, ended.get(person_id))
        except Violation as violation:
            broken.append(Violation(f"person_ids[{index}]", violation.code, violation.detail))
            continue
        entered_today = stay is not None and date_in_zone(stay.created_at, time_zone) == today
        changes[person_id] = Change.MOVE if change is Change.CORRECTION and not entered_today else change
    if broken:
        raise refused(*broken)
    return changes


def _may_move(actor: Principal, school: OrgUnit) -> None:
    if not actor.has_role(*SCHOOL_WRITERS, org_unit_id=school.org_unit_id):
        detail = (
            "Переводить учеников между подгруппами может только администрация школы, по приказу директора"
        )
        raise forbidden("subgroup_move_denied", detail)


def _check_move(order: Order | None, terms: list[Term] | None, day: date, reason: str | None) -> None:
    try:
        collecting(lambda: _order_required(order), lambda: check_boundary(day, terms, reason))
    except Refusal as refusal:
        raise refused(*refusal.broken) from None


def _order_required(order: Order | None) -> None:
    if order is None:
        raise Violation("order", "value_required", "Перевод между подгруппами оформляется приказом директора")


def _begin(
    uow: UnitOfWork,
    where: Where,
    person_id: uuid.UUID,
    day: date,
    order: Order | None,
    reason: str | None,
    actor: Principal,
    now: datetime,
) -> None:
    stay = SubgroupMembership(
        membership_id=uuid.uuid4(),
        school_id=where.subgroup.school_id,
        subgroup_id=where.subgroup.subgroup_id,
        class_id=where.subgroup.class_id,
        division=where.subgroup.division,
        person_id=person_id,
        from_on=day,
        until_on=None,
        order_series=order.series if order else None,
        order_number=order.number if order else None,
        order_date=order.date if order else None,
        override_reason=reason,
        created_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(stay)
    announce_stay(uow, stay, now)


def _ended_from(stay: SubgroupMembership) -> date | None:
    return None if stay.until_on is None else stay.until_on + timedelta(days=1)
