"""Benchmark of the gateway: a protected GET through it versus straight to the service; the token endpoint.

Prints one JSON document. Identity and the gateway run as processes of their own (``python -m
eschool.common.serve``: uvicorn on uvloop, as in the local stack) on one PostgreSQL and RabbitMQ. Beside
each figure stands the bare layer's from the same run: the same request straight at identity (for the
gateway), and plain ``argon2.PasswordHasher.verify`` with identity's parameters (for the token endpoint).
The lanes run in interleaved rounds (A B, B A, ...), so that the noise of this shared machine hits them
alike: the ratios hold, the absolute numbers do not.

The load generator runs in this process: keep-alive connections, a fixed number of requests in flight.
A process of its own would gain nothing on two cores, where it competes with the servers for the same
cores wherever it runs; what matters is that it spends little. So it is a minimal HTTP/1.1 client on
asyncio streams (about 0.02 ms of CPU a request) rather than httpx (1 to 4 ms a request here, as much as
identity spends answering); ``--client httpx`` runs the same lanes with httpx. Each lane reports the CPU
time per request of every process (identity, gateway, client), so the reader sees who spends what.

Servers: ESCHOOL_BENCH_POSTGRES_URL (admin URL) and ESCHOOL_BENCH_AMQP_URL if set, else private
PostgreSQL and RabbitMQ started from this machine's binaries in a temporary directory (as bench/bus.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import platform
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import argon2
from bus import create_database, servers  # bench/bus.py: the same servers, started the same way
from httpclient import Call, Client, HttpxClient, Lane, RawClient, Sample, compare, get_call, load, ok

from eschool.common import aio
from eschool.common.stack_processes import IDENTITY, free_ports, start_services
from eschool.identity.demo import DEMO_ACCOUNTS
from eschool.identity.settings import IdentitySettings

CORES = os.cpu_count() or 1
TEACHER = next(account for account in DEMO_ACCOUNTS if account.login == "teacher")
# Added to both processes' environments; start_services sets the URLs (public, JWKS, upstreams) itself.
BENCH_ENV = {"ESCHOOL_ENV": "development", "IDENTITY_DEMO_DATA": "true"}
BENCH_ENV |= {"IDENTITY_LOG_LEVEL": "WARNING", "GATEWAY_LOG_LEVEL": "WARNING"}
# The gateway's token buckets, raised so that they never throttle the load.
_BUCKETS = ("IP", "CLIENT", "TOKEN_IP")
BENCH_ENV |= {
    f"GATEWAY_{bucket}_{limit}": "1000000" for bucket in _BUCKETS for limit in ("RATE_PER_S", "BURST")
}
START_TIMEOUT_S = 120.0
TARGET_ADDED_MS, TARGET_ADDED_FRACTION = 2.0, 0.30
LOAD_GENERATORS = {
    "raw": "HTTP/1.1 keep-alive over asyncio streams (uvloop) in the bench process, a closed loop of "
    "`concurrency` requests in flight: the cheapest client, so that the servers keep the cores",
    "httpx": "httpx.AsyncClient with keep-alive in the bench process (uvloop), a closed loop of "
    "`concurrency` requests in flight",
}


@dataclass(frozen=True)
class Params:
    """How much of each measurement to do (requests per lane, over all rounds)."""

    warmup_requests: int
    latency_requests: int
    throughput_requests: int
    throughput_concurrency: int
    logins: int
    login_concurrency: int
    rounds: int
    login_rounds: int


QUICK = Params(30, 200, 400, 16, 8, 4, 2, 2)
FULL = Params(300, 1500, 3000, 16, 40, 4, 10, 4)

FORM = {"content-type": "application/x-www-form-urlencoded"}


def login_form(login: str, password: str) -> bytes:
    return urlencode({"grant_type": "password", "username": login, "password": password}).encode()


def login_call(client: Client, token_url: str) -> Call:
    """Password grants for the demo accounts in turn, so that logins in flight rarely lock the same row."""
    forms = [login_form(account.login, account.password) for account in DEMO_ACCOUNTS]

    async def call(index: int) -> None:
        await ok(client, "POST", token_url, FORM, forms[index % len(forms)])

    return call


def configured_hasher() -> argon2.PasswordHasher:
    """Argon2id with the cost identity is configured with (its settings, from the same environment)."""
    settings = IdentitySettings()
    return argon2.PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        type=argon2.Type.ID,
    )


def raw_verify_call(hasher: argon2.PasswordHasher, stored_hash: str, password: str) -> Call:
    """The bare layer of a login: one verification of the hash identity stored, in a worker thread."""

    async def call(_index: int) -> None:
        await asyncio.to_thread(hasher.verify, stored_hash, password)  # raises on a mismatch

    return call


async def stored_hash(database_url: str, login: str) -> str:
    """The password hash identity stored for ``login`` (read with plain asyncpg)."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return await conn.fetchval("SELECT password_hash FROM user_account WHERE login = $1", login)
    finally:
        await conn.close()


