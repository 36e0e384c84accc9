"""The local stack (``make stack``): PostgreSQL and RabbitMQ under ``var/stack``, a process per service.

``up`` starts (or reuses) both servers, creates a database per service, starts every service of the
workspace with ``python -m eschool.common.serve`` on ports from 8101, and last the gateway on 8100 in
front of them; ``down`` stops them all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from eschool.common.gateway import GATEWAY_NAME, discover_gateway
from eschool.common.infra import LocalPostgres, LocalRabbit, start_postgres, start_rabbitmq
from eschool.common.infra.ports import port_is_free, process_alive, wait_until
from eschool.common.service import discover_services

FIRST_PORT = 8101
GATEWAY_PORT = 8100
GATEWAY_URL = f"http://127.0.0.1:{GATEWAY_PORT}"
STATE_FILE = "services.json"

State = dict[str, dict[str, int]]  # process name -> its pid and port


def up(stack_dir: Path) -> None:
    """Start the servers, every service, then the gateway; print where they answer."""
    pg = start_postgres(stack_dir / "postgres")
    rabbit = start_rabbitmq(stack_dir / "rabbitmq")
    print(f"postgres  {pg.url('postgres')}")
    print(f"rabbitmq  {rabbit.amqp_url()}  management {rabbit.management_url}")
    state = _read(stack_dir)
    discover_gateway()  # fails clearly, before anything starts, if the gateway is not installed
    upstreams: dict[str, str] = {}
    for index, definition in enumerate(discover_services()):
        name = definition.name
        asyncio.run(pg.create_database(name))
        prefix = name.upper()
        env = {
            f"{prefix}_DATABASE_URL": pg.url(name),
            f"{prefix}_BUS_URL": rabbit.amqp_url(),
            # Links and the token issuer name the gateway, the one address clients use.
            f"{prefix}_PUBLIC_URL": GATEWAY_URL,
        }
        upstreams[name] = _start(stack_dir, state, name, FIRST_PORT + index, env)
    _start(stack_dir, state, GATEWAY_NAME, GATEWAY_PORT, _gateway_env(upstreams))
    _write(stack_dir, state)
    print(f"the API: {GATEWAY_URL}/api/<service>/..., docs {GATEWAY_URL}/api/docs")


def _gateway_env(upstreams: dict[str, str]) -> dict[str, str]:
    env = {"GATEWAY_UPSTREAMS": json.dumps(upstreams), "GATEWAY_PUBLIC_URL": GATEWAY_URL}
    if "identity" in upstreams:
        env["GATEWAY_JWKS_URL"] = upstreams["identity"] + "/v1/jwks.json"
    return env


def _start(stack_dir: Path, state: State, name: str, port: int, env: dict[str, str]) -> str:
    """Start ``python -m eschool.common.serve NAME`` on ``port`` unless it runs already; its URL."""
    logs = stack_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if name in state and process_alive(state[name]["pid"]):
        url = f"http://127.0.0.1:{state[name]['port']}"
        print(f"{name:<14} already running at {url}")
        return url
    command = [sys.executable, "-m", "eschool.common.serve", name, "--host", "127.0.0.1", "--port", str(port)]
    with (logs / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    state[name] = {"pid": process.pid, "port": port}
    if not wait_until(lambda: not port_is_free(port), timeout=30):
        print(f"{name:<14} did not start: see {logs / (name + '.log')}", file=sys.stderr)
    print(f"{name:<14} http://127.0.0.1:{port}  (log {logs / (name + '.log')})")
    return f"http://127.0.0.1:{port}"


def down(stack_dir: Path) -> None:
    """Stop every service, then the servers (their data stays for the next ``up``)."""
    # The gateway, started last, stops first.
    for name, entry in reversed(_read(stack_dir).items()):
        if process_alive(entry["pid"]):
            os.kill(entry["pid"], signal.SIGTERM)
            wait_until(lambda pid=entry["pid"]: not process_alive(pid), timeout=20)
        print(f"{name}: stopped")
    _write(stack_dir, {})
    if (stack_dir / "rabbitmq").is_dir():
        LocalRabbit.from_dir(stack_dir / "rabbitmq").stop()
        print("rabbitmq: stopped")
    if (stack_dir / "postgres").is_dir():
        LocalPostgres.from_dir(stack_dir / "postgres").stop()
        print("postgres: stopped")


def _read(stack_dir: Path) -> State:
    path = stack_dir / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def _write(stack_dir: Path, state: State) -> None:
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / STATE_FILE).write_text(json.dumps(state, indent=2))


def main(argv: list[str] | None = None) -> int:
    """``python -m eschool.common.stack up|down [--dir var/stack]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--dir", type=Path, default=Path("var/stack"))
    args = parser.parse_args(argv)
    (up if args.command == "up" else down)(args.dir.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
