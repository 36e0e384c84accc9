"""Scheduling's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Scheduling's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.scheduling.db import (  # noqa: F401 - every model module registers its tables
        bells,
        calendar,
        contingent,
        curricula,
        individual_curricula,
        lessons,
        rooms,
        rosters,
        sub_terms,
        subjects,
        substitutions,
        thematic_plans,
        timetable,
    )
    from eschool.scheduling.db.models import Base

    return Base.metadata
