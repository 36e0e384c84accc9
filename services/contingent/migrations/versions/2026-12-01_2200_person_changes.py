"""The history of corrections to a person's card: who changed which fields when, old and new values
(a SNILS only as "changed": its digits are never written in clear).

Revision ID: contingent0009
Revises: contingent0008
Create Date: 2026-12-01 22:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime
from eschool.common.db.migrations import reference

revision = "contingent0009"
down_revision = "contingent0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_change",
        sa.Column("person_change_id", sa.Uuid, primary_key=True),
        reference("person_change", "person_id", "person.person_id"),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("changed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_person_change_person_id", "person_change", ["person_id"])


def downgrade() -> None:
    op.drop_table("person_change")
