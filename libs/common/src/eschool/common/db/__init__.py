"""Database kit: declarative base, engines, unit of work, repositories, migrations."""

from eschool.common.db.base import NAMING_CONVENTION, as_utc, make_metadata, today_in_zone, utcnow
from eschool.common.db.engine import Database
from eschool.common.db.pagination import Page, decode_cursor, encode_cursor
from eschool.common.db.projection import upsert_newer
from eschool.common.db.repository import Repository
from eschool.common.db.uow import UnitOfWork

__all__ = [
    "NAMING_CONVENTION",
    "Database",
    "Page",
    "Repository",
    "UnitOfWork",
    "as_utc",
    "decode_cursor",
    "encode_cursor",
    "make_metadata",
    "today_in_zone",
    "upsert_newer",
    "utcnow",
]
