"""Persons (SNILS kept only hashed and encrypted), pupils' enrolments, guardians' links.

Revision ID: contingent0003
Revises: contingent0002
Create Date: 2026-12-01 16:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import foreign_key

revision = "contingent0003"
down_revision = "contingent0002"
branch_labels = None
depends_on = None

ENROLLED_ONLY = "status = 'enrolled'"
LINKED_ONLY = "unlinked_at IS NULL"


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("middle_name", sa.String(100), nullable=True),
        sa.Column("birth_date", sa.Date, nullable=True),
        sa.Column("sex", sa.String(6), nullable=True),
        sa.Column("citizenship", sa.String(2), nullable=True),
        sa.Column("snils_hash", sa.String(64), nullable=True),
        sa.Column("snils_ciphertext", sa.String(255), nullable=True),
        sa.Column("snils_tail", sa.String(2), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_person_snils_hash", "person", ["snils_hash"], unique=True)
    op.create_table(
        "pupil_enrolment",
        sa.Column("pupil_enrolment_id", sa.Uuid, primary_key=True),
        sa.Column(
            "school_id",
            sa.Uuid,
            foreign_key("pupil_enrolment", "school_id", "org_unit.org_unit_id"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Uuid,
            foreign_key("pupil_enrolment", "person_id", "person.person_id"),
            nullable=False,
        ),
        sa.Column(
            "class_id",
            sa.Uuid,
            foreign_key("pupil_enrolment", "class_id", "school_class.class_id"),
            nullable=False,
        ),
        sa.Column(
            "academic_year_id",
            sa.Uuid,
            foreign_key("pupil_enrolment", "academic_year_id", "academic_year.academic_year_id"),
            nullable=False,
        ),
        sa.Column("personal_file_number", sa.String(30), nullable=False),
        sa.Column("education_form", sa.String(30), nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("order_series", sa.String(20), nullable=True),
        sa.Column("order_number", sa.String(30), nullable=False),
        sa.Column("order_date", sa.Date, nullable=False),
        sa.Column("attends_day_care", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("form_digest", sa.String(64), nullable=False),
        sa.Column("enrolled_by_user_id", sa.Uuid, nullable=True),
        *_stamps(),
        sa.UniqueConstraint(
            "school_id", "personal_file_number", name="uq_pupil_enrolment_school_id_personal_file_number"
        ),
    )
    op.create_index("ix_pupil_enrolment_person_id", "pupil_enrolment", ["person_id"])
    op.create_index("ix_pupil_enrolment_class_id", "pupil_enrolment", ["class_id"])
    # A person is enrolled in one school of the region at a time.
    op.create_index(
        "ix_pupil_enrolment_person_id_enrolled",
        "pupil_enrolment",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text(ENROLLED_ONLY),
        sqlite_where=sa.text(ENROLLED_ONLY),
    )
    op.create_table(
        "guardian_link",
        sa.Column("guardian_link_id", sa.Uuid, primary_key=True),
        sa.Column(
            "pupil_person_id",
            sa.Uuid,
            foreign_key("guardian_link", "pupil_person_id", "person.person_id"),
            nullable=False,
        ),
        sa.Column(
            "guardian_person_id",
            sa.Uuid,
            foreign_key("guardian_link", "guardian_person_id", "person.person_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("linked_at", UtcDateTime, nullable=False),
        sa.Column("linked_by_user_id", sa.Uuid, nullable=True),
        sa.Column("unlinked_at", UtcDateTime, nullable=True),
        sa.Column("unlinked_by_user_id", sa.Uuid, nullable=True),
    )
    op.create_index("ix_guardian_link_pupil_person_id", "guardian_link", ["pupil_person_id"])
    op.create_index("ix_guardian_link_guardian_person_id", "guardian_link", ["guardian_person_id"])
    # One present link between a pupil and a guardian; ended links stay as history.
    op.create_index(
        "ix_guardian_link_pupil_person_id_guardian_person_id",
        "guardian_link",
        ["pupil_person_id", "guardian_person_id"],
        unique=True,
        postgresql_where=sa.text(LINKED_ONLY),
        sqlite_where=sa.text(LINKED_ONLY),
    )


def downgrade() -> None:
    op.drop_table("guardian_link")
    op.drop_table("pupil_enrolment")
    op.drop_table("person")
