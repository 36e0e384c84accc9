"""Subgroups of a class and their dated membership; the term dates scheduling announces (a subgroup's
membership changes only at a term boundary).

Revision ID: contingent0007
Revises: contingent0006
Create Date: 2026-12-01 20:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import reference

revision = "contingent0007"
down_revision = "contingent0006"
branch_labels = None
depends_on = None

CURRENT = "until_on IS NULL"


def upgrade() -> None:
    op.create_table(
        "subgroup",
        sa.Column("subgroup_id", sa.Uuid, primary_key=True),
        reference("subgroup", "school_id", "org_unit.org_unit_id"),
        reference("subgroup", "class_id", "school_class.class_id"),
        sa.Column("division", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("class_id", "division", "name", name="uq_subgroup_class_id_division_name"),
    )
    op.create_index("ix_subgroup_school_id_class_id", "subgroup", ["school_id", "class_id"])
    op.create_table(
        "subgroup_membership",
        sa.Column("membership_id", sa.Uuid, primary_key=True),
        reference("subgroup_membership", "school_id", "org_unit.org_unit_id"),
        reference("subgroup_membership", "subgroup_id", "subgroup.subgroup_id"),
        reference("subgroup_membership", "class_id", "school_class.class_id"),
        sa.Column("division", sa.String(100), nullable=False),
        reference("subgroup_membership", "person_id", "person.person_id"),
        sa.Column("from_on", sa.Date, nullable=False),
        sa.Column("until_on", sa.Date, nullable=True),
        sa.Column("order_series", sa.String(20), nullable=True),
        sa.Column("order_number", sa.String(30), nullable=True),
        sa.Column("order_date", sa.Date, nullable=True),
        sa.Column("override_reason", sa.Text, nullable=True),
        sa.Column("end_order_series", sa.String(20), nullable=True),
        sa.Column("end_order_number", sa.String(30), nullable=True),
        sa.Column("end_order_date", sa.Date, nullable=True),
        sa.Column("end_override_reason", sa.Text, nullable=True),
        sa.Column("created_by_user_id", sa.Uuid, nullable=True),
        sa.Column("ended_by_user_id", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_subgroup_membership_school_id_class_id", "subgroup_membership", ["school_id", "class_id"]
    )
    op.create_index("ix_subgroup_membership_subgroup_id", "subgroup_membership", ["subgroup_id"])
    op.create_index("ix_subgroup_membership_person_id", "subgroup_membership", ["person_id"])
    # A pupil is in one subgroup of a division at a time: the open membership is unique.
    op.create_index(
        "ix_subgroup_membership_current",
        "subgroup_membership",
        ["class_id", "division", "person_id"],
        unique=True,
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )
    op.create_table(
        "term_scheme",
        sa.Column("term_scheme_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_term_scheme_school_id", "term_scheme", ["school_id"])


def downgrade() -> None:
    op.drop_table("term_scheme")
    op.drop_table("subgroup_membership")
    op.drop_table("subgroup")
