"""The org tree with school cards, academic years, classes, and the bus tables.

Revision ID: contingent0001
Revises:
Create Date: 2026-12-01 14:30
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables
from eschool.common.db.base import UtcDateTime

revision = "contingent0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    ]


def upgrade() -> None:
    create_bus_tables()
    op.create_table(
        "org_unit",
        sa.Column("org_unit_id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Uuid, sa.ForeignKey("org_unit.org_unit_id"), nullable=True),
        sa.Column("full_name", sa.String(500), nullable=False),
        sa.Column("short_name", sa.String(200), nullable=False),
        sa.Column("inn", sa.String(12), nullable=True),
        sa.Column("ogrn", sa.String(15), nullable=True),
        sa.Column("okato", sa.String(11), nullable=True),
        sa.Column("oktmo", sa.String(11), nullable=True),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("website", sa.String(300), nullable=True),
        *_stamps(),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("inn", name="uq_org_unit_inn"),
        sa.UniqueConstraint("ogrn", name="uq_org_unit_ogrn"),
    )
    op.create_index("ix_org_unit_parent_id", "org_unit", ["parent_id"])
    op.create_table(
        "academic_year",
        sa.Column("academic_year_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, sa.ForeignKey("org_unit.org_unit_id"), nullable=False),
        sa.Column("name", sa.String(9), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        *_stamps(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("school_id", "name", name="uq_academic_year_school_id_name"),
    )
    op.create_index("ix_academic_year_school_id", "academic_year", ["school_id"])
    op.create_table(
        "school_class",
        sa.Column("class_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, sa.ForeignKey("org_unit.org_unit_id"), nullable=False),
        sa.Column(
            "academic_year_id", sa.Uuid, sa.ForeignKey("academic_year.academic_year_id"), nullable=False
        ),
        sa.Column("grade", sa.SmallInteger, nullable=False),
        sa.Column("letter", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("profile", sa.String(200), nullable=True),
        sa.Column("term_scheme_id", sa.Uuid, nullable=True),
        sa.Column("shift", sa.SmallInteger, nullable=False),
        sa.Column("class_teacher_person_id", sa.Uuid, nullable=True),
        sa.Column("max_size", sa.SmallInteger, nullable=False),
        sa.Column(
            "promoted_from_class_id",
            sa.Uuid,
            sa.ForeignKey("school_class.class_id"),
            nullable=True,
            unique=True,
        ),
        *_stamps(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint(
            "academic_year_id", "grade", "letter", name="uq_school_class_academic_year_id_grade_letter"
        ),
        sa.UniqueConstraint("promoted_from_class_id", name="uq_school_class_promoted_from_class_id"),
    )
    op.create_index("ix_school_class_school_id", "school_class", ["school_id"])
    op.create_index("ix_school_class_academic_year_id", "school_class", ["academic_year_id"])


def downgrade() -> None:
    op.drop_table("school_class")
    op.drop_table("academic_year")
    op.drop_table("org_unit")
    drop_bus_tables()
