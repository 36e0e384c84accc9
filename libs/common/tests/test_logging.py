"""Structured logs: JSON lines, request and correlation ids from contextvars, personal data masked."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI
from sqlalchemy import text

from eschool.common.db import Database
from eschool.common.http import install_http_kit
from eschool.common.logging import (
    bound_correlation_id,
    bound_request_id,
    configure_logging,
    get_logger,
    log_context,
)

log = get_logger(__name__)

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@pytest.fixture
def json_lines(capsys: pytest.CaptureFixture[str], restore_logging: None) -> LogLines:
    configure_logging("DEBUG", json=True)

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]

    return read


def by_event(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == event]


def logging_app() -> FastAPI:
    app = FastAPI()
    install_http_kit(app, service="logging-test")

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        log.info("items.read", item_id=item_id)
        return {"item_id": item_id}

    @app.get("/me")
    async def read_me() -> dict[str, str]:
        # What an auth dependency does: bind the caller for the rest of the request.
        structlog.contextvars.bind_contextvars(user_id="user-1")
        return {"user_id": "user-1"}

    return app


async def test_line_inside_a_request_carries_its_ids_and_lines_outside_have_none(
    json_lines: LogLines,
) -> None:
    transport = httpx.ASGITransport(app=logging_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = {"X-Request-ID": "req-1", "X-Correlation-ID": "flow-1"}
        assert (await client.get("/items/7", headers=headers)).status_code == 200
    log.info("after.request")

    lines = json_lines()
    [inside] = by_event(lines, "items.read")
    [access] = by_event(lines, "http.request")
    [outside] = by_event(lines, "after.request")
    assert inside["request_id"] == access["request_id"] == "req-1"
    assert inside["correlation_id"] == access["correlation_id"] == "flow-1"
    assert inside["service"] == "logging-test"
    assert access["route"] == "/items/{item_id}"
    assert access["status"] == 200
    assert access["level"] == "info"
    assert "request_id" not in outside
    assert "correlation_id" not in outside
    assert bound_request_id() is None


async def test_what_a_request_binds_does_not_outlive_it(json_lines: LogLines) -> None:
    transport = httpx.ASGITransport(app=logging_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.get("/me")
        await client.get("/items/1")

    first, second = by_event(json_lines(), "http.request")
    assert first["user_id"] == "user-1"
    assert "user_id" not in second
    assert structlog.contextvars.get_contextvars() == {}


async def test_probe_requests_are_logged_at_debug_only(json_lines: LogLines) -> None:
    transport = httpx.ASGITransport(app=logging_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.get("/healthz")

    [access] = by_event(json_lines(), "http.request")
    assert access["level"] == "debug"


def test_stdlib_logger_lines_are_json_with_the_same_context(json_lines: LogLines) -> None:
    with log_context(request_id="req-2", correlation_id="flow-2"):
        logging.getLogger("sqlalchemy.engine").warning("slow query took %s ms", 1500)

    [line] = json_lines()
    assert line["event"] == "slow query took 1500 ms"
    assert line["logger"] == "sqlalchemy.engine"
    assert line["level"] == "warning"
    assert line["request_id"] == "req-2"
    assert line["correlation_id"] == "flow-2"
    assert line["timestamp"].endswith("Z")


def test_keys_that_look_like_personal_data_are_masked(json_lines: LogLines) -> None:
    log.info(
        "user.created",
        password="hunter2",
        snils="112-233-445 95",
        guardian_phone="+79990001122",
        email="parent@example.org",
        access_token="eyJhbGciOi",
        client_secret="s3cr3t",
        headers={"Authorization": "Bearer abc"},
        school_id="school-1",
    )

    [line] = json_lines()
    for key in ("password", "snils", "guardian_phone", "email", "access_token", "client_secret"):
        assert line[key] == "***"
    assert line["headers"] == {"Authorization": "***"}
    assert line["school_id"] == "school-1"
    text = json.dumps(line)
    for value in ("hunter2", "112-233-445", "+7999", "parent@", "eyJhbGciOi", "s3cr3t", "Bearer"):
        assert value not in text


def test_exception_is_a_structured_traceback_without_local_variables(json_lines: LogLines) -> None:
    try:
        database_password = "hunter2"  # noqa: F841 - a local a traceback must not show
        raise ValueError("boom")
    except ValueError:
        log.exception("job.failed")

    [line] = json_lines()
    assert line["level"] == "error"
    assert line["exception"][0]["exc_type"] == "ValueError"
    assert "hunter2" not in json.dumps(line)


def test_configuring_twice_writes_each_line_once(json_lines: LogLines) -> None:
    configure_logging("INFO", json=True)
    log.info("once")
    log.debug("filtered.out")

    assert [line["event"] for line in json_lines()] == ["once"]


def test_console_mode_writes_readable_text(capsys: pytest.CaptureFixture[str], restore_logging: None) -> None:
    configure_logging("INFO", json=False)
    log.info("console.line", school_id="school-1")

    out = capsys.readouterr().out
    assert "console.line" in out
    assert not out.lstrip().startswith("{")


def test_log_context_binds_and_restores_the_correlation_id() -> None:
    assert bound_correlation_id() is None
    with log_context(correlation_id="outer"):
        with log_context(correlation_id="inner", causation_id="event-1"):
            assert bound_correlation_id() == "inner"
        assert bound_correlation_id() == "outer"
    assert bound_correlation_id() is None


async def test_database_drivers_never_log_statement_parameters_even_at_debug(
    json_lines: LogLines, tmp_path: Path
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'private.db'}", source="test")
    try:
        async with database.engine.connect() as connection:
            await connection.execute(text("create table person (phone text)"))
            await connection.execute(
                text("insert into person values (:phone)"), {"phone": "+7 900 123-45-67"}
            )
    finally:
        await database.dispose()
    lines = json_lines()
    assert not any("123-45-67" in json.dumps(line, ensure_ascii=False) for line in lines)
