"""Whose accounts and roles an administrator looks after (``eschool.common.auth.jurisdiction``), against
the org tree contingent publishes (``org_unit``, kept by the consumer); and which roles each may grant.
"""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import SCHOOL_ADMINISTRATORS, Jurisdiction
from eschool.common.auth.jurisdiction import jurisdiction_of as common_jurisdiction_of
from eschool.common.db import UnitOfWork
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import unprocessable
from eschool.identity.db.projections import OrgUnit

# A school's administration hands out the school's own roles (seed 004, section 3: teachers and the
# administration get their access from the journal's administrator, families from the class teacher).
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


def may_grant(jurisdiction: Jurisdiction, role: Role, org_unit_id: uuid.UUID | None) -> bool:
    """Whether an actor of ``jurisdiction`` may grant (or revoke) ``role`` in ``org_unit_id``."""
    if jurisdiction.everywhere:
        return True
    if org_unit_id is None:
        return False
    if org_unit_id in jurisdiction.municipal_schools and role in MUNICIPALITY_GRANTABLE:
        return True
    return org_unit_id in jurisdiction.own_schools and role in SCHOOL_GRANTABLE


async def jurisdiction_of(uow: UnitOfWork, actor: Principal) -> Jurisdiction:
    """The actor's jurisdiction, the schools under their municipalities read from the org tree."""
    return await common_jurisdiction_of(actor, schools_under(uow.session, OrgUnit.__table__))


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
