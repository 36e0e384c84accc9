"""Reading the org tree: a unit's card (requisites for those who administer it), searches, history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from eschool.common.auth import Principal
from eschool.common.db import Page, UnitOfWork
from eschool.common.errors import Problem, forbidden, not_found
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.org_history import OrgUnitChange
from eschool.contingent.db.repositories import OrgHistory, OrgUnitFilter, OrgUnits
from eschool.contingent.services.scope import administers, jurisdiction_of


def org_unit_not_found() -> Problem:
    """The 404 for a unit that does not exist."""
    return not_found("org_unit_not_found", "Организация не найдена")


@dataclass(frozen=True)
class OrgUnitView:
    """A unit as the caller may see it: the public card, and requisites if the caller administers it."""

    unit: OrgUnit
    requisites_shown: bool


async def org_unit_view(uow: UnitOfWork, org_unit_id: uuid.UUID, *, actor: Principal) -> OrgUnitView:
    """A unit's card: public fields for anyone signed in, requisites for those who administer it."""
    unit = await uow.session.get(OrgUnit, org_unit_id)
    if unit is None:
        raise org_unit_not_found()
    return OrgUnitView(unit, administers(await jurisdiction_of(uow, actor), unit))


async def find_org_units(
    uow: UnitOfWork, wanted: OrgUnitFilter, *, actor: Principal, cursor: str | None, limit: int
) -> Page[OrgUnitView]:
    """Units by kind, parent (404 if there is no such unit) and name, in order of the short name."""
    if wanted.parent_id is not None and not await OrgUnits(uow.session).exists(
        OrgUnit.org_unit_id == wanted.parent_id
    ):
        raise org_unit_not_found()
    page = await OrgUnits(uow.session).find(wanted, cursor=cursor, limit=limit)
    jurisdiction = await jurisdiction_of(uow, actor)
    return Page([OrgUnitView(u, administers(jurisdiction, u)) for u in page.items], page.next_cursor)


async def org_unit_history(
    uow: UnitOfWork, org_unit_id: uuid.UUID, *, actor: Principal, cursor: str | None, limit: int
) -> Page[OrgUnitChange]:
    """Who changed the unit and how, newest first: for those who administer it."""
    if not (await org_unit_view(uow, org_unit_id, actor=actor)).requisites_shown:
        raise forbidden("org_unit_not_administered", "История этой организации вам недоступна")
    return await OrgHistory(uow.session).of_unit(org_unit_id, cursor=cursor, limit=limit)
