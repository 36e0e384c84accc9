"""Auth primitives every service uses: JWT verification via JWKS, the principal, FastAPI dependencies."""

from eschool.common.auth.deps import (
    CurrentPrincipal,
    OptionalPrincipal,
    current_principal,
    optional_principal,
    require_roles,
    require_scopes,
)
from eschool.common.auth.jwks import InvalidToken, JwksVerifier, TokenReason
from eschool.common.auth.principal import Principal, Role, RoleBinding, principal_from_claims

__all__ = [
    "CurrentPrincipal",
    "InvalidToken",
    "JwksVerifier",
    "OptionalPrincipal",
    "Principal",
    "Role",
    "RoleBinding",
    "TokenReason",
    "current_principal",
    "optional_principal",
    "principal_from_claims",
    "require_roles",
    "require_scopes",
]
