"""Curricula of a school's year, the classes following them, and teaching assignments.

Revision ID: scheduling0005
Revises: scheduling0004
Create Date: 2026-12-02 13:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0005"
down_revision = "scheduling0004"
branch_labels = None
depends_on = None

WHOLE_CLASS = sa.text("subgroup_id IS NULL")
SUBGROUP_ONLY = sa.text("subgroup_id IS NOT NULL")


def _edited() -> list[sa.Column]:
    return [
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def _curricula() -> None:
    op.create_table(
        "curriculum",
        sa.Column("curriculum_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("grade", sa.SmallInteger, nullable=False),
        sa.Column("profile", sa.String(200), nullable=True),
        sa.Column("subjects", sa.JSON, nullable=False),
        *_edited(),
        sa.UniqueConstraint(
            "school_id",
            "academic_year_id",
            "name_key",
            name="uq_curriculum_school_id_academic_year_id_name_key",
        ),
    )
    op.create_table(
        "class_curriculum",
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("curriculum_id", sa.Uuid, nullable=False),
        sa.Column("assigned_at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_class_curriculum_school_id_curriculum_id", "class_curriculum", ["school_id", "curriculum_id"]
    )


def _assignments() -> None:
    op.create_table(
        "teaching_assignment",
        sa.Column("teaching_assignment_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subgroup_id", sa.Uuid, nullable=True),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("weekly_hours", sa.Numeric(3, 1), nullable=False),
        *_edited(),
    )
    table = "teaching_assignment"
    for name, columns, where in (
        ("uq_teaching_assignment_whole_class", ["school_id", "class_id"], WHOLE_CLASS),
        ("uq_teaching_assignment_subgroup", ["school_id", "subgroup_id"], SUBGROUP_ONLY),
    ):
        op.create_index(
            name,
            table,
            [*columns, "subject_id", "person_id"],
            unique=True,
            postgresql_where=where,
            sqlite_where=where,
        )
    op.create_index(
        "ix_teaching_assignment_school_id_academic_year_id", table, ["school_id", "academic_year_id"]
    )
    op.create_index("ix_teaching_assignment_school_id_person_id", table, ["school_id", "person_id"])


def upgrade() -> None:
    _curricula()
    _assignments()


def downgrade() -> None:
    op.drop_table("teaching_assignment")
    op.drop_index("ix_class_curriculum_school_id_curriculum_id", table_name="class_curriculum")
    op.drop_table("class_curriculum")
    op.drop_table("curriculum")
