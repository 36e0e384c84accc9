"""The partner exchange: what reaches it from the events exchange, and all a partner's account may do."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import aio_pika
import pytest
import pytest_asyncio
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage
from aiormq.exceptions import ChannelAccessRefused
from conftest import eventually

from eschool.common.bus import (
    EVENTS_EXCHANGE,
    PARTNER_EXCHANGE,
    OutgoingMessage,
    PartnerExchangeSpec,
    QueueSpec,
    Transport,
)
from eschool.common.bus.memory import MemoryTransport
from eschool.common.bus.rabbitmq import RabbitTransport
from eschool.common.events.enrolment import PARTNER_EVENT_TYPES
from eschool.common.infra.partners import partner_permissions
from eschool.common.testing.servers import RabbitServer

SUBMITTED, STATUS_CHANGED, *_, PLACES_CHANGED = PARTNER_EVENT_TYPES
INTERNAL = "enrolment.application.assigned_to_class.v1"
SPEC = PartnerExchangeSpec(bindings=PARTNER_EVENT_TYPES)


def event(routing_key: str, n: int) -> OutgoingMessage:
    """A published event, told apart by ``n``."""
    return OutgoingMessage(
        body=b'{"n": %d}' % n, routing_key=routing_key, message_id=f"event-{n}", type=routing_key
    )


@pytest_asyncio.fixture(params=["memory", "rabbitmq"])
async def transport(request: pytest.FixtureRequest) -> AsyncIterator[Transport]:
    """A connected transport of each kind (RabbitMQ on a fresh vhost)."""
    bus: Transport = (
        MemoryTransport()
        if request.param == "memory"
        else RabbitTransport(request.getfixturevalue("amqp_url"))
    )
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.close()


async def taken(transport: Transport, queue: str, count: int) -> list[str]:
    """The ids of the first ``count`` messages of a queue, acked, in the order they come."""
    ids: list[str] = []

    async def got_all() -> bool:
        while len(ids) < count and (delivery := await transport.get(queue)) is not None:
            ids.append(delivery.message.message_id)
            await delivery.ack()
        return len(ids) == count

    await eventually(got_all, within=10)
    return ids


async def test_partner_queue_gets_the_partner_events_in_order_and_nothing_else(transport: Transport) -> None:
    await transport.declare_partner_exchange(SPEC)
    await transport.declare_partner_exchange(SPEC)  # every start of enrolment declares it again
    partner = QueueSpec(name="partner.registry.q", bindings=("#",), exchange=PARTNER_EXCHANGE)
    await transport.declare(partner)

    await transport.publish(
        [event(SUBMITTED, 1), event(INTERNAL, 2), event(STATUS_CHANGED, 3), event(PLACES_CHANGED, 4)]
    )
    await transport.publish([event("journal.mark.recorded.v1", 5), event(STATUS_CHANGED, 6)])

    # The last one came through after the others, in order: had the internal event been routed, it
    # would be among them.
    assert await taken(transport, partner.name, 4) == ["event-1", "event-3", "event-4", "event-6"]
    assert await transport.depth(partner.name) == 0


async def test_services_queues_on_the_events_exchange_still_get_every_event(transport: Transport) -> None:
    await transport.declare_partner_exchange(SPEC)
    contingent = QueueSpec(name="contingent.enrolment-events", bindings=("enrolment.#",))
    await transport.declare(contingent)

    await transport.publish([event(SUBMITTED, 1), event(INTERNAL, 2)])

    assert await taken(transport, contingent.name, 2) == ["event-1", "event-2"]


# What a partner's account may do, on a real broker: its own user, tried with aio-pika as a partner would.


@dataclass
class Partners:
    """Partner accounts made on the test's vhost, deleted at the end (broker users outlive vhosts)."""

    server: RabbitServer
    amqp_url: str
    made: list[str] = field(default_factory=list)
    connections: list[AbstractConnection] = field(default_factory=list)

    @property
    def vhost(self) -> str:
        """The test's vhost."""
        return unquote(urlsplit(self.amqp_url).path[1:])

    async def connect(self) -> tuple[str, AbstractConnection]:
        """A new partner's account and a connection logged in as it: (partner name, connection)."""
        partner, password = f"p{secrets.token_hex(4)}", secrets.token_urlsafe(16)
        self.made.append(partner)
        self.server.create_partner_account(self.vhost, partner, password)
        return partner, await self.login(partner, password)

    async def login(self, partner: str, password: str) -> AbstractConnection:
        """A connection to the test's vhost as a partner's user."""
        parts = urlsplit(self.amqp_url)
        user = quote(f"partner.{partner}", safe="")
        netloc = f"{user}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
        connection = await aio_pika.connect(urlunsplit(parts._replace(netloc=netloc)))
        self.connections.append(connection)
        return connection


