"""Enrolment settings per school, when an application took its status, the saga's overdue answer, and the
periodic tasks' rows.

Revision ID: enrolment0004
Revises: enrolment0003
Create Date: 2026-12-04 09:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.periodic import create_periodic_task_table

revision = "enrolment0004"
down_revision = "enrolment0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_enrolment_settings",
        sa.Column("school_id", sa.Uuid, primary_key=True),
        sa.Column("fill_type", sa.String(20), nullable=False),
        sa.Column("register_after_days", sa.Integer, nullable=True),
        sa.Column("enrol_after_days", sa.Integer, nullable=True),
        sa.Column("order_series", sa.String(20), nullable=True),
        sa.Column("order_number", sa.String(50), nullable=True),
        sa.Column("order_date", sa.Date, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.add_column("application", sa.Column("status_since", UtcDateTime, nullable=True))
    op.add_column("application", sa.Column("answer_overdue_at", UtcDateTime, nullable=True))
    # Every application so far took its status at its last change.
    op.execute("UPDATE application SET status_since = updated_at")
    with op.batch_alter_table("application") as batch:
        batch.alter_column("status_since", existing_type=UtcDateTime, nullable=False)
    op.create_index(
        "ix_application_school_status_since", "application", ["school_id", "status", "status_since"]
    )
    create_periodic_task_table()


def downgrade() -> None:
    op.drop_table("periodic_task")
    op.drop_index("ix_application_school_status_since", table_name="application")
    with op.batch_alter_table("application") as batch:
        batch.drop_column("answer_overdue_at")
        batch.drop_column("status_since")
    op.drop_table("school_enrolment_settings")
