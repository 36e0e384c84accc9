"""The org tree's use cases: register a unit, keep its card, move a school, close and reopen a unit.

Who may do what (the jurisdiction of ``services.scope``):

- the region: the ministry registers it (one only) and keeps its card;
- a municipality: the ministry registers, closes and reopens it; the ministry and the municipality
  itself keep its card;
- a school: the ministry registers it under any municipality, a municipality under itself; the
  ministry, its municipality and its own administrator or director keep its card; the ministry and
  its municipality close and reopen it; only the ministry moves it to another municipality.

Each write first locks the rows it reads to decide (``OrgUnits.locked``), so a version check or a
«closed parent» check cannot race another writer on either database; it records the change in the
unit's history and queues its event in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, forbidden, unprocessable
from eschool.common.events.contingent import OrgUnitChangedV1, OrgUnitReassignedV1, OrgUnitRegisteredV1
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.repositories import OrgHistory, OrgUnits
from eschool.contingent.services.common import conflict_at, touch
from eschool.contingent.services.org_checks import (
    check_one_region,
    check_parent,
    check_unique,
    cleaned,
    commit_tree,
)
from eschool.contingent.services.org_read import org_unit_not_found
from eschool.contingent.services.scope import administers, jurisdiction_of, oversees

# What other services show or compute with; a change of anything else publishes nothing.
PUBLISHED_FIELDS = frozenset({"short_name", "time_zone"})


@dataclass(frozen=True)
class OrgUnitDraft:
    """A unit to register: its kind, the unit above, and its card's fields as entered."""

    kind: str
    parent_id: uuid.UUID | None
    card: Mapping[str, str | None]
    # The client's id for the new unit: a retry finds the unit it made (None: a fresh id).
    org_unit_id: uuid.UUID | None = None


async def register_org_unit(
    uow: UnitOfWork, draft: OrgUnitDraft, *, actor: Principal, default_time_zone: str
) -> OrgUnit:
    """Add a unit to the tree: the ministry any (one region only), a municipality a school under itself."""
    if not oversees(await jurisdiction_of(uow, actor), draft.kind, draft.parent_id):
        raise forbidden("org_unit_not_administered", "Добавлять организации сюда вам не разрешено")
    card = cleaned({"time_zone": default_time_zone, **draft.card})
    if draft.org_unit_id is not None and (made := await uow.session.get(OrgUnit, draft.org_unit_id)):
        return _retried(made, draft, card)
    await check_parent(uow, draft.kind, draft.parent_id)
    await check_one_region(uow, draft.kind)
    await check_unique(uow, card, other_than=None)
    now = utcnow()
    unit_id = draft.org_unit_id or uuid.uuid4()
    unit = OrgUnit(org_unit_id=unit_id, kind=draft.kind, parent_id=draft.parent_id, **card)
    unit.created_at, unit.updated_at, unit.version = now, now, 1
    uow.session.add(unit)
    changes = {"parent_id": (None, unit.parent_id)} | {f: (None, v) for f, v in card.items() if v}
    OrgHistory(uow.session).record(unit, "registered", changes, actor_user_id=actor.user_id, at=now)
    event = OrgUnitRegisteredV1(
        org_unit_id=unit.org_unit_id,
        kind=draft.kind,  # type: ignore[arg-type]
        parent_id=unit.parent_id,
        short_name=unit.short_name,
        time_zone=unit.time_zone,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=unit.org_unit_id, school_id=school_id_of(unit))
    await commit_tree(uow)
    return unit


def _retried(made: OrgUnit, draft: OrgUnitDraft, card: Mapping[str, str | None]) -> OrgUnit:
    """The unit an earlier try of the same request made; 409 if the id belongs to another unit."""
    same = made.kind == draft.kind and made.parent_id == draft.parent_id
    if same and all(getattr(made, field) == value for field, value in card.items()):
        return made
    raise conflict_at(
        "org_unit_id_taken",
        "Организация с таким идентификатором уже есть, и она другая",
        "body.org_unit_id",
    )


async def change_card(
    uow: UnitOfWork,
    org_unit_id: uuid.UUID,
    fields: Mapping[str, str | None],
    *,
    seen_version: int,
    actor: Principal,
) -> OrgUnit:
    """Change the card's given fields, if nobody changed the card since ``seen_version`` was read."""
    unit = await _locked(uow, org_unit_id)
    if not administers(await jurisdiction_of(uow, actor), unit):
        raise forbidden("org_unit_not_administered", "Карточка этой организации вам недоступна")
    _check_version(unit, seen_version)
    card = cleaned(fields)
    diff = {f: (getattr(unit, f), v) for f, v in card.items() if getattr(unit, f) != v}
    if not diff:
        return unit  # nothing changed: the version stays, nothing is recorded or published
    await check_unique(uow, {f: new for f, (_, new) in diff.items()}, other_than=org_unit_id)
    for field, (_, new) in diff.items():
        setattr(unit, field, new)
    now = touch(unit)
    OrgHistory(uow.session).record(unit, "changed", diff, actor_user_id=actor.user_id, at=now)
    if PUBLISHED_FIELDS & diff.keys():
        uow.outbox.add(changed_event(unit, now), subject=unit.org_unit_id, school_id=school_id_of(unit))
    await commit_tree(uow)
    return unit


