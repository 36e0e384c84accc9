"""What bench/enrolment.py measures on: PostgreSQL and RabbitMQ, enrolment and the gateway as processes of
their own, the JWKS of the tokens signed here, and the schools enrolment learns from contingent's events.

Servers: ESCHOOL_BENCH_POSTGRES_URL (admin URL) and ESCHOOL_BENCH_AMQP_URL where set, else private ones
started from this machine's binaries in a temporary directory (each independently of the other). The
schools reach enrolment as contingent's relay publishes them: ``OrgUnitRegisteredV1`` envelopes on
``eschool.events``, taken by enrolment's own consumer; their grade-1 places are set through its API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from httpclient import RawClient
from journal_processes import BENCH_ENV, jwks_endpoint

from eschool.common.auth import Role
from eschool.common.bus import create_transport
from eschool.common.db import utcnow
from eschool.common.events.contingent import OrgUnitRegisteredV1
from eschool.common.settings import issuer_for
from eschool.common.stack_processes import free_ports, start_services
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import event_message
from eschool.enrolment.services.intake import INTAKE_SCOPE

ENROLMENT = "enrolment"
TOKEN_LIFETIME_S = 4 * 3600  # longer than the whole run
SETTLE_S = 60.0
STACK_ENV = BENCH_ENV | {"ENROLMENT_LOG_LEVEL": "WARNING"}


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str, dict[str, str]]]:
    """The admin PostgreSQL URL (asyncpg DSN), the AMQP URL, and where each server comes from."""
    pg, amqp = os.environ.get("ESCHOOL_BENCH_POSTGRES_URL"), os.environ.get("ESCHOOL_BENCH_AMQP_URL")
    from eschool.common.infra import start_postgres, start_rabbitmq

    with contextlib.ExitStack() as stack:
        source = {"postgres": "ESCHOOL_BENCH_POSTGRES_URL", "rabbitmq": "ESCHOOL_BENCH_AMQP_URL"}
        if not pg:
            pg_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="eschool-bench-pg-"))
            pg = stack.enter_context(start_postgres(Path(pg_dir))).url("postgres", driver=None)
            source["postgres"] = "private server from this machine's binaries (fsync on)"
        if not amqp:
            mq_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="eschool-bench-mq-"))
            amqp = stack.enter_context(start_rabbitmq(Path(mq_dir), management=False)).amqp_url()
            source["rabbitmq"] = "private node from this machine's binaries"
        yield pg, amqp, source


@dataclass(frozen=True)
class Stack:
    """Enrolment and the gateway running: their pids, base URLs, and the portal's and schools' tokens."""

    identity: TestIdentity
    pids: dict[str, list[int]]
    direct: str  # enrolment itself
    gateway: str  # enrolment's prefix on the gateway

    def portal(self) -> dict[str, str]:
        """The state portal: a machine client with the intake scope."""
        token = self.identity.token(client_id="gosuslugi", scopes=[INTAKE_SCOPE], expires_in=TOKEN_LIFETIME_S)
        return {"content-type": "application/json", **self.identity.headers(token)}

    def school_admin(self, school_id: uuid.UUID) -> dict[str, str]:
        token = self.identity.token_for(Role.school_admin, school_id, expires_in=TOKEN_LIFETIME_S)
        return {"content-type": "application/json", **self.identity.headers(token)}


@contextlib.contextmanager
def enrolment_stack(logs: Path, database_url: str, amqp_url: str) -> Iterator[Stack]:
    """``python -m eschool.common.serve`` of enrolment (API, relay, consumers; it migrates its database)
    and of the gateway, on free ports; tokens verified against a JWKS served from this process."""
    ports = free_ports([ENROLMENT])
    identity = TestIdentity(issuer=issuer_for(f"http://127.0.0.1:{ports['gateway']}"))
    with jwks_endpoint(identity) as jwks_url:
        env = STACK_ENV | {"GATEWAY_JWKS_URL": jwks_url, "ENROLMENT_JWKS_URL": jwks_url}
        with start_services(
            logs,
            database_urls={ENROLMENT: database_url},
            bus_url=amqp_url,
            ports=ports,
            env=env,
            timeout=180,
        ) as stack:
            pids = {name: [stack.processes[name].pid] for name in (ENROLMENT, "gateway")}
            gateway = f"{stack.gateway_url}/api/{ENROLMENT}"
            yield Stack(identity, pids, stack.url(ENROLMENT), gateway)


def _registered(unit: uuid.UUID, kind: str, parent: uuid.UUID | None, name: str) -> OrgUnitRegisteredV1:
    return OrgUnitRegisteredV1(
        org_unit_id=unit,
        kind=kind,
        parent_id=parent,
        short_name=name,
        time_zone="Europe/Moscow",
        occurred_at=utcnow(),
    )


async def open_schools(amqp_url: str, dsn: str, count: int) -> list[uuid.UUID]:
    """A region, a municipality and ``count`` open schools, published as contingent's relay publishes
    them; returns once enrolment's consumer has taken every one into its database."""
    region, rayon = uuid.uuid4(), uuid.uuid4()
    schools = [uuid.uuid4() for _ in range(count)]
    events = [
        _registered(region, "region", None, "Область"),
        _registered(rayon, "municipality", region, "Район"),
    ]
    events += [_registered(s, "school", rayon, f"Школа №{n + 1}") for n, s in enumerate(schools)]
    transport = create_transport(amqp_url, connection_name="bench-contingent")
    await transport.connect()
    try:
        # One at a time, in order: a school's parent is known before the school.
        for event in events:
            await transport.publish([event_message(event, subject=event.org_unit_id)])
    finally:
        await transport.close()
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            known = await conn.fetchval(
                "SELECT count(*) FROM org_unit JOIN org_unit_state USING (org_unit_id)"
                " WHERE kind = 'school' AND NOT closed AND org_unit_id = ANY($1::uuid[])",
                schools,
            )
            if known == count:
                return schools
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise RuntimeError(f"enrolment took {known} of {count} schools within {SETTLE_S} s")


async def open_places(stack: Stack, schools: list[uuid.UUID], school_year: int, places: int) -> None:
    """Each school's grade-1 places for the campaign's year, set by its administrator through the API."""
    client = RawClient()
    try:
        for school in schools:
            url = f"{stack.direct}/v1/schools/{school}/places/{school_year}/1"
            body = json.dumps({"free_places": places}).encode()
            status, answer = await client.request("PUT", url, stack.school_admin(school), body)
            if status != 200:
                raise RuntimeError(f"PUT {url}: {status} {answer[:500]!r}")
    finally:
        await client.aclose()
