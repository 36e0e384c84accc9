"""Subjects (the regional catalogue, schools' own, what each school teaches), rooms, bell schedules.

Revision ID: scheduling0002
Revises: scheduling0001
Create Date: 2026-12-02 10:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import reference

revision = "scheduling0002"
down_revision = "scheduling0001"
branch_labels = None
depends_on = None

CATALOGUE_ONLY = sa.text("school_id IS NULL")


def _edited() -> list[sa.Column]:
    return [
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def _subjects() -> None:
    op.create_table(
        "subject",
        sa.Column("subject_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("code", sa.String(40), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("short_name", sa.String(50), nullable=True),
        sa.Column("translations", sa.JSON, nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        *_edited(),
        sa.UniqueConstraint("school_id", "name_key", name="uq_subject_school_id_name_key"),
        sa.UniqueConstraint("code", name="uq_subject_code"),
    )
    op.create_index(
        "uq_subject_catalogue_name_key",
        "subject",
        ["name_key"],
        unique=True,
        postgresql_where=CATALOGUE_ONLY,
        sqlite_where=CATALOGUE_ONLY,
    )
    op.create_table(
        "school_subject",
        sa.Column("school_id", sa.Uuid, nullable=False),
        reference("school_subject", "subject_id", "subject.subject_id"),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "subject_id", name="pk_school_subject"),
    )


def _rooms_and_bells() -> None:
    op.create_table(
        "room",
        sa.Column("room_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("name_key", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("capacity", sa.SmallInteger, nullable=True),
        sa.Column("retired", sa.Boolean, nullable=False),
        *_edited(),
        sa.UniqueConstraint("school_id", "name_key", name="uq_room_school_id_name_key"),
    )
    op.create_table(
        "bell_schedule",
        sa.Column("bell_schedule_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("shift", sa.SmallInteger, nullable=False),
        sa.Column("slots", sa.JSON, nullable=False),
        *_edited(),
        sa.UniqueConstraint(
            "school_id",
            "academic_year_id",
            "name_key",
            name="uq_bell_schedule_school_id_academic_year_id_name_key",
        ),
    )


def upgrade() -> None:
    _subjects()
    _rooms_and_bells()


def downgrade() -> None:
    op.drop_table("bell_schedule")
    op.drop_table("room")
    op.drop_table("school_subject")
    op.drop_index("uq_subject_catalogue_name_key", table_name="subject")
    op.drop_table("subject")
