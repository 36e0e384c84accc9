"""Column types and the naming convention every service database uses.

A service declares its own base, so each database keeps its own metadata::

    class Base(DeclarativeBase):
        metadata = make_metadata()
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
JsonDoc = JSON().with_variant(JSONB(), "postgresql")
UtcDateTime = DateTime(timezone=True)


def make_metadata() -> MetaData:
    """A fresh MetaData with the house naming convention (one per service database)."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite hands back naive datetimes; everything stored is UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in_zone(time_zone: str | None) -> date:
    """Today's date in the IANA ``time_zone`` (a school's); UTC when it is unknown or not a zone."""
    return datetime.now(_zone(time_zone)).date()


def date_in_zone(moment: datetime, time_zone: str | None) -> date:
    """The date a stored moment fell on in the IANA ``time_zone`` (a school's); UTC when unknown."""
    return as_utc(moment).astimezone(_zone(time_zone)).date()
