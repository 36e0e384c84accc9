"""Alembic operations for the bus tables; a service's first migration calls ``create_bus_tables()``.

Changes to these tables come as new functions here (``..._v2``), each called by a new migration of
every service, so an old migration never changes what it creates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import BigIntPK, JsonDoc, UtcDateTime


def create_bus_tables() -> None:
    """Create ``outbox_message`` and ``inbox_message`` (version 1)."""
    op.create_table(
        "outbox_message",
        sa.Column("outbox_message_id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("envelope", JsonDoc, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_message_event_id")),
    )
    op.create_index(
        "ix_outbox_message_unpublished",
        "outbox_message",
        ["outbox_message_id"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_outbox_message_published_at", "outbox_message", ["published_at"])
    op.create_table(
        "inbox_message",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("handled_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_inbox_message_handled_at", "inbox_message", ["handled_at"])


def drop_bus_tables() -> None:
    """Drop the bus tables (downgrade of ``create_bus_tables``)."""
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
