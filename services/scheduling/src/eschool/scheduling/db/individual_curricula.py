"""Individual curricula (индивидуальные учебные планы) of pupils of a class: the changes to the class's
curriculum from a day, with the reason. Only the changes are kept (the class's curriculum may change
after), so a pupil's subjects are the class curriculum's with them applied."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base


class IndividualCurriculum(Base):
    """A pupil's individual curriculum in a class from a day (one per pupil, class and day)."""

    __tablename__ = "individual_curriculum"
    __table_args__ = (
        UniqueConstraint("school_id", "person_id", "class_id", "from_on"),
        Index("ix_individual_curriculum_school_id_class_id", "school_id", "class_id"),
    )

    individual_curriculum_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the pupil
    from_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    # [{"subject_id": "...", "weekly_hours": "0"}, ...]: changed, added, or dropped (zero) subjects.
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
