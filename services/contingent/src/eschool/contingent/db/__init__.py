"""Contingent's tables."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Contingent's whole schema, every model module imported (migrations and the drift test use it)."""
    from eschool.contingent.db import (
        applications,  # noqa: F401 - registers the outcomes of enrolment applications
        movement,  # noqa: F401 - registers pupils' movement history
        org_history,  # noqa: F401 - registers the history table
        people,  # noqa: F401 - registers persons, enrolments, guardians
        person_changes,  # noqa: F401 - registers the corrections of persons' cards
        rollover,  # noqa: F401 - registers rollover jobs and pupils' promotions
        staff,  # noqa: F401 - registers staff members' employments
        subgroups,  # noqa: F401 - registers subgroups, their stays, the term dates
        teaching,  # noqa: F401 - registers scheduling's teaching assignments
    )
    from eschool.contingent.db.models import Base

    return Base.metadata
