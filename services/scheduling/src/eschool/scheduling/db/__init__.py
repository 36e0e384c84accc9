"""Scheduling's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Scheduling's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.scheduling.db import (
        calendar,  # noqa: F401 - registers term schemes, terms, their history, holidays
    )
    from eschool.scheduling.db.models import Base

    return Base.metadata
