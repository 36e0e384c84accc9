"""The local stack: each service its own process on real PostgreSQL and RabbitMQ, the gateway in front.

The processes are started once for the package's stack modules (``conftest.py``) by the same code as ``make
stack`` (``start_services``),
on the test session's servers (a fresh database per service, a fresh vhost) and free ports; identity
loads the demo accounts. Every request below goes over real sockets.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest
from openpyxl import load_workbook

from eschool.common.auth import Role
from eschool.common.demo import SCHOOL_ID
from eschool.common.gateway import GATEWAY_NAME
from eschool.common.stack_processes import Stack, free_ports, service_env
from eschool.common.testing.auth import TestIdentity
from eschool.identity.demo import DEMO_ACCOUNTS

IDENTITY_API = "/api/identity/v1"
TOKEN_PATH = f"{IDENTITY_API}/token"
USERINFO_PATH = f"{IDENTITY_API}/userinfo"
TEACHER = next(account for account in DEMO_ACCOUNTS if account.login == "teacher")
PROBLEM_JSON = "application/problem+json"
SCHOOL_ADMIN = next(account for account in DEMO_ACCOUNTS if account.login == "school.admin")
CONTINGENT_API = "/api/contingent/v1"


@pytest.fixture
def issuer(stack: Stack) -> str:
    """The issuer tokens must carry: identity's API under the gateway's address."""
    return stack.gateway_url + IDENTITY_API


class WaitsOutRateLimits(httpx.HTTPTransport):
    """Waits out a 429 for its Retry-After, as a well-behaved client does. The gateway limits the token
    endpoint per address (2 a second after a burst of 30), and every request of these tests comes from
    one address: a test polling logins until an event has arrived would otherwise run the bucket dry and
    fail the tests after it."""

    def __init__(self, patience_s: float = 60.0) -> None:
        super().__init__()
        self._patience_s = patience_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self._patience_s
        while True:
            response = super().handle_request(request)
            if response.status_code != 429:
                return response
            wait = float(response.headers.get("Retry-After", "1"))
            if time.monotonic() + wait > deadline:
                return response
            response.close()
            time.sleep(wait)


@pytest.fixture
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    """A client of the gateway, the one address clients use."""
    with httpx.Client(
        base_url=stack.gateway_url, timeout=60, trust_env=False, transport=WaitsOutRateLimits()
    ) as client:
        yield client


@pytest.fixture
def identity(stack: Stack) -> Iterator[httpx.Client]:
    """A client of identity's own port, behind the gateway's back."""
    with httpx.Client(base_url=stack.url("identity"), timeout=60, trust_env=False) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying ``token``."""
    return {"Authorization": f"Bearer {token}"}


def token_request(client: httpx.Client, **form: str) -> httpx.Response:
    """POST the token endpoint through ``client`` with ``form``."""
    return client.post(TOKEN_PATH, data=form)


