"""The local stack, scheduling's story: contingent's demo school reaches scheduling over RabbitMQ, the
school's administration sets up its calendar, subjects, bells and a class's week through the gateway,
and what scheduling publishes reaches a consumer bound on the broker, as the journal's queue will be.

The processes are started once for this module by the same code as ``make stack`` (see
``test_stack.py``, whose fixtures this module shares).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from eschool.common.bus import QueueSpec, create_transport
from eschool.common.demo import SCHOOL_ID

from .test_stack import SCHOOL_ADMIN, bearer, bus_url, databases, eventually, gateway, log_in, stack

__all__ = ["bus_url", "databases", "gateway", "stack"]  # the shared stack's fixtures

SCHEDULING_API = "/api/scheduling/v1"
# The journal's queue, as the journal service will declare it.
JOURNAL_QUEUE = QueueSpec(
    name="e2e-journal.scheduling-events",
    bindings=("scheduling.timetable.published.v1", "scheduling.term_scheme.saved.v1"),
)


async def _declare(url: str, spec: QueueSpec) -> None:
    transport = create_transport(url, connection_name="e2e-journal")
    await transport.connect()
    try:
        await transport.declare(spec)
    finally:
        await transport.close()


async def _received(url: str, queue: str, within: float) -> list[dict[str, Any]]:
    """Every envelope waiting on the queue, polled for ``within`` seconds after the first arrives."""
    transport = create_transport(url, connection_name="e2e-journal")
    await transport.connect()
    envelopes: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            delivery = await transport.get(queue)
            if delivery is None:
                await asyncio.sleep(0.2)
                continue
            envelopes.append(json.loads(delivery.message.body))
            await delivery.ack()
    finally:
        await transport.close()
    return envelopes


def test_a_timetable_set_in_scheduling_reaches_the_journals_queue(
    gateway: httpx.Client, bus_url: str
) -> None:
    asyncio.run(_declare(bus_url, JOURNAL_QUEUE))
    admin = bearer(log_in(gateway, SCHOOL_ADMIN)["access_token"])
    school = f"{SCHEDULING_API}/schools/{SCHOOL_ID}"

    def classes() -> list[dict[str, Any]]:
        answer = gateway.get(f"{school}/classes", headers=admin)
        return answer.json() if answer.status_code == 200 else []

    def teachers() -> list[dict[str, Any]]:
        answer = gateway.get(f"{school}/teachers", headers=admin)
        return answer.json() if answer.status_code == 200 else []

    # Contingent's demo school, its year, classes and staff reach scheduling over RabbitMQ.
    eventually(lambda: any(c["grade"] == 5 for c in classes()), within=60)
    eventually(lambda: bool(teachers()), within=60)
    five_a = next(c for c in classes() if (c["grade"], c["letter"]) == (5, "А"))
    year = five_a["academic_year_id"]
    scheme = gateway.post(
        f"{school}/term-schemes",
        json={"academic_year_id": year, "name": "Четверти e2e", "kind": "quarters"},
        headers=admin,
    )
    assert scheme.status_code == 201, scheme.text
    maths = next(
        s
        for s in gateway.get(f"{SCHEDULING_API}/subjects", headers=admin).json()
        if s["name"] == "Математика"
    )
    chosen = gateway.post(
        f"{school}/subjects/chosen", json={"subject_ids": [maths["subject_id"]]}, headers=admin
    )
    assert chosen.status_code in (200, 201), chosen.text
    bells = gateway.post(
        f"{school}/bell-schedules", json={"academic_year_id": year, "name": "1 смена e2e"}, headers=admin
    )
    assert bells.status_code == 201, bells.text
    teacher = teachers()[0]["person_id"]
    week = {
        "valid_from": scheme.json()["terms"][0]["starts_on"],
        "bell_schedule_id": bells.json()["bell_schedule_id"],
        "entries": [
            {
                "weekday": day,
                "slot_number": 1,
                "subject_id": maths["subject_id"],
                "teacher_person_id": teacher,
            }
            for day in (1, 3, 5)
        ],
    }
    published = gateway.put(
        f"{SCHEDULING_API}/classes/{five_a['class_id']}/timetable", json=week, headers=admin
    )
    assert published.status_code == 200, published.text

    received = asyncio.run(_received(bus_url, JOURNAL_QUEUE.name, within=10))
    by_type = {e["type"]: e for e in received}
    assert (
        by_type["scheduling.term_scheme.saved.v1"]["data"]["term_scheme_id"]
        == scheme.json()["term_scheme_id"]
    )
    timetable = by_type["scheduling.timetable.published.v1"]
    assert timetable["data"]["class_id"] == five_a["class_id"]
    assert timetable["school_id"] == str(SCHOOL_ID)
    assert sorted(lesson["weekday"] for lesson in timetable["data"]["lessons"]) == [1, 3, 5]
