"""Refresh tokens with rotation families.

Revision ID: identity0002
Revises: identity0001
Create Date: 2026-11-23 19:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "identity0002"
down_revision = "identity0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refresh_token",
        sa.Column("refresh_token_id", sa.Uuid, primary_key=True),
        sa.Column("family_id", sa.Uuid, nullable=False),
        sa.Column(
            "user_account_id",
            sa.Uuid,
            sa.ForeignKey(
                "user_account.user_account_id", name="fk_refresh_token_user_account_id_user_account"
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(100), nullable=True),
        sa.Column("issued_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=True),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_refresh_token_token_hash"),
    )
    op.create_index("ix_refresh_token_family_id", "refresh_token", ["family_id"])


def downgrade() -> None:
    op.drop_table("refresh_token")