def log_in(client: httpx.Client, account: Any = TEACHER) -> dict[str, Any]:
    """A demo account's tokens (the teacher's by default), from a password login."""
    response = token_request(client, grant_type="password", username=account.login, password=account.password)
    assert response.status_code == 200, response.text
    return response.json()


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    """``response`` is the RFC 9457 problem ``code`` with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == code


def test_discovery_through_the_gateway_names_the_gateway_as_issuer(
    gateway: httpx.Client, issuer: str
) -> None:
    response = gateway.get(f"{IDENTITY_API}/.well-known/openid-configuration")

    assert response.status_code == 200, response.text
    assert response.json()["issuer"] == issuer
    assert response.json()["token_endpoint"] == f"{issuer}/token"
    assert gateway.get(f"{IDENTITY_API}/jwks.json").json()["keys"]


def test_password_login_through_the_gateway_opens_a_protected_route(gateway: httpx.Client) -> None:
    tokens = log_in(gateway)

    assert tokens["token_type"] == "Bearer"
    assert tokens["refresh_token"]
    response = gateway.get(USERINFO_PATH, headers=bearer(tokens["access_token"]))
    assert response.status_code == 200, response.text
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert response.json()["sub"] == claims["sub"]
    assert response.json()["preferred_username"] == TEACHER.login
    assert {binding["role"] for binding in response.json()["roles"]} == {r.value for r, _ in TEACHER.roles}


def test_protected_route_without_token_is_401_at_the_gateway_and_at_the_service(
    gateway: httpx.Client, identity: httpx.Client
) -> None:
    at_gateway = gateway.get(USERINFO_PATH)
    # The gateway is not the only wall: identity refuses the same request made to its own port.
    at_service = identity.get("/v1/userinfo")

    for response in (at_gateway, at_service):
        assert_problem(response, 401, "token_missing")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_garbage_and_forged_tokens_are_refused(
    gateway: httpx.Client, identity: httpx.Client, issuer: str
) -> None:
    real = log_in(gateway)["access_token"]
    # Well formed, right issuer and key id, but signed with a key identity never had.
    forger = TestIdentity(kid=jwt.get_unverified_header(real)["kid"], issuer=issuer)
    forged = forger.token_for(Role.ministry)

    assert_problem(gateway.get(USERINFO_PATH, headers=bearer("not-a-token")), 401, "token_invalid")
    assert_problem(gateway.get(USERINFO_PATH, headers=bearer(forged)), 401, "token_invalid")
    assert_problem(identity.get("/v1/userinfo", headers=bearer(forged)), 401, "token_invalid")


def test_refresh_through_the_gateway_rotates_the_session(gateway: httpx.Client) -> None:
    first = log_in(gateway)

    response = token_request(gateway, grant_type="refresh_token", refresh_token=first["refresh_token"])

    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    userinfo = gateway.get(USERINFO_PATH, headers=bearer(second["access_token"]))
    assert userinfo.json()["preferred_username"] == TEACHER.login
    reused = token_request(gateway, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert_problem(reused, 400, "invalid_grant")


def test_identity_is_ready_on_the_real_database_and_broker(
    identity: httpx.Client, databases: dict[str, str], bus_url: str
) -> None:
    response = identity.get("/readyz")

    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert databases["identity"].startswith("postgresql+asyncpg://")
    assert bus_url.startswith("amqp://")


def test_every_service_but_identity_verifies_tokens_with_identity_keys() -> None:
    identity_url = "http://127.0.0.1:9001"
    common = {"database_url": "postgresql://db", "bus_url": "amqp://bus", "public_url": "http://gw"}

    journal = service_env("journal", identity_url=identity_url, **common)
    own = service_env("identity", identity_url=identity_url, **common)

    assert journal["JOURNAL_JWKS_URL"] == f"{identity_url}/v1/jwks.json"
    assert journal["JOURNAL_PUBLIC_URL"] == "http://gw"
    assert "IDENTITY_JWKS_URL" not in own


def test_free_ports_are_distinct_for_every_process() -> None:
    ports = free_ports(["identity", "journal"])

    assert set(ports) == {"identity", "journal", GATEWAY_NAME}
    assert len(set(ports.values())) == 3


def eventually(check: Callable[[], bool], within: float = 20.0) -> None:
    """Poll ``check`` until it holds: the services meet through the broker, not at once."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.5)


