"""Applications, their status history, the portals' remembered answers, the org tree, the bus tables.

Revision ID: enrolment0001
Revises:
Create Date: 2026-12-03 09:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables
from eschool.common.db.base import JsonDoc, UtcDateTime

revision = "enrolment0001"
down_revision = None
branch_labels = None
depends_on = None
_FK = "fk_application_status_change_application_id_application"


def _org_tree() -> None:
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
        sa.Column("short_name", sa.String(200), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
    )


def _applications() -> None:
    op.create_table(
        "idempotent_request",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("response", JsonDoc, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_idempotent_request_created_at", "idempotent_request", ["created_at"])
    person = [
        sa.Column(f"{who}_{part}", sa.String(100), nullable=part == "middle_name")
        for who in ("child", "applicant")
        for part in ("last_name", "first_name", "middle_name")
    ]
    op.create_table(
        "application",
        sa.Column("application_id", sa.Uuid, primary_key=True),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("portal_number", sa.String(50), nullable=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("benefit", sa.String(30), nullable=False),
        sa.Column("sibling_in_school", sa.Boolean, nullable=False),
        sa.Column("in_territory", sa.Boolean, nullable=False),
        sa.Column("priority_group", sa.Integer, nullable=False),
        *person[:3],
        sa.Column("child_birth_date", sa.Date, nullable=False),
        sa.Column("child_sex", sa.String(10), nullable=False),
        sa.Column("child_citizenship", sa.String(2), nullable=True),
        sa.Column("child_snils_hash", sa.String(64), nullable=True),
        sa.Column("applicant_kind", sa.String(30), nullable=False),
        *person[3:],
        sa.Column("applicant_snils_hash", sa.String(64), nullable=True),
        sa.Column("applicant_email", sa.String(254), nullable=True),
        sa.Column("applicant_phone", sa.String(20), nullable=True),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("documents", JsonDoc, nullable=False),
        sa.Column("age_out_of_range", sa.Boolean, nullable=False),
        sa.Column("duplicate_of", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "uq_application_source_portal_number", "application", ["source", "portal_number"], unique=True
    )
    op.create_index(
        "ix_application_school_rank", "application", ["school_id", "status", "priority_group", "received_at"]
    )
    op.create_index(
        "ix_application_school_child", "application", ["school_id", "child_birth_date", "child_last_name"]
    )
    op.create_table(
        "application_status_change",
        sa.Column("change_id", sa.Uuid, primary_key=True),
        sa.Column(
            "application_id",
            sa.Uuid,
            sa.ForeignKey("application.application_id", name=op.f(_FK)),
            nullable=False,
        ),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("reason_code", sa.String(50), nullable=True),
        sa.Column("comment", sa.String(1000), nullable=True),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("actor_client_id", sa.String(100), nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_application_status_change_school_application",
        "application_status_change",
        ["school_id", "application_id"],
    )


def upgrade() -> None:
    _org_tree()
    _applications()
    create_bus_tables()


def downgrade() -> None:
    drop_bus_tables()
    op.drop_table("application_status_change")
    op.drop_table("application")
    op.drop_table("idempotent_request")
    op.drop_table("org_unit_state")
    op.drop_table("org_unit")
