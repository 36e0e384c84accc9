"""The outbox and inbox tables every service database carries (created by ``bus.migrations``)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, Uuid

from eschool.common.db.base import BigIntPK, JsonDoc, UtcDateTime, make_metadata

bus_metadata = make_metadata()

outbox_message = Table(
    "outbox_message",
    bus_metadata,
    Column("outbox_message_id", BigIntPK, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("school_id", Uuid, nullable=True),
    Column("envelope", JsonDoc, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
)
# The relay only ever scans unpublished rows; the partial index keeps that scan tiny as history grows.
Index(
    "ix_outbox_message_unpublished",
    outbox_message.c.outbox_message_id,
    postgresql_where=outbox_message.c.published_at.is_(None),
    sqlite_where=outbox_message.c.published_at.is_(None),
)
Index("ix_outbox_message_published_at", outbox_message.c.published_at)

inbox_message = Table(
    "inbox_message",
    bus_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("handled_at", UtcDateTime, nullable=False),
)
Index("ix_inbox_message_handled_at", inbox_message.c.handled_at)
