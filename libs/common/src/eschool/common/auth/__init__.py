"""Auth primitives every service uses: JWT verification via JWKS, the principal, FastAPI dependencies."""

from eschool.common.auth.deps import (
    CurrentPrincipal,
    OptionalPrincipal,
    PrincipalChangingPassword,
    current_principal,
    optional_principal,
    principal_changing_password,
    require_roles,
    require_scopes,
)
from eschool.common.auth.jwks import InvalidToken, JwksVerifier, TokenReason
from eschool.common.auth.principal import (
    ROLE_TITLES,
    Principal,
    Role,
    RoleBinding,
    principal_from_claims,
    school_service_principal,
    service_principal,
)

__all__ = [
    "ROLE_TITLES",
    "CurrentPrincipal",
    "InvalidToken",
    "JwksVerifier",
    "OptionalPrincipal",
    "Principal",
    "PrincipalChangingPassword",
    "Role",
    "RoleBinding",
    "TokenReason",
    "current_principal",
    "optional_principal",
    "principal_changing_password",
    "principal_from_claims",
    "require_roles",
    "require_scopes",
    "school_service_principal",
    "service_principal",
]