def run(params: Params, client_kind: str) -> dict[str, Any]:
    """Servers, a fresh identity database, identity and the gateway; then the measurements."""
    load_before = os.getloadavg()[0]
    with servers() as (pg_admin, amqp_url), tempfile.TemporaryDirectory(prefix="eschool-bench-gw-") as logs:
        database_url = aio.run(create_database(pg_admin, "bench_identity"))
        with start_services(
            Path(logs),
            database_urls={IDENTITY: database_url},
            bus_url=amqp_url,
            ports=free_ports([IDENTITY]),
            env=BENCH_ENV,
            timeout=START_TIMEOUT_S,
        ) as stack:
            # identity, gateway (the start order), then this process: the load generator.
            pids: dict[str, int | None] = {name: p.pid for name, p in stack.processes.items()}
            pids["client"] = None
            urls = {"direct": stack.url(IDENTITY), "gateway": f"{stack.gateway_url}/api/identity"}
            figures = aio.run(measure_with(client_kind, params, urls, database_url, pids))
    return report(params, figures, client_kind, load_average_1m=(load_before, os.getloadavg()[0]))


async def measure(
    params: Params, urls: dict[str, str], database_url: str, pids: dict[str, int | None], *, client: Client
) -> dict[str, Any]:
    """Warm up, then the three interleaved comparisons: latency, throughput, token endpoint."""
    token_url = f"{urls['direct']}/v1/token"
    answer = await ok(client, "POST", token_url, FORM, login_form(TEACHER.login, TEACHER.password))
    bearer = {"authorization": f"Bearer {json.loads(answer)['access_token']}"}
    userinfo = {side: get_call(client, f"{url}/v1/userinfo", bearer) for side, url in urls.items()}
    healthz = {side: get_call(client, f"{url}/healthz") for side, url in urls.items()}
    for call in (*userinfo.values(), *healthz.values()):
        await load(call, params.warmup_requests, 4)  # pools, the gateway's JWKS, SQLAlchemy's caches
    latency_lanes = {f"userinfo_{side}": Lane(call, 1) for side, call in userinfo.items()}
    latency_lanes |= {f"healthz_{side}": Lane(call, 1) for side, call in healthz.items()}
    latency = await compare(latency_lanes, count=params.latency_requests, rounds=params.rounds, pids=pids)
    through_lanes = {side: Lane(call, params.throughput_concurrency) for side, call in userinfo.items()}
    throughput = await compare(
        through_lanes, count=params.throughput_requests, rounds=params.rounds, pids=pids
    )
    hashed = await stored_hash(database_url, TEACHER.login)
    raw = raw_verify_call(configured_hasher(), hashed, TEACHER.password)
    token_lanes = {
        side: Lane(login_call(client, f"{url}/v1/token"), params.login_concurrency)
        for side, url in urls.items()
    }
    token_lanes |= {"raw_1_thread": Lane(raw, 1), "raw_all_threads": Lane(raw, CORES)}
    tokens = await compare(token_lanes, count=params.logins, rounds=params.login_rounds, pids=pids)
    return {
        "latency": latency,
        "throughput": throughput,
        "tokens": tokens,
        "argon2": argon2.extract_parameters(hashed),
    }


async def measure_with(client_kind: str, *args: Any) -> dict[str, Any]:
    client = RawClient() if client_kind == "raw" else HttpxClient()
    async with contextlib.aclosing(client):
        return await measure(*args, client=client)


def overhead(direct: Sample, gateway: Sample) -> dict[str, Any]:
    """What the gateway adds at p50, against the targets."""
    direct_p50, gateway_p50 = direct.latency_ms()["p50"], gateway.latency_ms()["p50"]
    added_ms, added_fraction = gateway_p50 - direct_p50, gateway_p50 / direct_p50 - 1
    return {
        "added_ms": round(added_ms, 3),
        "ratio_gateway_to_direct": round(gateway_p50 / direct_p50, 3),
        "added_fraction": round(added_fraction, 3),
        "met_ms": added_ms <= TARGET_ADDED_MS,
        "met_fraction": added_fraction <= TARGET_ADDED_FRACTION,
    }


