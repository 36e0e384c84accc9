"""Projections of contingent's facts: guardian links and staff employment.

Revision ID: identity0006
Revises: identity0005
Create Date: 2026-11-23 21:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "identity0006"
down_revision = "identity0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardian_link",
        sa.Column("guardian_person_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("pupil_person_id", sa.Uuid, primary_key=True),
        sa.Column("linked", sa.Boolean, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_table(
        "staff_employment",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("employed", sa.Boolean, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_employment")
    op.drop_table("guardian_link")
