"""Pupils' movement: the history of enrolments, withdrawals, transfers and arrivals, each by its order;
the day an enrolment ended.

Revision ID: contingent0005
Revises: contingent0004
Create Date: 2026-12-01 18:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "contingent0005"
down_revision = "contingent0004"
branch_labels = None
depends_on = None

# Enrolments made before the history existed enter it as its first rows (the id is the enrolment's).
BACKFILL = """
INSERT INTO pupil_movement (
    pupil_movement_id, person_id, pupil_enrolment_id, school_id, kind, happened_on, to_class_id,
    order_series, order_number, order_date, actor_user_id, recorded_at
)
SELECT pupil_enrolment_id, person_id, pupil_enrolment_id, school_id, 'enrolled', enrolled_on, class_id,
    order_series, order_number, order_date, enrolled_by_user_id, created_at
FROM pupil_enrolment
"""


def _fk(column: str, target: str) -> sa.ForeignKey:
    referred, _ = target.split(".")
    return sa.ForeignKey(target, name=f"fk_pupil_movement_{column}_{referred}")


def upgrade() -> None:
    op.add_column("pupil_enrolment", sa.Column("withdrawn_on", sa.Date, nullable=True))
    op.create_table(
        "pupil_movement",
        sa.Column("pupil_movement_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, _fk("person_id", "person.person_id"), nullable=False),
        sa.Column(
            "pupil_enrolment_id",
            sa.Uuid,
            _fk("pupil_enrolment_id", "pupil_enrolment.pupil_enrolment_id"),
            nullable=False,
        ),
        sa.Column("school_id", sa.Uuid, _fk("school_id", "org_unit.org_unit_id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("from_class_id", sa.Uuid, _fk("from_class_id", "school_class.class_id"), nullable=True),
        sa.Column("to_class_id", sa.Uuid, _fk("to_class_id", "school_class.class_id"), nullable=True),
        sa.Column("order_series", sa.String(20), nullable=True),
        sa.Column("order_number", sa.String(30), nullable=False),
        sa.Column("order_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("destination", sa.String(20), nullable=True),
        sa.Column(
            "destination_school_id",
            sa.Uuid,
            _fk("destination_school_id", "org_unit.org_unit_id"),
            nullable=True,
        ),
        sa.Column(
            "withdrawal_movement_id",
            sa.Uuid,
            _fk("withdrawal_movement_id", "pupil_movement.pupil_movement_id"),
            nullable=True,
        ),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        # One withdrawal is accepted once: two receptions of the same pupil cannot both land.
        sa.UniqueConstraint("withdrawal_movement_id", name="uq_pupil_movement_withdrawal_movement_id"),
    )
    op.create_index("ix_pupil_movement_person_id", "pupil_movement", ["person_id"])
    op.create_index("ix_pupil_movement_pupil_enrolment_id", "pupil_movement", ["pupil_enrolment_id"])
    op.create_index("ix_pupil_movement_destination_school_id", "pupil_movement", ["destination_school_id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("pupil_movement")
    op.drop_column("pupil_enrolment", "withdrawn_on")
