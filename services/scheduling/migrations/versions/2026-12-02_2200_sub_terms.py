"""Sub-periods of a term (seed 000, point 8: «Подпериоды»).

Revision ID: scheduling0014
Revises: scheduling0013
Create Date: 2026-12-02 22:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.migrations import foreign_key

revision = "scheduling0014"
down_revision = "scheduling0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sub_term",
        sa.Column("sub_term_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("term_id", sa.Uuid, foreign_key("sub_term", "term_id", "term.term_id"), nullable=False),
        sa.Column("number", sa.SmallInteger, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
    )
    op.create_index("ix_sub_term_school_id_term_id", "sub_term", ["school_id", "term_id"])


def downgrade() -> None:
    op.drop_table("sub_term")
