"""Benchmark of the event pipeline: outbox -> relay -> RabbitMQ -> consumer with inbox.

Prints one JSON document. Beside each figure of ours stands the bare layer's figure from the same run
on the same broker (raw aio-pika publish with confirms, 256 in flight; raw consume + ack), because the
machine is shared and noisy: the ratios hold, the absolute numbers do not.

Every process runs on uvloop, as the services do (the raw figures too, so the ratios stay fair).

Servers: ESCHOOL_BENCH_POSTGRES_URL (admin URL) and ESCHOOL_BENCH_AMQP_URL if set, else private
PostgreSQL and RabbitMQ started from this machine's binaries in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika

from eschool.common import aio
from eschool.common.bus import ConsumerDefinition, EventConsumer, OutboxRelay
from eschool.common.bus.rabbitmq import RabbitTransport
from eschool.common.db import Database, utcnow
from eschool.common.db.migrations import upgrade_async
from eschool.common.events import Envelope, Event

MIGRATIONS = Path(__file__).with_name("migrations")
RAW_IN_FLIGHT = 256


class MarkRecordedBenchV1(Event):
    """A mark-sized event for the benchmark."""

    event_type = "bench.mark.recorded.v1"

    mark_id: uuid.UUID
    lesson_id: uuid.UUID
    pupil_id: uuid.UUID
    value: int
    work_type: str
    comment: str


def make_event() -> MarkRecordedBenchV1:
    return MarkRecordedBenchV1(
        mark_id=uuid.uuid4(),
        lesson_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        value=5,
        work_type="control",
        comment="контрольная работа по теме «Дроби»",
    )


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str]]:
    """Admin PostgreSQL URL (asyncpg DSN without driver) and AMQP URL."""
    pg, amqp = os.environ.get("ESCHOOL_BENCH_POSTGRES_URL"), os.environ.get("ESCHOOL_BENCH_AMQP_URL")
    if pg and amqp:
        yield pg, amqp
        return
    from eschool.common.infra import start_postgres, start_rabbitmq

    # Each server gets a directory of its own: PostgreSQL's is handed to the postgres user when root.
    with (
        tempfile.TemporaryDirectory(prefix="eschool-bench-pg-") as pg_dir,
        tempfile.TemporaryDirectory(prefix="eschool-bench-mq-") as mq_dir,
        start_postgres(Path(pg_dir)) as postgres,
        start_rabbitmq(Path(mq_dir), management=False) as rabbit,
    ):
        yield postgres.url("postgres", driver=None), rabbit.amqp_url()


async def create_database(admin_url: str, name: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = admin_url.rpartition("/")
    return base.replace("postgresql://", "postgresql+asyncpg://", 1) + "/" + name


async def raw_publish(amqp_url: str, count: int, body: bytes) -> float:
    """Messages/s of plain aio-pika persistent publishes with confirms, RAW_IN_FLIGHT at once."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(
            f"bench.raw.{uuid.uuid4().hex[:6]}", durable=True, arguments={"x-queue-type": "quorum"}
        )
        slots = asyncio.Semaphore(RAW_IN_FLIGHT)

        async def one() -> None:
            async with slots:
                await channel.default_exchange.publish(
                    aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), queue.name
                )

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        elapsed = time.perf_counter() - started
        consume_rate = await raw_consume(channel, queue, count)
        await queue.delete(if_unused=False, if_empty=False)
    return count / elapsed, consume_rate


async def raw_consume(channel: Any, queue: Any, count: int) -> float:
    """Messages/s of plain consume + ack with prefetch RAW_IN_FLIGHT."""
    await channel.set_qos(prefetch_count=RAW_IN_FLIGHT)
    done = asyncio.Event()
    seen = 0

    async def on_message(message: Any) -> None:
        nonlocal seen
        await message.ack()
        seen += 1
        if seen >= count:
            done.set()

    started = time.perf_counter()
    tag = await queue.consume(on_message)
    await done.wait()
    elapsed = time.perf_counter() - started
    await queue.cancel(tag)
    return count / elapsed


