"""Staff members' employments in schools, kept after dismissal (the register of the dismissed).

Revision ID: contingent0004
Revises: contingent0003
Create Date: 2026-12-01 17:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "contingent0004"
down_revision = "contingent0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_employment",
        sa.Column("staff_employment_id", sa.Uuid, primary_key=True),
        sa.Column(
            "school_id",
            sa.Uuid,
            sa.ForeignKey("org_unit.org_unit_id", name="fk_staff_employment_school_id_org_unit"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Uuid,
            sa.ForeignKey("person.person_id", name="fk_staff_employment_person_id_person"),
            nullable=False,
        ),
        sa.Column("position", sa.String(100), nullable=False),
        sa.Column("hired_on", sa.Date, nullable=False),
        sa.Column("hired_by_user_id", sa.Uuid, nullable=True),
        sa.Column("dismissed_on", sa.Date, nullable=True),
        sa.Column("dismissal_reason", sa.String(500), nullable=True),
        sa.Column("dismissed_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        # One employment per person in a school: a returning staff member is restored, not hired twice.
        sa.UniqueConstraint("school_id", "person_id", name="uq_staff_employment_school_id_person_id"),
    )
    op.create_index("ix_staff_employment_school_id", "staff_employment", ["school_id"])
    op.create_index("ix_staff_employment_person_id", "staff_employment", ["person_id"])


def downgrade() -> None:
    op.drop_table("staff_employment")