def test_a_guardian_entered_in_contingent_sees_the_child_after_logging_in(gateway: httpx.Client) -> None:
    """Contingent enrols a pupil and links a guardian; identity hears it over RabbitMQ; the guardian's
    access, issued by the school, carries the child; contingent opens that child's card and no other."""
    admin = bearer(log_in(gateway, SCHOOL_ADMIN)["access_token"])
    classes = gateway.get(f"{CONTINGENT_API}/schools/{SCHOOL_ID}/classes", params={"grade": 5}, headers=admin)
    assert classes.status_code == 200, classes.text
    class_id = next(c["class_id"] for c in classes.json()["items"] if c["letter"] == "А")
    form = {
        "last_name": "Соколова",
        "first_name": "Мария",
        "birth_date": "2015-04-12",
        "sex": "ж",
        "personal_file_number": f"e2e-{time.time_ns() % 10**6}",
        "order": {"series": "1-К", "number": "101", "date": time.strftime("%Y-%m-%d")},
    }
    enrolled = gateway.post(f"{CONTINGENT_API}/classes/{class_id}/pupils", json=form, headers=admin)
    assert enrolled.status_code == 201, enrolled.text
    pupil = enrolled.json()["person_id"]
    mother = {"kind": "mother", "last_name": "Соколова", "first_name": "Анна", "snils": "112-233-445 95"}
    linked = gateway.post(f"{CONTINGENT_API}/pupils/{pupil}/guardians", json=mother, headers=admin)
    assert linked.status_code == 201, linked.text
    guardian = linked.json()["guardian_person_id"]

    mother_access = {"person_id": guardian, "role": "guardian", "last_name": "Соколова", "first_name": "Анна"}
    login, one_time = issued_login(gateway, admin, mother_access)
    new_password = "Sokolova-Mama-2026"
    first = token_request(gateway, grant_type="password", username=login, password=one_time).json()
    changed = gateway.post(
        f"{IDENTITY_API}/me/password",
        json={"current_password": one_time, "new_password": new_password},
        headers=bearer(first["access_token"]),
    )
    assert changed.status_code == 204, changed.text

    def guardian_token() -> str:
        return token_request(gateway, grant_type="password", username=login, password=new_password).json()[
            "access_token"
        ]

    def sees_the_child() -> bool:
        roles = jwt.decode(guardian_token(), options={"verify_signature": False})["roles"]
        return any(r["role"] == "guardian" and pupil in r.get("pupils", []) for r in roles)

    eventually(sees_the_child, within=60)  # identity may be busy with the demo region's events
    family = bearer(guardian_token())
    card = gateway.get(f"{CONTINGENT_API}/pupils/{pupil}", headers=family)
    assert card.status_code == 200, card.text
    assert card.json()["snils"] is None or "*" in str(card.json()["snils"])
    someone_else = gateway.get(f"{CONTINGENT_API}/pupils/{guardian}", headers=family)
    assert someone_else.status_code in (403, 404)


def issued_login(gateway: httpx.Client, admin: dict[str, str], person: dict[str, str]) -> tuple[str, str]:
    """Access issued by the school on a sheet; the login and its one-time password."""
    batch = {"school_id": str(SCHOOL_ID), "people": [person]}
    sheet = gateway.post(f"{IDENTITY_API}/credentials/batches", json=batch, headers=admin)
    assert sheet.status_code == 200, sheet.text
    row = next(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=5, values_only=True))
    return str(row[4]), str(row[5])


def roles_in_token(gateway: httpx.Client, login: str, password: str) -> list[dict[str, Any]]:
    """The role claims of a fresh access token of ``login``."""
    tokens = token_request(gateway, grant_type="password", username=login, password=password).json()
    return list(jwt.decode(tokens["access_token"], options={"verify_signature": False})["roles"])


def test_a_teacher_dismissed_in_contingent_loses_the_school_in_identity(gateway: httpx.Client) -> None:
    admin = bearer(log_in(gateway, SCHOOL_ADMIN)["access_token"])
    today = time.strftime("%Y-%m-%d")
    form = {"last_name": "Орлова", "first_name": "Вера", "birth_date": "1985-03-02", "sex": "ж"}
    hired = gateway.post(
        f"{CONTINGENT_API}/schools/{SCHOOL_ID}/staff",
        json={**form, "position": "учитель", "hired_on": today},
        headers=admin,
    )
    assert hired.status_code == 201, hired.text
    person = {"person_id": hired.json()["person_id"], "role": "subject_teacher", **form}
    person.pop("birth_date"), person.pop("sex")
    login, password = issued_login(gateway, admin, person)
    assert {"role": "subject_teacher", "org": str(SCHOOL_ID)} in roles_in_token(gateway, login, password)

    employment = hired.json()["staff_employment_id"]
    dismissed = gateway.post(
        f"{CONTINGENT_API}/staff/{employment}/dismiss", json={"dismissed_on": today}, headers=admin
    )
    assert dismissed.status_code == 200, dismissed.text
    # Identity hears StaffDismissed over RabbitMQ and takes the school's staff roles away.
    eventually(
        lambda: not any(r["org"] == str(SCHOOL_ID) for r in roles_in_token(gateway, login, password)),
        within=60,
    )  # identity may be busy with the demo region's events
