"""The enrolment saga through a real RabbitMQ broker: the application published on ``eschool.events``
reaches contingent's queue, and contingent's relay publishes the answer enrolment would receive."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from pydantic import SecretStr

from eschool.common.bus import QueueSpec
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import event_message
from eschool.contingent.app import service
from eschool.contingent.settings import ContingentSettings

from .conftest import SNILS_KEY, As
from .test_application_enrolment import ENROLLED, REFUSED, assigned
from .test_pupils import add_school_class
from .test_years import add_tree

# Enrolment's own queue for the answers, as the enrolment service will declare it.
ANSWERS = QueueSpec(name="enrolment.contingent-events", bindings=(ENROLLED, REFUSED))


async def answer(runtime: ServiceRuntime) -> dict[str, Any]:
    """The first answer on enrolment's queue (polled: the relay publishes after the consumer commits)."""
    for _ in range(300):
        delivery = await runtime.transport.get(ANSWERS.name)
        if delivery is not None:
            await delivery.ack()
            body: dict[str, Any] = json.loads(delivery.message.body)
            return body
        await asyncio.sleep(0.05)
    raise AssertionError("no answer reached enrolment's queue")


async def test_an_application_published_on_rabbitmq_is_answered_on_rabbitmq(
    pg_url: str, amqp_url: str, test_identity: TestIdentity, as_: As
) -> None:
    settings = ContingentSettings(database_url=pg_url, bus_url=amqp_url, snils_hmac_key=SecretStr(SNILS_KEY))
    runtime = ServiceRuntime(service, settings)
    await runtime.start()
    try:
        app = runtime.app(manage_lifespan=False)
        test_identity.install(app)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c.test") as api:
            tree = await add_tree(runtime)
            school = await add_school_class(api, tree, as_, tree.school_a)
        await runtime.transport.declare(ANSWERS)
        event = assigned(school)
        await runtime.transport.publish([event_message(event, subject=event.application_id)])

        enrolled = await answer(runtime)
        assert (enrolled["type"], enrolled["data"]["application_id"]) == (ENROLLED, str(event.application_id))
        assert enrolled["causation_id"] is not None  # the application's event caused it
    finally:
        await runtime.stop()
