"""Every error leaves as RFC 9457 problem+json with a stable ``code`` and a Russian ``detail``.

The ``type`` of a problem is ``https://eschool.example/problems/<code>``, one URI per machine code.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eschool.common.errors import Problem
from eschool.common.http.metrics import route_template
from eschool.common.http.validation import field_errors
from eschool.common.logging import bound_request_id, get_logger

PROBLEM_TYPE_BASE = "https://eschool.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# status -> (code, title, detail) for the errors the framework raises itself.
_STATUS_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Некорректный запрос", "Некорректный запрос"),
    401: ("unauthorized", "Не выполнен вход", "Требуется вход в систему"),
    403: ("forbidden", "Доступ запрещён", "Недостаточно прав для этого действия"),
    404: ("not_found", "Не найдено", "Запрошенный адрес не найден"),
    405: ("method_not_allowed", "Метод не поддерживается", "Этот метод не поддерживается по этому адресу"),
    409: ("conflict", "Конфликт", "Запрос противоречит текущему состоянию"),
    413: ("request_too_large", "Слишком большой запрос", "Тело запроса слишком велико"),
    415: ("unsupported_media_type", "Неподдерживаемый формат", "Неподдерживаемый формат тела запроса"),
    422: ("unprocessable", "Запрос не может быть выполнен", "Запрос не может быть выполнен"),
    429: ("too_many_requests", "Слишком много запросов", "Слишком много запросов, повторите позже"),
    500: ("internal_error", "Внутренняя ошибка сервера", "Внутренняя ошибка сервера"),
    503: ("service_unavailable", "Сервис недоступен", "Сервис временно недоступен, повторите позже"),
}
_BODYLESS_STATUSES = frozenset({204, 304})

log = get_logger(__name__)


class ProblemResponse(JSONResponse):
    """A JSON response with the problem+json media type."""

    media_type = PROBLEM_MEDIA_TYPE


def problem_body(problem: Problem, *, instance: str) -> dict[str, Any]:
    """The RFC 9457 document for ``problem``; extension members never override the standard ones."""
    return {
        **problem.extra,
        "type": PROBLEM_TYPE_BASE + problem.code,
        "title": problem.title or _title(problem.status),
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code,
        "instance": instance,
        "request_id": bound_request_id(),
        "errors": [{"field": e.field, "code": e.code, "detail": e.detail} for e in problem.errors],
    }


def problem_response(problem: Problem, request: Request) -> Response:
    """Render ``problem`` for ``request`` with its own headers."""
    body = problem_body(problem, instance=request.url.path)
    return ProblemResponse(body, status_code=problem.status, headers=problem.headers)


def internal_error() -> Problem:
    """The 500 a client sees for any failure we did not foresee; it never carries internals."""
    code, title, detail = _STATUS_PROBLEMS[500]
    return Problem(500, code, detail, title=title)


def _title(status: int) -> str:
    return (_STATUS_PROBLEMS.get(status) or _unlisted(status))[1]


def _unlisted(status: int) -> tuple[str, str, str]:
    # An HTTPException may carry any status, even one HTTPStatus does not know (499, say).
    try:
        known = HTTPStatus(status)
    except ValueError:
        return "http_" + str(status), "Ошибка", "Запрос не выполнен"
    return known.name.lower(), known.phrase, "Запрос не выполнен"


async def _on_problem(request: Request, exc: Problem) -> Response:
    return problem_response(exc, request)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        detail = "Тело запроса не является корректным JSON"
        problem = Problem(400, "malformed_json", detail, title=_title(400))
    else:
        detail, fields = "Проверьте заполнение полей", field_errors(errors)
        problem = Problem(422, "validation_error", detail, title=_title(422), errors=fields)
    return problem_response(problem, request)


async def _on_http_exception(request: Request, exc: HTTPException) -> Response:
    # The framework raises these with English details; services raise Problem for their own errors.
    if exc.status_code in _BODYLESS_STATUSES:
        return Response(status_code=exc.status_code, headers=exc.headers)
    problem = _status_problem(exc.status_code, exc.headers or {})
    return problem_response(problem, request)


def _status_problem(status: int, headers: Mapping[str, str]) -> Problem:
    code, title, detail = _STATUS_PROBLEMS.get(status) or _unlisted(status)
    return Problem(status, code, detail, title=title, headers=dict(headers))


class UnhandledErrorMiddleware:
    """Turns an exception no handler took into a 500 problem, logged once with its traceback.

    Starlette's own catch-all sits outside every user middleware, so its 500 would miss the request id
    header and the access line; this one sits inside them.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; answer 500 problem+json if it raises before the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Problem as problem:
            await _answer(problem, scope, receive, send, started=started)
        except Exception:
            # Logged here and not re-raised: the server would log the same traceback a second time.
            log.exception("http.unhandled_error", method=scope["method"], route=route_template(scope))
            await _answer(internal_error(), scope, receive, send, started=started)


async def _answer(problem: Problem, scope: Scope, receive: Receive, send: Send, *, started: bool) -> None:
    # Once the response has started it cannot become a problem; the server closes the connection.
    if not started:
        await problem_response(problem, Request(scope))(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    """Render Problem, validation and HTTP errors as problem+json, and catch the rest as a 500.

    Call it before adding other middleware, so its catch-all stays inside them.
    """
    app.add_exception_handler(Problem, _on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _on_http_exception)  # type: ignore[arg-type]
    app.add_middleware(UnhandledErrorMiddleware)
