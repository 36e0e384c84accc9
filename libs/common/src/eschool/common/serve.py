"""Run one service, or the gateway, as its own process (stack mode, containers):
``python -m eschool.common.serve NAME``."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os

import uvicorn
from fastapi import FastAPI

from eschool.common.gateway import GATEWAY_NAME, discover_gateway
from eschool.common.logging import configure_logging
from eschool.common.service import ServiceRuntime, discover_services


def main(argv: list[str] | None = None) -> int:
    """Serve the named service with settings from its environment (``<SERVICE>_DATABASE_URL`` ...)."""
    parser = argparse.ArgumentParser(description="Run one eschool service, or the gateway.")
    parser.add_argument("service")
    parser.add_argument("--host", default=os.environ.get("ESCHOOL_HOST", "0.0.0.0"))  # noqa: S104 - containers
    parser.add_argument("--port", type=int, default=int(os.environ.get("ESCHOOL_PORT", "8000")))
    # The gateway has no relay, consumers or migrations: it accepts these flags, so that every API pod
    # is started alike, and ignores them.
    parser.add_argument("--no-consumers", action="store_true", help="API only (consumers run elsewhere)")
    parser.add_argument("--no-relay", action="store_true", help="API only (the relay runs elsewhere)")
    parser.add_argument("--no-migrate", action="store_true", help="migrations run as a separate job")
    args = parser.parse_args(argv)
    app = _gateway_app() if args.service == GATEWAY_NAME else _service_app(parser, args)
    # What the imports and the app built stay for the process's life: out of the collector's sight, so a
    # full collection under load does not walk every module, model and compiled query again.
    gc.freeze()
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def _service_app(parser: argparse.ArgumentParser, args: argparse.Namespace) -> FastAPI:
    definitions = {d.name: d for d in discover_services()}
    if args.service not in definitions:
        installed = ", ".join([*definitions, GATEWAY_NAME])
        parser.error(f"unknown service {args.service!r}; installed: {installed}")
    definition = definitions[args.service]
    settings = definition.settings()
    configure_logging(settings.log_level, json=settings.log_json)
    runtime = ServiceRuntime(
        definition,
        settings,
        run_relay=not args.no_relay,
        run_consumers=not args.no_consumers,
        migrate=not args.no_migrate,
    )
    return runtime.app(manage_lifespan=True)


def _gateway_app() -> FastAPI:
    gateway = discover_gateway()
    settings = gateway.settings()
    configure_logging(settings.log_level, json=settings.log_json)
    return gateway.create_app(settings)


if __name__ == "__main__":
    raise SystemExit(main())
