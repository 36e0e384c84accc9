"""The partner feed's events wait here, written with the change that raised them, until the sequencer
gives them their positions (no write holds the feed's counter any more).

Revision ID: enrolment0006
Revises: enrolment0005
Create Date: 2026-12-04 11:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import BigIntPK, JsonDoc, UtcDateTime

revision = "enrolment0006"
down_revision = "enrolment0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_pending",
        sa.Column("feed_pending_id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("envelope", JsonDoc, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("event_id", name=op.f("uq_feed_pending_event_id")),
    )


def downgrade() -> None:
    op.drop_table("feed_pending")
