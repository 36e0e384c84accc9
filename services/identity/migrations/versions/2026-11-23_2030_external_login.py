"""Login through an external OpenID Connect provider: SNILS hashes, login states, linked identities, codes.

Revision ID: identity0005
Revises: identity0004
Create Date: 2026-11-23 20:30
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "identity0005"
down_revision = "identity0004"
branch_labels = None
depends_on = None


def _account_fk(table: str) -> sa.Column:
    return sa.Column(
        "user_account_id",
        sa.Uuid,
        sa.ForeignKey("user_account.user_account_id", name=f"fk_{table}_user_account_id_user_account"),
        nullable=False,
    )


def upgrade() -> None:
    # Contingent's keyed hash of a person's SNILS; SNILS itself never reaches identity's database.
    op.create_table(
        "person_key",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("snils_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("snils_hash", name="uq_person_key_snils_hash"),
    )
    op.create_table(
        "external_login",
        sa.Column("external_login_id", sa.Uuid, primary_key=True),
        sa.Column("provider", sa.String(30), nullable=False),
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("nonce_hash", sa.String(64), nullable=False),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        sa.Column("client_state", sa.String(200), nullable=True),
        sa.Column("client_code_challenge", sa.String(128), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("state_hash", name="uq_external_login_state_hash"),
    )
    # Expired states and codes are purged by their expiry.
    op.create_index("ix_external_login_expires_at", "external_login", ["expires_at"])
    op.create_table(
        "external_identity",
        sa.Column("provider", sa.String(30), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        _account_fk("external_identity"),
        sa.Column("linked_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_external_identity_user_account_id", "external_identity", ["user_account_id"])
    op.create_table(
        "login_code",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        _account_fk("login_code"),
        sa.Column("client_code_challenge", sa.String(128), nullable=True),
        sa.Column("family_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_login_code_expires_at", "login_code", ["expires_at"])


def downgrade() -> None:
    op.drop_table("login_code")
    op.drop_table("external_identity")
    op.drop_table("external_login")
    op.drop_table("person_key")
