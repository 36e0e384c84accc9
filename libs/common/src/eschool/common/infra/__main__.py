"""`python -m eschool.common.infra up|down|status|create-database|partner-account`: the local stack behind
`make stack`, and a partner's broker account on any broker with the management API."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from eschool.common.infra import (
    InfraError,
    LocalPostgres,
    LocalRabbit,
    create_partner_account,
    start_postgres,
    start_rabbitmq,
)
from eschool.common.infra.rabbitmq import GUEST

ENV_FILE = "stack.env"


def up(stack_dir: Path, args: argparse.Namespace) -> None:
    """Starts (or reuses) both servers and writes their URLs to stack.env; they outlive this command."""
    pg = start_postgres(stack_dir / "postgres", port=args.postgres_port)
    rabbit = start_rabbitmq(stack_dir / "rabbitmq", port=args.amqp_port, management=not args.no_management)
    env = {
        "ESCHOOL_STACK_POSTGRES_URL": pg.url("postgres"),
        "ESCHOOL_STACK_AMQP_URL": rabbit.amqp_url(),
        "ESCHOOL_STACK_RABBITMQ_MANAGEMENT_URL": rabbit.management_url or "",
    }
    text = "".join(f"{key}={value}\n" for key, value in env.items())
    (stack_dir / ENV_FILE).write_text(text)
    print(text, end="")
    print(f"# written to {stack_dir / ENV_FILE}; stop: python -m eschool.common.infra down --dir {stack_dir}")


def down(stack_dir: Path, args: argparse.Namespace) -> None:
    """Stops both servers (data stays for the next `up`)."""
    for name, server in _servers(stack_dir):
        server.stop()
        print(f"{name}: stopped")


def status(stack_dir: Path, args: argparse.Namespace) -> None:
    """Prints whether each server runs, and where; exits 1 unless both do."""
    running = 0
    for name, server in _servers(stack_dir):
        if isinstance(server, LocalPostgres) and server.is_running():
            running += 1
            print(f"{name}: running at {server.url('postgres')}")
        elif isinstance(server, LocalRabbit) and server.pid() is not None:
            running += 1
            print(f"{name}: running at {server.amqp_url()} (management {server.management_url})")
        else:
            print(f"{name}: stopped")
    if running < 2:
        raise SystemExit(1)


def create_database(stack_dir: Path, args: argparse.Namespace) -> None:
    """Creates a database on the stack's PostgreSQL unless it exists, and prints its URL."""
    pg = LocalPostgres.from_dir(stack_dir / "postgres")
    created = asyncio.run(pg.create_database(args.name))
    print(f"{pg.url(args.name)}{'' if created else '  (already existed)'}")


def partner_account(stack_dir: Path, args: argparse.Namespace) -> None:
    """Creates a partner's broker user that may only bind its own queues to the partner exchange."""
    url = args.management_url or LocalRabbit.from_dir(stack_dir / "rabbitmq").management_url
    if not url:
        raise InfraError("no management API: pass --management-url")
    parts = urlsplit(url)
    # Admin credentials ride in the URL (http://admin:...@host:15672); guest suits the local stack.
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else GUEST
    base_url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    # Read from stdin when not given, so the password need not show in the process list.
    password = args.password if args.password is not None else sys.stdin.readline().rstrip("\n")
    if not password:
        raise InfraError("the partner's password is empty")
    try:
        user = create_partner_account(base_url, args.vhost, args.partner, password, auth=auth)
    except (ValueError, httpx.HTTPError) as error:
        raise InfraError(f"partner account not created: {error}") from error
    print(f"{user}: may bind queues partner.{args.partner}.* to eschool.partners on vhost {args.vhost!r}")


def _servers(stack_dir: Path) -> list[tuple[str, LocalPostgres | LocalRabbit]]:
    found: list[tuple[str, LocalPostgres | LocalRabbit]] = []
    for name, kind in (("rabbitmq", LocalRabbit), ("postgres", LocalPostgres)):
        if (stack_dir / name).is_dir():
            found.append((name, kind.from_dir(stack_dir / name)))
    if not found:
        raise InfraError(f"no stack in {stack_dir}: run `up` first")
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eschool.common.infra", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (
        ("up", up),
        ("down", down),
        ("status", status),
        ("create-database", create_database),
        ("partner-account", partner_account),
    ):
        command = commands.add_parser(name, help=handler.__doc__)
        command.add_argument("--dir", type=Path, default=Path("var/stack"), help="data and state directory")
        command.set_defaults(handler=handler)
        if name == "up":
            command.add_argument("--postgres-port", type=int, help="default: remembered, else a free port")
            command.add_argument("--amqp-port", type=int, help="default: remembered, else a free port")
            command.add_argument("--no-management", action="store_true", help="without the HTTP API")
        if name == "create-database":
            command.add_argument("name")
        if name == "partner-account":
            command.add_argument("--management-url", help="default: the stack's; admin credentials in it")
            command.add_argument("--vhost", default="/", help="the services' vhost (default: /)")
            command.add_argument("--partner", required=True, help="the partner's name: a-z, 0-9, '-', '_'")
            command.add_argument("--password", help="default: one line read from stdin")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Runs one subcommand; infrastructure errors end with their message, not a traceback."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # readiness polls are noise here
    try:
        args.handler(args.dir.resolve(), args)
    except InfraError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
