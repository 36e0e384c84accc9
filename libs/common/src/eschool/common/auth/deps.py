"""FastAPI dependencies: the current principal and role and scope checks.

The verifier is looked up on ``request.app.state.jwt_verifier``: each service's ``create_app`` sets it to
a ``JwksVerifier`` (and closes it in the lifespan), so tests can put one that reads a local JWKS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request

from eschool.common.auth.jwks import InvalidToken, JwksVerifier, TokenReason
from eschool.common.auth.principal import Principal, Role, principal_from_claims
from eschool.common.errors import Problem, forbidden, unauthorized
from eschool.common.logging import get_logger

log = get_logger(__name__)

_DETAILS: dict[str, str] = {
    TokenReason.token_expired: "Срок действия токена доступа истёк, войдите снова",
    TokenReason.unknown_key: "Токен доступа подписан неизвестным ключом, войдите снова",
}
_DEFAULT_DETAIL = "Токен доступа недействителен, войдите снова"


def _verifier(request: Request) -> JwksVerifier:
    verifier = getattr(request.app.state, "jwt_verifier", None)
    if verifier is None:
        raise RuntimeError("app.state.jwt_verifier is not set: create_app must install a JwksVerifier")
    return verifier


def _bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, None when there is no header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise unauthorized(
            "authorization_malformed", "Заголовок Authorization должен иметь вид «Bearer <токен>»"
        )
    return token


async def _authenticate(request: Request, token: str) -> Principal:
    try:
        principal = principal_from_claims(await _verifier(request).verify(token))
    except InvalidToken as error:
        raise _problem_for(error) from None
    # Ids only: log lines say who asked without carrying names or other personal data.
    if principal.is_machine:
        structlog.contextvars.bind_contextvars(client_id=principal.client_id)
    else:
        structlog.contextvars.bind_contextvars(user_id=str(principal.user_id))
    return principal


def _problem_for(error: InvalidToken) -> Problem:
    log.info("auth.token.rejected", reason=error.reason.value, detail=error.detail)
    if error.reason is TokenReason.jwks_unavailable:
        # Identity is unreachable: the client did nothing wrong, so no 401 that would make it log out.
        return Problem(
            503,
            "auth_unavailable",
            "Проверка входа временно недоступна, повторите попытку позже",
            title="Сервис временно недоступен",
        )
    return unauthorized(error.reason.value, _DETAILS.get(error.reason, _DEFAULT_DETAIL))


async def principal_changing_password(request: Request) -> Principal:
    """The authenticated caller, even one whose generated password must be replaced first."""
    token = _bearer_token(request)
    if token is None:
        raise unauthorized("token_missing", "Требуется вход в систему")
    return await _authenticate(request, token)


async def current_principal(request: Request) -> Principal:
    """The authenticated caller; 401 without a valid bearer token, 503 when keys cannot be fetched."""
    principal = await principal_changing_password(request)
    if principal.password_change_required:
        raise forbidden("password_change_required", "Смените выданный пароль, чтобы продолжить работу")
    return principal


async def optional_principal(request: Request) -> Principal | None:
    """The caller if a token was sent, None for an anonymous request; a bad token is still a 401."""
    return None if request.headers.get("authorization") is None else await current_principal(request)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
PrincipalChangingPassword = Annotated[Principal, Depends(principal_changing_password)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency returning the principal if it holds any of ``roles`` (in any org unit), else 403."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            problem = forbidden("role_required", "Недостаточно прав: действие недоступно для вашей роли")
            problem.extra["required_roles"] = [role.value for role in roles]
            raise problem
        return principal

    return dependency


def require_scopes(*scopes: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency returning the principal if it was granted every one of ``scopes``, else 403."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_scopes(*scopes):
            problem = forbidden("insufficient_scope", "Недостаточно прав: у клиента нет нужного доступа")
            problem.extra["required_scopes"] = list(scopes)
            # RFC 6750 section 3.1: tell an OAuth2 client which scope it is missing.
            problem.headers["WWW-Authenticate"] = (
                'Bearer realm="eschool", error="insufficient_scope", scope="' + " ".join(scopes) + '"'
            )
            raise problem
        return principal

    return dependency
