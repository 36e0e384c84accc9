"""The bench service has only the bus tables.

Revision ID: bench0001
Revises:
Create Date: 2026-11-23 18:00
"""

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables

revision = "bench0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_bus_tables()


def downgrade() -> None:
    drop_bus_tables()
