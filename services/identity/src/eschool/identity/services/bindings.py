"""Role bindings: who may grant or see which roles where."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, forbidden, not_found
from eschool.identity.db.models import RoleBinding, UserAccount

# A school's administration hands out the school's own roles (seed 004, section 3); the roles that
# administer schools or territories are granted from above.
SCHOOL_ADMINISTRATORS = (Role.school_admin, Role.director)
SCHOOL_GRANTABLE = frozenset(
    {
        Role.deputy_director,
        Role.secretary,
        Role.schedule_dispatcher,
        Role.subject_teacher,
        Role.class_teacher,
        Role.pupil,
        Role.guardian,
    }
)


def may_grant(actor: Principal, role: Role, org_unit_id: uuid.UUID | None) -> bool:
    """Whether the actor may grant ``role`` in ``org_unit_id``."""
    if actor.has_role(Role.ministry):
        return True
    if org_unit_id is None or role not in SCHOOL_GRANTABLE:
        return False
    return org_unit_id in actor.org_units_for(*SCHOOL_ADMINISTRATORS)


async def visible_bindings(uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal) -> list[RoleBinding]:
    """The account's bindings in org units the actor administers; 404 when there are none to see."""
    rows = (
        (await uow.session.execute(select(RoleBinding).where(RoleBinding.user_account_id == account_id)))
        .scalars()
        .all()
    )
    if actor.has_role(Role.ministry):
        visible = list(rows)
    else:
        mine = actor.org_units_for(*SCHOOL_ADMINISTRATORS)
        visible = [b for b in rows if b.org_unit_id in mine]
    if not visible:
        # Not "forbidden": a school must not learn that an account exists in another school.
        raise not_found("account_not_found", "Учётная запись не найдена")
    return visible


async def grant_binding(
    uow: UnitOfWork, account_id: uuid.UUID, role: Role, org_unit_id: uuid.UUID | None, *, actor: Principal
) -> RoleBinding:
    """Grant a role in an org unit, if the actor may; a binding held already is a 409."""
    if not may_grant(actor, role, org_unit_id):
        raise forbidden("grant_not_allowed", "Недостаточно прав, чтобы назначить эту роль в этой организации")
    if await uow.session.get(UserAccount, account_id) is None:
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
    )
    uow.session.add(binding)
    return binding
