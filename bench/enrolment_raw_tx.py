"""A second bare layer of bench/enrolment.py, to tell the cost of our stack from the writes themselves:
raw asyncpg writing what the intake writes, per request one transaction in the service's order. The portal
number is claimed in ``idempotent_request`` (a re-send reads the first answer); then the application and
its first step, the feed's waiting row (``feed_pending``: the sequencer gives positions after the commit
and queues the event in the outbox then, batched, outside the request), and the remembered answer.
``locked=True`` writes as the intake did before the sequencer: the feed's row numbered under the feed
counter's row lock held until the commit, which made the intake go one at a time, and the outbox row.
The reads of the intake (the school, the same child) are left out."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import asyncpg
from enrolment_data import INSERT, Burst, Shot, raw_row
from enrolment_load import Send, flat_out, paced
from enrolment_raw import connections

from eschool.common.db import utcnow

SUBMITTED = "enrolment.application.submitted.v1"
CLAIM = (
    "INSERT INTO idempotent_request (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT DO NOTHING RETURNING key"
)
ANSWER = "SELECT status_code, response FROM idempotent_request WHERE scope = $1 AND key = $2"
STEP = (
    "INSERT INTO application_status_change (change_id, application_id, school_id, to_status,"
    " actor_client_id, at, version) VALUES ($1, $2, $3, 'documents_check', 'gosuslugi', $4, 1)"
)
LOCK = "SELECT last_seq FROM feed_counter WHERE name = 'partner' FOR UPDATE"
COUNT = "UPDATE feed_counter SET last_seq = $1 WHERE name = 'partner'"
FEED = (
    "INSERT INTO feed_event (seq, event_id, event_type, school_id, envelope, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
)
PENDING = (
    "INSERT INTO feed_pending (event_id, event_type, school_id, envelope, created_at)"
    " VALUES ($1, $2, $3, $4, $5)"
)
REMEMBER = "UPDATE idempotent_request SET status_code = 201, response = $3 WHERE scope = $1 AND key = $2"
OUTBOX = (
    "INSERT INTO outbox_message (event_id, event_type, subject, school_id, envelope, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
)
CLEAR = (
    "TRUNCATE application, application_status_change, idempotent_request, feed_event, feed_pending,"
    " outbox_message"
)


def _documents(row: tuple[Any, ...], now: Any) -> tuple[str, str]:
    """The receipt and the event's envelope, as JSON of the service's shape and size."""
    application_id, school_id, number = str(row[0]), str(row[1]), row[6]
    receipt = {"application_id": application_id, "portal_number": number, "status": "documents_check"}
    receipt |= {"status_title": "Подтверждение документов", "received_at": now.isoformat()}
    receipt |= {"priority_group": row[12], "duplicate_of": None}
    data = receipt | {"school_id": school_id, "kind": "first_grade", "grade": 1, "school_year": row[4]}
    data |= {"source": "state_portal", "version": 1, "occurred_at": now.isoformat()}
    envelope = {"id": str(uuid.uuid4()), "type": SUBMITTED, "source": "enrolment", "time": now.isoformat()}
    envelope |= {"subject": application_id, "school_id": school_id, "data": data}
    return json.dumps(receipt, ensure_ascii=False), json.dumps(envelope, ensure_ascii=False)


async def _submit(conn: asyncpg.Connection, body: bytes, locked: bool) -> tuple[int, str | None]:
    now = utcnow()
    row = raw_row(body, now)
    number, digest = row[6], hashlib.sha256(body).hexdigest()
    async with conn.transaction():
        if await conn.fetchval(CLAIM, "intake:state_portal", number, digest, now) is None:
            answer = await conn.fetchrow(ANSWER, "intake:state_portal", number)
            return 200, json.loads(answer["response"])["application_id"]
        receipt, envelope = _documents(row, now)
        await conn.execute(INSERT, *row)
        await conn.execute(STEP, uuid.uuid4(), row[0], row[1], now)
        event_id = uuid.uuid4()
        if locked:
            seq = await conn.fetchval(LOCK) + 1
            await conn.execute(COUNT, seq)
            await conn.execute(FEED, seq, event_id, SUBMITTED, row[1], envelope, now)
            await conn.execute(OUTBOX, event_id, SUBMITTED, str(row[0]), row[1], envelope, now)
        else:
            await conn.execute(PENDING, event_id, SUBMITTED, row[1], envelope, now)
        await conn.execute(REMEMBER, "intake:state_portal", number, receipt)
    return 201, str(row[0])


def _senders(conns: list[asyncpg.Connection], burst: Burst, locked: bool) -> list[Send]:
    def sender(conn: asyncpg.Connection) -> Send:
        async def send(shot: Shot) -> tuple[int, str | None]:
            return await _submit(conn, burst.bodies[shot.index], locked)

        return send

    return [sender(conn) for conn in conns]


async def _lane(dsn: str, burst: Burst, clients: int, *, pace: bool, locked: bool) -> dict[str, Any]:
    async with connections(dsn, clients) as conns:
        await conns[0].execute(CLEAR)
        await conns[0].execute("UPDATE feed_counter SET last_seq = 0")
        senders = _senders(conns, burst, locked)
        run = await (paced if pace else flat_out)(senders, burst.shots)
        stored = await conns[0].fetchval("SELECT count(*) FROM application")
        events = await conns[0].fetchval(
            "SELECT (SELECT count(*) FROM feed_event) + (SELECT count(*) FROM feed_pending)"
        )
    figures = run.figures()
    first = {a.shot.index: a.application_id for a in run.answers if not a.shot.resend}
    unlike = sum(a.application_id != first[a.shot.index] for a in run.answers if a.shot.resend)
    figures["check"] = {
        "lost_or_duplicated": abs(stored - len(burst.bodies)),
        "feed_events_not_one_per_application": abs(events - stored),
        "resends_answered_unlike_first": unlike,
    }
    return figures


async def raw_transactions(dsn: str, burst: Burst, clients: int) -> dict[str, Any]:
    """Paced like ours and flat out, as the intake writes now; flat out as it wrote under the counter's
    lock."""
    return {
        "paced": await _lane(dsn, burst, clients, pace=True, locked=False),
        "flat_out": await _lane(dsn, burst, clients, pace=False, locked=False),
        "flat_out_under_the_old_counter_lock": await _lane(dsn, burst, clients, pace=False, locked=True),
    }
