"""The year rollover: its jobs (progress, conflicts) and the pupils' promotions (the natural key that
makes a second run promote nobody twice).

Revision ID: contingent0006
Revises: contingent0005
Create Date: 2026-12-01 19:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import reference

revision = "contingent0006"
down_revision = "contingent0005"
branch_labels = None
depends_on = None

UNFINISHED = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.create_table(
        "rollover_job",
        sa.Column("rollover_job_id", sa.Uuid, primary_key=True),
        reference("rollover_job", "school_id", "org_unit.org_unit_id"),
        reference("rollover_job", "from_academic_year_id", "academic_year.academic_year_id"),
        reference("rollover_job", "to_academic_year_id", "academic_year.academic_year_id"),
        sa.Column("class_ids", sa.JSON, nullable=True),
        sa.Column("promoted_on", sa.Date, nullable=False),
        sa.Column("order_series", sa.String(20), nullable=True),
        sa.Column("order_number", sa.String(30), nullable=False),
        sa.Column("order_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("promoted", sa.Integer, nullable=False),
        sa.Column("conflicts", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_rollover_job_school_id", "rollover_job", ["school_id"])
    # One unfinished job per school and year: two presses of «Перевести всё» cannot both start one.
    op.create_index(
        "ix_rollover_job_school_id_unfinished",
        "rollover_job",
        ["school_id", "from_academic_year_id"],
        unique=True,
        postgresql_where=sa.text(UNFINISHED),
        sqlite_where=sa.text(UNFINISHED),
    )
    op.create_table(
        "pupil_promotion",
        sa.Column("pupil_promotion_id", sa.Uuid, primary_key=True),
        reference("pupil_promotion", "rollover_job_id", "rollover_job.rollover_job_id"),
        reference("pupil_promotion", "pupil_enrolment_id", "pupil_enrolment.pupil_enrolment_id"),
        reference("pupil_promotion", "person_id", "person.person_id"),
        reference("pupil_promotion", "from_class_id", "school_class.class_id"),
        reference("pupil_promotion", "to_class_id", "school_class.class_id"),
        sa.Column("promoted_on", sa.Date, nullable=False),
        reference("pupil_promotion", "movement_id", "pupil_movement.pupil_movement_id"),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("cancelled_at", UtcDateTime, nullable=True),
        sa.Column("cancelled_by_user_id", sa.Uuid, nullable=True),
        # A stay leaves a class by promotion once: a second run, or two at once, promote nobody twice.
        sa.UniqueConstraint(
            "pupil_enrolment_id", "from_class_id", name="uq_pupil_promotion_pupil_enrolment_id_from_class_id"
        ),
    )
    op.create_index("ix_pupil_promotion_rollover_job_id", "pupil_promotion", ["rollover_job_id"])
    op.create_index("ix_pupil_promotion_person_id", "pupil_promotion", ["person_id"])


def downgrade() -> None:
    op.drop_table("pupil_promotion")
    op.drop_table("rollover_job")
