"""Bulk credentials: a class's logins and one-time passwords as an xlsx sheet for the class teacher."""

from __future__ import annotations

import io
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.events.contingent import GuardianLinkedV1
from eschool.identity.api.deps import passwords_for
from eschool.identity.db.models import AccountAudit, UserAccount
from eschool.identity.domain.logins import login_stem, transliterate, unique_login
from eschool.identity.services.accounts import create_account
from eschool.identity.services.credential_sheet import HEADERS

from .conftest import Deliver

SCHOOL_A, SCHOOL_B = uuid.uuid4(), uuid.uuid4()
AddAccount = Callable[..., Awaitable[str]]
Bearer = Callable[[str, str], Awaitable[dict[str, str]]]


def test_logins_are_the_names_in_passport_latin() -> None:
    assert transliterate("Щукина-Ёлкина") == "shchukinaelkina"
    assert login_stem("Иванов", "Пётр", "Андреевич") == "ivanov.pa"
    assert login_stem("Ли", "Юй") == "li.iu"
    assert login_stem("---", "") == "user"
    assert unique_login("ivanov.pa", {"ivanov.pa", "ivanov.pa2"}.__contains__) == "ivanov.pa3"


def rows(sheet_bytes: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(sheet_bytes)).active
    assert sheet is not None
    return [tuple(r) for r in sheet.iter_rows(min_row=4, values_only=True)]


