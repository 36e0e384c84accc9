"""Dated lessons generated from the timetable, and the jobs generating a school's term.

Revision ID: scheduling0008
Revises: scheduling0007
Create Date: 2026-12-02 16:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0008"
down_revision = "scheduling0007"
branch_labels = None
depends_on = None

_UNFINISHED = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    """The tables, their indexes led by the school."""
    op.create_table(
        "lesson",
        sa.Column("lesson_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subgroup_id", sa.Uuid, nullable=True),
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("timetable_entry_id", sa.Uuid, nullable=True),
        sa.Column("planned_on", sa.Date, nullable=False),
        sa.Column("planned_slot_number", sa.SmallInteger, nullable=False),
        sa.Column("lesson_on", sa.Date, nullable=False),
        sa.Column("slot_number", sa.SmallInteger, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("ends_at", sa.Time, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("teacher_person_id", sa.Uuid, nullable=False),
        sa.Column("room_id", sa.Uuid, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("cancel_reason", sa.Text, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=True),
        sa.Column("changed_by_user_id", sa.Uuid, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "uq_lesson_school_id_class_id_planned",
        "lesson",
        ["school_id", "class_id", "planned_on", "planned_slot_number", "subgroup_id"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    for name, columns in (
        ("ix_lesson_school_id_class_id_lesson_on", ["school_id", "class_id", "lesson_on"]),
        ("ix_lesson_school_id_teacher_person_id_lesson_on", ["school_id", "teacher_person_id", "lesson_on"]),
        ("ix_lesson_school_id_room_id_lesson_on", ["school_id", "room_id", "lesson_on"]),
    ):
        op.create_index(name, "lesson", columns)
    op.create_table(
        "lesson_generation_job",
        sa.Column("lesson_generation_job_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, nullable=False),
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("created_lessons", sa.Integer, nullable=False),
        sa.Column("removed_lessons", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime, nullable=True),
    )
    op.create_index(
        "ix_lesson_generation_job_school_id_unfinished",
        "lesson_generation_job",
        ["school_id", "term_id"],
        unique=True,
        postgresql_where=_UNFINISHED,
        sqlite_where=_UNFINISHED,
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("lesson_generation_job")
    op.drop_table("lesson")
