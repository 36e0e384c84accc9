"""The local stack (``make stack``): PostgreSQL and RabbitMQ under ``var/stack``, a process per service.

``up`` starts (or reuses) both servers, creates a database per service, starts every service of the
workspace with ``python -m eschool.common.serve`` on ports from 8101 (demo data loaded, as in ``make
run``), and last the gateway on 8100 in front of them; ``down`` stops them all. The processes
themselves are ``eschool.common.stack_processes``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from eschool.common.gateway import discover_gateway
from eschool.common.infra import LocalPostgres, LocalRabbit, start_postgres, start_rabbitmq
from eschool.common.service import discover_services
from eschool.common.stack_processes import (
    StackError,
    StackProcess,
    State,
    fixed_ports,
    log_path,
    start_services,
)

STATE_FILE = "services.json"


def up(stack_dir: Path) -> None:
    """Start the servers, every service, then the gateway; print where they answer."""
    pg = start_postgres(stack_dir / "postgres")
    rabbit = start_rabbitmq(stack_dir / "rabbitmq")
    print(f"postgres  {pg.url('postgres')}")
    print(f"rabbitmq  {rabbit.amqp_url()}  management {rabbit.management_url}")
    discover_gateway()  # fails clearly, before anything starts, if the gateway is not installed
    names = [definition.name for definition in discover_services()]
    for name in names:
        asyncio.run(pg.create_database(name))
    running = _read(stack_dir)
    stack = start_services(
        stack_dir,
        database_urls={name: pg.url(name) for name in names},
        bus_url=rabbit.amqp_url(),
        ports=fixed_ports(names),
        # A developer's stack, like make run: the demo region, so the demo logins work at once.
        env={f"{name.upper()}_DEMO_DATA": "true" for name in names},
        running=running,
    )
    _write(stack_dir, {**running, **stack.state()})
    for process in stack.processes.values():
        how = "already running" if process.popen is None else f"(log {process.log_file})"
        print(f"{process.name:<14} {process.url}  {how}")
    print(f"the API: {stack.gateway_url}/api/<service>/..., docs {stack.gateway_url}/api/docs")


def down(stack_dir: Path) -> None:
    """Stop every service, then the servers (their data stays for the next ``up``)."""
    # The gateway, started last, stops first.
    for name, entry in reversed(_read(stack_dir).items()):
        StackProcess(name, entry["port"], entry["pid"], log_path(stack_dir, name)).stop()
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
    try:
        (up if args.command == "up" else down)(args.dir.resolve())
    except StackError as error:
        print(f"the stack did not start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
