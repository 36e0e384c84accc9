"""The ``eschool`` admin command: dead-letter inspection and replay, contracts, the embedded mode."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from eschool.common.bus.dlq import list_dead_letters, replay_dead_letters
from eschool.common.bus.transport import create_transport


def _bus_url(given: str | None) -> str:
    url = given or os.environ.get("ESCHOOL_BUS_URL")
    if not url or not url.startswith(("amqp://", "amqps://")):
        raise SystemExit("name the broker: --bus-url amqp://... or ESCHOOL_BUS_URL")
    return url


async def _dlq_list(url: str, queue: str, limit: int) -> int:
    transport = create_transport(url, connection_name="eschool-admin")
    await transport.connect()
    try:
        for letter in await list_dead_letters(transport, queue, limit=limit):
            print(
                f"{letter.message_id}\t{letter.type}\t{letter.reason}\treplayed={letter.replayed}\t{letter.error}"
            )
    finally:
        await transport.close()
    return 0


async def _dlq_replay(url: str, queue: str, limit: int | None) -> int:
    transport = create_transport(url, connection_name="eschool-admin")
    await transport.connect()
    try:
        moved = await replay_dead_letters(transport, queue, limit=limit)
    finally:
        await transport.close()
    print(f"replayed {moved} message(s) from {queue}.dlq into {queue}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``eschool`` command."""
    parser = argparse.ArgumentParser(prog="eschool", description="eschool operations")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("dlq-list", "show parked messages"), ("dlq-replay", "replay parked messages")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("queue", help="consumer queue, e.g. journal.contingent-events")
        cmd.add_argument("--bus-url", default=None)
        cmd.add_argument("--limit", type=int, default=None)
    sub.add_parser("run", help="run every service in one process (embedded mode)")
    sub.add_parser("contracts", help="write contracts/ from the event models")
    args, rest = parser.parse_known_args(argv)
    if args.command == "dlq-list":
        return asyncio.run(_dlq_list(_bus_url(args.bus_url), args.queue, args.limit or 50))
    if args.command == "dlq-replay":
        return asyncio.run(_dlq_replay(_bus_url(args.bus_url), args.queue, args.limit))
    if args.command == "run":
        from eschool.common.embedded import main as run_embedded

        return run_embedded(rest)
    from eschool.common.contracts import main as write_contracts

    return write_contracts(rest)


if __name__ == "__main__":
    sys.exit(main())
