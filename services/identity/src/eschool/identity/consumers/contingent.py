"""Contingent's facts change bindings: guardians see their linked pupils, the dismissed lose the school.

Every handler first stores the fact in a projection with ``upsert_newer`` (an older fact arriving late
changes nothing), then derives the bindings from the projection, so the outcome does not depend on
the order in which events arrive.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select

from eschool.common.auth import Role
from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer, utcnow
from eschool.common.events import Envelope
from eschool.common.events.contingent import (
    GuardianLinkedV1,
    GuardianUnlinkedV1,
    OrgUnitReassignedV1,
    OrgUnitRegisteredV1,
    PersonChangedV1,
    PupilWithdrawnV1,
    StaffDismissedV1,
    StaffHiredV1,
)
from eschool.common.logging import get_logger
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.db.projections import GuardianLink, OrgUnit, StaffEmployment
from eschool.identity.services.access_lock import school_access_lock
from eschool.identity.services.person_keys import record_person_snils_hash

log = get_logger(__name__)
# Roles a person holds as a member of a family, not of the staff: dismissal leaves them alone.
FAMILY_ROLES = (Role.pupil.value, Role.guardian.value)


async def on_org_unit_placed(
    event: Envelope[OrgUnitRegisteredV1 | OrgUnitReassignedV1], uow: UnitOfWork
) -> None:
    """Where the unit sits in the tree: a municipality administers the schools whose parent it is."""
    data = event.data
    values = {
        "org_unit_id": data.org_unit_id,
        "kind": data.kind,
        "parent_id": data.parent_id,
        "source_version": data.occurred_at,
    }
    await upsert_newer(uow.session, OrgUnit.__table__, values, key=("org_unit_id",))


async def on_guardian_linked(event: Envelope[GuardianLinkedV1], uow: UnitOfWork) -> None:
    """The guardian's binding in the school gains the pupil; the SNILS hash is kept for ESIA logins."""
    data = event.data
    await uow.lock(school_access_lock(data.school_id))
    if data.snils_hash is not None:
        await record_person_snils_hash(uow, data.guardian_person_id, data.snils_hash, as_of=data.occurred_at)
    await _link(uow, data.guardian_person_id, data.school_id, data.pupil_person_id, True, data.occurred_at)


async def on_guardian_unlinked(event: Envelope[GuardianUnlinkedV1], uow: UnitOfWork) -> None:
    """The guardian's binding in the school loses the pupil (and goes when no pupil is left)."""
    data = event.data
    await uow.lock(school_access_lock(data.school_id))
    await _link(uow, data.guardian_person_id, data.school_id, data.pupil_person_id, False, data.occurred_at)


async def on_person_changed(event: Envelope[PersonChangedV1], uow: UnitOfWork) -> None:
    """A corrected SNILS: logins through ESIA match the person by the new hash (None: by none)."""
    data = event.data
    await record_person_snils_hash(uow, data.person_id, data.snils_hash, as_of=data.occurred_at)


async def on_pupil_withdrawn(event: Envelope[PupilWithdrawnV1], uow: UnitOfWork) -> None:
    """The pupil's own binding in the school ends, and the school's guardians no longer see them."""
    data = event.data
    await uow.lock(school_access_lock(data.school_id))
    await _drop_bindings(uow, data.person_id, data.school_id, roles=(Role.pupil.value,))
    links = await uow.session.execute(
        select(GuardianLink.guardian_person_id).where(
            GuardianLink.school_id == data.school_id, GuardianLink.pupil_person_id == data.person_id
        )
    )
    for guardian in links.scalars().all():
        await _link(uow, guardian, data.school_id, data.person_id, False, data.occurred_at)


async def on_staff_hired(event: Envelope[StaffHiredV1], uow: UnitOfWork) -> None:
    """Remember the employment (roles are granted by the school) and the SNILS hash for ESIA logins."""
    data = event.data
    if data.snils_hash is not None:
        await record_person_snils_hash(uow, data.person_id, data.snils_hash, as_of=data.occurred_at)
    await _employ(uow, data.person_id, data.school_id, True, data.occurred_at)


