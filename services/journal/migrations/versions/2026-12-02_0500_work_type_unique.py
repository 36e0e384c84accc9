"""A school has one row of a work type's code: two first overrides at once cannot make two.

Revision ID: journal0005
Revises: journal0004
Create Date: 2026-12-02 05:00
"""

from alembic import op

revision = "journal0005"
down_revision = "journal0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The region's rows have no school: NULLs differ in a unique index, and the region's codes are the
    # first migration's, one each.
    op.drop_index("ix_work_type_school_id_code", table_name="work_type")
    op.create_index("uq_work_type_school_id_code", "work_type", ["school_id", "code"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_work_type_school_id_code", table_name="work_type")
    op.create_index("ix_work_type_school_id_code", "work_type", ["school_id", "code"], unique=False)
