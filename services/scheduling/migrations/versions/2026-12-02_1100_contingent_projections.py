"""The projections of contingent's classes (and their class teachers), subgroups with dated stays, staff.

Revision ID: scheduling0003
Revises: scheduling0001
Create Date: 2026-12-02 11:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0003"
down_revision = "scheduling0001"
branch_labels = None
depends_on = None


def _version() -> sa.Column:
    return sa.Column("source_version", UtcDateTime, nullable=False)


def _classes() -> None:
    op.create_table(
        "school_class",
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("grade", sa.SmallInteger, nullable=False),
        sa.Column("letter", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("profile", sa.String(200), nullable=True),
        sa.Column("shift", sa.SmallInteger, nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, nullable=True),
        sa.Column("max_size", sa.Integer, nullable=False),
        _version(),
    )
    op.create_index(
        "ix_school_class_school_id_academic_year_id", "school_class", ["school_id", "academic_year_id"]
    )
    op.create_table(
        "class_teacher",
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        _version(),
    )


def _subgroups() -> None:
    op.create_table(
        "subgroup",
        sa.Column("subgroup_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("division", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        _version(),
    )
    op.create_index("ix_subgroup_school_id_class_id", "subgroup", ["school_id", "class_id"])
    op.create_table(
        "subgroup_membership",
        sa.Column("membership_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("subgroup_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("from_on", sa.Date, nullable=False),
        sa.Column("until_on", sa.Date, nullable=True),
        _version(),
    )
    op.create_index(
        "ix_subgroup_membership_school_id_class_id", "subgroup_membership", ["school_id", "class_id"]
    )
    op.create_index(
        "ix_subgroup_membership_school_id_subgroup_id", "subgroup_membership", ["school_id", "subgroup_id"]
    )


def _staff() -> None:
    op.create_table(
        "staff_member",
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("last_name", sa.String(100), nullable=True),
        sa.Column("first_name", sa.String(100), nullable=True),
        sa.Column("middle_name", sa.String(100), nullable=True),
        sa.Column("hired_at", UtcDateTime, nullable=True),
        sa.Column("dismissed_on", sa.Date, nullable=True),
        _version(),
    )


def upgrade() -> None:
    _classes()
    _subgroups()
    _staff()


def downgrade() -> None:
    op.drop_table("staff_member")
    op.drop_table("subgroup_membership")
    op.drop_table("subgroup")
    op.drop_table("class_teacher")
    op.drop_table("school_class")
