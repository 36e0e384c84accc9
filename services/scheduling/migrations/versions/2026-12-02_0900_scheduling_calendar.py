"""The projections of contingent's org tree and years, the school year's calendar, and the bus tables.

Revision ID: scheduling0001
Revises:
Create Date: 2026-12-02 09:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables
from eschool.common.db.base import UtcDateTime

revision = "scheduling0001"
down_revision = None
branch_labels = None
depends_on = None


def _edited() -> list[sa.Column]:
    return [
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def _projections() -> None:
    op.create_table(
        "org_unit",
        sa.Column("org_unit_id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Uuid, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_org_unit_parent_id", "org_unit", ["parent_id"])
    op.create_table(
        "org_unit_state",
        sa.Column("org_unit_id", sa.Uuid, primary_key=True),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_table(
        "academic_year",
        sa.Column("academic_year_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )
    op.create_index("ix_academic_year_school_id", "academic_year", ["school_id"])


def _terms() -> None:
    op.create_table(
        "term_scheme",
        sa.Column("term_scheme_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        *_edited(),
        sa.UniqueConstraint(
            "school_id", "academic_year_id", "name", name="uq_term_scheme_school_id_academic_year_id_name"
        ),
    )
    op.create_table(
        "term",
        sa.Column("term_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, sa.ForeignKey("term_scheme.term_scheme_id"), nullable=False),
        sa.Column("number", sa.SmallInteger, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_changed_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("term_scheme_id", "number", name="uq_term_term_scheme_id_number"),
    )
    op.create_index("ix_term_school_id_term_scheme_id", "term", ["school_id", "term_scheme_id"])
    op.create_table(
        "term_status_change",
        sa.Column("term_status_change_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("term_id", sa.Uuid, sa.ForeignKey("term.term_id"), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("changed_by_user_id", sa.Uuid, nullable=True),
        sa.Column("changed_by_person_id", sa.Uuid, nullable=True),
        sa.Column("changed_by_client_id", sa.String(200), nullable=True),
        sa.Column("changed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_term_status_change_school_id_term_id", "term_status_change", ["school_id", "term_id"])


def _holidays() -> None:
    op.create_table(
        "holiday",
        sa.Column("holiday_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, sa.ForeignKey("term_scheme.term_scheme_id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        *_edited(),
    )
    op.create_index("ix_holiday_school_id_academic_year_id", "holiday", ["school_id", "academic_year_id"])


def upgrade() -> None:
    create_bus_tables()
    _projections()
    _terms()
    _holidays()


def downgrade() -> None:
    op.drop_table("holiday")
    op.drop_table("term_status_change")
    op.drop_table("term")
    op.drop_table("term_scheme")
    op.drop_table("academic_year")
    op.drop_table("org_unit_state")
    op.drop_table("org_unit")
    drop_bus_tables()
