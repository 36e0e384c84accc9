"""Class rosters and people's names from contingent, staff names versioned apart, individual curricula.

Revision ID: scheduling0010
Revises: scheduling0007
Create Date: 2026-12-02 18:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0010"
down_revision = "scheduling0007"
branch_labels = None
depends_on = None


def _rosters() -> None:
    op.create_table(
        "class_stay",
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("from_on", sa.Date, nullable=True),
        sa.Column("opened_at", UtcDateTime, nullable=True),
        sa.Column("until_on", sa.Date, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_class_stay_school_id_class_id", "class_stay", ["school_id", "class_id"])
    op.create_table(
        "person_name",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("middle_name", sa.String(100), nullable=True),
        sa.Column("name_version", UtcDateTime, nullable=False),
    )
    op.add_column("staff_member", sa.Column("name_version", UtcDateTime, nullable=True))
    # The names kept so far came with the newest hire.
    op.execute("UPDATE staff_member SET name_version = hired_at WHERE last_name IS NOT NULL")


def _individual_curricula() -> None:
    op.create_table(
        "individual_curriculum",
        sa.Column("individual_curriculum_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("from_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("subjects", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint(
            "school_id",
            "person_id",
            "class_id",
            "from_on",
            name="uq_individual_curriculum_school_id_person_id_class_id_from_on",
        ),
    )
    op.create_index(
        "ix_individual_curriculum_school_id_class_id", "individual_curriculum", ["school_id", "class_id"]
    )


def upgrade() -> None:
    _rosters()
    _individual_curricula()


def downgrade() -> None:
    op.drop_table("individual_curriculum")
    op.drop_column("staff_member", "name_version")
    op.drop_table("person_name")
    op.drop_table("class_stay")
