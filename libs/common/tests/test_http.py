"""The HTTP kit: request ids, metrics by route template, problem+json errors, health probes."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from enum import StrEnum
from typing import Any, Literal

import httpx
import pytest
import structlog
from fastapi import FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from eschool.common.errors import FieldError, Problem
from eschool.common.http import install_http_kit
from eschool.common.http.health import health_router
from eschool.common.http.validation import field_errors
from eschool.common.logging import configure_logging

PROBLEM_JSON = "application/problem+json"


class MarkIn(BaseModel):
    value: int = Field(ge=1, le=5)


class MarksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marks: list[MarkIn]


def kit_app(service: str) -> FastAPI:
    app = FastAPI()
    install_http_kit(app, service=service, readiness_timeout_s=0.05)

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.post("/marks")
    async def record_marks(body: MarksIn, limit: int = Query(10, le=100)) -> dict[str, int]:
        return {"count": len(body.marks)}

    @app.get("/locked")
    async def locked() -> None:
        errors = [FieldError("body.value", "mark_locked", "Оценка закрыта для изменений")]
        raise Problem(409, "mark_locked", "Период закрыт", errors=errors, headers={"Retry-After": "5"})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("connection to postgres://journal:hunter2@db failed")

    return app


@pytest.fixture
def service() -> str:
    # Metrics are process-wide; a fresh service label keeps each test's series apart.
    return "svc-" + uuid.uuid4().hex[:8]


@pytest.fixture
def app(service: str) -> FastAPI:
    return kit_app(service)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def captured_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", json=True)
    yield capsys
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "https://eschool.example/problems/" + code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_request_id_is_generated_and_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/items/1")

    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.headers["x-correlation-id"] == request_id


async def test_sane_incoming_ids_are_kept(client: httpx.AsyncClient) -> None:
    headers = {"X-Request-ID": "gw.req-42_A", "X-Correlation-ID": "enrolment-flow-7"}
    response = await client.get("/items/1", headers=headers)

    assert response.headers["x-request-id"] == "gw.req-42_A"
    assert response.headers["x-correlation-id"] == "enrolment-flow-7"


@pytest.mark.parametrize("bad_id", ["has spaces", "x" * 129, "<script>", "id\u0301"])
async def test_insane_incoming_ids_are_replaced(client: httpx.AsyncClient, bad_id: str) -> None:
    response = await client.get("/items/1", headers={"X-Request-ID": bad_id.encode()})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_app_mounted_in_another_keeps_the_outer_request_id(
    captured_logs: pytest.CaptureFixture[str],
) -> None:
    gateway = kit_app("svc-gateway")
    gateway.mount("/api/journal", kit_app("svc-journal"))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://t") as client:
        response = await client.get("/api/journal/items/5")

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert response.headers.get_list("x-request-id") == [request_id]
    lines = [json.loads(line) for line in captured_logs.readouterr().out.splitlines()]
    access = {line["service"]: line for line in lines if line["event"] == "http.request"}
    assert access["svc-gateway"]["request_id"] == access["svc-journal"]["request_id"] == request_id


async def test_metrics_label_the_route_template_not_the_raw_path(
    client: httpx.AsyncClient, service: str
) -> None:
    await client.get("/items/123")
    await client.get("/no/such/path/9")

    metrics = await client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    series = [line for line in metrics.text.splitlines() if f'service="{service}"' in line]
    assert any('route="/items/{item_id}"' in line and 'status="200"' in line for line in series)
    assert any('route="<unmatched>"' in line and 'status="404"' in line for line in series)
    assert not any("/items/123" in line or "/no/such" in line for line in series)
    assert any(line.startswith("http_request_duration_seconds_bucket") for line in series)
    assert any(line.startswith("http_requests_total") for line in series)


async def test_two_apps_in_one_process_share_the_metrics_under_their_own_service_label() -> None:
    first, second = kit_app("svc-first"), kit_app("svc-second")
    for app in (first, second):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            await client.get("/items/1")
            text = (await client.get("/metrics")).text

    assert 'service="svc-first"' in text
    assert 'service="svc-second"' in text


async def test_validation_error_names_each_field_by_its_full_path(client: httpx.AsyncClient) -> None:
    payload = {"marks": [{"value": 7}, {"value": "пять"}, {}], "comment": "лишнее"}
    response = await client.post("/marks", params={"limit": 1000}, json=payload)

    body = assert_problem(response, 422, "validation_error")
    assert body["detail"] == "Проверьте заполнение полей"
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["body.marks.0.value"]["detail"] == "Должно быть не больше 5"
    assert errors["body.marks.1.value"]["detail"] == "Должно быть целым числом"
    assert errors["body.marks.2.value"] == {
        "field": "body.marks.2.value",
        "code": "missing",
        "detail": "Обязательное поле",
    }
    assert errors["body.comment"]["detail"] == "Лишнее поле"
    assert errors["query.limit"]["detail"] == "Должно быть не больше 100"
    assert "пять" not in response.text  # the input is never echoed back


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/marks", content=b'{"marks": [', headers={"Content-Type": "application/json"}
    )

    body = assert_problem(response, 400, "malformed_json")
    assert body["detail"] == "Тело запроса не является корректным JSON"


async def test_problem_keeps_its_status_code_errors_and_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/locked")

    body = assert_problem(response, 409, "mark_locked")
    assert body["detail"] == "Период закрыт"
    assert body["title"] == "Конфликт"
    assert body["instance"] == "/locked"
    assert body["errors"] == [
        {"field": "body.value", "code": "mark_locked", "detail": "Оценка закрыта для изменений"}
    ]
    assert response.headers["retry-after"] == "5"


async def test_unknown_route_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/no/such/path")
    wrong_method = await client.delete("/items/1")

    assert assert_problem(missing, 404, "not_found")["detail"] == "Запрошенный адрес не найден"
    assert_problem(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "GET"


async def test_unhandled_exception_is_a_bare_500_logged_once(
    client: httpx.AsyncClient, captured_logs: pytest.CaptureFixture[str], service: str
) -> None:
    response = await client.get("/boom", headers={"X-Request-ID": "boom-1"})

    body = assert_problem(response, 500, "internal_error")
    assert response.headers["x-request-id"] == "boom-1"
    assert body["detail"] == "Внутренняя ошибка сервера"
    for internal in ("RuntimeError", "hunter2", "postgres", "Traceback", "boom()"):
        assert internal not in response.text
    lines = [json.loads(line) for line in captured_logs.readouterr().out.splitlines()]
    [error] = [line for line in lines if line["event"] == "http.unhandled_error"]
    assert error["request_id"] == "boom-1"
    assert error["exception"][0]["exc_type"] == "RuntimeError"
    [access] = [line for line in lines if line["event"] == "http.request"]
    assert access["status"] == 500
    metrics = (await client.get("/metrics")).text
    assert f'route="/boom",service="{service}",status="500"' in metrics


async def test_healthz_answers_without_checks(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_when_every_check_passes(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.readiness_checks["database"] = passing_check
    app.state.readiness_checks["broker"] = passing_check

    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


async def test_readyz_names_the_check_that_raises(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.readiness_checks["database"] = passing_check
    app.state.readiness_checks["broker"] = refused_check

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unready",
        "checks": {"database": "ok", "broker": "unreachable: ConnectionRefusedError"},
    }
    assert "hunter2" not in response.text


async def test_readyz_names_the_check_that_times_out(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.readiness_checks["database"] = hanging_check

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("timeout")


async def test_health_router_accepts_a_callable_that_supplies_checks() -> None:
    app = FastAPI()
    app.include_router(health_router(lambda: {"broker": refused_check}, timeout_s=0.05))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"broker": "unreachable: ConnectionRefusedError"}


async def passing_check() -> None:
    return None


async def refused_check() -> None:
    raise ConnectionRefusedError("amqp://eschool:hunter2@rabbit:5672 refused")


async def hanging_check() -> None:
    await asyncio.sleep(10)


class Attendance(StrEnum):
    present = "present"
    absent = "absent"


class EveryKind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Attendance
    term: Literal["1", "2"]
    lesson_on: date
    pupil_id: uuid.UUID
    excused: bool
    topic: str = Field(min_length=3, max_length=5)
    weight: float = Field(gt=0)

    @field_validator("topic")
    @classmethod
    def _no_digits(cls, value: str) -> str:
        if any(ch.isdigit() for ch in value):
            raise ValueError("Тема не может содержать цифры")
        return value


@pytest.mark.parametrize(
    ("payload", "field", "detail"),
    [
        ({"code": "late"}, "code", "Допустимые значения: 'present' или 'absent'"),
        ({"term": "3"}, "term", "Допустимые значения: '1' или '2'"),
        ({"lesson_on": "31.12.2026"}, "lesson_on", "Должно быть датой в формате ГГГГ-ММ-ДД"),
        ({"pupil_id": "42"}, "pupil_id", "Должно быть идентификатором UUID"),
        ({"excused": "может быть"}, "excused", "Должно быть логическим значением (true или false)"),
        ({"topic": "ab"}, "topic", "Слишком короткое значение (минимум символов: 3)"),
        ({"topic": "abcdef"}, "topic", "Слишком длинное значение (максимум символов: 5)"),
        ({"topic": "ab1"}, "topic", "Тема не может содержать цифры"),
        ({"weight": "тяжёлый"}, "weight", "Должно быть числом"),
        ({"weight": 0}, "weight", "Должно быть больше 0"),
        ({"extra": 1}, "extra", "Лишнее поле"),
    ],
)
def test_common_validation_errors_read_in_russian(payload: dict[str, Any], field: str, detail: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EveryKind.model_validate(payload)

    errors = {error.field: error.detail for error in field_errors(caught.value.errors())}
    assert errors[field] == detail
