"""Substitutions: another teacher of the same subject teaches a dated lesson in place of its own.

Revision ID: scheduling0011
Revises: scheduling0008
Create Date: 2026-12-02 19:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "scheduling0011"
down_revision = "scheduling0008"
branch_labels = None
depends_on = None

ACTIVE = "removed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "substitution",
        sa.Column("substitution_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("lesson_on", sa.Date, nullable=False),
        sa.Column("substitute_person_id", sa.Uuid, nullable=False),
        sa.Column("teacher_person_id", sa.Uuid, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("removed_at", UtcDateTime, nullable=True),
        sa.Column("removed_by_user_id", sa.Uuid, nullable=True),
    )
    # A lesson has one substitute at a time.
    op.create_index(
        "uq_substitution_school_id_lesson_id_active",
        "substitution",
        ["school_id", "lesson_id"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )
    op.create_index(
        "ix_substitution_school_id_substitute_lesson_on",
        "substitution",
        ["school_id", "substitute_person_id", "lesson_on"],
    )
    op.create_index("ix_substitution_school_id_lesson_on", "substitution", ["school_id", "lesson_on"])


def downgrade() -> None:
    op.drop_table("substitution")
