"""Enrolment's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Enrolment's whole schema (migrations and the drift test use it)."""
    from eschool.enrolment.db.models import Base

    return Base.metadata
