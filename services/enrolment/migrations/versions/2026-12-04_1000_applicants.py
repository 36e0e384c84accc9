"""Persons' SNILS hashes from contingent (the applicant asking is recognised by them), and the lookup of
an applicant's applications.

Revision ID: enrolment0005
Revises: enrolment0004
Create Date: 2026-12-04 10:00
"""

from alembic import op

from eschool.common.db.person_keys import create_person_key_table

revision = "enrolment0005"
down_revision = "enrolment0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_person_key_table()
    # An applicant's own applications, in every school: the one index that does not start with school_id.
    op.create_index("ix_application_applicant_snils_hash", "application", ["applicant_snils_hash"])


def downgrade() -> None:
    op.drop_index("ix_application_applicant_snils_hash", table_name="application")
    op.drop_table("person_key")
