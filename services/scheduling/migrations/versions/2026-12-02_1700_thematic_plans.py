"""Thematic plans (КТП): a class's ordered topics of a subject in its year.

Revision ID: scheduling0009
Revises: scheduling0007
Create Date: 2026-12-02 17:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0009"
down_revision = "scheduling0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table, one plan per class and subject, its indexes led by the school."""
    op.create_table(
        "thematic_plan",
        sa.Column("thematic_plan_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("total_hours", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint(
            "school_id", "class_id", "subject_id", name="uq_thematic_plan_school_id_class_id_subject_id"
        ),
    )
    op.create_index(
        "ix_thematic_plan_school_id_academic_year_id", "thematic_plan", ["school_id", "academic_year_id"]
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("thematic_plan")
