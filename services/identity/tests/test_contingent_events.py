"""Contingent's events change bindings: linked guardians see their pupils, the dismissed lose the school."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.auth import RoleBinding as PrincipalBinding
from eschool.common.events.contingent import (
    FullName,
    GuardianLinkedV1,
    GuardianUnlinkedV1,
    PersonChangedV1,
    PupilWithdrawnV1,
    StaffDismissedV1,
    StaffHiredV1,
)
from eschool.common.service import ServiceRuntime
from eschool.identity.api.deps import passwords_for
from eschool.identity.db.external import PersonKey
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.services.credentials import Person, issue_credentials
from eschool.identity.settings import IdentitySettings

SCHOOL, OTHER_SCHOOL = uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AddAccount = Callable[..., Awaitable[str]]


async def bindings(
    identity: ServiceRuntime, account_id: str
) -> set[tuple[str, uuid.UUID | None, tuple[str, ...]]]:
    async with identity.database.uow() as uow:
        rows = await uow.session.execute(
            select(RoleBinding).where(RoleBinding.user_account_id == uuid.UUID(account_id))
        )
        return {(b.role, b.org_unit_id, tuple(b.pupil_ids or ())) for b in rows.scalars()}


async def person_account(
    identity: ServiceRuntime, add_account: AddAccount, login: str
) -> tuple[str, uuid.UUID]:
    account = await add_account(login, "Parol-2026xyz")
    person = uuid.uuid4()
    async with identity.database.uow() as uow:
        row = await uow.session.get(UserAccount, uuid.UUID(account))
        assert row is not None
        row.person_id = person
        await uow.commit()
    return account, person


async def test_guardian_linked_twice_gets_both_pupils_once(
    identity: ServiceRuntime, add_account: AddAccount, deliver: Callable[..., Awaitable[None]]
) -> None:
    account, mama = await person_account(identity, add_account, "mama")
    son, daughter = uuid.uuid4(), uuid.uuid4()
    linked = GuardianLinkedV1(
        guardian_person_id=mama,
        pupil_person_id=son,
        school_id=SCHOOL,
        kind="mother",
        snils_hash="ab" * 32,
        occurred_at=T0,
    )
    same_id = uuid.uuid4()

    await deliver(linked, event_id=same_id)
    await deliver(linked, event_id=same_id)  # a redelivery
    await deliver(
        linked.model_copy(update={"pupil_person_id": daughter, "occurred_at": T0 + timedelta(minutes=1)})
    )

    assert await bindings(identity, account) == {
        ("guardian", SCHOOL, tuple(sorted([str(son), str(daughter)])))
    }
    async with identity.database.uow() as uow:
        key = await uow.session.get(PersonKey, mama)
    assert key is not None
    assert key.snils_hash == "ab" * 32


async def test_unlink_arriving_before_the_older_link_leaves_no_binding(
    identity: ServiceRuntime, add_account: AddAccount, deliver: Callable[..., Awaitable[None]]
) -> None:
    account, papa = await person_account(identity, add_account, "papa")
    son = uuid.uuid4()
    link = GuardianLinkedV1(
        guardian_person_id=papa, pupil_person_id=son, school_id=SCHOOL, kind="father", occurred_at=T0
    )
    unlink = GuardianUnlinkedV1(
        guardian_person_id=papa, pupil_person_id=son, school_id=SCHOOL, occurred_at=T0 + timedelta(hours=1)
    )

    await deliver(unlink)
    await deliver(link)  # older: changes nothing

    assert await bindings(identity, account) == set()


async def test_withdrawn_pupil_loses_the_school_and_its_guardians_stop_seeing_them(
    identity: ServiceRuntime, add_account: AddAccount, deliver: Callable[..., Awaitable[None]]
) -> None:
    mama_account, mama = await person_account(identity, add_account, "mama")
    pupil_account, pupil = await person_account(identity, add_account, "pupil")
    async with identity.database.uow() as uow:
        uow.session.add(
            RoleBinding(
                role_binding_id=uuid.uuid4(),
                user_account_id=uuid.UUID(pupil_account),
                role="pupil",
                org_unit_id=SCHOOL,
                granted_at=T0,
            )
        )
        await uow.commit()
    await deliver(
        GuardianLinkedV1(
            guardian_person_id=mama, pupil_person_id=pupil, school_id=SCHOOL, kind="mother", occurred_at=T0
        )
    )

    await deliver(
        PupilWithdrawnV1(
            person_id=pupil,
            school_id=SCHOOL,
            withdrawn_on=date(2026, 12, 1),
            occurred_at=T0 + timedelta(days=8),
        )
    )

    assert await bindings(identity, pupil_account) == set()
    assert await bindings(identity, mama_account) == set()


async def test_dismissed_teacher_loses_staff_roles_in_that_school_only(
    identity: ServiceRuntime, add_account: AddAccount, deliver: Callable[..., Awaitable[None]]
) -> None:
    teacher = await add_account(
        "uchitel",
        "Prepod-2026x",
        (Role.subject_teacher, SCHOOL),
        (Role.class_teacher, SCHOOL),
        (Role.subject_teacher, OTHER_SCHOOL),
    )
    person = uuid.uuid4()
    async with identity.database.uow() as uow:
        row = await uow.session.get(UserAccount, uuid.UUID(teacher))
        assert row is not None
        row.person_id = person
        await uow.commit()
    son = uuid.uuid4()
    await deliver(
        GuardianLinkedV1(
            guardian_person_id=person, pupil_person_id=son, school_id=SCHOOL, kind="mother", occurred_at=T0
        )
    )
    hired_again_later = StaffHiredV1(person_id=person, school_id=SCHOOL, occurred_at=T0 + timedelta(days=2))
    dismissed = StaffDismissedV1(
        person_id=person,
        school_id=SCHOOL,
        dismissed_on=date(2026, 11, 24),
        occurred_at=T0 + timedelta(days=1),
    )

    await deliver(dismissed)
    after_dismissal = await bindings(identity, teacher)
    await deliver(
        hired_again_later, dismissed
    )  # the stale dismissal, redelivered after the rehire, does nothing

    assert after_dismissal == {("subject_teacher", OTHER_SCHOOL, ()), ("guardian", SCHOOL, (str(son),))}
    assert await bindings(identity, teacher) == after_dismissal


async def test_a_corrected_snils_moves_the_esia_match_and_an_older_correction_changes_nothing(
    identity: ServiceRuntime, deliver: Callable[..., Awaitable[None]]
) -> None:
    person, name = uuid.uuid4(), FullName(last_name="Петрова", first_name="Ольга")
    await deliver(PersonChangedV1(person_id=person, name=name, snils_hash="a" * 64, occurred_at=T0))
    await deliver(
        PersonChangedV1(person_id=person, name=name, snils_hash="b" * 64, occurred_at=T0 + timedelta(1))
    )
    await deliver(PersonChangedV1(person_id=person, name=name, snils_hash="c" * 64, occurred_at=T0))  # late
    async with identity.database.uow() as uow:
        key = await uow.session.get(PersonKey, person)
    assert key is not None
    assert key.snils_hash == "b" * 64


async def test_a_guardian_linked_while_the_access_is_issued_sees_the_child(
    identity: ServiceRuntime, deliver: Callable[..., Awaitable[None]]
) -> None:
    """The school issues the guardian's access while identity handles contingent's link: each side derives
    the binding from what the other writes (the account, the link), so without the school's access lock
    each read before the other's commit and the guardian saw no child (the stack's e2e test met it)."""
    settings = identity.settings
    assert isinstance(settings, IdentitySettings)
    mama, son = uuid.uuid4(), uuid.uuid4()
    teacher = Principal(
        user_id=uuid.uuid4(),
        person_id=None,
        client_id=None,
        bindings=(PrincipalBinding(Role.class_teacher, SCHOOL),),
        scopes=frozenset(),
    )
    link = GuardianLinkedV1(
        guardian_person_id=mama, pupil_person_id=son, school_id=SCHOOL, kind="mother", occurred_at=T0
    )
    async with identity.database.uow() as uow:
        person = Person(mama, Role.guardian, "Петрова", "Анна")
        [issued] = await issue_credentials(
            uow, SCHOOL, [person], actor=teacher, passwords=passwords_for(settings)
        )
        handling = asyncio.create_task(deliver(link))  # contingent's link arrives meanwhile
        await asyncio.sleep(0.3)  # unlocked, the handler would have read no account and committed by now
        await uow.commit()
    await asyncio.wait_for(handling, 10)

    async with identity.database.uow() as uow:
        account = (
            await uow.session.execute(select(UserAccount).where(UserAccount.login == issued.login))
        ).scalar_one()
    assert await bindings(identity, str(account.user_account_id)) == {("guardian", SCHOOL, (str(son),))}
