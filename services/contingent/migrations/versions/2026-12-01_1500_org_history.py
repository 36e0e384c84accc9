"""The org tree's history (who changed which unit, how), and the one-region guard.

Revision ID: contingent0002
Revises: contingent0001
Create Date: 2026-12-01 15:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import BigIntPK, UtcDateTime

revision = "contingent0002"
down_revision = "contingent0001"
branch_labels = None
depends_on = None

REGION_ONLY = "kind = 'region'"


def upgrade() -> None:
    op.create_table(
        "org_unit_change",
        sa.Column("org_unit_change_id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column(
            "org_unit_id",
            sa.Uuid,
            sa.ForeignKey("org_unit.org_unit_id", name="fk_org_unit_change_org_unit_id_org_unit"),
            nullable=False,
        ),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
    )
    op.create_index("ix_org_unit_change_org_unit_id", "org_unit_change", ["org_unit_id"])
    # Only one region row: a partial unique index (both PostgreSQL and SQLite have them).
    op.create_index(
        "ix_org_unit_kind_region",
        "org_unit",
        ["kind"],
        unique=True,
        postgresql_where=sa.text(REGION_ONLY),
        sqlite_where=sa.text(REGION_ONLY),
    )


def downgrade() -> None:
    op.drop_index("ix_org_unit_kind_region", table_name="org_unit")
    op.drop_table("org_unit_change")
