"""Enrolment end to end on the local stack (issue 7): a portal submits an application, the school moves it
to enrolled, the child is a pupil of the class in contingent; a partner's own broker account, bound only
to the partner exchange, receives the events in order, and the HTTP feed from cursor 0 returns the same
events with the same ids. Each service its own process on real PostgreSQL and RabbitMQ, every request
through the gateway (the package's stack (``conftest.py``), shared with ``test_stack.py``).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import date
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import aio_pika
import httpx

from eschool.common.bus import PARTNER_EXCHANGE
from eschool.common.demo import SCHOOL_ID
from eschool.common.testing.servers import RabbitServer
from eschool.identity.demo import DEMO_ACCOUNTS

from .test_stack import (
    CONTINGENT_API,
    IDENTITY_API,
    SCHOOL_ADMIN,
    TOKEN_PATH,
    bearer,
    eventually,
    gateway,
    log_in,
)

__all__ = ["gateway"]  # a fixture of test_stack.py; the stack itself is the package's (conftest.py)

ENROLMENT_API = "/api/enrolment/v1"
MINISTRY = next(account for account in DEMO_ACCOUNTS if account.login == "ministry")
ORDER = {"series": "ОД", "number": "e2e-1", "date": date.today().isoformat()}


def next_school_year() -> int:
    today = date.today()
    return today.year + 1 if today.month >= 9 else today.year


def machine_token(gateway: httpx.Client, client_id: str, scope: str) -> dict[str, str]:
    """A machine client registered by the ministry, and its client-credentials token's header."""
    ministry = bearer(log_in(gateway, MINISTRY)["access_token"])
    made = gateway.post(
        f"{IDENTITY_API}/clients", json={"client_id": client_id, "scopes": [scope]}, headers=ministry
    )
    assert made.status_code == 201, made.text
    token = gateway.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client_id, made.json()["client_secret"]),
    )
    assert token.status_code == 200, token.text
    return bearer(token.json()["access_token"])


def first_grade_class(gateway: httpx.Client, admin: dict[str, str], year: int) -> str:
    """A first-grade class of the next school year in the demo school (its year set up if need be)."""
    years_url = f"{CONTINGENT_API}/schools/{SCHOOL_ID}/academic-years"
    name = f"{year}/{year + 1}"
    years = {y["name"]: y["academic_year_id"] for y in gateway.get(years_url, headers=admin).json()}
    if name not in years:
        made = gateway.post(years_url, json={"name": name}, headers=admin)
        assert made.status_code == 201, made.text
        years[name] = made.json()["academic_year_id"]
    classes_url = f"{CONTINGENT_API}/schools/{SCHOOL_ID}/classes"
    form = {"academic_year_id": years[name], "grade": 1, "letter": "Е", "max_size": 25}
    made = gateway.post(classes_url, json=form, headers=admin)
    assert made.status_code == 201, made.text
    return str(made.json()["class_id"])


def application(year: int, last_name: str) -> dict[str, Any]:
    return {
        "portal_number": f"EPGU-e2e-{secrets.token_hex(6)}",
        "source": "state_portal",
        "kind": "first_grade",
        "school_id": str(SCHOOL_ID),
        "grade": 1,
        "school_year": year,
        "child": {
            "last_name": last_name,
            "first_name": "Дарья",
            "birth_date": f"{year - 7}-02-10",
            "sex": "female",
        },
        "applicant": {
            "kind": "mother",
            "last_name": last_name,
            "first_name": "Ирина",
            "phone": "+79001112233",
        },
        "address": "г. Владимир, ул. Гагарина, д. 3",
        "in_territory": True,
        "documents": ["birth_certificate", "applicant_identity", "registration_certificate"],
    }


