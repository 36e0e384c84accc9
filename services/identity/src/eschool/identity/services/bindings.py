"""Role bindings: granted and revoked within the actor's jurisdiction, every change audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, forbidden, not_found, unprocessable
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.services.audit import audit
from eschool.identity.services.jurisdiction import check_org_unit_kind, jurisdiction_of, may_grant

MAX_PUPILS_PER_GUARDIAN_BINDING = 20


async def visible_bindings(uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal) -> list[RoleBinding]:
    """The account's bindings in org units the actor administers; 404 when there are none to see."""
    rows = (
        (await uow.session.execute(select(RoleBinding).where(RoleBinding.user_account_id == account_id)))
        .scalars()
        .all()
    )
    jurisdiction = await jurisdiction_of(uow, actor)
    visible = [b for b in rows if jurisdiction.covers(b.org_unit_id)]
    if not visible:
        # Not "forbidden": a school must not learn that an account exists in another school.
        raise not_found("account_not_found", "Учётная запись не найдена")
    return visible


async def grant_binding(
    uow: UnitOfWork,
    account_id: uuid.UUID,
    role: Role,
    org_unit_id: uuid.UUID,
    *,
    actor: Principal,
    pupil_ids: Sequence[uuid.UUID] = (),
) -> RoleBinding:
    """Grant a role in an org unit, if the actor may; a binding held already is a 409."""
    if not may_grant(await jurisdiction_of(uow, actor), role, org_unit_id):
        raise forbidden("grant_not_allowed", "Недостаточно прав, чтобы назначить эту роль в этой организации")
    if pupil_ids and role is not Role.guardian:
        raise unprocessable(
            "pupils_only_for_guardian",
            "Учеников указывают только для роли родителя",
            field_name="body.pupil_ids",
        )
    await check_org_unit_kind(uow, role, org_unit_id)
    account = await uow.session.get(UserAccount, account_id)
    if account is None:
        raise not_found("account_not_found", "Учётная запись не найдена")
    held = await uow.session.execute(
        select(RoleBinding.role_binding_id).where(
            RoleBinding.user_account_id == account_id,
            RoleBinding.role == role.value,
            RoleBinding.org_unit_id == org_unit_id,
        )
    )
    if held.first() is not None:
        raise conflict("binding_exists", "Эта роль уже назначена")
    binding = RoleBinding(
        role_binding_id=uuid.uuid4(),
        user_account_id=account_id,
        role=role.value,
        org_unit_id=org_unit_id,
        granted_at=utcnow(),
        granted_by=actor.user_id,
        pupil_ids=sorted({str(p) for p in pupil_ids}) if role is Role.guardian else None,
    )
    uow.session.add(binding)
    audit(uow, account_id, "binding_granted", actor=actor, detail=_detail(binding))
    return binding


async def revoke_binding(
    uow: UnitOfWork, account_id: uuid.UUID, binding_id: uuid.UUID, *, actor: Principal, reason: str | None
) -> None:
    """Take a role away; the account's access tokens carry it until they expire (15 minutes)."""
    binding = await uow.session.get(RoleBinding, binding_id, with_for_update=True)
    jurisdiction = await jurisdiction_of(uow, actor)
    if (
        binding is None
        or binding.user_account_id != account_id
        or not jurisdiction.covers(binding.org_unit_id)
    ):
        raise not_found("binding_not_found", "Такой роли у учётной записи нет")
    role = _known_role(binding.role)
    if role is None or not may_grant(jurisdiction, role, binding.org_unit_id):
        raise forbidden("revoke_not_allowed", "Недостаточно прав, чтобы отозвать эту роль")
    if binding.user_account_id == actor.user_id and role is Role.ministry:
        # The region must never lock itself out: another ministry account takes the role away.
        raise unprocessable(
            "cannot_revoke_own_ministry",
            "Нельзя отозвать собственную роль министерства",
            field_name="path.binding_id",
        )
    await uow.session.delete(binding)
    audit(uow, account_id, "binding_revoked", actor=actor, reason=reason, detail=_detail(binding))


def _known_role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def _detail(binding: RoleBinding) -> dict[str, str | list[str] | None]:
    detail: dict[str, str | list[str] | None] = {
        "role": binding.role,
        "org_unit_id": None if binding.org_unit_id is None else str(binding.org_unit_id),
    }
    if binding.pupil_ids:
        detail["pupil_ids"] = list(binding.pupil_ids)
    return detail
