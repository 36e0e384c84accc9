"""Who is asking: the principal built from a verified access token.

Claim layout of an eschool access token (besides ``iss``, ``aud``, ``exp``, ``iat`` checked by the
verifier):

- ``sub``: the user id as a UUID string, or ``client:<client_id>`` for a machine client (a partner, the
  state portal) that authenticated with OAuth2 client credentials;
- ``pid``: the person id (a UUID string) behind the user, optional (absent for machine clients);
- ``roles``: a list of ``{"role": "<Role>", "org": "<uuid>" | null}``, each role scoped to the org unit
  (region, municipality or school) it applies in; optional, empty when absent; a guardian's entry also
  has ``"pupils": ["<uuid>", ...]``, the person ids of the children it covers;
- ``scope``: OAuth2 scopes separated by spaces, optional;
- ``pwd_change``: true while the person must replace a generated password; such a token opens
  nothing but the password change (seed 003: one-time passwords handed out on paper).

Roles this code does not know yet are ignored, so identity can issue a new role before every service
has been redeployed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from eschool.common.auth.jwks import InvalidToken, TokenReason
from eschool.common.logging import get_logger

log = get_logger(__name__)

CLIENT_SUBJECT_PREFIX = "client:"
# A service acting on its own (on an event); no registered client's id holds a colon.
SERVICE_CLIENT_PREFIX = "service:"


class Role(StrEnum):
    """A role of the platform; its binding says in which org unit it holds."""

    ministry = "ministry"
    municipality = "municipality"
    school_admin = "school_admin"
    director = "director"
    deputy_director = "deputy_director"
    secretary = "secretary"
    schedule_dispatcher = "schedule_dispatcher"
    subject_teacher = "subject_teacher"
    class_teacher = "class_teacher"
    pupil = "pupil"
    guardian = "guardian"
    partner = "partner"


# What people read (sheets, reports, the UI): the roles' Russian titles.
ROLE_TITLES: dict[Role, str] = {
    Role.ministry: "Министерство образования",
    Role.municipality: "Муниципальный орган управления образованием",
    Role.school_admin: "Администратор школы",
    Role.director: "Директор",
    Role.deputy_director: "Заместитель директора",
    Role.secretary: "Секретарь",
    Role.schedule_dispatcher: "Диспетчер расписания",
    Role.subject_teacher: "Учитель",
    Role.class_teacher: "Классный руководитель",
    Role.pupil: "Обучающийся",
    Role.guardian: "Родитель (законный представитель)",
    Role.partner: "Внешняя система",
}


@dataclass(frozen=True, slots=True)
class RoleBinding:
    """A role held in one org unit (region, municipality or school); ``None`` means not scoped."""

    role: Role
    org_unit_id: UUID | None
    pupil_ids: frozenset[UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a person's user account or a machine client."""

    user_id: UUID | None
    person_id: UUID | None
    client_id: str | None
    bindings: tuple[RoleBinding, ...]
    scopes: frozenset[str]
    password_change_required: bool = False

    @property
    def is_machine(self) -> bool:
        """True for a machine client (OAuth2 client credentials), False for a person."""
        return self.client_id is not None

    @property
    def is_service(self) -> bool:
        """True for a service acting on its own (``service_principal``), never for a token's bearer."""
        return self.client_id is not None and self.client_id.startswith(SERVICE_CLIENT_PREFIX)

    def has_role(self, *roles: Role, org_unit_id: UUID | None = None) -> bool:
        """True if the caller holds any of ``roles``, in exactly ``org_unit_id`` when it is given."""
        # No hierarchy here (a municipality does not match its schools' ids): services resolve which
        # schools belong to which municipality from their own projections.
        return any(
            binding.role in roles and (org_unit_id is None or binding.org_unit_id == org_unit_id)
            for binding in self.bindings
        )

    def org_units_for(self, *roles: Role) -> set[UUID]:
        """The org units in which the caller holds any of ``roles``."""
        return {
            binding.org_unit_id
            for binding in self.bindings
            if binding.role in roles and binding.org_unit_id is not None
        }

    def pupils(self) -> frozenset[UUID]:
        """The pupils (person ids) the caller is a guardian of, over all guardian bindings."""
        return frozenset().union(*(b.pupil_ids for b in self.bindings if b.role is Role.guardian))

    def has_scopes(self, *scopes: str) -> bool:
        """True if the caller was granted every one of ``scopes``."""
        return self.scopes.issuperset(scopes)


def service_principal(service: str, *bindings: RoleBinding) -> Principal:
    """The service itself as the actor of work an event asks for: no user, no person, a machine client
    named ``service:<service>`` holding only ``bindings`` (the rights that work needs, where it needs
    them), so the use case's own access checks hold for it as for anyone, and what it writes names no
    user."""
    return Principal(
        user_id=None,
        person_id=None,
        client_id=SERVICE_CLIENT_PREFIX + service,
        bindings=bindings,
        scopes=frozenset(),
    )


def school_service_principal(service: str, school_id: UUID) -> Principal:
    """The service acting on its own with the rights of a school's administration, in that school only."""
    return service_principal(service, RoleBinding(Role.school_admin, school_id))


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Build the principal from verified claims; malformed claims raise ``InvalidToken``."""
    user_id, client_id = _subject(claims.get("sub"))
    pid = claims.get("pid")
    return Principal(
        user_id=user_id,
        person_id=None if pid is None else _uuid(pid, "pid"),
        client_id=client_id,
        bindings=_bindings(claims.get("roles")),
        scopes=_scopes(claims.get("scope")),
        password_change_required=claims.get("pwd_change") is True,
    )


def _malformed(claim: str) -> InvalidToken:
    return InvalidToken(TokenReason.token_invalid, "malformed claim: " + claim)


def _uuid(value: Any, claim: str) -> UUID:
    if not isinstance(value, str):
        raise _malformed(claim)
    try:
        return UUID(value)
    except ValueError:
        raise _malformed(claim) from None


def _subject(sub: Any) -> tuple[UUID | None, str | None]:
    if isinstance(sub, str) and sub.startswith(CLIENT_SUBJECT_PREFIX):
        client_id = sub.removeprefix(CLIENT_SUBJECT_PREFIX)
        # A service acts as itself only in its own process: no token may claim to be one.
        if not client_id or client_id.startswith(SERVICE_CLIENT_PREFIX):
            raise _malformed("sub")
        return None, client_id
    return _uuid(sub, "sub"), None


def _bindings(raw: Any) -> tuple[RoleBinding, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _malformed("roles")
    bindings = (_binding(entry) for entry in raw)
    return tuple(binding for binding in bindings if binding is not None)


def _binding(entry: Any) -> RoleBinding | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("role"), str):
        raise _malformed("roles")
    org = entry.get("org")
    org_unit_id = None if org is None else _uuid(org, "roles")
    try:
        role = Role(entry["role"])
    except ValueError:
        log.debug("auth.token.unknown_role_ignored", role=entry["role"])
        return None
    pupils = entry.get("pupils") or []
    if not isinstance(pupils, list):
        raise _malformed("roles")
    return RoleBinding(role, org_unit_id, frozenset(_uuid(p, "roles") for p in pupils))


def _scopes(raw: Any) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, str):
        raise _malformed("scope")
    return frozenset(raw.split())
