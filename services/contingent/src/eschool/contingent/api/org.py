"""Writing the org tree: register the region, a municipality or a school, keep a unit's card, move a
school, close and reopen a unit.

Writes answer with the card and its version in ``ETag``; a change names the version it was based on
(``If-Match`` or ``version``) and gets 409 ``stale_version`` if someone changed it meanwhile.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from eschool.common.auth import CurrentPrincipal, Principal
from eschool.common.errors import FieldError, Problem, bad_request
from eschool.contingent.api.deps import database_of, settings_of
from eschool.contingent.api.org_schemas import (
    CARD,
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitRead,
    OrgUnitUpdate,
    VersionSeen,
    etag,
    org_unit_read,
)
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.services.org import (
    OrgUnitDraft,
    change_card,
    close_org_unit,
    move_org_unit,
    register_org_unit,
    reopen_org_unit,
)
from eschool.contingent.services.org_read import OrgUnitView

IfMatch = Annotated[str | None, Header(description='The card\'s version, as in its ETag: "3"')]
_ETAG = re.compile(r'(?:W/)?"?([0-9]{1,9})"?')
# close_org_unit or reopen_org_unit: the same call, the opposite effect.
ClosingUseCase = Callable[..., Awaitable[OrgUnit]]


def org_router() -> APIRouter:
    """The writing routes under /v1/org-units."""
    router = APIRouter(prefix="/v1/org-units", tags=["org tree"])

    @router.post("", status_code=201)
    async def create_org_unit(
        body: OrgUnitCreate, request: Request, response: Response, actor: CurrentPrincipal
    ) -> OrgUnitRead:
        """Register the region or a municipality (the ministry), or a school (the ministry; a municipality
        under itself)."""
        card = body.model_dump(include=CARD, exclude_none=True)
        draft = OrgUnitDraft(body.kind, body.parent_id, card, org_unit_id=body.org_unit_id)
        default_time_zone = settings_of(request).default_time_zone
        async with database_of(request).uow() as uow:
            unit = await register_org_unit(uow, draft, actor=actor, default_time_zone=default_time_zone)
        return _written(unit, response)

    @router.patch("/{org_unit_id}")
    async def update_org_unit(
        org_unit_id: uuid.UUID,
        body: OrgUnitUpdate,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
        if_match: IfMatch = None,
    ) -> OrgUnitRead:
        """Change the card (428 without a version, 409 ``stale_version`` if it changed since)."""
        seen = _seen_version(if_match, body.version, required=True)
        assert seen is not None
        fields = body.model_dump(include=CARD, exclude_unset=True)
        async with database_of(request).uow() as uow:
            unit = await change_card(uow, org_unit_id, fields, seen_version=seen, actor=actor)
        return _written(unit, response)

    @router.post("/{org_unit_id}/move")
    async def move(
        org_unit_id: uuid.UUID,
        body: OrgUnitMove,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
        if_match: IfMatch = None,
    ) -> OrgUnitRead:
        """Hand a school over to another municipality (the ministry only)."""
        seen = _seen_version(if_match, body.version)
        async with database_of(request).uow() as uow:
            unit = await move_org_unit(uow, org_unit_id, body.parent_id, seen_version=seen, actor=actor)
        return _written(unit, response)

    @router.post("/{org_unit_id}/close")
    async def close(
        org_unit_id: uuid.UUID,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
        body: VersionSeen | None = None,
        if_match: IfMatch = None,
    ) -> OrgUnitRead:
        """Close a unit: a municipality (the ministry, once its schools are closed), a school (the ministry
        or its municipality)."""
        return await _closing(close_org_unit, org_unit_id, request, response, actor, body, if_match)

    @router.post("/{org_unit_id}/reopen")
    async def reopen(
        org_unit_id: uuid.UUID,
        request: Request,
        response: Response,
        actor: CurrentPrincipal,
        body: VersionSeen | None = None,
        if_match: IfMatch = None,
    ) -> OrgUnitRead:
        """Reopen a closed unit, by the same rule as closing it; a school only under an open municipality."""
        return await _closing(reopen_org_unit, org_unit_id, request, response, actor, body, if_match)

    return router


async def _closing(
    use_case: ClosingUseCase,
    org_unit_id: uuid.UUID,
    request: Request,
    response: Response,
    actor: Principal,
    body: VersionSeen | None,
    if_match: str | None,
) -> OrgUnitRead:
    seen = _seen_version(if_match, body.version if body else None)
    async with database_of(request).uow() as uow:
        unit = await use_case(uow, org_unit_id, seen_version=seen, actor=actor)
    return _written(unit, response)


def _seen_version(if_match: str | None, body_version: int | None, *, required: bool = False) -> int | None:
    """The version the caller based the change on, from If-Match or the body (they must agree)."""
    if if_match is None or if_match.strip() == "*":
        if required and body_version is None:
            detail = "Укажите версию карточки, которую вы изменяете: заголовок If-Match или поле version"
            error = FieldError("body.version", "version_required", detail)
            raise Problem(428, "version_required", detail, title="Требуется версия", errors=[error])
        return body_version
    match = _ETAG.fullmatch(if_match.strip())
    if match is None:
        detail = 'Заголовок If-Match должен содержать версию карточки из ETag, например "3"'
        raise bad_request("invalid_if_match", detail, field_name="header.if-match")
    if body_version is not None and body_version != int(match[1]):
        detail = "Версия в заголовке If-Match и в поле version различается"
        raise bad_request("version_mismatch", detail, field_name="body.version")
    return int(match[1])


def _written(unit: OrgUnit, response: Response) -> OrgUnitRead:
    # Whoever changed a unit administers it, so the answer shows the requisites too.
    response.headers["ETag"] = etag(unit)
    return org_unit_read(OrgUnitView(unit, requisites_shown=True))
