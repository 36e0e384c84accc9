"""Scheduling's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Scheduling's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.scheduling.db import (  # noqa: F401 - bell schedules, rooms, subjects
        bells,
        calendar,
        contingent,
        curricula,
        rooms,
        subjects,
        timetable,
    )
    from eschool.scheduling.db.models import Base

    return Base.metadata
