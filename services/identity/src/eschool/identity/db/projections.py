"""What identity keeps of contingent's facts: guardian links and employment, newest fact wins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.identity.db.models import Base


class GuardianLink(Base):
    """A guardian's link to a pupil in a school, as contingent last said."""

    __tablename__ = "guardian_link"

    guardian_person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    linked: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class StaffEmployment(Base):
    """Whether a person works in a school, as contingent last said."""

    __tablename__ = "staff_employment"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    employed: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
