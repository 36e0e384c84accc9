"""Demo accounts of the demo region (``make run`` only: their passwords are public)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select, update

from eschool.common.auth import Role
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.demo import MUNICIPALITY_ID, REGION_ID, SCHOOL_ID, demo_id
from eschool.common.service import ServiceRuntime
from eschool.identity.api.deps import passwords_for
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.db.projections import OrgUnit
from eschool.identity.services.accounts import create_account
from eschool.identity.settings import IdentitySettings


@dataclass(frozen=True)
class DemoAccount:
    """A demo login, what it is for, and its roles."""

    login: str
    password: str
    who: str
    roles: tuple[tuple[Role, UUID], ...]


DEMO_ACCOUNTS = (
    DemoAccount("ministry", "Region-2026a", "министерство (регион)", ((Role.ministry, REGION_ID),)),
    DemoAccount("municipality", "Rayon-2026b", "муниципалитет", ((Role.municipality, MUNICIPALITY_ID),)),
    DemoAccount("school.admin", "Shkola-2026c", "администратор школы", ((Role.school_admin, SCHOOL_ID),)),
    DemoAccount("director", "Direktor-2026d", "директор", ((Role.director, SCHOOL_ID),)),
    DemoAccount(
        "teacher",
        "Uchitel-2026e",
        "учитель и классный руководитель",
        ((Role.subject_teacher, SCHOOL_ID), (Role.class_teacher, SCHOOL_ID)),
    ),
    DemoAccount("pupil", "Uchenik-2026f", "ученик", ((Role.pupil, SCHOOL_ID),)),
    DemoAccount("guardian", "Roditel-2026g", "родитель", ((Role.guardian, SCHOOL_ID),)),
)

# The demo tree as contingent will publish it; older than any real event, so contingent's facts win.
DEMO_TREE = (
    (REGION_ID, "region", None),
    (MUNICIPALITY_ID, "municipality", REGION_ID),
    (SCHOOL_ID, "school", MUNICIPALITY_ID),
)
DEMO_TREE_VERSION = datetime(2000, 1, 1, tzinfo=UTC)
# The demo guardian is the demo pupil's parent.
DEMO_CHILDREN = {"guardian": (demo_id("person:pupil"),)}

DEMO_LINES = (
    "demo logins (login / password):",
    *(f"{a.login:<14} {a.password:<20} {a.who}" for a in DEMO_ACCOUNTS),
)


async def load_demo_accounts(runtime: ServiceRuntime) -> None:
    """Create the demo accounts that are missing (idempotent: make run starts many times)."""
    settings = runtime.settings
    assert isinstance(settings, IdentitySettings)
    if not settings.demo_data:
        return
    async with runtime.database.uow() as uow:
        existing = set((await uow.session.execute(select(UserAccount.login))).scalars())
        for account in DEMO_ACCOUNTS:
            if account.login not in existing:
                await create_account(
                    uow,
                    login=account.login,
                    password=account.password,
                    passwords=passwords_for(settings),
                    person_id=demo_id(f"person:{account.login}"),
                    bindings=account.roles,
                )
        await uow.session.flush()  # the new accounts' bindings, before the children are written into them
        await _load_tree(uow)
        await _link_children(uow)
        await uow.commit()


async def _load_tree(uow: UnitOfWork) -> None:
    for org_unit_id, kind, parent_id in DEMO_TREE:
        values = {"org_unit_id": org_unit_id, "kind": kind, "parent_id": parent_id}
        await upsert_newer(
            uow.session,
            OrgUnit.__table__,
            {**values, "source_version": DEMO_TREE_VERSION},
            key=("org_unit_id",),
        )


async def _link_children(uow: UnitOfWork) -> None:
    for login, children in DEMO_CHILDREN.items():
        account = select(UserAccount.user_account_id).where(UserAccount.login == login)
        await uow.session.execute(
            update(RoleBinding)
            .where(
                RoleBinding.user_account_id.in_(account.scalar_subquery()),
                RoleBinding.role == Role.guardian.value,
            )
            .values(pupil_ids=sorted(str(c) for c in children))
        )
