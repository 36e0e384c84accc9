"""The org tree as contingent publishes it: who administers which schools.

Revision ID: identity0007
Revises: identity0006
Create Date: 2026-12-01 14:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "identity0007"
down_revision = "identity0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_unit",
        sa.Column("org_unit_id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Uuid, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_org_unit_parent_id", "org_unit", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_org_unit_parent_id", table_name="org_unit")
    op.drop_table("org_unit")
