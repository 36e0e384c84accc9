"""Machine clients (client credentials with scopes).

Revision ID: identity0003
Revises: identity0002
Create Date: 2026-11-23 19:30
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "identity0003"
down_revision = "identity0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "machine_client",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("disabled_at", UtcDateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("machine_client")
