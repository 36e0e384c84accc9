"""Lessons' planned topics: the thematic plan's topic each scheduled lesson takes, in order.

Revision ID: scheduling0013
Revises: scheduling0012
Create Date: 2026-12-02 21:00
"""

import sqlalchemy as sa
from alembic import op

revision = "scheduling0013"
down_revision = "scheduling0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("lesson", sa.Column("planned_topic_number", sa.SmallInteger, nullable=True))
    op.add_column("lesson", sa.Column("planned_topic_title", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("lesson", "planned_topic_title")
    op.drop_column("lesson", "planned_topic_number")
