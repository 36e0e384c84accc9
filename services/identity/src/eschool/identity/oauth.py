"""OAuth 2.0 errors (RFC 6749 section 5.2) carried inside problem+json."""

from __future__ import annotations

from eschool.common.errors import Problem

# One answer for an unknown login, a wrong password, a locked or a disabled account: the answer must
# not tell an attacker which logins exist.
BAD_CREDENTIALS = "Неверный логин или пароль"


def oauth_error(status: int, error: str, detail: str) -> Problem:
    """A problem whose body also has the ``error`` / ``error_description`` an OAuth client reads."""
    headers = {"WWW-Authenticate": 'Basic realm="eschool"'} if status == 401 else {}
    return Problem(
        status,
        error,
        detail,
        title="Доступ не предоставлен",
        extra={"error": error, "error_description": detail},
        headers=headers,
    )


def invalid_grant(detail: str = BAD_CREDENTIALS) -> Problem:
    """The credentials or the refresh token do not open a session."""
    return oauth_error(400, "invalid_grant", detail)


def too_many_attempts(retry_after: int) -> Problem:
    """Too many failed logins from the caller's address: wait, then try again."""
    problem = oauth_error(429, "too_many_attempts", "Слишком много неудачных попыток входа, повторите позже")
    problem.headers["Retry-After"] = str(retry_after)
    return problem
