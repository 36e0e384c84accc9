"""The local stack (``make stack``): PostgreSQL and RabbitMQ under ``var/stack``, a process per service.

``up`` starts (or reuses) both servers, creates a database per service, and starts every service of
the workspace with ``python -m eschool.common.serve`` on ports from 8101; ``down`` stops them all.
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

from eschool.common.infra import LocalPostgres, LocalRabbit, start_postgres, start_rabbitmq
from eschool.common.infra.ports import port_is_free, process_alive, wait_until
from eschool.common.service import discover_services

FIRST_PORT = 8101
STATE_FILE = "services.json"


def up(stack_dir: Path) -> None:
    """Start the servers and every service; print where they answer."""
    pg = start_postgres(stack_dir / "postgres")
    rabbit = start_rabbitmq(stack_dir / "rabbitmq")
    print(f"postgres  {pg.url('postgres')}")
    print(f"rabbitmq  {rabbit.amqp_url()}  management {rabbit.management_url}")
    state = _read(stack_dir)
    logs = stack_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for index, definition in enumerate(discover_services()):
        name = definition.name
        if name in state and process_alive(state[name]["pid"]):
            print(f"{name:<14} already running at http://127.0.0.1:{state[name]['port']}")
            continue
        asyncio.run(pg.create_database(name))
        port = FIRST_PORT + index
        env = {
            **os.environ,
            f"{name.upper()}_DATABASE_URL": pg.url(name),
            f"{name.upper()}_BUS_URL": rabbit.amqp_url(),
        }
        with (logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "eschool.common.serve",
                    name,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        state[name] = {"pid": process.pid, "port": port}
        if not wait_until(lambda p=port: not port_is_free(p), timeout=30):
            print(f"{name:<14} did not start: see {logs / (name + '.log')}", file=sys.stderr)
        print(f"{name:<14} http://127.0.0.1:{port}  (log {logs / (name + '.log')})")
    _write(stack_dir, state)
    if not state:
        print("no services in the workspace yet: only the servers run")


def down(stack_dir: Path) -> None:
    """Stop every service, then the servers (their data stays for the next ``up``)."""
    for name, entry in _read(stack_dir).items():
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


def _read(stack_dir: Path) -> dict[str, dict[str, int]]:
    path = stack_dir / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def _write(stack_dir: Path, state: dict[str, dict[str, int]]) -> None:
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
