"""The partner feed: events in commit order, and the counter that orders them.

Revision ID: enrolment0003
Revises: enrolment0002
Create Date: 2026-12-03 11:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import BigIntPK, JsonDoc, UtcDateTime

revision = "enrolment0003"
down_revision = "enrolment0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_event",
        sa.Column("seq", BigIntPK, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("envelope", JsonDoc, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("event_id", name=op.f("uq_feed_event_event_id")),
    )
    op.create_index("ix_feed_event_created_at", "feed_event", ["created_at"])
    counter = op.create_table(
        "feed_counter",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("last_seq", BigIntPK, nullable=False),
    )
    op.bulk_insert(counter, [{"name": "partner", "last_seq": 0}])


def downgrade() -> None:
    op.drop_table("feed_counter")
    op.drop_table("feed_event")
