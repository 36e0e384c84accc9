"""The operator's commands: list and replay parked messages on a real broker."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from eschool.common.bus import OutgoingMessage, QueueSpec
from eschool.common.bus.rabbitmq import RabbitTransport
from eschool.common.bus.topology import REASON_HEADER


def eschool(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "eschool.common.cli", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


async def _with_transport(url: str, action):  # type: ignore[no-untyped-def]
    transport = RabbitTransport(url)
    await transport.connect()
    try:
        return await action(transport)
    finally:
        await transport.close()


def test_dlq_list_and_replay_commands(amqp_url: str) -> None:
    spec = QueueSpec(name="ops.test-events", bindings=("ops.#",))

    async def park(transport: RabbitTransport) -> None:
        await transport.declare(spec)
        message = OutgoingMessage(
            body=b"{}",
            routing_key="ops.thing.done.v1",
            message_id="parked-1",
            type="ops.thing.done.v1",
            headers={REASON_HEADER: "handler_failed"},
        )
        await transport.send(spec.dlq, message)

    asyncio.run(_with_transport(amqp_url, park))

    listed = eschool("dlq-list", spec.name, "--bus-url", amqp_url)
    assert "parked-1\tops.thing.done.v1\thandler_failed" in listed
    assert "replayed 1 message(s)" in eschool("dlq-replay", spec.name, "--bus-url", amqp_url)

    async def depths(transport: RabbitTransport) -> tuple[int, int]:
        return await transport.depth(spec.name), await transport.depth(spec.dlq)

    assert asyncio.run(_with_transport(amqp_url, depths)) == (1, 0)


def test_dlq_commands_need_a_broker_url() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "eschool.common.cli", "dlq-list", "q"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "ESCHOOL_BUS_URL" in result.stderr
