"""Scheduling's teaching assignments as contingent keeps them: who teaches in which class, so that a
teacher reads the lists of the classes they teach or lead once the school's load is distributed.

Revision ID: contingent0010
Revises: contingent0009
Create Date: 2026-12-01 23:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "contingent0010"
down_revision = "contingent0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teaching_assignment",
        sa.Column("teaching_assignment_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("teacher_person_id", sa.Uuid, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_teaching_assignment_school_id_teacher",
        "teaching_assignment",
        ["school_id", "teacher_person_id", "class_id"],
    )


def downgrade() -> None:
    op.drop_table("teaching_assignment")
