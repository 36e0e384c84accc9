"""Identity's tables: accounts and tokens, external logins, and projections of contingent's facts."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Identity's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.identity.db import external, projections  # noqa: F401 - registers the tables
    from eschool.identity.db.models import Base

    return Base.metadata