def consumer_process(consumer_url: str, amqp_url: str, queue: str, ready: Any, results: Any) -> None:
    """The consuming service, in a process of its own as in production: reports each run's lags."""
    aio.run(_consume(consumer_url, amqp_url, queue, ready, results))


async def _consume(consumer_url: str, amqp_url: str, queue: str, ready: Any, results: Any) -> None:
    db = Database(consumer_url, source="bench-consumer", pool_size=10)
    transport = RabbitTransport(amqp_url, connection_name="bench-consumer")
    await transport.connect()
    lags: list[float] = []
    loop = asyncio.get_running_loop()
    target = {"n": 0}
    reached = asyncio.Event()

    async def on_mark(event: Envelope[MarkRecordedBenchV1], _uow: Any) -> None:
        lags.append((utcnow() - event.time).total_seconds())
        if len(lags) >= target["n"]:
            reached.set()

    definition = ConsumerDefinition.of(queue, {MarkRecordedBenchV1: on_mark}, prefetch=256)
    consumer = EventConsumer(definition, db, transport)
    await consumer.start()
    ready.set()
    while (n := await loop.run_in_executor(None, results["orders"].get)) > 0:
        target["n"], lags[:] = n, []
        reached.clear()
        if len(lags) < n:
            await reached.wait()
        results["done"].put((time.time(), list(lags)))
    await consumer.stop()
    await transport.close()
    await db.dispose()


