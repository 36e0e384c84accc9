"""The test servers themselves: a fresh database and vhost per test, a broker that survives a restart."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aio_pika
import asyncpg
import pytest

from eschool.common.infra import InfraError
from eschool.common.testing.servers import PostgresServer, RabbitServer

_databases: list[str] = []
_vhosts: list[str] = []


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def test_server_urls_keep_credentials_and_swap_database_or_vhost() -> None:
    pg = PostgresServer("postgresql://app:p%40ss@db:5433/admin", "env")
    rabbit = RabbitServer("amqp://app:secret@mq:5673/base", None, "env")

    assert pg.url("t_1") == "postgresql+asyncpg://app:p%40ss@db:5433/t_1"
    assert pg.url("t_1", driver=None) == "postgresql://app:p%40ss@db:5433/t_1"
    assert pg.admin_database == "admin"
    assert rabbit.amqp_url("t_1") == "amqp://app:secret@mq:5673/t_1"
    assert rabbit.amqp_url() == "amqp://app:secret@mq:5673/base"
    assert not rabbit.restartable
    with pytest.raises(InfraError):
        rabbit.restart()


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_a_fresh_usable_database(
    pg_server: PostgresServer, pg_url: str, run: int
) -> None:
    conn = await asyncpg.connect(_dsn(pg_url))
    try:
        # The same table in both runs: a shared database would already have it.
        await conn.execute("CREATE TABLE mark (mark_id serial PRIMARY KEY, value int NOT NULL)")
        await conn.execute("INSERT INTO mark (value) VALUES (5), (4)")
        assert await conn.fetchval("SELECT sum(value) FROM mark") == 9
        name = await conn.fetchval("SELECT current_database()")
    finally:
        await conn.close()

    assert name not in _databases
    _databases.append(name)
    if run == 2:
        admin = await asyncpg.connect(pg_server.url(pg_server.admin_database, driver=None))
        try:
            assert not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", _databases[0])
        finally:
            await admin.close()


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_its_own_vhost(amqp_server: RabbitServer, amqp_url: str, run: int) -> None:
    # Isolation is the point of this test: a broker that cannot make vhosts fails it, with the fix.
    assert amqp_server.supports_vhosts, (
        "the test broker has no management API: set ESCHOOL_TEST_RABBITMQ_MANAGEMENT_URL (or unset "
        "ESCHOOL_TEST_AMQP_URL to let the fixtures start a private broker)"
    )
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("probe", durable=True)
        # Each run leaves a message behind: a shared vhost would show it to the other run.
        assert queue.declaration_result.message_count == 0
        for body in (b"first", b"left behind"):
            await channel.default_exchange.publish(aio_pika.Message(body), routing_key="probe")
        message = await queue.get(timeout=5)
        await message.ack()

    assert message.body == b"first"
    vhost = urlsplit(amqp_url).path
    assert vhost not in _vhosts
    _vhosts.append(vhost)


async def test_persistent_message_in_quorum_queue_survives_broker_restart(
    restartable_amqp: tuple[RabbitServer, str],
) -> None:
    server, url = restartable_amqp
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()  # publisher confirms: the broker has stored it when this returns
        await channel.declare_queue("restart-probe", durable=True, arguments={"x-queue-type": "quorum"})
        message = aio_pika.Message(b"survives", delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await channel.default_exchange.publish(message, routing_key="restart-probe")

    await asyncio.to_thread(server.restart)

    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("restart-probe", passive=True)
        received = await queue.get(timeout=5)
        await received.ack()
    assert received.body == b"survives"
