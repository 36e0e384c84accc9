"""Identity's tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata
from eschool.common.db.base import BigIntPK, UtcDateTime


class Base(DeclarativeBase):
    metadata = make_metadata()


class UserAccount(Base):
    """A login: one person may have several (a teacher who is also a guardian has one per role set)."""

    __tablename__ = "user_account"

    user_account_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RoleBinding(Base):
    """A role held in an org unit (region, municipality or school)."""

    __tablename__ = "role_binding"
    __table_args__ = (UniqueConstraint("user_account_id", "role", "org_unit_id"),)

    role_binding_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.user_account_id"))
    role: Mapped[str] = mapped_column(String(40))
    org_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    granted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A guardian's binding lists the pupils (person ids) they may see.
    pupil_ids: Mapped[list[str] | None] = mapped_column(JSON)


class SigningKey(Base):
    """An RS256 key pair; the private half is encrypted with the service's secret key."""

    __tablename__ = "signing_key"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginAttempt(Base):
    """The authorization log: every login attempt and its outcome (never the password)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_occurred_at", "occurred_at"),
        Index("ix_login_attempt_ip_occurred_at", "ip", "occurred_at"),
        Index("ix_login_attempt_user_account_id_occurred_at", "user_account_id", "occurred_at"),
    )

    login_attempt_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    login: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(40))


class RefreshToken(Base):
    """An opaque refresh token (only its SHA-256 is kept), one link in a rotation family."""

    __tablename__ = "refresh_token"
    __table_args__ = (Index("ix_refresh_token_family_id", "family_id"),)

    refresh_token_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.user_account_id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str | None] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class MachineClient(Base):
    """A partner system or the state portal: OAuth 2.0 client credentials and narrow scopes."""

    __tablename__ = "machine_client"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AccountAudit(Base):
    """What was done to an account, by whom and why (never a password)."""

    __tablename__ = "account_audit"
    __table_args__ = (
        Index("ix_account_audit_user_account_id_occurred_at", "user_account_id", "occurred_at"),
    )

    account_audit_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_account_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