async def on_staff_dismissed(event: Envelope[StaffDismissedV1], uow: UnitOfWork) -> None:
    """A dismissed staff member loses every staff role in that school (a parent there stays a parent)."""
    data = event.data
    await uow.lock(school_access_lock(data.school_id))
    if await _employ(uow, data.person_id, data.school_id, False, data.occurred_at):
        await _drop_bindings(uow, data.person_id, data.school_id, roles=None)


async def _employ(
    uow: UnitOfWork, person_id: uuid.UUID, school_id: uuid.UUID, employed: bool, at: datetime
) -> bool:
    values = {"person_id": person_id, "school_id": school_id, "employed": employed, "source_version": at}
    return await upsert_newer(uow.session, StaffEmployment.__table__, values, key=("person_id", "school_id"))


async def _link(
    uow: UnitOfWork, guardian: uuid.UUID, school_id: uuid.UUID, pupil: uuid.UUID, linked: bool, at: datetime
) -> None:
    values = {
        "guardian_person_id": guardian,
        "school_id": school_id,
        "pupil_person_id": pupil,
        "linked": linked,
        "source_version": at,
    }
    key = ("guardian_person_id", "school_id", "pupil_person_id")
    if await upsert_newer(uow.session, GuardianLink.__table__, values, key=key):
        await _sync_guardian_bindings(uow, guardian, school_id)


async def _sync_guardian_bindings(uow: UnitOfWork, guardian: uuid.UUID, school_id: uuid.UUID) -> None:
    """Make each account of the guardian hold exactly the school's linked pupils (or no binding)."""
    linked = await uow.session.execute(
        select(GuardianLink.pupil_person_id).where(
            GuardianLink.guardian_person_id == guardian,
            GuardianLink.school_id == school_id,
            GuardianLink.linked,
        )
    )
    pupils = sorted(str(p) for p in linked.scalars())
    for account_id in await _accounts_of(uow, guardian):
        binding = (
            await uow.session.execute(
                select(RoleBinding).where(
                    RoleBinding.user_account_id == account_id,
                    RoleBinding.role == Role.guardian.value,
                    RoleBinding.org_unit_id == school_id,
                )
            )
        ).scalar_one_or_none()
        if not pupils:
            if binding is not None:
                await uow.session.delete(binding)
        elif binding is None:
            uow.session.add(_guardian_binding(account_id, school_id, pupils))
        else:
            binding.pupil_ids = pupils


def _guardian_binding(account_id: uuid.UUID, school_id: uuid.UUID, pupils: list[str]) -> RoleBinding:
    return RoleBinding(
        role_binding_id=uuid.uuid4(),
        user_account_id=account_id,
        role=Role.guardian.value,
        org_unit_id=school_id,
        granted_at=utcnow(),
        granted_by=None,
        pupil_ids=pupils,
    )


async def _accounts_of(uow: UnitOfWork, person_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await uow.session.execute(
        select(UserAccount.user_account_id).where(UserAccount.person_id == person_id)
    )
    return list(rows.scalars())


async def _drop_bindings(
    uow: UnitOfWork, person_id: uuid.UUID, school_id: uuid.UUID, *, roles: tuple[str, ...] | None
) -> None:
    """Remove the person's bindings in the school: the given roles, or every staff role."""
    accounts = await _accounts_of(uow, person_id)
    if not accounts:
        return
    stmt = delete(RoleBinding).where(
        RoleBinding.user_account_id.in_(accounts), RoleBinding.org_unit_id == school_id
    )
    stmt = (
        stmt.where(RoleBinding.role.in_(roles))
        if roles
        else stmt.where(RoleBinding.role.not_in(FAMILY_ROLES))
    )
    result = await uow.session.execute(stmt)
    log.info(
        "identity.bindings.dropped", person_id=str(person_id), school_id=str(school_id), count=result.rowcount
    )


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "identity.contingent-events",
    {
        OrgUnitRegisteredV1: on_org_unit_placed,
        OrgUnitReassignedV1: on_org_unit_placed,
        GuardianLinkedV1: on_guardian_linked,
        GuardianUnlinkedV1: on_guardian_unlinked,
        PersonChangedV1: on_person_changed,
        PupilWithdrawnV1: on_pupil_withdrawn,
        StaffHiredV1: on_staff_hired,
        StaffDismissedV1: on_staff_dismissed,
    },
)
