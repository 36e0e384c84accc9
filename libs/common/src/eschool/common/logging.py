"""Structured JSON logs for every eschool process.

``configure_logging`` sends structlog and the standard library (uvicorn, SQLAlchemy, aio-pika) through one
handler, so every line is one JSON object carrying the request id and correlation id bound in
contextvars. ``log_context`` binds ids for a block; the HTTP middleware and the event bus both use it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

MASK = "***"
# Personal data never goes into logs; this catches it when someone logs it by mistake.
_SENSITIVE_KEY = re.compile(
    r"password|passwd|snils|phone|e_?mail|token|secret|authorization|cookie|api_?key", re.IGNORECASE
)
# The uvicorn loggers bring their own handlers; ours replace them so their lines are JSON as well.
_FOREIGN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def mask_personal_data(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace the values of keys that look like personal data or secrets with ``***``."""
    return _masked(event_dict)


def _masked(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _masked_value(key, value) for key, value in values.items()}


def _masked_value(key: object, value: Any) -> Any:
    if isinstance(key, str) and _SENSITIVE_KEY.search(key):
        return MASK
    return _masked(value) if isinstance(value, Mapping) else value


def _enrichers() -> list[Processor]:
    return [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        mask_personal_data,
    ]


def _renderers(json: bool) -> list[Processor]:
    if not json:
        return [structlog.dev.ConsoleRenderer()]
    # Locals in tracebacks would carry request bodies and secrets into the logs.
    exceptions = structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
    return [exceptions, structlog.processors.JSONRenderer(ensure_ascii=False)]


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is now, so redirected and captured streams see every line."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str | int = "INFO", *, json: bool = True) -> None:
    """Route structlog and stdlib logging to stdout as JSON (or console text); safe to call again."""
    _install_root_handler(level.upper() if isinstance(level, str) else level, json=json)
    _adopt_foreign_loggers()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            *_enrichers(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Caching would freeze the configuration of a logger first used before this call.
        cache_logger_on_first_use=False,
    )


def _install_root_handler(level: str | int, *, json: bool) -> None:
    handler = _StdoutHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            # merge_contextvars first: the later processors (masking included) see the bound ids.
            foreign_pre_chain=[structlog.contextvars.merge_contextvars, *_enrichers()],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_renderers(json)],
        )
    )
    root = logging.getLogger()
    # Replacing our previous handler, never adding a second one, keeps a repeated call idempotent.
    for old in [h for h in root.handlers if isinstance(h, _StdoutHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


_DATABASE_DRIVER_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")


def _adopt_foreign_loggers() -> None:
    for name in _FOREIGN_LOGGERS:
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # The request-context middleware writes a richer access line (route template, request id).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # httpx logs each request's full URL at info: the gateway's would carry query strings (an OAuth
    # code on the external-login callback) into the logs, and double every access line.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Database drivers log every statement with its parameters at debug, whatever the engine's
    # hide_parameters says: names, contacts, anything a person entered; at info, pool chatter.
    for driver in _DATABASE_DRIVER_LOGGERS:
        logging.getLogger(driver).setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A structlog logger named after the module (pass ``__name__``)."""
    return structlog.stdlib.get_logger(name)


@contextmanager
def log_context(**ids: Any) -> Iterator[None]:
    """Bind ids (request_id, correlation_id, ...) to every log line in this block, then restore."""
    saved = get_contextvars()
    bind_contextvars(**ids)
    try:
        yield
    finally:
        # Also drop what the block bound itself (a user id from auth, say): a request or a consumed
        # message run in the caller's task would otherwise leak it into the next one.
        clear_contextvars()
        bind_contextvars(**saved)


def bound_correlation_id() -> str | None:
    """The correlation id bound in the current context, or None outside any request or message."""
    return get_contextvars().get("correlation_id")


def bound_request_id() -> str | None:
    """The request id bound in the current context, or None outside a request."""
    return get_contextvars().get("request_id")
