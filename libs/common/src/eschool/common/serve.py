"""Run one service as its own process (stack mode, containers): ``python -m eschool.common.serve NAME``."""

from __future__ import annotations

import argparse
import contextlib
import os

import uvicorn

from eschool.common.logging import configure_logging
from eschool.common.service import ServiceRuntime, discover_services


def main(argv: list[str] | None = None) -> int:
    """Serve the named service with settings from its environment (``<SERVICE>_DATABASE_URL`` ...)."""
    parser = argparse.ArgumentParser(description="Run one eschool service.")
    parser.add_argument("service")
    parser.add_argument("--host", default=os.environ.get("ESCHOOL_HOST", "0.0.0.0"))  # noqa: S104 - containers
    parser.add_argument("--port", type=int, default=int(os.environ.get("ESCHOOL_PORT", "8000")))
    parser.add_argument("--no-consumers", action="store_true", help="API only (consumers run elsewhere)")
    parser.add_argument("--no-relay", action="store_true", help="API only (the relay runs elsewhere)")
    parser.add_argument("--no-migrate", action="store_true", help="migrations run as a separate job")
    args = parser.parse_args(argv)
    definitions = {d.name: d for d in discover_services()}
    if args.service not in definitions:
        parser.error(f"unknown service {args.service!r}; installed: {', '.join(definitions) or 'none'}")
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
    app = runtime.app(manage_lifespan=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
