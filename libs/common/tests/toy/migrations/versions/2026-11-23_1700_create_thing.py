"""Create the toy tables and the bus tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 17:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_bus_tables()
    op.create_table(
        "thing",
        sa.Column("thing_id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "thing_seen",
        sa.Column("thing_id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("seen_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "thing_projection",
        sa.Column("thing_id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("source_version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("thing_projection")
    op.drop_table("thing_seen")
    op.drop_table("thing")
    drop_bus_tables()
