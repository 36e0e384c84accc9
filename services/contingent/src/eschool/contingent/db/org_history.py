"""The org tree's history: who changed which unit, how (``org_unit_change``).

The ministry, a municipality and a school's administration all keep school cards, and a wrong ОКАТО
hides a school from the regional portal (seed 000, point 1): the history says who entered it and when,
a row per change (registered, changed, moved, closed, reopened) with the fields' old and new values.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import BigIntPK, UtcDateTime
from eschool.contingent.db.models import Base


class OrgUnitChange(Base):
    """One change of an org unit: the action, who did it, when, the version it made, old and new values."""

    __tablename__ = "org_unit_change"

    org_unit_change_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # registered, changed, moved, closed, reopened
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)
    # {"field": {"old": ..., "new": ...}}, values as JSON shows them (ids and times as strings).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