def report(
    params: Params, figures: dict[str, Any], client_kind: str, *, load_average_1m: tuple[float, float]
) -> dict[str, Any]:
    return {
        "benchmark": "gateway",
        "setup": "identity (PostgreSQL, RabbitMQ, demo accounts) and the gateway, each its own process; "
        "direct = the request straight at identity, gateway = the same request at /api/identity/...; "
        "lanes interleaved in rounds, order reversed every other round. Throughput through the gateway "
        "is bounded here by the cores identity, the gateway and the client share; cpu_ms_per_request "
        "says what each process spends, which holds where the gateway has cores of its own",
        "machine": {
            "cpu_count": CORES,
            "python": platform.python_version(),
            "event_loop": "uvloop (servers and client)",
            "http_parser": "httptools" if importlib.util.find_spec("httptools") else "h11 (httptools absent)",
            "load_average_1m": {"before": load_average_1m[0], "after": load_average_1m[1]},
        },
        "parameters": asdict(params),
        "load_generator": LOAD_GENERATORS[client_kind],
        "protected_get": protected_get(params, figures["latency"], figures["throughput"]),
        "public_get": public_get(figures["latency"]),
        "gateway_cost_split_at_p50": cost_split(figures["latency"]),
        "token_endpoint": token_endpoint(params, figures["tokens"], figures["argon2"]),
        "targets": {
            "gateway_added_ms_at_p50_max": TARGET_ADDED_MS,
            "gateway_added_fraction_at_p50_max": TARGET_ADDED_FRACTION,
        },
    }


def protected_get(
    params: Params, latency: dict[str, Sample], throughput: dict[str, Sample]
) -> dict[str, Any]:
    direct, gateway = latency["userinfo_direct"], latency["userinfo_gateway"]
    added = overhead(direct, gateway)
    return {
        "request": "GET /v1/userinfo with a bearer token: identity verifies it (RS256) and reads the account "
        "by primary key; the gateway adds its token buckets, its own RS256 check and the proxying",
        "latency_ms_at_concurrency_1": {"direct": direct.latency_ms(), "gateway": gateway.latency_ms()},
        "gateway_added_at_p50": added,
        "target_met": added["met_ms"] and added["met_fraction"],
        f"throughput_at_concurrency_{params.throughput_concurrency}": {
            side: {"requests_per_s": sample.per_s(), "latency_ms": sample.latency_ms()}
            for side, sample in throughput.items()
        },
        "throughput_ratio_gateway_to_direct": round(
            throughput["gateway"].per_s() / throughput["direct"].per_s(), 3
        ),
        "cpu_ms_per_request": {side: sample.cpu_ms_per_request() for side, sample in throughput.items()},
    }


def public_get(latency: dict[str, Sample]) -> dict[str, Any]:
    direct, gateway = latency["healthz_direct"], latency["healthz_gateway"]
    return {
        "request": "GET /healthz of identity (no I/O); through the gateway a public route: no token check, "
        "the proxying alone",
        "latency_ms_at_concurrency_1": {"direct": direct.latency_ms(), "gateway": gateway.latency_ms()},
        "gateway_added_at_p50": overhead(direct, gateway),
    }


def cost_split(latency: dict[str, Sample]) -> dict[str, Any]:
    """The gateway's added p50: forwarding (the public route's) and the token check (the difference)."""
    forwarding = overhead(latency["healthz_direct"], latency["healthz_gateway"])["added_ms"]
    protected = overhead(latency["userinfo_direct"], latency["userinfo_gateway"])["added_ms"]
    return {"forwarding_ms": forwarding, "token_check_and_limits_ms": round(protected - forwarding, 3)}


def token_endpoint(params: Params, tokens: dict[str, Sample], cost: argon2.Parameters) -> dict[str, Any]:
    raw_1, raw_all = tokens["raw_1_thread"].per_s(), tokens["raw_all_threads"].per_s()
    logins = {side: tokens[side].per_s() for side in ("direct", "gateway")}
    return {
        "request": "POST /v1/token, password grant, the demo accounts in turn: an Argon2id verification, "
        "the login audit row, a refresh token, an outbox event, an RS256 signature",
        "concurrency": params.login_concurrency,
        "logins_per_s": logins,
        "latency_ms": {side: tokens[side].latency_ms() for side in ("direct", "gateway")},
        "cpu_ms_per_login": {side: tokens[side].cpu_ms_per_request() for side in ("direct", "gateway")},
        "raw_argon2": {
            "parameters": {
                "type": cost.type.name.lower(),
                "time_cost": cost.time_cost,
                "memory_kib": cost.memory_cost,
                "parallelism": cost.parallelism,
            },
            "verify_per_s_1_thread": raw_1,
            f"verify_per_s_{CORES}_threads": raw_all,
            "verify_ms_1_thread": tokens["raw_1_thread"].latency_ms(),
        },
        "ratio_logins_to_raw_1_thread": {side: round(rate / raw_1, 3) for side, rate in logins.items()},
        f"ratio_logins_to_raw_{CORES}_threads": {
            side: round(rate / raw_all, 3) for side, rate in logins.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few requests of each kind: a smoke run")
    parser.add_argument("--client", choices=sorted(LOAD_GENERATORS), default="raw", help="the load generator")
    args = parser.parse_args()
    print(json.dumps(run(QUICK if args.quick else FULL, args.client), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
