"""Joins the two branches written side by side: curricula and teaching assignments (scheduling0005) and
the weekly timetable (scheduling0006). No schema change.

Revision ID: scheduling0007
Revises: scheduling0005, scheduling0006
Create Date: 2026-12-02 15:00
"""

revision = "scheduling0007"
down_revision = ("scheduling0005", "scheduling0006")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
