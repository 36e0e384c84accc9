"""The partner feed over HTTP: the same events as the broker gets, same ids, commit order, from any
cursor; partner-visible events only; only a client with the feed scope reads it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.enrolment import PARTNER_EVENT_TYPES
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.service import As
from eschool.enrolment.db.models import FeedEvent, FeedPending
from eschool.enrolment.services.feed import FEED_SCOPE, feed_retention, sequence_feed

from .conftest import INTAKE, World, application, next_school_year, published

PARTNER_TYPES = set(PARTNER_EVENT_TYPES)


def partner(identity: TestIdentity) -> dict[str, str]:
    return identity.headers(identity.token(client_id="meals-system", scopes=[FEED_SCOPE]))


async def test_the_feed_replays_the_brokers_events_in_order_from_any_cursor(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    test_identity: TestIdentity,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first = await api.post(INTAKE, json=application(world.school_a), headers=portal)
    await asyncio.gather(
        *(
            api.post(
                INTAKE,
                json=application(world.school_b, child={"first_name": "Ф" + "абвгдежзик"[i]}),
                headers=portal,
            )
            for i in range(8)
        )
    )
    step = {"status": "rejected", "reason_code": "duplicate"}
    await api.post(f"/v1/applications/{first.json()['application_id']}/status", json=step, headers=admin)
    await api.put(
        f"/v1/schools/{world.school_a}/places/{next_school_year()}/1", json={"free_places": 30}, headers=admin
    )
    reader = partner(test_identity)
    whole = await api.get("/v1/feed", headers=reader)
    assert whole.status_code == 200, whole.text
    events = [item["event"] for item in whole.json()["events"]]
    broker = [e for e in await published(enrolment) if e["type"] in PARTNER_TYPES]
    assert [e["id"] for e in events] == [e["id"] for e in broker]  # the broker gets them in the feed's order
    assert events == broker
    cursors = [item["cursor"] for item in whole.json()["events"]]
    assert cursors == sorted(cursors)
    # Each carries its position (CloudEvents' sequence, ordering as text): a partner that read the broker
    # up to an event resumes the feed right after it.
    assert [e["sequence"] for e in broker] == [f"{c:020d}" for c in cursors]
    assert sorted(e["sequence"] for e in broker) == [e["sequence"] for e in broker]
    resumed = await api.get("/v1/feed", params={"after": int(broker[4]["sequence"])}, headers=reader)
    assert [i["event"]["id"] for i in resumed.json()["events"]] == [e["id"] for e in broker[5:]]
    assert len(set(cursors)) == 11
    assert whole.json()["next_after"] == cursors[-1]
    page = await api.get("/v1/feed", params={"after": cursors[1], "limit": 2}, headers=reader)
    assert [i["cursor"] for i in page.json()["events"]] == cursors[2:4]
    end = await api.get("/v1/feed", params={"after": cursors[-1]}, headers=reader)
    assert end.json() == {"events": [], "next_after": cursors[-1], "missed": False}
    text = str(events)
    for personal in ("Смирнова", "olga", "79001234567", "Владимир"):
        assert personal not in text


async def test_only_a_client_with_the_feed_scope_reads_it(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As
) -> None:
    assert (await api.get("/v1/feed", headers=portal)).status_code == 403
    assert (await api.get("/v1/feed", headers=as_(Role.ministry, world.region))).status_code == 403
    assert (await api.get("/v1/feed")).status_code == 401


async def test_events_past_the_retention_period_go_and_a_reader_behind_them_is_told(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    test_identity: TestIdentity,
    enrolment: ServiceRuntime,
) -> None:
    for _ in range(3):
        assert (await api.post(INTAKE, json=application(world.school_a), headers=portal)).status_code == 201
    reader = partner(test_identity)
    cursors = [i["cursor"] for i in (await api.get("/v1/feed", headers=reader)).json()["events"]]
    prune = feed_retention(timedelta(days=90))
    assert await prune(enrolment.database, utcnow() + timedelta(days=89)) == 0
    assert await prune(enrolment.database, utcnow() + timedelta(days=91)) == 3
    assert (await api.post(INTAKE, json=application(world.school_a), headers=portal)).status_code == 201
    behind = (await api.get("/v1/feed", params={"after": cursors[0]}, headers=reader)).json()
    assert [i["cursor"] for i in behind["events"]] == [cursors[-1] + 1]
    assert behind["missed"] is True
    caught_up = (await api.get("/v1/feed", params={"after": cursors[-1]}, headers=reader)).json()
    assert caught_up["missed"] is False


async def test_concurrent_writes_and_sequencers_give_every_event_one_position_without_holes(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    test_identity: TestIdentity,
    enrolment: ServiceRuntime,
) -> None:
    async def submit_and_sequence(i: int) -> None:
        body = application(world.school_a, child={"first_name": "Параллель" + "абвгдежзиклмнопрст"[i]})
        assert (await api.post(INTAKE, json=body, headers=portal)).status_code == 201
        await sequence_feed(enrolment.database)

    await asyncio.gather(*(submit_and_sequence(i) for i in range(12)))
    await asyncio.gather(sequence_feed(enrolment.database), sequence_feed(enrolment.database, wait=False))
    async with enrolment.database.uow() as uow:
        rows = (await uow.session.execute(select(FeedEvent.seq, FeedEvent.event_id))).all()
        waiting = await uow.session.scalar(select(func.count()).select_from(FeedPending))
    assert waiting == 0
    assert sorted(seq for seq, _ in rows) == list(range(1, 13))  # one position each, no hole
    submitted = {e["id"] for e in await published(enrolment) if e["type"] in PARTNER_TYPES}
    assert {str(event_id) for _, event_id in rows} == submitted
    page = (await api.get("/v1/feed", params={"limit": 5}, headers=partner(test_identity))).json()
    assert [i["cursor"] for i in page["events"]] == [1, 2, 3, 4, 5]
