"""The free places per grade, the classes and academic years contingent announces, an application's class.

Revision ID: enrolment0002
Revises: enrolment0001
Create Date: 2026-12-03 10:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "enrolment0002"
down_revision = "enrolment0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "academic_year",
        sa.Column("academic_year_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_academic_year_school_id", "academic_year", ["school_id"])
    op.create_table(
        "school_class",
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("letter", sa.String(10), nullable=False),
        sa.Column("max_size", sa.Integer, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_school_class_school_id_academic_year_id", "school_class", ["school_id", "academic_year_id"]
    )
    op.create_table(
        "grade_places",
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("school_year", sa.Integer, primary_key=True),
        sa.Column("grade", sa.Integer, primary_key=True),
        sa.Column("free_places", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.add_column("application", sa.Column("class_id", sa.Uuid, nullable=True))


def downgrade() -> None:
    op.drop_column("application", "class_id")
    op.drop_table("grade_places")
    op.drop_table("school_class")
    op.drop_table("academic_year")
