"""Reading the org tree: anyone signed in reads a unit's public card (names, address, contacts, time
zone: a parent looks up the school's phone) and searches the tree; its requisites (ИНН, ОГРН, ОКАТО,
ОКТМО) and history only those who administer the unit. A card comes with its version in ``ETag``.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.db import Page
from eschool.common.events.contingent import OrgUnitKind
from eschool.contingent.api.deps import Cursor, Limit, database_of
from eschool.contingent.api.org_schemas import (
    OrgUnitChangePage,
    OrgUnitChangeRead,
    OrgUnitPage,
    OrgUnitRead,
    etag,
    org_unit_read,
)
from eschool.contingent.db.repositories import OrgUnitFilter
from eschool.contingent.services.org_read import OrgUnitView, find_org_units, org_unit_history, org_unit_view

NameQuery = Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]


def org_read_router() -> APIRouter:
    """The reading routes under /v1/org-units."""
    router = APIRouter(prefix="/v1/org-units", tags=["org tree"])

    @router.get("")
    async def list_org_units(
        request: Request,
        actor: CurrentPrincipal,
        kind: OrgUnitKind | None = None,
        parent_id: uuid.UUID | None = None,
        q: NameQuery = None,
        include_closed: bool = False,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> OrgUnitPage:
        """Units by kind, the unit above and a part of the name, in order of the short name."""
        wanted = OrgUnitFilter(kind, parent_id, q, include_closed)
        async with database_of(request).uow() as uow:
            page = await find_org_units(uow, wanted, actor=actor, cursor=cursor, limit=limit)
        return _page(page)

    @router.get("/{org_unit_id}")
    async def get_org_unit(
        org_unit_id: uuid.UUID, request: Request, response: Response, actor: CurrentPrincipal
    ) -> OrgUnitRead:
        """A unit's card; its requisites only for those who administer the unit."""
        async with database_of(request).uow() as uow:
            view = await org_unit_view(uow, org_unit_id, actor=actor)
        response.headers["ETag"] = etag(view.unit)
        return org_unit_read(view)

    @router.get("/{org_unit_id}/children")
    async def list_children(
        org_unit_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        q: NameQuery = None,
        include_closed: bool = False,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> OrgUnitPage:
        """The units right under a unit (a region's municipalities, a municipality's schools)."""
        wanted = OrgUnitFilter(parent_id=org_unit_id, q=q, include_closed=include_closed)
        async with database_of(request).uow() as uow:
            page = await find_org_units(uow, wanted, actor=actor, cursor=cursor, limit=limit)
        return _page(page)

    @router.get("/{org_unit_id}/changes")
    async def list_changes(
        org_unit_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> OrgUnitChangePage:
        """Who changed the unit and how, newest first: for those who administer it."""
        async with database_of(request).uow() as uow:
            page = await org_unit_history(uow, org_unit_id, actor=actor, cursor=cursor, limit=limit)
        items = [OrgUnitChangeRead.model_validate(c, from_attributes=True) for c in page.items]
        return OrgUnitChangePage(items=items, next_cursor=page.next_cursor)

    return router


def _page(page: Page[OrgUnitView]) -> OrgUnitPage:
    return OrgUnitPage(items=[org_unit_read(view) for view in page.items], next_cursor=page.next_cursor)