async def token(api: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await api.post(
        "/v1/token", data={"grant_type": "password", "username": login, "password": password}
    )


@pytest.fixture
async def class_teacher(add_account: AddAccount, bearer: Bearer) -> dict[str, str]:
    await add_account("klass.ruk", "Klassnyi-2026", (Role.class_teacher, SCHOOL_A))
    return await bearer("klass.ruk", "Klassnyi-2026")


async def test_class_teacher_gets_a_sheet_whose_passwords_work_once(
    api: httpx.AsyncClient, class_teacher: dict[str, str], identity: Any
) -> None:
    petya, vasya, mama = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = {
        "school_id": str(SCHOOL_A),
        "people": [
            {
                "person_id": str(petya),
                "role": "pupil",
                "last_name": "Иванов",
                "first_name": "Пётр",
                "class_label": "5А",
            },
            {
                "person_id": str(vasya),
                "role": "pupil",
                "last_name": "Иванов",
                "first_name": "Павел",
                "class_label": "5А",
            },
            {
                "person_id": str(mama),
                "role": "guardian",
                "last_name": "Иванова",
                "first_name": "Мария",
                "middle_name": "Сергеевна",
                "pupil_ids": [str(petya), str(vasya)],
            },
        ],
    }

    response = await api.post("/v1/credentials/batches", json=batch, headers=class_teacher)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["cache-control"] == "no-store"
    table = rows(response.content)
    assert table[0] == HEADERS
    assert [(r[1], r[2], r[3], r[4]) for r in table[1:]] == [
        ("Иванов Пётр", "5А", "Обучающийся", "ivanov.p"),
        ("Иванов Павел", "5А", "Обучающийся", "ivanov.p2"),
        ("Иванова Мария Сергеевна", None, "Родитель (законный представитель)", "ivanova.ms"),
    ]
    mama_login, mama_password = table[3][4], table[3][5]
    first = await token(api, mama_login, mama_password)
    assert first.status_code == 200
    info = await api.get("/v1/userinfo", headers={"Authorization": f"Bearer {first.json()['access_token']}"})
    assert info.json()["must_change_password"] is True
    assert info.json()["roles"] == [
        {"role": "guardian", "org": str(SCHOOL_A), "pupils": sorted([str(petya), str(vasya)])}
    ]
    async with identity.database.uow() as uow:
        stored = [a.password_hash for a in (await uow.session.execute(select(UserAccount))).scalars()]
        audited = (await uow.session.execute(select(AccountAudit.action))).scalars().all()
    assert all(r[5] not in str(stored) for r in table[1:])  # only Argon2id hashes are kept
    assert audited.count("credentials_issued") == 3


async def test_a_second_batch_keeps_the_login_and_replaces_the_password(
    api: httpx.AsyncClient, class_teacher: dict[str, str]
) -> None:
    pupil = {"person_id": str(uuid.uuid4()), "role": "pupil", "last_name": "Сидорова", "first_name": "Анна"}
    batch = {"school_id": str(SCHOOL_A), "people": [pupil]}

    first = rows((await api.post("/v1/credentials/batches", json=batch, headers=class_teacher)).content)[1]
    second = rows((await api.post("/v1/credentials/batches", json=batch, headers=class_teacher)).content)[1]

    assert first[4] == second[4] == "sidorova.a"
    assert first[5] != second[5]
    assert (await token(api, first[4], first[5])).status_code == 400
    assert (await token(api, second[4], second[5])).status_code == 200


async def test_credentials_are_refused_outside_the_class_teachers_school_and_to_subject_teachers(
    api: httpx.AsyncClient, class_teacher: dict[str, str], add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("predmetnik", "Predmet-2026x", (Role.subject_teacher, SCHOOL_A))
    as_subject_teacher = await bearer("predmetnik", "Predmet-2026x")
    pupil = {"person_id": str(uuid.uuid4()), "role": "pupil", "last_name": "Петров", "first_name": "Олег"}

    elsewhere = await api.post(
        "/v1/credentials/batches", json={"school_id": str(SCHOOL_B), "people": [pupil]}, headers=class_teacher
    )
    subject = await api.post(
        "/v1/credentials/batches",
        json={"school_id": str(SCHOOL_A), "people": [pupil]},
        headers=as_subject_teacher,
    )
    teacher_role = await api.post(
        "/v1/credentials/batches",
        json={"school_id": str(SCHOOL_A), "people": [{**pupil, "role": "subject_teacher"}]},
        headers=class_teacher,
    )

    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "issue_not_allowed")
    assert subject.status_code == 403
    # Staff get their access from the school's administration (seed 004, 3.1), not from a class teacher.
    assert (teacher_role.status_code, teacher_role.json()["code"]) == (403, "issue_not_allowed")
    assert teacher_role.json()["errors"][0]["field"] == "body.people[0].role"


async def test_the_administration_hands_out_staff_access_on_the_same_sheet(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    as_admin = await bearer("admin.a", "Shkola-A-2026")
    teacher = {
        "person_id": str(uuid.uuid4()),
        "role": "subject_teacher",
        "last_name": "Орлова",
        "first_name": "Вера",
    }
    director = {**teacher, "person_id": str(uuid.uuid4()), "role": "director"}

    sheet = await api.post(
        "/v1/credentials/batches", json={"school_id": str(SCHOOL_A), "people": [teacher]}, headers=as_admin
    )
    assert sheet.status_code == 200, sheet.text
    row = rows(sheet.content)[1]
    assert (row[3], row[4]) == ("Учитель", "orlova.v")
    login = await token(api, row[4], row[5])
    assert login.status_code == 200
    # A school's administration does not appoint its director: that is the municipality's.
    refused = await api.post(
        "/v1/credentials/batches", json={"school_id": str(SCHOOL_A), "people": [director]}, headers=as_admin
    )
    assert refused.status_code == 403


async def test_a_class_teacher_cannot_reset_a_colleagues_password_by_naming_them_a_parent(
    api: httpx.AsyncClient, identity: Any, class_teacher: dict[str, str]
) -> None:
    colleague_person = uuid.uuid4()
    async with identity.database.uow() as uow:
        await create_account(
            uow,
            login="kollega",
            password="Uchitel-Fizika-2026q",
            passwords=passwords_for(identity.settings),
            person_id=colleague_person,
            bindings=[(Role.subject_teacher, SCHOOL_A)],
        )
        await uow.commit()
    parent = {"person_id": str(uuid.uuid4()), "role": "guardian", "last_name": "Седова", "first_name": "Ия"}
    colleague = {
        "person_id": str(colleague_person),
        "role": "guardian",
        "last_name": "Коллега",
        "first_name": "Ян",
    }

    refused = await api.post(
        "/v1/credentials/batches",
        json={"school_id": str(SCHOOL_A), "people": [parent, colleague]},
        headers=class_teacher,
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "account_not_resettable")
    assert refused.json()["errors"][0]["field"] == "body.people[1].person_id"
    untouched = await token(api, "kollega", "Uchitel-Fizika-2026q")
    assert untouched.status_code == 200, "the colleague's password is untouched"
    async with identity.database.uow() as uow:
        logins = (await uow.session.execute(select(UserAccount.login))).scalars().all()
    assert sorted(logins) == ["klass.ruk", "kollega"], "nothing of the batch was written"


async def test_a_guardian_contingent_linked_gets_the_children_with_the_new_access(
    api: httpx.AsyncClient, class_teacher: dict[str, str], deliver: Deliver
) -> None:
    mama, son = uuid.uuid4(), uuid.uuid4()
    # Contingent linked them before the guardian had any account: nothing to bind yet.
    await deliver(
        GuardianLinkedV1(
            guardian_person_id=mama,
            pupil_person_id=son,
            school_id=SCHOOL_A,
            kind="mother",
            occurred_at=datetime(2026, 9, 1, tzinfo=UTC),
        )
    )
    batch = {
        "school_id": str(SCHOOL_A),
        "people": [
            {"person_id": str(mama), "role": "guardian", "last_name": "Петрова", "first_name": "Анна"}
        ],
    }
    sheet = rows((await api.post("/v1/credentials/batches", json=batch, headers=class_teacher)).content)
    login = await token(api, sheet[1][4], sheet[1][5])
    info = await api.get("/v1/userinfo", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert info.json()["roles"] == [{"role": "guardian", "org": str(SCHOOL_A), "pupils": [str(son)]}]
