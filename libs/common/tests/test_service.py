"""A service built from the platform kit: runtime, app, probes, events end to end, embedded mode."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest
from conftest import eventually
from fastapi import FastAPI
from toy.app import ToySettings, service

from eschool.common import gateway as gateway_entry
from eschool.common.bus import PARTNER_EXCHANGE, OutgoingMessage, PartnerExchangeSpec, QueueSpec
from eschool.common.bus.memory import MemoryTransport
from eschool.common.embedded import EMBEDDED_READ_TIMEOUT_S, build_app
from eschool.common.gateway import GatewayMissing
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity


def settings(tmp_path: Path) -> ToySettings:
    return ToySettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'toy.db'}", bus_url="memory://")


async def test_runtime_migrates_serves_and_carries_an_event_to_its_consumer(tmp_path: Path) -> None:
    runtime = ServiceRuntime(service, settings(tmp_path), transport=MemoryTransport())
    await runtime.start()
    try:
        app = runtime.app(manage_lifespan=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://toy") as client:
            ready = await client.get("/readyz")
            assert ready.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}
            created = await client.post("/things", json={"name": "5 Б"})
            assert created.status_code == 201
            thing_id = created.json()["thing_id"]

            async def handled() -> bool:
                return (await client.get("/things/seen")).json() == {thing_id: 1}

            await eventually(handled)
            invalid = await client.post("/things", json={"name": ""})
            assert invalid.status_code == 422
            assert invalid.json()["errors"][0]["field"] == "body.name"
    finally:
        await runtime.stop()


async def test_stop_hooks_run_in_reverse_and_one_failing_does_not_stop_the_rest(tmp_path: Path) -> None:
    calls: list[str] = []

    async def close_client(runtime: ServiceRuntime) -> None:
        calls.append(f"client:{runtime.name}")

    def broken(_runtime: ServiceRuntime) -> None:
        calls.append("broken")
        raise RuntimeError("already closed")

    def flush(_runtime: ServiceRuntime) -> None:
        calls.append("flush")

    definition = dataclasses.replace(service, on_stop=[close_client, broken, flush])
    runtime = ServiceRuntime(definition, settings(tmp_path), transport=MemoryTransport())
    await runtime.start()
    assert calls == []
    await runtime.stop()
    assert calls == ["flush", "broken", "client:toy"]


async def test_workers_start_after_the_relay_and_stop_after_the_stop_hooks_one_failing_or_not(
    tmp_path: Path,
) -> None:
    calls: list[str] = []

    @dataclasses.dataclass
    class Recorder:
        name: str
        runtime: ServiceRuntime

        def start(self) -> None:
            calls.append(f"start {self.name}, relay running: {self.runtime.relay._task is not None}")

        async def stop(self) -> None:
            calls.append(f"stop {self.name}")
            if self.name == "b":
                raise RuntimeError("already stopped")

    definition = dataclasses.replace(
        service,
        workers=[lambda r: Recorder("a", r), lambda r: None, lambda r: Recorder("b", r)],
        on_start=[lambda r: calls.append("on_start")],
        on_stop=[lambda r: calls.append("on_stop")],
    )
    runtime = ServiceRuntime(definition, settings(tmp_path), transport=MemoryTransport())
    await runtime.start()
    assert calls == ["start a, relay running: True", "start b, relay running: True", "on_start"]
    await runtime.stop()
    assert calls[3:] == ["on_stop", "stop b", "stop a"]
    assert runtime.workers == []


async def test_partner_exchanges_are_declared_with_the_queues_before_anything_is_published(
    tmp_path: Path,
) -> None:
    spec = PartnerExchangeSpec(bindings=("toy.thing.created.v1",))
    transport = MemoryTransport()
    definition = dataclasses.replace(service, partner_exchanges=[spec])
    runtime = ServiceRuntime(definition, settings(tmp_path), transport=transport)
    await transport.connect()
    await runtime.prepare()  # not launched: its relay has published nothing yet
    try:
        partner = QueueSpec(name="partner.toy.q", bindings=("#",), exchange=PARTNER_EXCHANGE)
        await transport.declare(partner)
        await transport.publish(
            [OutgoingMessage(body=b"{}", routing_key="toy.thing.created.v1", message_id="m1", type="t")]
        )
        delivery = await transport.get(partner.name)
        assert delivery is not None
        assert delivery.message.message_id == "m1"
    finally:
        await runtime.stop()


async def test_readiness_names_the_database_when_it_is_gone(tmp_path: Path) -> None:
    runtime = ServiceRuntime(service, settings(tmp_path), transport=MemoryTransport(), run_consumers=False)
    await runtime.start()
    app = runtime.app(manage_lifespan=False)
    await runtime.stop()

    async def broken() -> None:
        raise ConnectionRefusedError("database down")

    app.state.readiness_checks["database"] = broken
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://toy") as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable")
    assert ready.json()["checks"]["broker"] == "ok"


async def test_embedded_app_routes_each_service_under_api_through_the_gateway(
    tmp_path: Path, test_identity: TestIdentity
) -> None:
    app = build_app([service], tmp_path / "var")
    # The toy has no identity beside it to publish keys: the test's identity stands in.
    test_identity.install(app)
    runtime = app.state.runtimes[0]
    await runtime.transport.connect()
    await runtime.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as client:
            anonymous = await client.post("/api/toy/things", json={"name": "embedded"})
            assert anonymous.status_code == 401
            token = test_identity.headers(test_identity.token())
            created = await client.post("/api/toy/things", json={"name": "embedded"}, headers=token)
            assert created.status_code == 201
            ready = (await client.get("/readyz")).json()
            assert ready["checks"] == {"broker": "ok", "toy.database": "ok"}
        assert (tmp_path / "var" / "toy.db").exists()
    finally:
        await runtime.stop()


def test_embedded_gateway_waits_for_its_own_process_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its upstreams are the same process: a slow answer while the demo loads is never a hung host.
    monkeypatch.delenv("GATEWAY_READ_TIMEOUT_S", raising=False)
    app = build_app([service], tmp_path / "var")
    assert app.state.gateway.settings.read_timeout_s == EMBEDDED_READ_TIMEOUT_S
    monkeypatch.setenv("GATEWAY_READ_TIMEOUT_S", "12")
    app = build_app([service], tmp_path / "var2")
    assert app.state.gateway.settings.read_timeout_s == 12


async def test_embedded_event_committed_before_shutdown_is_handled_at_the_latest_after_restart(
    tmp_path: Path, test_identity: TestIdentity
) -> None:
    var = tmp_path / "var"

    def client(app: FastAPI) -> httpx.AsyncClient:
        test_identity.install(app)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://e",
            headers=test_identity.headers(test_identity.token()),
        )

    first = build_app([service], var)
    async with first.router.lifespan_context(first), client(first) as api:
        thing_id = (await api.post("/api/toy/things", json={"name": "перед остановкой"})).json()["thing_id"]
    # Shut down at once: the event was handled during the drain, or it waits in the SQLite outbox.
    second = build_app([service], var)
    async with second.router.lifespan_context(second), client(second) as api:

        async def handled_once() -> bool:
            # Only this test's thing: the embedded bus is shared by the process, and an earlier test's
            # undelivered event may reach this toy too.
            return (await api.get("/api/toy/things/seen")).json().get(thing_id) == 1

        await eventually(handled_once)


async def test_api_only_process_stays_ready_without_the_broker(tmp_path: Path) -> None:
    runtime = ServiceRuntime(
        service, settings(tmp_path), transport=MemoryTransport(), run_relay=False, run_consumers=False
    )
    await runtime.start()
    try:
        app = runtime.app(manage_lifespan=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://toy") as client:
            assert (await client.get("/readyz")).json() == {"status": "ready", "checks": {"database": "ok"}}
    finally:
        await runtime.stop()


def test_embedded_mode_says_clearly_when_no_gateway_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway_entry, "entry_points", lambda **_: ())
    with pytest.raises(GatewayMissing, match="eschool-gateway"):
        build_app([service], tmp_path / "var")
