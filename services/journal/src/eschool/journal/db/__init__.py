"""The journal's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """The journal's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.journal.db import archive, records, schedule  # noqa: F401 - every model module registers its tables
    from eschool.journal.db.models import Base

    return Base.metadata