async def raw_outbox_inserts(producer_url: str, count: int) -> float:
    """Rows/s of plain asyncpg inserts of the same outbox rows, four connections, ten per transaction."""
    import asyncpg

    dsn = producer_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    envelope = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "type": MarkRecordedBenchV1.event_type,
            "data": make_event().model_dump(mode="json"),
        }
    )

    async def writer(n: int) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for _ in range(0, n, 10):
                async with conn.transaction():
                    await conn.executemany(
                        "INSERT INTO outbox_message (event_id, event_type, subject, envelope, created_at)"
                        " VALUES ($1, $2, $3, $4::jsonb, now())",
                        [(uuid.uuid4(), MarkRecordedBenchV1.event_type, "x", envelope) for _ in range(10)],
                    )
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(writer(count // 4) for _ in range(4)))
    elapsed = time.perf_counter() - started
    conn = await asyncpg.connect(dsn)
    await conn.execute("DELETE FROM outbox_message")
    await conn.close()
    return count / elapsed


class Producer:
    """The producing service: writers put events in its outbox, its relay publishes them."""

    def __init__(self, producer_url: str) -> None:
        self.db = Database(producer_url, source="bench", pool_size=10)

    async def write(self, count: int, per_txn: int) -> None:
        for start in range(0, count, per_txn):
            async with self.db.uow() as uow:
                for _ in range(min(per_txn, count - start)):
                    event = make_event()
                    uow.outbox.add(event, subject=event.mark_id)
                await uow.commit()


async def throughput(
    producer: Producer, relay: OutboxRelay, channels: dict[str, Any], count: int
) -> dict[str, float]:
    """``count`` events committed to the outbox first, then timed from relay start to the last handled."""
    write_started = time.perf_counter()
    await asyncio.gather(*(producer.write(count // 4, per_txn=10) for _ in range(4)))
    write_seconds = time.perf_counter() - write_started
    channels["orders"].put(count)
    started = time.time()
    relay.start()
    finished, _ = await asyncio.get_running_loop().run_in_executor(None, channels["done"].get)
    await relay.stop()
    elapsed = finished - started
    return {
        "events": count,
        "seconds": round(elapsed, 3),
        "events_per_s": round(count / elapsed, 1),
        "outbox_writes_per_s": round(count / write_seconds, 1),
    }


async def paced_lag(
    producer: Producer, channels: dict[str, Any], rate: int, seconds: float
) -> dict[str, float]:
    """Events written at ``rate``/s in 20 ms ticks; lag = event time to the end of its handling."""
    ticks, per_tick = int(seconds * 50), max(1, rate // 50)
    channels["orders"].put(ticks * per_tick)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for tick in range(ticks):
        await producer.write(per_tick, per_txn=per_tick)
        if (delay := start + (tick + 1) / 50 - loop.time()) > 0:
            await asyncio.sleep(delay)
    _, lags = await loop.run_in_executor(None, channels["done"].get)
    lags.sort()
    return {
        "rate_per_s": rate,
        "events": len(lags),
        "lag_p50_ms": round(statistics.median(lags) * 1000, 1),
        "lag_p99_ms": round(lags[int(len(lags) * 0.99) - 1] * 1000, 1),
        "lag_max_ms": round(lags[-1] * 1000, 1),
    }


async def run(count: int, lag_seconds: float) -> dict[str, Any]:
    with servers() as (pg_admin, amqp_url):
        producer_url = await create_database(pg_admin, "bench_producer")
        consumer_url = await create_database(pg_admin, "bench_consumer")
        await upgrade_async(MIGRATIONS, producer_url)
        await upgrade_async(MIGRATIONS, consumer_url)
        body = json.dumps(make_event().model_dump(mode="json")).encode() * 2
        raw_pub, raw_cons = await raw_publish(amqp_url, count, body)
        raw_inserts = await raw_outbox_inserts(producer_url, count)

        ctx = multiprocessing.get_context("spawn")
        channels = {"orders": ctx.Queue(), "done": ctx.Queue()}
        ready = ctx.Event()
        queue = f"bench.{uuid.uuid4().hex[:6]}-events"
        child = ctx.Process(target=consumer_process, args=(consumer_url, amqp_url, queue, ready, channels))
        child.start()
        await asyncio.get_running_loop().run_in_executor(None, ready.wait, 60)
        producer = Producer(producer_url)
        transport = RabbitTransport(amqp_url, connection_name="bench-producer")
        await transport.connect()
        relay = OutboxRelay(producer.db, transport, service="bench", batch_size=256, poll_interval=0.2)
        try:
            await throughput(producer, relay, channels, 1000)  # warm-up: pools, caches, queue leader
            through = await throughput(producer, relay, channels, count)
            relay.start()
            lag = await paced_lag(producer, channels, 500, lag_seconds)
            lag_1000 = await paced_lag(producer, channels, 1000, lag_seconds)
        finally:
            channels["orders"].put(0)
            child.join(60)
            await relay.stop()
            await transport.close()
            await producer.db.dispose()
    return {
        "benchmark": "bus",
        "setup": "producer service (outbox + relay) and consumer service (inbox) in two processes, "
        "each with its own PostgreSQL database; quorum queues; pipeline = relay start to last handled "
        "over a pre-filled outbox; lag = event time to handled while writing at a steady rate",
        "pipeline": through,
        "raw_aio_pika": {
            "publish_confirmed_per_s": round(raw_pub, 1),
            "in_flight": RAW_IN_FLIGHT,
            "consume_ack_per_s": round(raw_cons, 1),
            "messages": count,
        },
        "raw_asyncpg": {"outbox_rows_inserted_per_s": round(raw_inserts, 1), "rows_per_transaction": 10},
        "ratio_outbox_writes_to_raw_inserts": round(through["outbox_writes_per_s"] / raw_inserts, 3),
        "ratio_pipeline_to_raw_publish": round(through["events_per_s"] / raw_pub, 3),
        "ratio_pipeline_to_raw_consume": round(through["events_per_s"] / raw_cons, 3),
        "lag_at_500_per_s": lag,
        "lag_at_1000_per_s": lag_1000,
        "targets": {"pipeline_events_per_s": 1000, "ratio_to_raw_publish": 0.5, "lag_p99_ms_at_500": 1000},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--lag-seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(json.dumps(aio.run(run(args.events, args.lag_seconds)), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
