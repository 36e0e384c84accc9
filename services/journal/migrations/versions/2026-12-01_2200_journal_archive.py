"""The journal archive: a school's academic year made read-only at its end, with how long its journals
(5 years) and its summary sheets of final marks (25 years) are kept, and when retention purged them.

Revision ID: journal0002
Revises: journal0001
Create Date: 2026-12-01 22:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import UtcDateTime

revision = "journal0002"
down_revision = "journal0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_archive",
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("archived_at", UtcDateTime, nullable=False),
        sa.Column("archived_by", sa.Uuid, nullable=True),
        sa.Column("archived_by_person_id", sa.Uuid, nullable=True),
        sa.Column("journals_kept_until", sa.Date(), nullable=False),
        sa.Column("summary_sheets_kept_until", sa.Date(), nullable=False),
        sa.Column("journals_purged_at", UtcDateTime, nullable=True),
        sa.Column("summary_sheets_purged_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("school_id", "academic_year_id", name=op.f("pk_journal_archive")),
    )


def downgrade() -> None:
    op.drop_table("journal_archive")
