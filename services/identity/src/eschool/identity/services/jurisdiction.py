"""Whose accounts and roles an administrator looks after: the ministry the region, a municipality its
schools, a school's administration its own school.

The tree comes from contingent (``org_unit``, kept by the consumer): a municipality administers the
schools whose parent it is. A school contingent has not told identity about is under no municipality
yet, so only the ministry and the school's own administration reach it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork
from eschool.common.errors import unprocessable
from eschool.identity.db.projections import OrgUnit

# A school's administration hands out the school's own roles (seed 004, section 3: teachers and the
# administration get their access from the journal's administrator, families from the class teacher).
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
# The school operator gets their account from the municipality (seed 003: «оператор школы получает
# учетную запись в РайОО/ГорОО»), so a municipality also hands out its schools' administration roles.
MUNICIPALITY_GRANTABLE = SCHOOL_GRANTABLE | set(SCHOOL_ADMINISTRATORS)
# The kind of org unit each role is held in.
REGION_ROLES = frozenset({Role.ministry})
MUNICIPALITY_ROLES = frozenset({Role.municipality})


def kind_for(role: Role) -> str:
    """The kind of org unit a binding of ``role`` must name."""
    if role in REGION_ROLES:
        return "region"
    if role in MUNICIPALITY_ROLES:
        return "municipality"
    return "school"


@dataclass(frozen=True)
class Jurisdiction:
    """The org units an actor administers, resolved against the org tree."""

    everywhere: bool
    municipalities: frozenset[uuid.UUID]
    own_schools: frozenset[uuid.UUID]  # as the school's administrator or director
    municipal_schools: frozenset[uuid.UUID]  # under a municipality the actor works in

    @property
    def schools(self) -> frozenset[uuid.UUID]:
        """Every school the actor administers."""
        return self.own_schools | self.municipal_schools

    @property
    def administers_anything(self) -> bool:
        """Whether the actor is any kind of administrator at all."""
        return self.everywhere or bool(self.municipalities or self.own_schools)

    def covers(self, org_unit_id: uuid.UUID | None) -> bool:
        """Whether bindings in ``org_unit_id`` are the actor's to see."""
        if self.everywhere:
            return True
        return org_unit_id is not None and (org_unit_id in self.schools or org_unit_id in self.municipalities)

    def may_grant(self, role: Role, org_unit_id: uuid.UUID | None) -> bool:
        """Whether the actor may grant (or revoke) ``role`` in ``org_unit_id``."""
        if self.everywhere:
            return True
        if org_unit_id is None:
            return False
        if org_unit_id in self.municipal_schools and role in MUNICIPALITY_GRANTABLE:
            return True
        return org_unit_id in self.own_schools and role in SCHOOL_GRANTABLE

    def administers_all(self, org_units: frozenset[uuid.UUID | None]) -> bool:
        """Whether every one of ``org_units`` is the actor's (to shut a shared account down)."""
        return self.everywhere or all(unit is not None and unit in self.schools for unit in org_units)


async def jurisdiction_of(uow: UnitOfWork, actor: Principal) -> Jurisdiction:
    """The actor's jurisdiction: their bindings, with the schools under their municipalities."""
    municipalities = frozenset(actor.org_units_for(Role.municipality))
    municipal_schools: frozenset[uuid.UUID] = frozenset()
    if municipalities:
        rows = await uow.session.execute(
            select(OrgUnit.org_unit_id).where(OrgUnit.parent_id.in_(municipalities), OrgUnit.kind == "school")
        )
        municipal_schools = frozenset(rows.scalars())
    return Jurisdiction(
        everywhere=actor.has_role(Role.ministry),
        municipalities=municipalities,
        own_schools=frozenset(actor.org_units_for(*SCHOOL_ADMINISTRATORS)),
        municipal_schools=municipal_schools,
    )


async def check_org_unit_kind(uow: UnitOfWork, role: Role, org_unit_id: uuid.UUID) -> None:
    """422 when the tree knows ``org_unit_id`` as another kind than ``role`` is held in."""
    known = await uow.session.get(OrgUnit, org_unit_id)
    expected = kind_for(role)
    if known is not None and known.kind != expected:
        names = {"region": "регион", "municipality": "муниципалитет", "school": "школу"}
        raise unprocessable(
            "org_unit_kind_mismatch",
            f"Эта роль назначается в {names[expected]}, а указанная организация — другого вида",
            field_name="body.org_unit_id",
        )
