"""What identity keeps of contingent's facts: the org tree, guardian links, employment; newest wins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, String, Uuid
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


class OrgUnit(Base):
    """A unit of the org tree (region, municipality, school) and its parent, as contingent last said."""

    __tablename__ = "org_unit"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
