"""The check after a burst of bench/enrolment.py, from enrolment's database: every application stored
exactly once, every answer naming that one application, one submitted event per application in the outbox
and in the partner feed (once the feed's sequencer has given the waiting events their positions). Every
figure under ``violations`` must be 0."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import asyncpg
from enrolment_data import Burst
from enrolment_load import Run

SUBMITTED = "enrolment.application.submitted.v1"


async def _events(conn: asyncpg.Connection, table: str, pattern: str) -> Counter[str]:
    """Submitted events of the burst in ``table`` (outbox_message, feed_event), by application id."""
    rows = await conn.fetch(
        f"SELECT envelope->'data'->>'application_id' AS id, count(*) AS n FROM {table}"
        " WHERE event_type = $1 AND envelope->'data'->>'portal_number' LIKE $2 GROUP BY 1",
        SUBMITTED,
        pattern,
    )
    return Counter({r["id"]: r["n"] for r in rows})


def _event_violations(events: Counter[str], stored: set[str]) -> dict[str, int]:
    return {
        "applications_without_event": len(stored - set(events)),
        "extra_events": sum(n - 1 for n in events.values()) + sum(events[i] for i in set(events) - stored),
    }


async def verify(dsn: str, burst: Burst, run: Run) -> dict[str, Any]:
    """The violations (each must be 0) and the counts they come from."""
    conn = await asyncpg.connect(dsn)
    try:
        pattern = f"{burst.prefix}-%"
        # The feed's sequencer gives positions just after the commits: let it finish (it has 30 s).
        for _ in range(300):
            if not await conn.fetchval("SELECT count(*) FROM feed_pending"):
                break
            await asyncio.sleep(0.1)
        rows = await conn.fetch(
            "SELECT portal_number, application_id::text AS id FROM application"
            " WHERE source = 'state_portal' AND portal_number LIKE $1",
            pattern,
        )
        steps = await conn.fetchval(
            "SELECT count(*) FROM application_status_change JOIN application USING (application_id)"
            " WHERE portal_number LIKE $1",
            pattern,
        )
        outbox = await _events(conn, "outbox_message", pattern)
        feed = await _events(conn, "feed_event", pattern)
        unpublished = await conn.fetchval(
            "SELECT count(*) FROM outbox_message WHERE published_at IS NULL AND event_type = $1", SUBMITTED
        )
    finally:
        await conn.close()
    expected = {json.loads(body)["portal_number"] for body in burst.bodies}
    numbers = Counter(r["portal_number"] for r in rows)
    stored = {r["portal_number"]: r["id"] for r in rows}
    first = {a.shot.index: a.application_id for a in run.answers if not a.shot.resend}
    number_of = {a.shot.index: json.loads(burst.bodies[a.shot.index])["portal_number"] for a in run.answers}
    resends = [a for a in run.answers if a.shot.resend]
    ids = set(stored.values())
    violations = {
        "lost_applications": len(expected - set(numbers)),
        "duplicate_applications": sum(n - 1 for n in numbers.values()),
        "unexpected_applications": len(set(numbers) - expected),
        "answers_not_201": sum(a.status != 201 for a in run.answers),
        "answers_naming_another_application": sum(
            a.application_id != stored.get(number_of[a.shot.index]) for a in run.answers
        ),
        "resends_answered_unlike_first": sum(a.application_id != first.get(a.shot.index) for a in resends),
        "status_history_rows_not_one_per_application": abs(steps - len(rows)),
        **{f"outbox_{k}": v for k, v in _event_violations(outbox, ids).items()},
        **{f"feed_{k}": v for k, v in _event_violations(feed, ids).items()},
    }
    return {
        "violations": violations,
        "all_zero": not any(violations.values()),
        "counts": {
            "applications_sent": len(expected),
            "resends_sent": len(resends),
            "applications_stored": len(rows),
            "distinct_portal_numbers_stored": len(numbers),
            "submitted_events_in_outbox": sum(outbox.values()),
            "submitted_events_in_feed": sum(feed.values()),
            "outbox_unpublished_when_checked": unpublished,
        },
    }