async def move_org_unit(
    uow: UnitOfWork,
    org_unit_id: uuid.UUID,
    parent_id: uuid.UUID,
    *,
    seen_version: int | None,
    actor: Principal,
) -> OrgUnit:
    """Hand a school over to another municipality: the ministry only."""
    unit = await _locked(uow, org_unit_id)
    if not (await jurisdiction_of(uow, actor)).everywhere:
        raise forbidden("ministry_only", "Передать школу другому муниципалитету может только министерство")
    if unit.kind != "school":
        raise unprocessable("not_movable", "Переносить можно только школу", field_name="body.parent_id")
    _check_version(unit, seen_version)
    if unit.closed_at is not None:
        raise conflict("org_unit_closed", "Школа закрыта: переносить её нельзя")
    if parent_id == unit.parent_id:
        return unit
    await check_parent(uow, unit.kind, parent_id)
    old, unit.parent_id = unit.parent_id, parent_id
    now = touch(unit)
    OrgHistory(uow.session).record(
        unit, "moved", {"parent_id": (old, parent_id)}, actor_user_id=actor.user_id, at=now
    )
    event = OrgUnitReassignedV1(
        org_unit_id=unit.org_unit_id, kind="school", parent_id=parent_id, occurred_at=now
    )
    uow.outbox.add(event, subject=unit.org_unit_id, school_id=unit.org_unit_id)
    await commit_tree(uow)
    return unit


async def close_org_unit(
    uow: UnitOfWork, org_unit_id: uuid.UUID, *, seen_version: int | None, actor: Principal
) -> OrgUnit:
    """Close a unit (liquidated, merged): kept for history, gets no new children; its schools first."""
    return await _set_closed(uow, org_unit_id, True, seen_version=seen_version, actor=actor)


async def reopen_org_unit(
    uow: UnitOfWork, org_unit_id: uuid.UUID, *, seen_version: int | None, actor: Principal
) -> OrgUnit:
    """Reopen a closed unit (closed by mistake); a school only under an open municipality."""
    return await _set_closed(uow, org_unit_id, False, seen_version=seen_version, actor=actor)


async def _set_closed(
    uow: UnitOfWork, org_unit_id: uuid.UUID, closed: bool, *, seen_version: int | None, actor: Principal
) -> OrgUnit:
    unit = await _locked(uow, org_unit_id)
    if not oversees(await jurisdiction_of(uow, actor), unit.kind, unit.parent_id):
        raise forbidden("org_unit_not_administered", "Закрыть или открыть эту организацию вам не разрешено")
    if unit.kind == "region":
        raise unprocessable("region_not_closable", "Регион не закрывается")
    _check_version(unit, seen_version)
    if (unit.closed_at is not None) == closed:
        return unit
    if closed and await OrgUnits(uow.session).exists(
        OrgUnit.parent_id == unit.org_unit_id, OrgUnit.closed_at.is_(None)
    ):
        raise conflict("has_open_children", "Сначала закройте или передайте другим все школы муниципалитета")
    if not closed and unit.parent_id is not None:
        parent = await _locked(uow, unit.parent_id)
        if parent.closed_at is not None:
            raise conflict("parent_closed", "Вышестоящая организация закрыта: сначала откройте её")
    old = unit.closed_at
    now = utcnow()
    unit.closed_at = now if closed else None
    touch(unit, now)
    action = "closed" if closed else "reopened"
    OrgHistory(uow.session).record(
        unit, action, {"closed_at": (old, unit.closed_at)}, actor_user_id=actor.user_id, at=now
    )
    uow.outbox.add(changed_event(unit, now), subject=unit.org_unit_id, school_id=school_id_of(unit))
    await commit_tree(uow)
    return unit


def school_id_of(unit: OrgUnit) -> uuid.UUID | None:
    """The envelope's ``school_id``: the unit itself for a school, none for the region or a municipality."""
    return unit.org_unit_id if unit.kind == "school" else None


def changed_event(unit: OrgUnit, now: datetime) -> OrgUnitChangedV1:
    """What consumers keep of a unit: its short name, time zone and whether it is closed."""
    return OrgUnitChangedV1(
        org_unit_id=unit.org_unit_id,
        kind=unit.kind,  # type: ignore[arg-type]
        short_name=unit.short_name,
        time_zone=unit.time_zone,
        closed=unit.closed_at is not None,
        occurred_at=now,
    )


async def _locked(uow: UnitOfWork, org_unit_id: uuid.UUID) -> OrgUnit:
    unit = await OrgUnits(uow.session).locked(org_unit_id)
    if unit is None:
        raise org_unit_not_found()
    return unit


def _check_version(unit: OrgUnit, seen: int | None) -> None:
    # Not services.common's stale_version: the card's version may come from If-Match rather than the
    # body, so the answer names no body field and carries the current version for the next ETag.
    if seen is not None and seen != unit.version:
        problem = conflict("stale_version", "Карточку уже изменили: обновите её и повторите изменение")
        problem.extra["current_version"] = unit.version
        raise problem