@pytest_asyncio.fixture
async def partners(amqp_server: RabbitServer, amqp_url: str) -> AsyncIterator[Partners]:
    """Makes partner accounts on a fresh vhost where the partner exchange is declared."""
    # Accounts are the point: a broker without the management API fails here rather than skip.
    assert amqp_server.supports_vhosts, (
        "the test broker has no management API: set ESCHOOL_TEST_RABBITMQ_MANAGEMENT_URL (or unset "
        "ESCHOOL_TEST_AMQP_URL to let the fixtures start a private broker)"
    )
    service = RabbitTransport(amqp_url, connection_name="enrolment")
    await service.connect()
    await service.declare_partner_exchange(SPEC)
    made = Partners(amqp_server, amqp_url)
    try:
        yield made
    finally:
        await service.close()
        for connection in made.connections:
            await connection.close()
        for partner in made.made:
            amqp_server.delete_partner_account(partner)


async def own_queue(connection: AbstractConnection, partner: str) -> aio_pika.abc.AbstractQueue:
    """The partner's durable quorum queue, bound to the partner exchange, as contracts/partners.md says."""
    channel = await connection.channel()
    queue = await channel.declare_queue(
        f"partner.{partner}.q", durable=True, arguments={"x-queue-type": "quorum"}
    )
    exchange = await channel.get_exchange(PARTNER_EXCHANGE)  # a passive declare: it exists
    await queue.bind(exchange, routing_key="#")
    return queue


async def test_partner_binds_its_own_queue_to_the_partner_exchange_and_consumes(partners: Partners) -> None:
    partner, connection = await partners.connect()
    queue = await own_queue(connection, partner)
    await own_queue(connection, partner)  # declaring and binding again is harmless
    received: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
    await queue.consume(received.put)

    service = RabbitTransport(partners.amqp_url)
    await service.connect()
    await service.declare_partner_exchange(SPEC)  # as enrolment does at its start
    try:
        await service.publish([event(SUBMITTED, 1), event(INTERNAL, 2), event(PLACES_CHANGED, 3)])
    finally:
        await service.close()

    ids = []
    for _ in range(2):
        async with asyncio.timeout(10):
            message = await received.get()
        ids.append(message.message_id)
        await message.ack()  # manual ack, as partners should
    assert ids == ["event-1", "event-3"]
    assert received.empty()


async def test_partner_queue_that_rejects_when_full_does_not_stop_the_services_publishing(
    partners: Partners,
) -> None:
    partner, connection = await partners.connect()
    channel = await connection.channel()
    arguments = {"x-queue-type": "quorum", "x-max-length": 1, "x-overflow": "reject-publish"}
    queue = await channel.declare_queue(f"partner.{partner}.q", durable=True, arguments=arguments)
    await queue.bind(PARTNER_EXCHANGE, routing_key="#")

    service = RabbitTransport(partners.amqp_url)
    await service.connect()
    await service.declare_partner_exchange(SPEC)  # as enrolment does at its start
    try:
        for n in range(4):  # one by one: each must be confirmed, though the partner's queue is full
            await service.publish([event(SUBMITTED, n)])
    finally:
        await service.close()

    # The policy made its overflow drop the oldest instead: the partner keeps the newest, enrolment goes on.
    message = await queue.get(timeout=10)
    assert message.message_id == "event-3"
    await message.ack()


async def test_a_classic_partner_queue_that_refuses_publishes_does_not_stop_the_services_events(
    partners: Partners, amqp_url: str
) -> None:
    """On a classic queue the partner's own ``x-overflow`` wins over the vhost's policy (an operator policy
    cannot set it), so a full queue that rejects makes the broker refuse what reaches it: the services'
    events must not wait on that."""
    partner, connection = await partners.connect()
    channel = await connection.channel()
    arguments = {"x-queue-type": "classic", "x-max-length": 1, "x-overflow": "reject-publish"}
    queue = await channel.declare_queue(f"partner.{partner}.q", durable=True, arguments=arguments)
    await queue.bind(PARTNER_EXCHANGE, routing_key="#")
    service_queue = QueueSpec(name=f"contingent.{secrets.token_hex(3)}", bindings=(SUBMITTED,))

    service = RabbitTransport(amqp_url)
    await service.connect()
    await service.declare_partner_exchange(SPEC)
    try:
        await service.declare(service_queue)
        for n in range(4):  # each confirmed, though the partner's queue refuses all but the first
            await service.publish([event(SUBMITTED, n)])
        assert await taken(service, service_queue.name, 4) == [f"event-{n}" for n in range(4)]
    finally:
        await service.close()

    message = await queue.get(timeout=10)  # the partner has what its queue took; the feed has the rest
    assert message.message_id == "event-0"
    await message.ack()


async def test_the_partner_exchange_is_no_longer_fed_from_the_events_exchange(
    partners: Partners, amqp_url: str
) -> None:
    """An earlier version bound the partner exchange from the events exchange by each key: declared again,
    those bindings go (a partner would get each event twice, and could still refuse the services' publish)."""
    partner, connection = await partners.connect()
    queue = await own_queue(connection, partner)
    service = RabbitTransport(amqp_url)
    await service.connect()
    try:
        async with service.connection.channel() as channel:
            legacy = await channel.get_exchange(PARTNER_EXCHANGE)
            await legacy.bind(EVENTS_EXCHANGE, routing_key=SUBMITTED)
        await service.declare_partner_exchange(SPEC)  # the new version starts
        await service.publish([event(SUBMITTED, 1)])
        await service.publish([event(SUBMITTED, 2)])
    finally:
        await service.close()

    ids = []
    for _ in range(2):
        message = await queue.get(timeout=10)
        ids.append(message.message_id)
        await message.ack()
    assert ids == ["event-1", "event-2"]  # not event-1 twice


