"""The enrolment applications contingent has acted on: one outcome per application (the pupil's stay it
created, or the refusal), so a redelivered or re-sent "assigned to class" event enrols nobody twice.

Revision ID: contingent0008
Revises: contingent0007
Create Date: 2026-12-01 21:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import reference

revision = "contingent0008"
down_revision = "contingent0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application_enrolment",
        sa.Column("application_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        reference(
            "application_enrolment", "pupil_enrolment_id", "pupil_enrolment.pupil_enrolment_id", nullable=True
        ),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("refusal_code", sa.String(60), nullable=True),
        sa.Column("refusal_detail", sa.Text, nullable=True),
        sa.Column("assigned_at", UtcDateTime, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_application_enrolment_school_id", "application_enrolment", ["school_id"])


def downgrade() -> None:
    op.drop_table("application_enrolment")
