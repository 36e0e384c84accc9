"""The bare layer of bench/enrolment.py: raw asyncpg ``INSERT ... ON CONFLICT (source, portal_number) DO
NOTHING`` of the burst's rows (every request, re-sends too) into ``application`` of a scratch database
migrated as enrolment's own, one connection per client: paced by the same schedule as ours, and as fast as
the clients can."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from enrolment_data import INSERT, Burst, Shot, raw_row
from enrolment_load import Run, Send, flat_out, paced

from eschool.common.db import utcnow

CREATED, ALREADY_THERE = 201, 200  # what the statement's own tag says: a row inserted, or none


@contextlib.asynccontextmanager
async def connections(dsn: str, count: int) -> AsyncIterator[list[asyncpg.Connection]]:
    conns = [await asyncpg.connect(dsn) for _ in range(count)]
    try:
        yield conns
    finally:
        for conn in conns:
            await conn.close()


def _senders(conns: list[asyncpg.Connection], burst: Burst) -> list[Send]:
    """Each client's insert of a shot's row; every request has an id of its own, as the service makes."""
    rows = [raw_row(body, utcnow()) for body in burst.bodies]

    def sender(conn: asyncpg.Connection) -> Send:
        async def send(shot: Shot) -> tuple[int, str | None]:
            tag = await conn.execute(INSERT, uuid.uuid4(), *rows[shot.index][1:])
            return (CREATED if tag.endswith(" 1") else ALREADY_THERE), None

        return send

    return [sender(conn) for conn in conns]


async def _lane(dsn: str, burst: Burst, clients: int, *, pace: bool) -> tuple[Run, int]:
    async with connections(dsn, clients) as conns:
        await conns[0].execute("TRUNCATE application CASCADE")
        senders = _senders(conns, burst)
        run = await (paced if pace else flat_out)(senders, burst.shots)
        stored = await conns[0].fetchval("SELECT count(DISTINCT portal_number) FROM application")
        return run, stored


async def raw_lanes(dsn: str, burst: Burst, clients: int) -> dict[str, Any]:
    """The bare layer paced like ours, then flat out; each checked to store every application once."""
    found = {}
    for name, pace in (("paced", True), ("flat_out", False)):
        run, stored = await _lane(dsn, burst, clients, pace=pace)
        figures = run.figures()
        statuses = figures.pop("statuses")
        figures["rows"] = {
            "inserted": statuses.get(str(CREATED), 0),
            "conflicts_did_nothing": statuses.get(str(ALREADY_THERE), 0),
            "no_answer": statuses.get("no_answer", 0),
            "distinct_stored": stored,
            "lost_or_duplicated": abs(stored - len(burst.bodies)),
        }
        found[name] = figures
    return found
