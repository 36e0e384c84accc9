"""Corrections to a person's card (``person_change``): who changed which fields when, with the old and
new values; a SNILS only as ``{"old": "***", "new": "***"}``, never its digits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import Base


class PersonChange(Base):
    """One correction of a person's card."""

    __tablename__ = "person_change"

    person_change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # where the corrector works
    # {field: {"old": ..., "new": ...}}, dates as ISO strings.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PersonChanges(Repository):
    """The queries of a person's corrections."""

    async def of_person(self, person_id: uuid.UUID) -> list[PersonChange]:
        """The person's corrections, the oldest first."""
        stmt = (
            select(PersonChange).where(PersonChange.person_id == person_id).order_by(PersonChange.changed_at)
        )
        return list((await self.session.scalars(stmt)).all())