class PartnerClient:
    """A partner's own broker account and its queue, bound to the partner exchange and nothing else."""

    def __init__(self, server: RabbitServer, vhost_url: str) -> None:
        self.server, self.name, self.password = (
            server,
            f"registry{secrets.token_hex(3)}",
            secrets.token_urlsafe(16),
        )
        self.vhost = unquote(urlsplit(vhost_url).path[1:])
        parts = urlsplit(vhost_url)
        user = quote(f"partner.{self.name}", safe="")
        self.url = urlunsplit(
            parts._replace(netloc=f"{user}:{quote(self.password, safe='')}@{parts.hostname}:{parts.port}")
        )
        self.queue = f"partner.{self.name}.enrolment"

    def open(self) -> None:
        self.server.create_partner_account(self.vhost, self.name, self.password)
        asyncio.run(self._declare())

    async def _declare(self) -> None:
        async with await aio_pika.connect(self.url) as connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(
                self.queue, durable=True, arguments={"x-queue-type": "quorum"}
            )
            await queue.bind(await channel.get_exchange(PARTNER_EXCHANGE), routing_key="#")

    def received(self) -> list[dict[str, Any]]:
        """Every message waiting in the queue, in order, acknowledged."""
        return asyncio.run(self._drain())

    async def _drain(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async with await aio_pika.connect(self.url) as connection:
            queue = await (await connection.channel()).get_queue(self.queue)
            while (message := await queue.get(fail=False)) is not None:
                found.append(json.loads(message.body))
                await message.ack()
        return found

    def close(self) -> None:
        self.server.delete_partner_account(self.name)


def test_a_portal_application_ends_as_a_pupil_and_partners_follow_it_both_ways(
    gateway: httpx.Client, amqp_server: RabbitServer, bus_url: str
) -> None:
    partner = PartnerClient(amqp_server, bus_url)
    partner.open()
    try:
        received = _enrol_through_the_stack(gateway, partner)
    finally:
        partner.close()
    feed_client = machine_token(gateway, f"meals-{secrets.token_hex(3)}", "enrolment.feed")
    feed = gateway.get(f"{ENROLMENT_API}/feed", params={"after": 0, "limit": 1000}, headers=feed_client)
    assert feed.status_code == 200, feed.text
    assert [item["event"] for item in feed.json()["events"]] == received  # same events, same ids, same order
    # Each message names its feed position: where a partner away from the broker resumes the feed.
    assert [int(e["sequence"]) for e in received] == [item["cursor"] for item in feed.json()["events"]]


def _enrol_through_the_stack(gateway: httpx.Client, partner: PartnerClient) -> list[dict[str, Any]]:
    admin = bearer(log_in(gateway, SCHOOL_ADMIN)["access_token"])
    year = next_school_year()
    class_id = first_grade_class(gateway, admin, year)
    places = gateway.put(
        f"{ENROLMENT_API}/schools/{SCHOOL_ID}/places/{year}/1", json={"free_places": 30}, headers=admin
    )
    assert places.status_code == 200, places.text
    portal = machine_token(gateway, f"gosuslugi-{secrets.token_hex(3)}", "enrolment.intake")
    last_name = "Сквозная-" + "".join(secrets.choice("абвгдежзиклмнопрст") for _ in range(8))
    submitted = gateway.post(
        f"{ENROLMENT_API}/intake/applications", json=application(year, last_name), headers=portal
    )
    assert submitted.status_code == 201, submitted.text
    application_id = submitted.json()["application_id"]
    url = f"{ENROLMENT_API}/applications/{application_id}"
    registered = gateway.post(f"{url}/status", json={"status": "registered"}, headers=admin)
    assert registered.status_code == 200, registered.text

    def class_known() -> bool:  # enrolment learns the new class from contingent over the broker
        answer = gateway.post(f"{url}/assignment", json={"class_id": class_id, "order": ORDER}, headers=admin)
        assert answer.status_code in (200, 422), answer.text
        return answer.status_code == 200

    eventually(class_known, within=60)
    eventually(
        lambda: gateway.get(url, headers=admin).json()["status"] in ("enrolled", "registered"), within=60
    )
    steps = gateway.get(f"{url}/history", headers=admin).json()
    assert steps[-1]["to_status"] == "enrolled", (
        steps
    )  # not back to registered: contingent enrolled the child
    pupils = gateway.get(f"{CONTINGENT_API}/classes/{class_id}/pupils", headers=admin)
    assert pupils.status_code == 200, pupils.text
    assert last_name in pupils.text
    expected = [
        ("enrolment.places.changed.v1", None),
        ("enrolment.application.submitted.v1", "documents_check"),
        ("enrolment.application.status_changed.v1", "registered"),
        ("enrolment.application.status_changed.v1", "assigned_to_class"),
        ("enrolment.places.changed.v1", None),
        ("enrolment.application.enrolled.v1", None),
    ]
    received: list[dict[str, Any]] = []

    def all_arrived() -> bool:
        received.extend(partner.received())
        return len(received) >= len(expected)

    eventually(all_arrived, within=60)
    assert [(e["type"], e["data"].get("to_status") or e["data"].get("status")) for e in received] == expected
    assert {e["subject"] for e in received if "application" in e["type"]} == {application_id}
    assert len({e["id"] for e in received}) == len(received)
    return received
