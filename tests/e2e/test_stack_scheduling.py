"""The local stack, from the timetable to the diary: contingent's demo school reaches scheduling over
RabbitMQ, the school's administration sets up its calendar, subjects, bells and a class's week through
the gateway, and what scheduling publishes (the week, then the term's dated lessons) reaches a consumer
bound on the broker and the journal, run as two API processes behind the gateway, both consuming its
queues. The demo teacher records two lessons (a mark, an absence; the first save sent twice under one
idempotency key), and the demo guardian reads them in the child's diary, once each.

The processes are started once for the package's stack modules by the same code as ``make stack`` (see
``conftest.py``: one stack for the package's modules).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from typing import Any

import httpx
import jwt

from eschool.common.bus import QueueSpec, create_transport
from eschool.common.demo import SCHOOL_ID, demo_id
from eschool.common.stack_processes import Stack
from eschool.identity.demo import DEMO_ACCOUNTS

from .test_stack import (
    CONTINGENT_API,
    SCHOOL_ADMIN,
    bearer,
    eventually,
    gateway,
    log_in,
)

__all__ = ["gateway"]  # a fixture of test_stack.py; the stack itself is the package's (conftest.py)

SCHEDULING_API = "/api/scheduling/v1"
JOURNAL_API = "/api/journal/v1"
GUARDIAN = next(account for account in DEMO_ACCOUNTS if account.login == "guardian")
# The demo guardian's child, in 5 А of the first demo school.
DEMO_PUPIL = str(demo_id("person:pupil"))
# The journal's queue, as the journal service will declare it.
JOURNAL_QUEUE = QueueSpec(
    name="e2e-journal.scheduling-events",
    bindings=(
        "scheduling.timetable.published.v1",
        "scheduling.term_scheme.saved.v1",
        "scheduling.lessons.scheduled.v1",
    ),
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


def test_a_week_set_in_scheduling_is_recorded_in_the_journal_and_read_in_the_diary(
    gateway: httpx.Client, bus_url: str, stack: Stack
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
    new_scheme = {"academic_year_id": year, "name": "Четверти e2e", "kind": "quarters"}
    answers: list[httpx.Response] = []
    # The year's event may come after the classes' (they travel apart): 409 until it has arrived.
    eventually(
        lambda: (
            answers.append(gateway.post(f"{school}/term-schemes", json=new_scheme, headers=admin))
            or answers[-1].status_code != 409
            or answers[-1].json()["code"] != "academic_year_not_announced"
        ),
        within=30,
    )
    scheme = answers[-1]
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
    # 5 А follows the new scheme: contingent's class card says so, and scheduling hears it.
    card = gateway.get(f"{CONTINGENT_API}/classes/{five_a['class_id']}", headers=admin).json()
    change = {"version": card["version"], "term_scheme_id": scheme.json()["term_scheme_id"]}
    patched = gateway.patch(f"{CONTINGENT_API}/classes/{five_a['class_id']}", json=change, headers=admin)
    assert patched.status_code == 200, patched.text
    eventually(
        lambda: any(
            c["class_id"] == five_a["class_id"] and c["term_scheme_state"] == "defined" for c in classes()
        ),
        within=30,
    )
    teacher_tokens = log_in(gateway)
    teacher = jwt.decode(teacher_tokens["access_token"], options={"verify_signature": False})["pid"]
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

    term = scheme.json()["terms"][0]
    body = {"term_scheme_id": scheme.json()["term_scheme_id"], "term_id": term["term_id"]}
    job = gateway.post(f"{school}/lesson-generations", json=body, headers=admin)
    assert job.status_code == 202, job.text
    job_url = f"{SCHEDULING_API}/lesson-generations/{job.json()['lesson_generation_job_id']}"
    eventually(lambda: gateway.get(job_url, headers=admin).json()["status"] == "done", within=60)

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
    # The term's lessons, dated, where the journal will take them: Mondays, Wednesdays, Fridays.
    lessons = [
        x for e in received if e["type"] == "scheduling.lessons.scheduled.v1" for x in e["data"]["lessons"]
    ]
    assert lessons, "no lessons reached the journal's queue"
    assert {x["class_id"] for x in lessons} == {five_a["class_id"]}
    assert {date.fromisoformat(x["lesson_on"]).isoweekday() for x in lessons} == {1, 3, 5}
    assert all(term["starts_on"] <= x["lesson_on"] <= term["ends_on"] for x in lessons)
    _record_and_read(gateway, stack, bearer(teacher_tokens["access_token"]), sorted(lessons, key=_day))


def _day(lesson: dict[str, Any]) -> str:
    return str(lesson["lesson_on"])


def _record_and_read(
    gateway: httpx.Client, stack: Stack, teacher: dict[str, str], lessons: list[dict[str, Any]]
) -> None:
    """The teacher marks the demo pupil in the term's first lesson and notes them absent in the second;
    the guardian sees both in the diary, once each, whichever journal process answered or consumed."""
    first, second = lessons[0], lessons[1]
    sheet_url = f"{JOURNAL_API}/lessons/{first['lesson_id']}"
    eventually(lambda: gateway.get(sheet_url, headers=teacher).status_code == 200, within=60)
    pupils = [p["pupil_person_id"] for p in gateway.get(sheet_url, headers=teacher).json()["pupils"]]
    assert DEMO_PUPIL in pupils
    kinds = gateway.get(f"{JOURNAL_API}/schools/{SCHOOL_ID}/work-types", headers=teacher)
    assert kinds.status_code == 200, kinds.text
    answer = next(k["work_type_id"] for k in kinds.json() if k["code"] == "answer")
    classmate = next(p for p in pupils if p != DEMO_PUPIL)
    body = {
        "record": {"topic": "Натуральные числа", "homework": "§ 1, № 5"},
        "attendance": [{"pupil_person_id": classmate, "code": "ill"}],
        "marks": [
            {"pupil_person_id": DEMO_PUPIL, "value": "5", "work_type_id": answer, "comment": "Молодец"}
        ],
    }
    once = {**teacher, "Idempotency-Key": f"e2e-{time.time_ns()}"}
    saved = [gateway.put(f"{sheet_url}/journal", json=body, headers=once) for _ in range(2)]
    assert [s.status_code for s in saved] == [200, 200], saved[0].text
    assert saved[0].json()["mark_ids"] == saved[1].json()["mark_ids"]
    absent = {"attendance": [{"pupil_person_id": DEMO_PUPIL, "code": "absent"}]}
    second_url = f"{JOURNAL_API}/lessons/{second['lesson_id']}/journal"
    eventually(lambda: gateway.put(second_url, json=absent, headers=teacher).status_code == 200, within=30)

    guardian = bearer(log_in(gateway, GUARDIAN)["access_token"])
    week = gateway.get(
        f"{JOURNAL_API}/pupils/{DEMO_PUPIL}/diary/week",
        params={"start": first["lesson_on"]},
        headers=guardian,
    )
    assert week.status_code == 200, week.text
    by_id = {x["lesson_id"]: x for day in week.json()["days"] for x in day["lessons"]}
    assert [(m["value"], m["comment"]) for m in by_id[first["lesson_id"]]["marks"]] == [("5", "Молодец")]
    assert by_id[first["lesson_id"]]["topic"] == "Натуральные числа"
    if second["lesson_on"] <= week.json()["week_end"]:
        assert by_id[second["lesson_id"]]["attendance"] == "absent"
    # Both journal processes answered through the gateway, which takes them in turn.
    for process in ("journal", "journal-2"):
        metrics = httpx.get(f"{stack.url(process)}/metrics", timeout=10).text
        assert 'route="/v1/lessons/{lesson_id}"' in metrics, process
