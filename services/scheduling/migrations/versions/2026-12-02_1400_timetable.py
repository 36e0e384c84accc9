"""The weekly timetable: each class's lessons of the week, valid between dates.

Revision ID: scheduling0006
Revises: scheduling0004
Create Date: 2026-12-02 14:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0006"
down_revision = "scheduling0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table, its indexes led by the school."""
    op.create_table(
        "timetable_entry",
        sa.Column("timetable_entry_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("bell_schedule_id", sa.Uuid, nullable=False),
        sa.Column("weekday", sa.SmallInteger, nullable=False),
        sa.Column("slot_number", sa.SmallInteger, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("teacher_person_id", sa.Uuid, nullable=False),
        sa.Column("room_id", sa.Uuid, nullable=True),
        sa.Column("subgroup_id", sa.Uuid, nullable=True),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_timetable_entry_school_id_class_id_valid_from",
        "timetable_entry",
        ["school_id", "class_id", "valid_from"],
    )
    op.create_index(
        "ix_timetable_entry_school_id_teacher_person_id",
        "timetable_entry",
        ["school_id", "teacher_person_id"],
    )
    op.create_index("ix_timetable_entry_school_id_room_id", "timetable_entry", ["school_id", "room_id"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("timetable_entry")
