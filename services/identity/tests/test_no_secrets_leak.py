"""No password, token or client secret reaches a log line or an event, whatever happens."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.bus.tables import outbox_message
from eschool.common.service import ServiceRuntime


async def test_secrets_stay_out_of_logs_and_events(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
    add_client,  # type: ignore[no-untyped-def]
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets: list[str] = ["Klassnyi-2026", "Wrong-guess-77"]
    await add_account("class.teacher", secrets[0])
    client_secret = await add_client("partner-one", "contingent:read")
    secrets.append(client_secret)

    good = await api.post(
        "/v1/token", data={"grant_type": "password", "username": "class.teacher", "password": secrets[0]}
    )
    secrets += [good.json()["access_token"], good.json()["refresh_token"]]
    for _ in range(4):  # failures, then the lockout
        await api.post(
            "/v1/token", data={"grant_type": "password", "username": "class.teacher", "password": secrets[1]}
        )
    rotated = await api.post(
        "/v1/token", data={"grant_type": "refresh_token", "refresh_token": good.json()["refresh_token"]}
    )
    secrets.append(rotated.json()["refresh_token"])
    await api.post("/v1/token", data={"grant_type": "refresh_token", "refresh_token": secrets[4]})  # reuse
    machine = await api.post(
        "/v1/token", data={"grant_type": "client_credentials"}, auth=("partner-one", client_secret)
    )
    secrets.append(machine.json()["access_token"])
    await api.post(
        "/v1/token", data={"grant_type": "client_credentials"}, auth=("partner-one", "nope-secret")
    )

    logs = capsys.readouterr().out
    assert "identity.refresh.reuse_detected" in logs  # the log did capture this run
    async with identity.database.uow() as uow:
        events = str((await uow.session.execute(select(outbox_message.c.envelope))).scalars().all())
    for secret in secrets:
        assert secret not in logs
        assert secret not in events
    assert "class.teacher" not in events  # logins are personal data: events carry account ids only


async def test_generated_and_changed_passwords_stay_out_of_logs_and_events(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
    bearer,  # type: ignore[no-untyped-def]
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    school = uuid.uuid4()
    await add_account("admin.s", "Shkola-2026x", (Role.school_admin, school))
    pupil = await add_account("pupil.s", "Uchenik-2026x", (Role.pupil, school))
    as_admin = await bearer("admin.s", "Shkola-2026x")
    one_time = (await api.post(f"/v1/accounts/{pupil}/password-reset", json={}, headers=as_admin)).json()
    first = await api.post(
        "/v1/token",
        data={"grant_type": "password", "username": "pupil.s", "password": one_time["one_time_password"]},
    )
    as_pupil = {"Authorization": f"Bearer {first.json()['access_token']}"}
    await api.post(
        "/v1/me/password",
        json={"current_password": one_time["one_time_password"], "new_password": "Svoi-parol-2026"},
        headers=as_pupil,
    )
    batch = await api.post(
        "/v1/credentials/batches",
        json={
            "school_id": str(school),
            "people": [
                {
                    "person_id": str(uuid.uuid4()),
                    "role": "pupil",
                    "last_name": "Орлова",
                    "first_name": "Ирина",
                }
            ],
        },
        headers=as_admin,
    )
    sheet = load_workbook(io.BytesIO(batch.content)).active
    assert sheet is not None
    issued_password = str(sheet.cell(row=5, column=6).value)

    logs = capsys.readouterr().out
    assert "/v1/credentials/batches" in logs  # the log did capture this run
    async with identity.database.uow() as uow:
        events = str((await uow.session.execute(select(outbox_message.c.envelope))).scalars().all())
    for secret in (
        one_time["one_time_password"],
        "Svoi-parol-2026",
        issued_password,
        first.json()["access_token"],
    ):
        assert secret not in logs
        assert secret not in events
    assert "Орлова" not in logs
