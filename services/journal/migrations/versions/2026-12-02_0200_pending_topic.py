"""Planned topics that arrive before their lessons are kept until the lessons come.

Revision ID: journal0003
Revises: journal0002
Create Date: 2026-12-02 02:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "journal0003"
down_revision = "journal0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_topic",
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("lesson_id", name=op.f("pk_pending_topic")),
    )


def downgrade() -> None:
    op.drop_table("pending_topic")
