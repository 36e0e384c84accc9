"""The school's name in the projected state of org units: printed summary sheets name their school.

Revision ID: journal0004
Revises: journal0003
Create Date: 2026-12-02 04:00
"""

import sqlalchemy as sa
from alembic import op

revision = "journal0004"
down_revision = "journal0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("org_unit_state", sa.Column("short_name", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("org_unit_state", "short_name")
