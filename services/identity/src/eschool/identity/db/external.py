"""Tables of the login through an external OpenID Connect provider."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.person_keys import PersonKeyNode
from eschool.identity.db.models import Base


class PersonKey(PersonKeyNode, Base):
    """A person's SNILS as contingent's keyed hash: how an external login finds the person."""

    __tablename__ = "person_key"


class ExternalLogin(Base):
    """One trip to the provider: its state and nonce (hashed), used once.

    The PKCE verifier is not kept: it is derived from the state under the service's secret key.
    """

    __tablename__ = "external_login"

    external_login_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    provider: Mapped[str] = mapped_column(String(30))
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce_hash: Mapped[str] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(Text)
    # The front end's own state and PKCE challenge, handed back with (and checked against) our code.
    client_state: Mapped[str | None] = mapped_column(String(200))
    client_code_challenge: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ExternalIdentity(Base):
    """A provider's subject linked to an account: the next login needs no SNILS."""

    __tablename__ = "external_identity"

    provider: Mapped[str] = mapped_column(String(30), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.user_account_id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginCode(Base):
    """A one-time code that hands our tokens to the front end (only its SHA-256 is kept)."""

    __tablename__ = "login_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.user_account_id"))
    client_code_challenge: Mapped[str | None] = mapped_column(String(128))
    # The refresh-token family the code opened: a second use of the code revokes it (RFC 6749 4.1.2).
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
