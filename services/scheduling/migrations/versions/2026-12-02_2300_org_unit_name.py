"""The unit's name in the projected state of org units (the shared contingent projection keeps it).

Revision ID: scheduling0015
Revises: scheduling0014
Create Date: 2026-12-02 23:00
"""

import sqlalchemy as sa
from alembic import op

revision = "scheduling0015"
down_revision = "scheduling0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("org_unit_state", sa.Column("short_name", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("org_unit_state", "short_name")