# Each tried on a channel of its own by ``partner`` while ``other`` has its queue ``partner.<other>.q``.


async def bind_its_queue_to_the_events_exchange(channel: AbstractChannel, partner: str, other: str) -> None:
    # The events exchange carries internal events too (the child's name, for contingent).
    queue = await channel.declare_queue(f"partner.{partner}.q", passive=True)
    await queue.bind(EVENTS_EXCHANGE, routing_key="#")


async def declare_a_queue_of_another_partner(channel: AbstractChannel, partner: str, other: str) -> None:
    await channel.declare_queue(f"partner.{other}.mine", durable=True)


async def declare_a_queue_of_a_service(channel: AbstractChannel, partner: str, other: str) -> None:
    await channel.declare_queue("enrolment.partner-events", durable=True)


async def publish_to_the_events_exchange(channel: AbstractChannel, partner: str, other: str) -> None:
    exchange = await channel.get_exchange(EVENTS_EXCHANGE)
    await exchange.publish(aio_pika.Message(b"{}", message_id="forged"), routing_key=SUBMITTED)


async def publish_to_the_partner_exchange(channel: AbstractChannel, partner: str, other: str) -> None:
    exchange = await channel.get_exchange(PARTNER_EXCHANGE)
    await exchange.publish(aio_pika.Message(b"{}", message_id="forged"), routing_key=SUBMITTED)


async def publish_through_the_default_exchange(channel: AbstractChannel, partner: str, other: str) -> None:
    message = aio_pika.Message(b"{}", message_id="forged")
    await channel.default_exchange.publish(message, routing_key=f"partner.{partner}.q")


async def declare_the_partner_exchange(channel: AbstractChannel, partner: str, other: str) -> None:
    await channel.declare_exchange(PARTNER_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True, internal=True)


async def consume_another_partners_queue(channel: AbstractChannel, partner: str, other: str) -> None:
    async def take(message: AbstractIncomingMessage) -> None:
        await message.ack()

    queue = await channel.declare_queue(f"partner.{other}.q", passive=True)
    await queue.consume(take)


async def delete_another_partners_queue(channel: AbstractChannel, partner: str, other: str) -> None:
    await channel.queue_delete(f"partner.{other}.q")


@pytest.mark.parametrize(
    "attempt",
    [
        bind_its_queue_to_the_events_exchange,
        declare_a_queue_of_another_partner,
        declare_a_queue_of_a_service,
        publish_to_the_events_exchange,
        publish_to_the_partner_exchange,
        publish_through_the_default_exchange,
        declare_the_partner_exchange,
        consume_another_partners_queue,
        delete_another_partners_queue,
    ],
    ids=lambda attempt: attempt.__name__,
)
async def test_partner_is_refused_beyond_its_own_queues(
    partners: Partners, attempt: Callable[[AbstractChannel, str, str], Awaitable[None]]
) -> None:
    partner, connection = await partners.connect()
    other, other_connection = await partners.connect()
    await own_queue(connection, partner)
    await own_queue(other_connection, other)

    channel = await connection.channel()
    with pytest.raises(ChannelAccessRefused):  # 403 ACCESS_REFUSED, which closes the channel
        await attempt(channel, partner, other)

    # What it may do still works on a new channel (the refusal closed only the one it was tried on).
    assert (await own_queue(connection, partner)).name == f"partner.{partner}.q"


async def test_operator_command_makes_an_account_with_only_the_partners_rights(partners: Partners) -> None:
    partner, other = f"p{secrets.token_hex(4)}", f"p{secrets.token_hex(4)}"
    partners.made.append(partner)
    command = [sys.executable, "-m", "eschool.common.infra", "partner-account", "--partner", partner]
    command += ["--management-url", partners.server.management_admin_url, "--vhost", partners.vhost]
    # The password comes on stdin, so it does not show in the process list.
    done = await asyncio.to_thread(
        subprocess.run, command, input="s3cret-on-stdin\n", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"partner.{partner}:" in done.stdout

    connection = await partners.login(partner, "s3cret-on-stdin")
    assert (await own_queue(connection, partner)).name == f"partner.{partner}.q"
    channel = await connection.channel()
    with pytest.raises(ChannelAccessRefused):
        await declare_a_queue_of_another_partner(channel, partner, other)


def test_partner_names_that_would_widen_the_rights_are_refused() -> None:
    assert partner_permissions("state-portal") == {
        "configure": r"^partner\.state-portal\..*$",
        "write": r"^partner\.state-portal\..*$",
        "read": r"^(eschool\.partners|partner\.state-portal\..*)$",
    }
    for name in ("a.b", "a*", "", "Registry", "a" * 64):
        with pytest.raises(ValueError, match="lowercase letters, digits"):
            partner_permissions(name)
