"""Joins the branches written side by side: dated lessons and substitutions (scheduling0008,
scheduling0011), thematic plans (scheduling0009), class rosters and individual curricula
(scheduling0010). No schema change.

Revision ID: scheduling0012
Revises: scheduling0009, scheduling0010, scheduling0011
Create Date: 2026-12-02 20:00
"""

revision = "scheduling0012"
down_revision = ("scheduling0009", "scheduling0010", "scheduling0011")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
